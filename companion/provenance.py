"""When and where the stored results were measured: date, commit, library versions, CPU.

:func:`companion.ledger.record` stores :func:`collect`'s record for the chapter it
measures, under the key ``"provenance"`` of ``results/<profile>.json`` (beside the
values, only when ``RNN_BOOK_RECORD=1``); :func:`describe` turns the stored records
into the lines the reproducibility page shows ("measured on ... with ...").
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["PROVENANCE_KEY", "collect", "cpu_model", "describe", "tensorflow_threads"]

PROVENANCE_KEY = "provenance"
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}
# What recording itself rewrites: changes there do not make the measuring code differ from the commit.
RECORDED_OUTPUTS = (":(exclude)results", ":(exclude)book/*.ipynb")


def _git(*args: str) -> str | None:
    """Output of ``git args`` in the course's folder, or ``None`` outside a git checkout."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30,
                              check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else what :mod:`platform` knows)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name") and ":" in line:
                return " ".join(line.split(":", 1)[1].split())
    return platform.processor() or platform.machine() or "unknown CPU"


def tensorflow_threads(cpus: int) -> int:
    """Threads TensorFlow uses within an op: as configured, else ``TF_NUM_INTRAOP_THREADS``, else `cpus`."""
    tf = sys.modules.get("tensorflow")
    configured = tf.config.threading.get_intra_op_parallelism_threads() if tf is not None else 0
    if configured > 0:
        return int(configured)
    from_environment = os.environ.get("TF_NUM_INTRAOP_THREADS", "").strip()
    return int(from_environment) if from_environment.isdigit() and int(from_environment) > 0 else cpus


def collect() -> dict[str, object]:
    """This process's provenance: UTC time, git commit (and whether code differs from it), versions, CPU.

    ``commit`` and ``uncommitted_changes`` are ``None`` outside a git checkout.
    """
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--", ".", *RECORDED_OUTPUTS) if commit else None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "uncommitted_changes": None if status is None else bool(status),
        "python": platform.python_version(),
        **{package: _version(package) for package in PACKAGES},
        "cpu": cpu_model(),
        "cpus": cpus,
        "threads": tensorflow_threads(cpus),
    }


def _environment(record: dict[str, object]) -> str:
    """The part of a provenance record that makes values differ: code, versions, machine."""
    commit = record.get("commit")
    code = "an unknown commit" if not commit else f"commit {str(commit)[:7]}"
    if record.get("uncommitted_changes"):
        code += " (plus uncommitted changes)"
    versions = [f"Python {record.get('python')}"] + [f"{name} {record.get(package)}"
                                                      for package, name in PACKAGES.items()]
    threads = record.get("threads")
    return (f"at {code}, with {', '.join(versions[:-1])} and {versions[-1]}, on {record.get('cpu')} "
            f"({record.get('cpus')} CPUs, {threads} TensorFlow thread{'' if threads == 1 else 's'})")


def describe(profile: str, records: dict[str, dict[str, object]], chapters: list[str]) -> list[str]:
    """Markdown list items saying where `profile`'s values were measured, one per environment.

    Args:
        profile: the profile's name, e.g. ``"cpu"``.
        records: the stored provenance records, by chapter.
        chapters: the chapters that stored values, in book order.

    Chapters measured in the same environment (code, versions, machine) share one item
    with their range of dates; chapters that stored values without a record read
    "not recorded".
    """
    if not chapters:
        return [f"- **{profile}**: no values stored"]
    groups: dict[str, list[str]] = {}
    for chapter in chapters:
        record = records.get(chapter)
        groups.setdefault("not recorded" if record is None else _environment(record), []).append(chapter)
    items = []
    for environment, members in groups.items():
        label = f"**{profile}**" if len(groups) == 1 else f"**{profile}** ({', '.join(members)})"
        if environment == "not recorded":
            items.append(f"- {label}: not recorded")
            continue
        dates = sorted(str(records[chapter].get("date"))[:10] for chapter in members)  # days of ISO times
        when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        items.append(f"- {label}: measured {when} {environment}")
    return items
