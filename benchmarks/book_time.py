"""Wall time of every chapter under nbval, and the change since the previous commit.

Runs ``pytest`` on the chapters (or reads the JUnit XML report of an earlier
run), sums the time of each chapter's cells, prints one line per chapter, their
sum and the run's wall time, and compares them with ``benchmarks/book_time.json``
as committed in ``HEAD`` (the previous figures), when it exists. ``pytest`` runs
chapters in parallel (``-n auto``, one chapter per worker), so the wall time is
shorter than the sum of the chapters; chapters sharing the CPUs also run slower
than alone. ``book/conftest.py`` reads the stored per-chapter seconds to start
the slowest chapters first::

    python benchmarks/book_time.py                        # every chapter, then compare
    python benchmarks/book_time.py book/introduction.ipynb book/recurrent_neurons.ipynb
    python benchmarks/book_time.py --junit report.xml     # no run: read pytest --junitxml
    python benchmarks/book_time.py --junit new.xml --before old.xml   # two checkouts
    python benchmarks/book_time.py --write                # also store the figures to commit

Timings depend on the machine and on what else runs on it: compare figures
measured on the same machine (``--write`` stores the CPU count with them), and
runs of the same command: with ``--junit`` and ``--before``, the table is
followed by one line per report: its tests, how many were skipped, and how many
of the smoke run's chapter runs ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "benchmarks" / "book_time.json"
SMOKE_TESTS = "test_full_profile_smoke"  # its tests' JUnit classname: tests.test_full_profile_smoke
SMOKE_RUN = "test_chapter_runs_under_the_full_profile_with_capped_training["  # its chapter runs, one per chapter


def chapter_times(junit_xml: Path) -> dict[str, float]:
    """Seconds per chapter notebook (``book/X.ipynb``) in a pytest JUnit XML report.

    nbval reports one test case per cell; their ``time`` attributes are summed
    per notebook. Test cases of other files (unit tests) are left out.
    """
    if not junit_xml.is_file():
        raise FileNotFoundError(
            f"Argument `junit_xml`: no file at {junit_xml}. Expected the report written by "
            f"`pytest --junitxml=FILE`."
        )
    times: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        name = case.get("file") or case.get("classname", "")
        # nbval's classname is "book.X.ipynb" (path with dots); file may be missing
        name = name.replace("\\", "/")
        if name.endswith(".ipynb"):
            if "/" not in name and name.count(".") > 1:
                name = name[: -len(".ipynb")].replace(".", "/") + ".ipynb"
            times[name] += float(case.get("time", 0.0))
    return dict(sorted(times.items()))


def wall_time(junit_xml: Path) -> float:
    """Wall time of the whole pytest run in a JUnit XML report (its ``testsuite`` element)."""
    suite = next(ET.parse(junit_xml).getroot().iter("testsuite"), None)
    if suite is None or suite.get("time") is None:
        raise ValueError(f"Argument `junit_xml`: {junit_xml} has no <testsuite time=...>.")
    return float(suite.get("time"))


def run_chapters(notebooks: list[str]) -> tuple[dict[str, float], float]:
    """Run nbval on `notebooks` (the README's settings); return seconds per chapter and wall time."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}",
                   "-o", "junit_family=xunit1", *notebooks]
        completed = subprocess.run(command, cwd=ROOT, check=False)
        if not report.is_file():
            raise RuntimeError(f"pytest wrote no report (exit code {completed.returncode}).")
        if completed.returncode != 0:
            print(f"warning: pytest failed (exit code {completed.returncode}); times below "
                  f"include the failed cells", file=sys.stderr)
        return chapter_times(report), wall_time(report)


def workload(junit_xml: Path) -> str:
    """What the run of a JUnit XML report held: its tests, how many were skipped, and how many
    chapter runs of the smoke run (``tests/test_full_profile_smoke.py``) ran.

    Two runs compare only when they ran the same command: ``.ci/run`` adds the smoke run
    (``RNN_BOOK_SMOKE_TEST=1``) to the README's ``pytest``; checkouts before 3d47c30 have none.
    """
    cases = list(ET.parse(junit_xml).getroot().iter("testcase"))
    skipped = [case.find("skipped") is not None for case in cases]
    smoke = [skip for case, skip in zip(cases, skipped, strict=True)
             if SMOKE_TESTS in case.get("classname", "") and case.get("name", "").startswith(SMOKE_RUN)]
    smoke_text = (f"{smoke.count(False)} of {len(smoke)} ran" if smoke else "none in the report")
    return (f"{len(cases)} tests, {sum(skipped)} skipped; smoke run ({SMOKE_TESTS}): "
            f"{smoke_text}")


def previous_figures() -> dict[str, float]:
    """The chapter times stored in ``HEAD:benchmarks/book_time.json`` ({} if none).

    The run's wall time, when stored, is under the key ``"wall"``.
    """
    try:
        text = subprocess.run(["git", "show", "HEAD:benchmarks/book_time.json"], cwd=ROOT,
                              check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return {}
    stored = json.loads(text)
    return {**stored["seconds"], **({"wall": stored["wall"]} if "wall" in stored else {})}


def report(now: dict[str, float], before: dict[str, float], wall: float | None = None) -> str:
    """Table of seconds per chapter, with the previous figures and the ratio when known.

    `wall` (the run's wall time) adds a last line, compared with ``before["wall"]``.
    """
    lines = [f"{'chapter':<34}{'seconds':>9}{'before':>9}{'ratio':>8}"]
    for name, seconds in now.items():
        old = before.get(name)
        extra = f"{old:9.0f}{seconds / old:8.2f}" if old else f"{'-':>9}{'-':>8}"
        lines.append(f"{name:<34}{seconds:9.0f}{extra}")
    total = sum(now.values())
    old_total = sum(before[name] for name in now if name in before)
    compared = all(name in before for name in now) and old_total > 0
    extra = f"{old_total:9.0f}{total / old_total:8.2f}" if compared else f"{'-':>9}{'-':>8}"
    lines.append(f"{'total':<34}{total:9.0f}{extra}")
    if wall is not None:
        old_wall = before.get("wall")
        extra = f"{old_wall:9.0f}{wall / old_wall:8.2f}" if old_wall else f"{'-':>9}{'-':>8}"
        lines.append(f"{'wall time of the run':<34}{wall:9.0f}{extra}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="chapters to run (default: book/*.ipynb)")
    parser.add_argument("--junit", type=Path, help="read this pytest --junitxml report, run nothing")
    parser.add_argument("--before", type=Path, help="compare with this JUnit report (another "
                        "checkout run side by side) instead of the figures committed in HEAD")
    parser.add_argument("--write", action="store_true", help=f"store the figures in {STORED}")
    args = parser.parse_args()
    if args.junit is not None:
        if args.notebooks:
            parser.error("give either --junit or notebooks to run, not both")
        now, wall = chapter_times(args.junit), wall_time(args.junit)
    else:
        notebooks = args.notebooks or sorted(
            str(path.relative_to(ROOT)) for path in (ROOT / "book").glob("*.ipynb"))
        now, wall = run_chapters(notebooks)
    if not now:
        sys.exit("No chapter notebook in the report: nothing to time.")
    if args.before is not None:
        before = {**chapter_times(args.before), "wall": wall_time(args.before)}
    else:
        before = previous_figures()
    print(report(now, before, wall))
    if args.junit is not None and args.before is not None:
        print(f"now:    {workload(args.junit)}\nbefore: {workload(args.before)}")
    if args.write:
        figures = {"cpus": os.cpu_count(), "wall": round(wall, 1),
                   "seconds": {name: round(seconds, 1) for name, seconds in now.items()}}
        STORED.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"stored in {STORED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
