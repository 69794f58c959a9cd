"""The ``>>>`` examples in the companion's docstrings run, and print what they show (doctest)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

COMPANION = Path(__file__).resolve().parent.parent / "companion"
WITH_EXAMPLES = sorted(path.stem for path in COMPANION.glob("*.py") if ">>> " in path.read_text(encoding="utf-8"))


def test_the_companion_has_examples():
    assert WITH_EXAMPLES, "no `>>>` example in companion/: this test would check nothing"


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_examples_print_what_they_show(name, capsys):
    module = importlib.import_module(f"companion.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    report = capsys.readouterr().out
    assert result.attempted > 0, f"companion/{name}.py: its `>>>` lines are not in a docstring doctest finds"
    assert result.failed == 0, f"companion/{name}.py: {result.failed} example(s) failed:\n{report}"
