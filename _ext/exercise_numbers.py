"""Sphinx extension: exercises are numbered within their chapter (Exercise 1, 2, 3 on every page).

Sphinx numbers enumerable nodes (sphinx-exercise's exercises among them) by section
number; the book's table of contents is not numbered, so every page shares one
counter and the third chapter's exercises read "Exercise 7, 8, 9". After Sphinx has
assigned its numbers, this renumbers each page's exercises from 1, in page order
(``sphinx-exercise`` reads ``env.toc_fignumbers`` when it writes the titles).
"""

from __future__ import annotations

from typing import Any

FIGTYPE = "exercise"


def renumber(toc_fignumbers: dict[str, dict[str, dict[str, tuple[int, ...]]]]) -> list[str]:
    """Number each document's `FIGTYPE` entries 1, 2, ... in their current order; return changed docs."""
    changed = []
    for docname, types in toc_fignumbers.items():
        numbers = types.get(FIGTYPE)
        if not numbers:
            continue
        ordered = sorted(numbers, key=lambda node_id: numbers[node_id])
        renumbered = {node_id: (index,) for index, node_id in enumerate(ordered, start=1)}
        if renumbered != numbers:
            types[FIGTYPE] = renumbered
            changed.append(docname)
    return changed


def _renumber_exercises(app: Any, env: Any) -> list[str]:
    return renumber(env.toc_fignumbers)


def setup(app: Any) -> dict[str, Any]:
    # After Sphinx's TocTreeCollector (priority 500) has assigned the book-wide numbers.
    app.connect("env-get-updated", _renumber_exercises, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
