"""The char-RNN's JavaScript engine (``char_rnn_engine.js``) in headless Chromium, against TensorFlow.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W`` (like test_char_rnn_writer.py).
The page ``book/char_rnn.html`` loads the engine; it is opened once, and the checks call its
``window.charRNN``:

- the weights and the engine load on the pages of the widgets that use them, and nowhere else,
  with the widgets' files under 1 MB in all;
- ``trace``: the states ``h`` and the gates ``z`` and ``r`` of both GRU layers and the
  next-character probabilities equal ``companion.inside.trace_char_model`` (checked against
  the Keras layers in tests/test_inside.py) to within 1e-5, on two held-out passages;
- ``connectivity``: equals the norm, over the 39 one-hot components, of the gradient of
  log p(next character) that ``tf.GradientTape`` takes through the Keras model, to within
  1e-4 relative, at positions from 0 to the last;
- ``atTemperature`` equals ``companion.generation.sampling_distribution``;
- bad input gets an error naming the argument and what was received, and the console stays clean.

Without the built site, a small Sphinx build checks that ``add_engine_assets`` adds the
weights and the engine once per page, in order, before the widget's script.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

import char_rnn_writer  # the Sphinx extension (_ext/, on pytest's pythonpath)
from browser import DESKTOP, SITE, call, requires_built_site, severe_console_entries, unavailable
from companion import data
from companion.export_char_rnn import MAX_BYTES
from companion.generation import sampling_distribution
from companion.inside import trace_char_model
from companion.text import split_chronologically
from companion.train_char_rnn import CharCheckpoint

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

PAGE = "book/char_rnn.html"
PASSAGE_CHARS = 240
PASSAGE_STARTS = (0, 20_000)  # within the held-out text
WINDOW_CHARS = 161  # connectivity's text: positions 0 to 159
POSITIONS = (0, 1, 42, 100, WINDOW_CHARS - 2)
TRACE_TOLERANCE = 1e-5
RELATIVE_TOLERANCE = 1e-4
# The widgets that use window.charRNN: the writer's and the views of "Inside the char-RNN".
WIDGET = re.compile(r'<div class="char-rnn-(writer|inside)"')
# What a page loads for the model: its files in _static/char_rnn_writer/ and _static/char_rnn_inside/.
MODEL_FILE = re.compile(r'<(?:script|link)[^>]*(?:src|href)="(?:\.\./)*(_static/char_rnn_(?:writer|inside)/[^"?]+)')


def our_scripts(page: Path) -> list[str]:
    """The file names of the scripts `page` loads from ``_static/char_rnn_writer/``, in order."""
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page.read_text("utf-8"))
    return [Path(source.split("?")[0]).name for source in sources if f"/{char_rnn_writer.OUT_FOLDER}/" in source]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """Two held-out passages (split_chronologically's last 10 %), as written (upper case kept)."""
    text = data.fetch(data.SHAKESPEARE).read_text()
    _, held_out = split_chronologically(np.arange(len(text)))
    chosen = [text[held_out[0] + start:held_out[0] + start + PASSAGE_CHARS] for start in PASSAGE_STARTS]
    for passage in chosen:  # what the claim is about: newlines, punctuation, capitals
        assert "\n" in passage and set(passage) & set(".,;:!?") and passage != passage.lower(), passage
    return chosen


@pytest.fixture(scope="module")
def page(browsers, origin: str) -> Chrome:
    """The char-RNN page, loaded once for the module, its console emptied."""
    if not (SITE / PAGE).is_file():
        unavailable(f"no {PAGE} in {SITE}: run `jupyter-book build . -W` first")
    driver = browsers.at(*DESKTOP)
    driver.get(f"{origin}/{PAGE}")
    driver.get_log("browser")
    return driver



@requires_built_site
def test_the_weights_and_the_engine_load_only_on_the_pages_of_widgets_that_use_them():
    loading = {}
    for path in SITE.rglob("*.html"):
        html = path.read_text("utf-8")
        if char_rnn_writer.WEIGHTS_NAME in html or char_rnn_writer.ENGINE_NAME in html or WIDGET.search(html):
            loading[path.relative_to(SITE).as_posix()] = (our_scripts(path)[:2], bool(WIDGET.search(html)))
    assert PAGE in loading
    assert loading == dict.fromkeys(loading, ([char_rnn_writer.WEIGHTS_NAME, char_rnn_writer.ENGINE_NAME], True))
    for page in loading:  # the weights, the engine and the widgets' scripts and styles: under 1 MB
        files = set(MODEL_FILE.findall((SITE / page).read_text("utf-8")))
        size = sum((SITE / file).stat().st_size for file in files)
        print(f"{page}: {size:,} bytes in {len(files)} files for the model ({', '.join(sorted(files))})")
        assert size < MAX_BYTES


@requires_built_site
def test_trace_equals_the_gates_computed_in_python(page, checkpoint, passages):
    in_page = call(page, "return args.map((text) => charRNN.trace(text));", passages)
    differences: dict[str, float] = {}
    for passage, traced in zip(passages, in_page, strict=True):
        expected = trace_char_model(checkpoint.model, checkpoint.tokenizer.one_hot([passage]).numpy())
        for name in ("h", "z", "r"):
            got = np.array(traced[name])
            wanted = np.stack([layer[0] for layer in getattr(expected, name)])  # [layer, step, unit]
            assert got.shape == wanted.shape == (2, len(passage), wanted.shape[-1]), (name, got.shape)
            differences[name] = max(differences.get(name, 0.0), float(np.abs(got - wanted).max()))
        got = np.array(traced["probabilities"])
        assert got.shape == (len(passage), checkpoint.tokenizer.max_id)
        differences["probabilities"] = max(differences.get("probabilities", 0.0),
                                           float(np.abs(got - expected.probabilities[0]).max()))
    print("max |page - Python| over the passages: "
          + ", ".join(f"{name} {value:.2e}" for name, value in differences.items()))
    assert max(differences.values()) < TRACE_TOLERANCE
    assert severe_console_entries(page) == []


def gradient_tape_connectivity(checkpoint: CharCheckpoint, text: str, positions: tuple[int, ...]) -> list[np.ndarray]:
    """Per position p: the norm over the one-hot components of d log p(text[p + 1]) / d one-hot input at
    each step 0..p, by tf.GradientTape through the Keras model ([p + 1] each)."""
    import tensorflow as tf

    tokenizer = checkpoint.tokenizer
    inputs = tf.Variable(tokenizer.one_hot([text]))  # [1, time, max_id]
    targets = tokenizer.encode(text)[[position + 1 for position in positions]] - 1  # classes: ids - 1
    with tf.GradientTape(persistent=True) as tape:
        probabilities = checkpoint.model(inputs, training=False)[0]  # [time, max_id]
        log_p = [tf.math.log(probabilities[position, target]) for position, target in zip(positions, targets,
                                                                                           strict=True)]
    norms = []
    for position, value in zip(positions, log_p, strict=True):
        gradient = tape.gradient(value, inputs)[0].numpy()  # [time, max_id]
        assert not gradient[position + 1:].any()  # causal: later characters do not move it
        norms.append(np.linalg.norm(gradient[:position + 1].astype(np.float64), axis=-1))
    del tape
    return norms


@requires_built_site
def test_connectivity_equals_the_gradient_tensorflow_takes(page, checkpoint, passages):
    text = passages[0][:WINDOW_CHARS]
    in_page = call(page, "return args[1].map((position) => charRNN.connectivity(args[0], position));",
                   [text, list(POSITIONS)])
    in_tensorflow = gradient_tape_connectivity(checkpoint, text, POSITIONS)
    worst = 0.0
    for position, got, wanted in zip(POSITIONS, in_page, in_tensorflow, strict=True):
        assert len(got) == position + 1
        relative = np.abs(np.array(got) - wanted) / wanted
        worst = max(worst, float(relative.max()))
        assert relative.max() < RELATIVE_TOLERANCE, (position, relative.argmax(), relative.max())
    print(f"max |page - tf.GradientTape| / |tf.GradientTape| at positions {POSITIONS}: {worst:.2e}")
    assert severe_console_entries(page) == []


@requires_built_site
def test_at_temperature_is_the_sampling_distribution(page):
    probabilities = call(page, 'return charRNN.nextCharProbabilities("ROMEO:\\nWhat");')
    temperatures = [0.25, 1.0, 1.7]
    in_page = call(page, "return args[1].map((t) => charRNN.atTemperature(args[0], t));",
                   [probabilities, temperatures])
    for temperature, got in zip(temperatures, in_page, strict=True):
        np.testing.assert_allclose(got, sampling_distribution(np.array(probabilities), temperature),
                                   rtol=1e-12, atol=1e-15)
    assert np.argmax(in_page[0]) == np.argmax(probabilities) and max(in_page[0]) > max(probabilities)


# (call, the argument it names, what it must say it received)
BAD_INPUT = [
    ('charRNN.trace("")', '"text"', 'Received: ""'),
    ('charRNN.trace("Romeo{É")', '"text"', '"{", "É"'),
    ("charRNN.trace(42)", '"text"', "Received: 42"),
    ('charRNN.connectivity("a", 0)', '"text"', 'at least 2 characters (the characters read, then the one'),
    ('charRNN.connectivity("a", 0)', '"text"', 'Received: "a"'),
    ('charRNN.connectivity("to be", 4)', '"position"', "from 0 to 3"),
    ('charRNN.connectivity("to be", 4)', '"position"', "Received: position=4"),
    ('charRNN.connectivity("to be", -1)', '"position"', "Received: position=-1"),
    ('charRNN.connectivity("to be", 1.5)', '"position"', "Received: position=1.5"),
    ('charRNN.connectivity("to be", "2")', '"position"', 'Received: position="2"'),
    ('charRNN.connectivity("to be")', '"position"', "Received: position=undefined"),
    ('charRNN.connectivity("to #be", 1)', '"text"', 'never saw: "#"'),
    ("charRNN.atTemperature([0.5, 0.5], 0)", '"temperature"', "Received: temperature=0"),
    ("charRNN.atTemperature([0.5, 0.5], -2)", '"temperature"', "Received: temperature=-2"),
    ("charRNN.atTemperature([0.5, 0.5], NaN)", '"temperature"', "Received: temperature=NaN"),
    ('charRNN.atTemperature([0.5, 0.5], "1")', '"temperature"', 'Received: temperature="1"'),
    ("charRNN.atTemperature([], 1)", '"probabilities"', "Received: []"),
    ("charRNN.atTemperature([0.5, -0.1], 1)", '"probabilities"', "Received: [0.5, -0.1]"),
    ("charRNN.atTemperature([0, 0], 1)", '"probabilities"', "Received: [0, 0]"),
]


@requires_built_site
def test_bad_input_gets_an_error_naming_the_argument(page):
    messages = call(page, """
        return args.map((attempt) => {
          try { new Function("charRNN", attempt)(charRNN); return "no error"; }
          catch (error) { return error.message; }
        });""", [f"{attempt};" for attempt, _, _ in BAD_INPUT])
    for (attempt, argument, received), message in zip(BAD_INPUT, messages, strict=True):
        function = re.match(r"charRNN\.(\w+)", attempt)[1]
        assert message.startswith(f"charRNN.{function}: argument {argument} "), (attempt, message)
        assert received in message, (attempt, message)
    assert severe_console_entries(page) == []


CONF = """
extensions = ["char_rnn_writer", "engine_twice"]
char_rnn_writer_weights = {weights!r}
"""
# Another widget's extension: it asks for the engine on every page, the writer's included.
ENGINE_TWICE = """
import char_rnn_writer

def setup(app):
    app.connect("html-page-context", lambda app, *rest: char_rnn_writer.add_engine_assets(app))
    return {"parallel_read_safe": True}
"""


def test_the_engine_loads_once_per_page_after_the_weights_and_before_the_widget(tmp_path, monkeypatch):
    from sphinx.application import Sphinx

    source, out = tmp_path / "source", tmp_path / "html"
    source.mkdir()
    weights = Path(char_rnn_writer.__file__).parents[1] / "book" / "checkpoints" / char_rnn_writer.WEIGHTS_NAME
    (source / "conf.py").write_text(CONF.format(weights=str(weights)))
    (source / "engine_twice.py").write_text(ENGINE_TWICE)
    (source / "index.rst").write_text("Writer\n======\n\n.. char-rnn-writer::\n\n.. toctree::\n\n   other\n")
    (source / "other.rst").write_text("Other\n=====\n\nNo writer here.\n")
    monkeypatch.syspath_prepend(str(source))
    monkeypatch.delitem(sys.modules, "engine_twice", raising=False)
    warnings = io.StringIO()
    Sphinx(str(source), str(source), str(out), str(tmp_path / "doctrees"), "html", status=None,
           warning=warnings, freshenv=True).build()
    assert warnings.getvalue() == ""
    engine = [char_rnn_writer.WEIGHTS_NAME, char_rnn_writer.ENGINE_NAME]
    assert our_scripts(out / "index.html") == [*engine, "char_rnn_writer.js"]
    assert our_scripts(out / "other.html") == engine
    assert (out / "_static" / char_rnn_writer.OUT_FOLDER / char_rnn_writer.ENGINE_NAME).is_file()
