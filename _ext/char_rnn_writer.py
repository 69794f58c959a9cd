"""Sphinx extension: the ``char-rnn-writer`` directive, the course's char-RNN writing in the page.

In a chapter (MyST)::

    ```{char-rnn-writer}
    :text: ROMEO:
    :temperature: 0.7
    :length: 300
    ```

emits a seed-text box, a temperature slider (MIN_TEMPERATURE to MAX_TEMPERATURE, which
the script reads from the slider), a length, an optional random seed, a Write button
(Enter in a box presses it) and an output area.

The files, copied into ``_static/char_rnn_writer/`` when the build starts:

- ``char_rnn.web.js``: the exported weights (``char_rnn_writer_weights``, default
  ``book/checkpoints/char_rnn.web.js``, written by ``python -m companion.export_char_rnn``);
- ``char_rnn_engine.js``: the model in plain JavaScript (GRU forward step, generate, trace,
  backward pass, connectivity, atTemperature), which defines ``window.charRNN``;
- ``char_rnn_writer.js`` and ``char_rnn_writer.css``: the writer widget, which only reads
  its fields and draws.

A page loads them only if it needs them (0.9 MB of weights): :func:`add_engine_assets`
adds the weights and the engine to the page being written (call it from an
``html-page-context`` handler: the writer's, here, and that of any other widget that uses
``window.charRNN``), and the writer's pages also load the writer's script and style sheet.
They are scripts, not fetched data, so the page also works from ``file://``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.fileutil import copy_asset_file

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "char_rnn_writer_static"
OUT_FOLDER = "char_rnn_writer"  # inside the site's _static/
WEIGHTS_NAME = "char_rnn.web.js"
ENGINE_NAME = "char_rnn_engine.js"
# `defer` script priorities: deferred scripts run in this order, after the page is parsed.
WEIGHTS_PRIORITY, ENGINE_PRIORITY, WIDGET_PRIORITY = 600, 601, 602  # widgets: >= WIDGET_PRIORITY
DEFAULTS = {"text": "ROMEO:", "temperature": 0.7, "length": 300}
MAX_LENGTH = 2000
# The temperatures the page offers: written into the slider's and the box's min/max, which
# char_rnn_writer.js reads (the API, charRNN.generate, takes any temperature > 0).
MIN_TEMPERATURE = 0.1
MAX_TEMPERATURE = 2.0


class char_rnn_writer(nodes.General, nodes.Element):
    """The widget; its attributes are the directive's options."""


def _temperature(argument: str | None) -> float:
    value = directives.unchanged_required(argument)
    try:
        temperature = float(value)
    except ValueError:
        temperature = float("nan")
    if not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        raise ValueError(f"expected a number from {MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g}, received {value!r}")
    return temperature


def _length(argument: str | None) -> int:
    length = directives.positive_int(argument)
    if length > MAX_LENGTH:
        raise ValueError(f"expected at most {MAX_LENGTH} characters, received {length}")
    return length


class CharRNNWriter(SphinxDirective):
    """``{char-rnn-writer}``: the widget, with optional defaults for its three settings."""

    has_content = False
    option_spec = {"text": directives.unchanged_required, "temperature": _temperature,
                   "length": _length}

    def run(self) -> list[nodes.Node]:
        node = char_rnn_writer()
        node["ids"].append(f"char-rnn-writer-{self.env.new_serialno('char-rnn-writer')}")
        for name, default in DEFAULTS.items():
            node[name] = self.options.get(name, default)
        self.set_source_info(node)
        return [node]


def widget_html(node_id: str, text: str, temperature: float, length: int) -> str:
    """The widget's HTML; ``char_rnn_writer.js`` finds its parts by ``data-role``.

    A form, so that Enter in a box presses Write (``novalidate``: the script checks the
    values and says what is wrong in the field's words). The whole-number boxes are text
    boxes, so that the script sees what the reader typed ("0x10", "1e2") and refuses it.
    """
    ident = html.escape(node_id)
    esc = html.escape
    limits = f'min="{MIN_TEMPERATURE:g}" max="{MAX_TEMPERATURE:g}" step="0.05" value="{temperature:g}"'
    return f"""
<div class="char-rnn-writer" id="{ident}" data-state="loading">
<form class="char-rnn-writer-form" novalidate>
<div class="char-rnn-writer-controls">
<label for="{ident}-text">Seed text</label>
<textarea id="{ident}-text" data-role="text" rows="2" spellcheck="false">{esc(text)}</textarea>
<label for="{ident}-temperature">Temperature</label>
<div class="char-rnn-writer-temperature">
<input type="range" data-role="temperature-slider" {limits} aria-label="Temperature slider">
<input type="number" id="{ident}-temperature" data-role="temperature" {limits}>
</div>
<label for="{ident}-length">Characters to write</label>
<input type="text" id="{ident}-length" data-role="length" inputmode="numeric" data-max="{MAX_LENGTH}"
 value="{length}" autocomplete="off">
<label for="{ident}-seed">Random seed</label>
<input type="text" id="{ident}-seed" data-role="seed" inputmode="numeric" placeholder="empty: random"
 autocomplete="off">
</div>
<button type="submit" data-role="write" disabled>Write</button>
</form>
<p class="char-rnn-writer-message" data-role="message" role="alert" hidden></p>
<pre class="char-rnn-writer-output" data-role="output" aria-live="polite"></pre>
<p class="char-rnn-writer-status" data-role="status">Loading the model…</p>
<noscript><p>The model writes in your browser: this needs JavaScript.</p></noscript>
<p class="char-rnn-writer-print">The writer runs in the web version of this page.</p>
</div>
"""


def visit_html(self: Any, node: char_rnn_writer) -> None:
    self.body.append(widget_html(node["ids"][0], node["text"], node["temperature"], node["length"]))
    raise nodes.SkipNode


def skip(self: Any, node: char_rnn_writer) -> None:
    raise nodes.SkipNode  # other formats (LaTeX, text) show nothing: the widget needs a browser


def weights_file(app: Sphinx) -> Path:
    """The exported weights (``char_rnn_writer_weights``, relative to the book's root)."""
    return Path(app.srcdir) / app.config.char_rnn_writer_weights


def copy_assets(app: Sphinx) -> None:
    """Copy the engine, the writer's script and style sheet, and the weights into ``_static/char_rnn_writer/``."""
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / OUT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in (ENGINE_NAME, "char_rnn_writer.js", "char_rnn_writer.css"):
        copy_asset_file(str(STATIC / name), str(target))
    weights = weights_file(app)
    if weights.is_file():
        copy_asset_file(str(weights), str(target / WEIGHTS_NAME))
    else:
        logger.warning(f"char_rnn_writer: no exported weights at {weights}: run "
                       f"`python -m companion.export_char_rnn` (the writer will say it cannot load)",
                       type="char_rnn_writer", subtype="weights")


def add_engine_assets(app: Sphinx) -> None:
    """Load the weights, then ``char_rnn_engine.js`` (``window.charRNN``), on the page being written.

    Call it from an ``html-page-context`` handler, for a page that needs the engine; calling
    it again for the same page adds nothing (Sphinx keeps one copy of an identical script).
    The page's widget scripts use ``defer`` and a priority >= ``WIDGET_PRIORITY``, so that
    they run after the engine.
    """
    # `defer`: the page renders first; deferred scripts run in order, weights first.
    app.add_js_file(f"{OUT_FOLDER}/{WEIGHTS_NAME}", defer="defer", priority=WEIGHTS_PRIORITY)
    app.add_js_file(f"{OUT_FOLDER}/{ENGINE_NAME}", defer="defer", priority=ENGINE_PRIORITY)


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: nodes.document | None) -> None:
    """Load the writer's files on the pages that show it, and nowhere else (0.9 MB of weights)."""
    if doctree is None or next(iter(doctree.findall(char_rnn_writer)), None) is None:
        return
    app.add_css_file(f"{OUT_FOLDER}/char_rnn_writer.css")
    add_engine_assets(app)
    app.add_js_file(f"{OUT_FOLDER}/char_rnn_writer.js", defer="defer", priority=WIDGET_PRIORITY)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("char_rnn_writer_weights", "book/checkpoints/char_rnn.web.js", "html", [str])
    app.add_node(char_rnn_writer, html=(visit_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive("char-rnn-writer", CharRNNWriter)
    app.connect("builder-inited", copy_assets)
    app.connect("html-page-context", add_page_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
