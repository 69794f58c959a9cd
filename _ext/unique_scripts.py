"""Sphinx extension: each page lists every script once.

Sphinx 7.4 (the series Jupyter Book 1 requires) adds an inline script twice when an
extension registers it after the builder started: once as it was added and once
more, with its filename ``None`` turned into ``""``, when the pages are prepared.
sphinx-thebe's ``const THEBE_JS_URL = ...`` then runs twice, a SyntaxError in the
console of every page. This keeps the first of scripts that differ only so.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def unique(scripts: list[Any]) -> list[Any]:
    """`scripts` without the repeats, a ``None`` filename counting as ``""``, in order."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for script in scripts:
        key = (script.filename or "", script.priority, *sorted(script.attributes.items()))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _dedupe_page_scripts(app: Sphinx, pagename: str, templatename: str,
                         context: dict[str, Any], doctree: object) -> None:
    if "script_files" in context:
        context["script_files"] = unique(list(context["script_files"]))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _dedupe_page_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
