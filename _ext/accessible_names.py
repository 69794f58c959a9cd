"""Sphinx extension: the markup docutils and myst-nb write passes axe-core's WCAG 2 A/AA rules.

Two visitors replace the ones that wrote names or roles a screen reader gets wrong:

- a citation on the References page is a ``listitem`` of its ``role="list"`` (docutils
  wrote ``role="doc-biblioentry"``, deprecated in DPUB-ARIA 1.1 and not a list item, so
  the list had no items: axe's aria-required-children, critical);
- the summary of a hidden code cell ("Show code cell source") is named by its visible
  text (myst-nb added ``aria-label="Toggle hidden content"``, which does not contain the
  text a speech user reads off the screen: label-content-name-mismatch, serious).

The theme's own buttons are fixed in the browser by ``_static/accessible_names.js``
(pydata-sphinx-theme renders them from its templates, and they work only with JavaScript).
``tests/test_accessibility.py`` runs axe-core on every page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx


def visit_citation(self: Any, node: nodes.citation) -> None:
    """Opens the list before the first of consecutive citations; each is a ``listitem``."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self: Any, node: nodes.citation) -> None:
    """Closes the citation, and the list after the last of consecutive citations."""
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
        self.body.append("</div>\n")


def visit_hidden_cell(self: Any, node: HideCodeCellNode) -> None:
    """myst-nb's ``<details>`` of a hidden cell, its summary named by the prompt it shows."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n'
                     f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
                     f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
                     "</summary>\n")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")  # its visitor must be registered before this one replaces it
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
