"""Sphinx extension: the single-page HTML build renders every node the HTML build renders.

Sphinx gives a builder the node handlers registered under its name and falls back to those
of its format (``html``) only when none are. sphinx-exercise registers handlers under
``singlehtml``, so that builder loses every other extension's html handlers (myst-nb's
hidden code cells, the char-RNN writer) and stops at the first such node. This gives
``singlehtml`` the html handlers it lacks. ``tools/build_pdf.py`` prints that build.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def inherit_html_handlers(app: Sphinx) -> None:
    """Add the ``html`` node handlers that ``singlehtml`` lacks (its own ones win)."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    handlers["singlehtml"] = {**handlers.get("html", {}), **handlers.get("singlehtml", {})}


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", inherit_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
