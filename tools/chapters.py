"""Reading the chapters' MyST sources and ``_toc.yml``: for the tests, and for book/conftest.py,
which runs each chapter's solutions in its nbval kernel and, in a run that records, the chapters in
the order of ``_toc.yml``."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("*.md"))
PYTHON_LANGUAGES = {"python", "python3", "ipython3", "{code-block} python", "{code-block} python3"}

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*(?P<info>.*?)\s*$")


def toc_chapters() -> list[str]:
    """The book's pages with a MyST source (``book/<name>.md``), by name, in the order of ``_toc.yml``
    (its ``root`` and the ``chapters`` of its ``parts``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [chapter["file"] for part in toc.get("parts", []) for chapter in part["chapters"]]
    return [Path(file).name for file in files if (ROOT / f"{file}.md").is_file()]


def solution_code(markdown: str) -> list[tuple[str, str]]:
    """The code of every ``{solution}`` directive in `markdown`, in order.

    Returns:
        ``(label, code)`` pairs: one per fenced python block inside a solution
        (a solution without code contributes nothing).
    """
    found: list[tuple[str, str]] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not (match and match["info"].startswith("{solution}")):
            i += 1
            continue
        label = match["info"].removeprefix("{solution}").strip()
        outer = match["fence"]
        i += 1
        while i < len(lines) and lines[i].strip() != outer:  # the directive's body
            inner = _FENCE.match(lines[i])
            if inner and len(inner["fence"]) < len(outer) and inner["info"] in PYTHON_LANGUAGES:
                fence, body = inner["fence"], []
                i += 1
                while i < len(lines) and lines[i].strip() != fence:
                    body.append(lines[i])
                    i += 1
                found.append((label, "\n".join(body) + "\n"))
            i += 1
        i += 1
    return found


def code_cells(path: Path) -> list[str]:
    """The source of every code cell of the chapter `path` (a MyST ``.md``), in order."""
    notebook = jupytext.read(path, fmt="md:myst")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def chapter_code(chapter: str) -> str:
    """All the code of ``book/<chapter>.md`` a reader runs: its code cells, then its exercise solutions."""
    source = BOOK / f"{chapter}.md"
    solutions = [code for _, code in solution_code(source.read_text(encoding="utf-8"))]
    return "\n".join(code_cells(source) + solutions)
