"""Wall time of every chapter under nbval, and the change since the previous commit.

Runs ``pytest`` on the chapters (or reads the JUnit XML report of an earlier
run), sums the time of each chapter's cells, prints one line per chapter and the
total, and compares them with ``benchmarks/book_time.json`` as committed in
``HEAD`` (the previous figures), when it exists::

    python benchmarks/book_time.py                        # every chapter, then compare
    python benchmarks/book_time.py book/introduction.ipynb book/recurrent_neurons.ipynb
    python benchmarks/book_time.py --junit report.xml     # no run: read pytest --junitxml
    python benchmarks/book_time.py --write                # also store the figures to commit

Timings depend on the machine and on what else runs on it: compare figures
measured on the same machine (``--write`` stores the CPU count with them).
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


def run_chapters(notebooks: list[str]) -> dict[str, float]:
    """Run nbval on `notebooks` (the README's settings) and return seconds per chapter."""
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
        return chapter_times(report)


def previous_figures() -> dict[str, float]:
    """The chapter times stored in ``HEAD:benchmarks/book_time.json`` ({} if none)."""
    try:
        text = subprocess.run(["git", "show", "HEAD:benchmarks/book_time.json"], cwd=ROOT,
                              check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return {}
    return json.loads(text)["seconds"]


def report(now: dict[str, float], before: dict[str, float]) -> str:
    """Table of seconds per chapter, with the previous figures and the ratio when known."""
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
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="chapters to run (default: book/*.ipynb)")
    parser.add_argument("--junit", type=Path, help="read this pytest --junitxml report, run nothing")
    parser.add_argument("--write", action="store_true", help=f"store the figures in {STORED}")
    args = parser.parse_args()
    if args.junit is not None:
        if args.notebooks:
            parser.error("give either --junit or notebooks to run, not both")
        now = chapter_times(args.junit)
    else:
        notebooks = args.notebooks or sorted(
            str(path.relative_to(ROOT)) for path in (ROOT / "book").glob("*.ipynb"))
        now = run_chapters(notebooks)
    if not now:
        sys.exit("No chapter notebook in the report: nothing to time.")
    print(report(now, previous_figures()))
    if args.write:
        STORED.write_text(json.dumps({"cpus": os.cpu_count(), "seconds": {
            name: round(seconds, 1) for name, seconds in now.items()}}, indent=2) + "\n")
        print(f"stored in {STORED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
