"""Sphinx extension: the ``char-rnn-inside`` directive, views of the char-RNN's insides, in the page.

In a chapter (MyST)::

    ```{char-rnn-inside}
    :view: units
    ```

``:view: units`` emits a passage box, a unit picker (the units the chapter found, and any
unit by layer and number), a temperature slider, and the passage drawn as text coloured by
the chosen unit's state ``h``, with a bar of the update gate ``z`` under each character and
the five likeliest next characters of the one pointed at or selected. ``:view: connectivity``
emits a passage box and the passage drawn as text: choose a character and every earlier one
is shaded by how much it moves the prediction of the character after it.

The page data (config ``char_rnn_inside_data``, default ``results/cpu-inside.json``, written
by the chapter: ``{"passage": str, "units": [{"feature", "label", "layer", "unit",
"correlation"}, ...]}``) is embedded in each widget as JSON. The page that uses the directive,
and only that page, loads the shared drawing helpers (``char_rnn_inside.js``), the script of
each view it shows, their style sheet, and the model (``char_rnn_writer.add_engine_assets``):
plain scripts, so the page also works from ``file://``. Other formats (LaTeX, text) skip the
widget: it needs a browser.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.fileutil import copy_asset_file

import char_rnn_writer  # _ext/ (on sys.path): the engine's assets and the temperatures the page offers

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "char_rnn_inside_static"
OUT_FOLDER = "char_rnn_inside"  # inside the site's _static/
STYLE = "char_rnn_inside.css"
HELPERS = "char_rnn_inside.js"  # drawing helpers both views use
VIEW_SCRIPTS = {"units": "char_rnn_units_view.js", "connectivity": "char_rnn_connectivity_view.js"}
VIEWS = tuple(VIEW_SCRIPTS)
DEFAULT_DATA = "results/cpu-inside.json"  # config char_rnn_inside_data: the chapter writes it
MAX_PASSAGE = 2000  # characters a passage box takes (the page traces it at each change)
DEFAULT_TEMPERATURE = 1.0  # the model's own distribution
UNIT_KEYS = {"feature": str, "label": str, "layer": int, "unit": int, "correlation": (int, float)}


class char_rnn_inside(nodes.General, nodes.Element):
    """The widget; ``view`` and ``data`` (the page data as a JSON string) are its attributes."""


def _view(argument: str | None) -> str:
    value = (argument or "").strip()
    if value not in VIEWS:
        raise ValueError(f"expected one of {', '.join(VIEWS)}, received {value!r}")
    return value


def check_page_data(data: object) -> dict[str, Any]:
    """`data` if it has the page data's shape, else a ValueError naming the first field that has not."""
    if not isinstance(data, dict) or not isinstance(data.get("passage"), str) or not data["passage"]:
        raise ValueError(f"expected an object whose \"passage\" is a non-empty string, received {str(data)[:80]!r}")
    units = data.get("units")
    if not isinstance(units, list):
        raise ValueError(f"expected \"units\" to be a list, received {units!r}")
    for index, unit in enumerate(units):
        for key, kind in UNIT_KEYS.items():
            value = unit.get(key) if isinstance(unit, dict) else None
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"expected units[{index}].{key} to be of type "
                                 f"{getattr(kind, '__name__', 'number')}, received {value!r}")
        if unit["layer"] < 1 or unit["unit"] < 0:
            raise ValueError(f"expected units[{index}] to have layer >= 1 and unit >= 0, received {unit!r}")
    return {"passage": data["passage"], "units": [{key: unit[key] for key in UNIT_KEYS} for unit in units]}


class CharRNNInside(SphinxDirective):
    """``{char-rnn-inside}``: one of the views, with the page data the chapter wrote."""

    has_content = False
    option_spec = {"view": _view}

    def run(self) -> list[nodes.Node]:
        if "view" not in self.options:
            raise self.error(f"char-rnn-inside: option :view: is required: expected one of {', '.join(VIEWS)}, "
                             "received nothing")
        node = char_rnn_inside()
        node["ids"].append(f"char-rnn-inside-{self.env.new_serialno('char-rnn-inside')}")
        node["view"] = self.options["view"]
        self.set_source_info(node)
        node["data"] = json.dumps(self.page_data(node), ensure_ascii=False)
        return [node]

    def page_data(self, node: nodes.Node) -> dict[str, Any]:
        """The page data (an empty passage and no units when the file is missing or malformed, with a warning)."""
        path = Path(self.env.srcdir) / self.config.char_rnn_inside_data
        self.env.note_dependency(str(path))
        if not path.is_file():
            logger.warning(f"char_rnn_inside: no page data at {path}: execute book/inside_char_rnn.md with "
                           "RNN_BOOK_RECORD=1 to write it (the view starts with an empty passage and no units)",
                           location=node, type="char_rnn_inside", subtype="data")
            return {"passage": "", "units": []}
        try:
            return check_page_data(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as error:
            logger.warning(f"char_rnn_inside: the page data at {path} is malformed: {error}",
                           location=node, type="char_rnn_inside", subtype="data")
            return {"passage": "", "units": []}


def _json_script(data: str) -> str:
    """`data` (JSON) inside a ``<script type="application/json">``, which no ``</script>`` in it can close."""
    safe = data.replace("<", "\\u003c")  # the same string in JSON
    return f'<script type="application/json" data-role="data">{safe}</script>'


def _passage_controls(ident: str) -> str:
    return f"""<label for="{ident}-text">Passage</label>
<textarea id="{ident}-text" data-role="text" rows="4" spellcheck="false" data-max="{MAX_PASSAGE}"></textarea>"""


# What is wrong with a control, right under the controls (in sight on a phone).
MESSAGE = '<p class="char-rnn-inside-message" data-role="message" role="alert" hidden></p>'


def _tail(what: str) -> str:
    """The status line every view has, and what shows without a browser."""
    return f"""<p class="char-rnn-inside-status" data-role="status">Loading the model…</p>
<noscript><p>{what} in your browser: this needs JavaScript.</p></noscript>
<p class="char-rnn-inside-print">{what} in the web version of this page.</p>"""


def _passage(ident: str, label: str) -> str:
    """The passage drawn as text: one tab stop (a listbox of its characters; arrows move the selection)."""
    return f"""<div class="char-rnn-inside-passage" id="{ident}-passage" data-role="passage" role="listbox" tabindex="0"
 aria-label="{html.escape(label)}" aria-describedby="{ident}-keys"></div>
<p class="char-rnn-inside-keys" id="{ident}-keys">Point at a character or tap it; or Tab to the passage and \
move with the arrow keys, Home and End.</p>"""


def units_html(ident: str, data: str) -> str:
    """The ``units`` view; ``char_rnn_units_view.js`` fills in the unit picker and draws the passage."""
    limits = (f'min="{char_rnn_writer.MIN_TEMPERATURE:g}" max="{char_rnn_writer.MAX_TEMPERATURE:g}" step="0.05" '
              f'value="{DEFAULT_TEMPERATURE:g}"')
    return f"""
<div class="char-rnn-inside" id="{ident}" data-view="units" data-state="loading">
{_json_script(data)}
<p class="char-rnn-inside-how"><strong>How to read it:</strong> each character's colour is the chosen unit's
state <em>h</em> after reading it; the bar under it is the update gate <em>z</em> at that step, the unit's or its
layer's mean (<em>h</em> = <em>z</em>·previous <em>h</em> + (1 − <em>z</em>)·new candidate): dark keeps the
state, pale overwrites it. Choose a character to see the five likeliest next characters.</p>
<div class="char-rnn-inside-controls">
{_passage_controls(ident)}
<label for="{ident}-unit">Unit</label>
<div class="char-rnn-inside-unit">
<select id="{ident}-unit" data-role="unit"></select>
<span data-role="any-unit" hidden>
<label for="{ident}-layer">Layer</label> <select id="{ident}-layer" data-role="layer"></select>
<label for="{ident}-number">Unit number</label>
<input type="text" id="{ident}-number" data-role="number" inputmode="numeric" value="0" autocomplete="off">
</span>
</div>
<span id="{ident}-gate-label">Gate bar</span>
<div class="char-rnn-inside-choice" role="radiogroup" aria-labelledby="{ident}-gate-label">
<label><input type="radio" name="{ident}-gate" data-role="gate" value="unit" checked> this unit's <em>z</em></label>
<label><input type="radio" name="{ident}-gate" data-role="gate" value="mean"> the layer's mean <em>z</em></label>
</div>
<label for="{ident}-temperature">Temperature</label>
<div class="char-rnn-inside-temperature">
<input type="range" id="{ident}-temperature" data-role="temperature" {limits}>
<output for="{ident}-temperature" data-role="temperature-value">{DEFAULT_TEMPERATURE:.2f}</output>
</div>
</div>
{MESSAGE}
<div class="char-rnn-inside-legends">
<div class="char-rnn-inside-legend"><span>character: unit state <em>h</em></span>
<span class="char-rnn-inside-scale" data-role="legend-state" data-scale="state"></span>
<span class="char-rnn-inside-ends"><span>−1</span><span>0</span><span>+1</span></span></div>
<div class="char-rnn-inside-legend"><span>bar: update gate <em>z</em></span>
<span class="char-rnn-inside-scale" data-role="legend-gate" data-scale="gate"></span>
<span class="char-rnn-inside-ends"><span>0 overwrites</span><span>1 keeps</span></span></div>
</div>
{_passage(ident, "Passage coloured by the unit's state")}
<p class="char-rnn-inside-readout" data-role="readout" aria-live="polite"></p>
<ol class="char-rnn-inside-bars" data-role="bars" aria-label="Five likeliest next characters"></ol>
{_tail("This view runs")}
</div>
"""


def connectivity_html(ident: str, data: str) -> str:
    """The ``connectivity`` view; ``char_rnn_connectivity_view.js`` draws the passage and its shading."""
    return f"""
<div class="char-rnn-inside" id="{ident}" data-view="connectivity" data-state="loading">
{_json_script(data)}
<p class="char-rnn-inside-how"><strong>How to read it:</strong> choose a character. The model has read the
passage up to it and predicts the next one (in a dashed box); every character read so far, the chosen one
included, is shaded by how much it moves the log-probability of that next character (the norm of the gradient
with respect to it), relative to the largest: the darkest is 1.</p>
<div class="char-rnn-inside-controls">
{_passage_controls(ident)}
</div>
{MESSAGE}
<div class="char-rnn-inside-legends">
<div class="char-rnn-inside-legend"><span>shade: gradient norm for the next character</span>
<span class="char-rnn-inside-scale" data-role="legend-share" data-scale="share"></span>
<span class="char-rnn-inside-ends"><span>0</span><span>1 = the largest</span></span></div>
</div>
{_passage(ident, "Passage shaded by gradient norm for the next character")}
<p class="char-rnn-inside-readout" data-role="readout" aria-live="polite"></p>
{_tail("This view runs")}
</div>
"""


VIEW_HTML = {"units": units_html, "connectivity": connectivity_html}


def visit_html(self: Any, node: char_rnn_inside) -> None:
    self.body.append(VIEW_HTML[node["view"]](html.escape(node["ids"][0]), node["data"]))
    raise nodes.SkipNode


def skip(self: Any, node: char_rnn_inside) -> None:
    raise nodes.SkipNode  # other formats (LaTeX, text) show nothing: the views need a browser


def copy_assets(app: Sphinx) -> None:
    """Copy the scripts and the style sheet into ``_static/char_rnn_inside/``."""
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / OUT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in (STYLE, HELPERS, *VIEW_SCRIPTS.values()):
        copy_asset_file(str(STATIC / name), str(target))


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: nodes.document | None) -> None:
    """Load the model, the helpers and the scripts of the views a page shows, on that page only."""
    views = {node["view"] for node in doctree.findall(char_rnn_inside)} if doctree is not None else set()
    if not views:
        return
    char_rnn_writer.add_engine_assets(app)  # the weights and the engine, before any widget script
    app.add_css_file(f"{OUT_FOLDER}/{STYLE}")
    app.add_js_file(f"{OUT_FOLDER}/{HELPERS}", defer="defer",
                    priority=char_rnn_writer.WIDGET_PRIORITY)
    for view in VIEWS:  # in a fixed order: a page's scripts do not depend on its directives' order
        if view in views:
            app.add_js_file(f"{OUT_FOLDER}/{VIEW_SCRIPTS[view]}", defer="defer",
                            priority=char_rnn_writer.WIDGET_PRIORITY + 1)  # after the helpers


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("char_rnn_writer")  # the engine's files are copied by the writer extension
    app.add_config_value("char_rnn_inside_data", DEFAULT_DATA, "env", [str])
    app.add_node(char_rnn_inside, html=(visit_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive("char-rnn-inside", CharRNNInside)
    app.connect("builder-inited", copy_assets)
    app.connect("html-page-context", add_page_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
