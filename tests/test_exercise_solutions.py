"""Exercise solutions that contain code must run in their chapter's namespace.

A solution is a sphinx-exercise ``{solution}`` directive in a chapter's ``.md``;
its code is every fenced ``python`` block inside it (the directive's own fence
is then four backticks long). These fast tests check that the code is found and
compiles; tests/test_full_profile_smoke.py executes it where the solution stands,
in the chapter's namespace (``RNN_BOOK_SMOKE_TEST=1``, which ``.ci/run`` sets).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chapters import BOOK, solution_code

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
