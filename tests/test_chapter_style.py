"""Chapter code fits the page: no line of a chapter's code is longer than 88 characters.

Measured on the MyST sources (``book/*.md``): every code cell, every
``{literalinclude}`` of a companion function the chapters show, and every code
block of an exercise solution. At 1400 px the site shows about 88 characters of
code without a horizontal scroll bar.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chapters import CHAPTERS, code_cells, solution_code

MAX_LINE = 88
# A literalinclude of one object: its options may come in any order (":language:" first too).
_INCLUDE = re.compile(r"^```\{literalinclude\}\s+(?P<file>\S+)\s*\n(?:(?!:pyobject:):[\w-]+:.*\n)*"
                      r":pyobject:\s*(?P<name>\S+)", re.MULTILINE)


def long_lines(code: str, where: str) -> list[str]:
    """``where: line N (L characters): text`` for each line of `code` over MAX_LINE."""
    return [f"{where}: line {number} ({len(line)} characters): {line.strip()[:60]}"
            for number, line in enumerate(code.splitlines(), start=1) if len(line) > MAX_LINE]


def pyobject_source(path: Path, name: str) -> str:
    """The source of the function, class or method `name` (``Class.method``) in `path`.

    The lines Sphinx's ``:pyobject:`` shows, with their indentation in the file.
    """
    import ast

    text = path.read_text(encoding="utf-8")
    body: list[ast.stmt] = ast.parse(text).body
    node: ast.stmt | None = None
    for part in name.split("."):
        node = next((child for child in body if isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == part), None)
        if node is None:
            raise LookupError(f"{path} has no function, class or method {name!r}")
        body = node.body
    first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    return "\n".join(text.splitlines()[first - 1:node.end_lineno])


def test_long_lines_are_found() -> None:
    assert long_lines("x = 1\n" + "y" * 89 + "\n" + "z" * 88, "cell 1") == [
        f"cell 1: line 2 (89 characters): {'y' * 60}"
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_code_lines_fit_the_page(path: Path) -> None:
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cells: is it still a MyST notebook?"
    problems = [problem for index, code in enumerate(cells, start=1)
                for problem in long_lines(code, f"{path.name}, code cell {index}")]
    markdown = path.read_text(encoding="utf-8")
    for label, code in solution_code(markdown):
        problems += long_lines(code, f"{path.name}, solution {label}")
    for match in _INCLUDE.finditer(markdown):
        source = pyobject_source((path.parent / match["file"]).resolve(), match["name"])
        problems += long_lines(source, f"{path.name}, literalinclude {match['name']}")
    assert not problems, f"code lines over {MAX_LINE} characters:\n" + "\n".join(problems)
