"""Exercise solutions that contain code must run in their chapter's namespace.

A solution is a sphinx-exercise ``{solution}`` directive in a chapter's ``.md``;
its code is every fenced ``python`` block inside it (the directive's own fence
is then four backticks long). These fast tests check that the code is found and
compiles, that it stands after the chapter's code, and that book/conftest.py runs it
there: in the chapter's nbval kernel, after its last cell. The smoke run of the
``full`` profile (tests/test_full_profile_smoke.py) runs it too, in the chapters it runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from chapters import BOOK, solution_code

ROOT = BOOK.parent

CHAPTERS_WITH_CODE = sorted(
    path for path in BOOK.glob("*.md") if solution_code(path.read_text(encoding="utf-8"))
)


def test_solution_code_is_found() -> None:
    sample = "\n".join([
        "```{exercise}", ":label: ex-a", "", "Do it.", "```", "",
        "````{solution} ex-a", ":class: dropdown", "", "Text.", "",
        "```python", "x = 1", "y = x + 1", "```", "", "```text", "not code", "```", "````", "",
        "```{solution} ex-b", ":class: dropdown", "", "No code here.", "```",
    ])
    assert solution_code(sample) == [("ex-a", "x = 1\ny = x + 1\n")]


def test_time_series_naive_solution_has_code() -> None:
    # The solution that item 4 of issue 14 fixed: its code must stay visible to the slow test.
    labels = [label for label, _ in solution_code((BOOK / "time_series.md").read_text(encoding="utf-8"))]
    assert "ex-ts-naive" in labels
    assert BOOK / "time_series.md" in CHAPTERS_WITH_CODE


@pytest.mark.parametrize("path", CHAPTERS_WITH_CODE, ids=lambda path: path.stem)
def test_solution_code_compiles(path: Path) -> None:
    for label, code in solution_code(path.read_text(encoding="utf-8")):
        compile(code, f"{path.name}: solution {label}", "exec")


@pytest.mark.parametrize("path", CHAPTERS_WITH_CODE, ids=lambda path: path.stem)
def test_solutions_stand_after_the_chapters_code(path: Path) -> None:
    # book/conftest.py runs them after the chapter's last cell: that must be where they stand.
    lines = path.read_text(encoding="utf-8").splitlines()
    code = [number for number, line in enumerate(lines) if re.match(r"`{3,}\{code-cell\}", line)]
    solutions = [number for number, line in enumerate(lines) if re.match(r"(`{3,}|:{3,})\{solution\}", line)]
    assert code and solutions, f"{path.name}: {len(code)} code cells, {len(solutions)} solutions found"
    assert min(solutions) > max(code), (f"{path.name}: the solution on line {min(solutions) + 1} stands before "
                                        f"the code cell on line {max(code) + 1}")


CHAPTER = """\
---
jupytext:
  formats: ipynb,md:myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

```{code-cell} ipython3
answer = 40
```

```{code-cell} ipython3
answer += 1
```

````{solution} ex-right
:class: dropdown

```python
answer += 1
print("solved")
```
````

````{solution} ex-wrong
:class: dropdown

```python
assert answer == 41, "the solution before this one ran first"
```
````
"""


def run_nbval(folder: Path, *selection: str, collect_only: bool = False) -> str:
    """The verbose report of nbval on `folder`/book/chapter.ipynb with book/conftest.py (and its solutions);
    with `collect_only`, the items that would run (no kernel starts)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}  # as pytest's pythonpath (pyproject.toml)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--color=no", "--nbval",
         "--nbval-current-env", "--rootdir", str(folder), *(["--collect-only", "-q"] if collect_only else ["-v"]),
         *(selection or ["book/chapter.ipynb"])],
        cwd=folder, env=environ, capture_output=True, text=True, timeout=300)
    return result.stdout


def items(report: str) -> list[str]:
    """The names of the chapter's items that a ``--collect-only -q`` report lists."""
    return [line.split("::", 1)[1] for line in report.splitlines() if line.startswith("book/chapter.ipynb::")]


def test_nbval_runs_the_solutions_after_the_chapters_last_cell(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "conftest.py").write_text((BOOK / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (book / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    jupytext.write(jupytext.read(book / "chapter.md"), book / "chapter.ipynb")
    report = run_nbval(tmp_path)
    assert re.search(r"::Cell 1 PASSED", report), report
    # in the chapter's kernel, in order: the first solution's `answer += 1` broke the second's assertion
    assert re.search(r"::Solution ex-right PASSED", report), report
    assert re.search(r"::Solution ex-wrong FAILED", report), report
    assert "the solution before this one ran first" in report
    assert re.search(r"^_+ book/chapter\.ipynb::Solution ex-wrong _+$", report, re.M), report  # its failure's header
    # a run of some cells gets no solutions: they would run without the cells above them
    chosen = run_nbval(tmp_path, "book/chapter.ipynb::Cell 0", collect_only=True)
    assert items(chosen) == ["Cell 0"], chosen
    deselected = run_nbval(tmp_path, "book/chapter.ipynb", "--deselect", "book/chapter.ipynb::Cell 0",
                           collect_only=True)
    assert items(deselected) == ["Cell 1"] and "3 deselected" in deselected, deselected
    without = run_nbval(tmp_path, "book/chapter.ipynb", "-k", "not Solution", collect_only=True)
    assert items(without) == ["Cell 0", "Cell 1"], without  # solutions can be left out
