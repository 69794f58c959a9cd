"""The char-RNN page's live writer, in headless Chromium, against Keras on the same checkpoint.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W`` (like test_site.py).
The page ``book/char_rnn.html`` is loaded from a loopback server and from ``file://``
(a default browser: no flag lets the page read other files). The checks use the page's
``window.charRNN``, the functions its widget samples with:

- the next-character probabilities equal Keras' ``predict`` to within 1e-5;
- a seeded run repeats, and a very low temperature writes Keras' greedy continuation;
- 300 characters are written (the rate is printed; speed claims live in benchmarks/);
- the widget writes through its UI, and bad input gets a message in the page, never a
  console error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from companion import runtime  # before Keras

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from browser import SITE, chromium, unavailable  # noqa: E402  (`origin`: tests/conftest.py)
from companion import data  # noqa: E402
from companion.text import CharTokenizer  # noqa: E402
from companion.train_char_rnn import build_char_model  # noqa: E402

if TYPE_CHECKING:
    import keras
    from selenium.webdriver import Chrome

ROOT = Path(__file__).resolve().parent.parent
PAGE = "book/char_rnn.html"
CHECKPOINT = ROOT / "book" / "checkpoints" / "char_rnn.weights.h5"
ENABLE_VAR = "RNN_BOOK_SITE_TEST"
PREFIXES = ["How are yo", "to be or not to ", "ROMEO:\n", "t",
            "First Citizen:\nBefore we proceed any further, hear me speak."]
TOLERANCE = 1e-5
BROWSER_NOISE = ("/favicon.ico",)  # Chromium asks every server for it

pytestmark = pytest.mark.skipif(
    os.environ.get(ENABLE_VAR) != "1",
    reason=f"browser test of the built site: run `jupyter-book build . -W`, then set {ENABLE_VAR}=1",
)

# Calls charRNN once its weights are loaded: `arguments[0]` is the body of a function of
# (charRNN, args), `arguments[1]` its args.
CALL = """
const done = arguments[arguments.length - 1];
const body = new Function("charRNN", "args", arguments[0]);
const args = arguments[1];
window.charRNN.ready.then(() => done({value: body(window.charRNN, args)}),
                          (error) => done({error: String(error)}));
"""


def call(driver: Chrome, body: str, args: object = None):
    """What `body` (JavaScript, with `charRNN` and `args` in scope) returns once the page is ready."""
    result = driver.execute_async_script(CALL, body, args)
    assert "error" not in result, f"charRNN.ready failed: {result['error']}"
    return result["value"]


def severe_console_entries(driver: Chrome) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not any(n in entry["message"] for n in BROWSER_NOISE)]


@pytest.fixture(scope="module")
def tokenizer() -> CharTokenizer:
    if not os.environ.get(data.DATA_DIR_ENV_VAR):
        unavailable(f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the Shakespeare corpus")
    return CharTokenizer(data.fetch(data.SHAKESPEARE).read_text())


@pytest.fixture(scope="module")
def model(tokenizer: CharTokenizer) -> keras.Model:
    runtime.configure()
    model = build_char_model(tokenizer.max_id)
    model.load_weights(CHECKPOINT)
    return model


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    if not (SITE / PAGE).is_file():
        unavailable(f"no {PAGE} in {SITE}: run `jupyter-book build . -W` first")
    with chromium(tmp_path_factory.mktemp("chromium")) as chrome:
        yield chrome


@pytest.fixture(params=["http", "file"])
def page(request: pytest.FixtureRequest, driver: Chrome) -> Chrome:
    """The char-RNN page, opened from the loopback server or from ``file://``, console emptied."""
    url = (f"{request.getfixturevalue('origin')}/{PAGE}" if request.param == "http"
           else (SITE / PAGE).resolve().as_uri())
    driver.get(url)
    driver.get_log("browser")
    return driver


def test_the_weights_load_on_the_char_rnn_page_only():
    pages = [path for path in SITE.rglob("*.html") if "char_rnn.web.js" in path.read_text("utf-8")]
    assert [path.relative_to(SITE).as_posix() for path in pages] == [PAGE]
    assert (SITE / "_static" / "char_rnn_writer" / "char_rnn.web.js").is_file()


def test_probabilities_equal_keras_predict(page, tokenizer, model):
    assert call(page, "return charRNN.vocabulary;") == list(tokenizer.vocabulary)
    in_page = np.array(call(page, "return args.map((p) => charRNN.nextCharProbabilities(p));", PREFIXES))
    keras_probas = np.stack([model.predict(tokenizer.one_hot([prefix]), verbose=0)[0, -1]
                             for prefix in PREFIXES])
    difference = np.abs(in_page - keras_probas).max()
    print(f"max |page - Keras predict| over {len(PREFIXES)} prefixes: {difference:.2e}")
    assert in_page.shape == (len(PREFIXES), tokenizer.max_id)
    assert difference < TOLERANCE
    np.testing.assert_allclose(in_page.sum(axis=1), 1, atol=1e-9)
    assert severe_console_entries(page) == []


def greedy(model: keras.Model, tokenizer: CharTokenizer, text: str, n_chars: int) -> str:
    """`text` and `n_chars` characters, each the argmax of Keras' prediction after all before it."""
    for _ in range(n_chars):
        probas = model(tokenizer.one_hot([text]), training=False)[0, -1]
        text += tokenizer.decode([int(np.argmax(probas)) + 1])
    return text


def test_seeded_runs_repeat_and_a_low_temperature_writes_the_greedy_text(page, tokenizer, model):
    runs = call(page, """
        const options = {nChars: 200, temperature: 1, seed: 7};
        return [charRNN.generate("ROMEO:", options), charRNN.generate("ROMEO:", options),
                charRNN.generate("ROMEO:", {nChars: 200, temperature: 1, seed: 8}),
                charRNN.generate("To be or not to ", {nChars: 80, temperature: 1e-6, seed: 1}),
                charRNN.generate("To be or not to ", {nChars: 80, temperature: 1e-6, seed: 2})];""")
    # Why 1e-6: at temperature T the runner-up is drawn with odds (p2 / p1) ** (1 / T), and
    # this text has steps where p2 / p1 = 0.997 (" common to the " -> "s" 0.0851, "w" 0.0849):
    # at T = 0.001 that is a 6 % chance at such a step, at 1e-6 none.
    first, again, other_seed, cold, cold_other_seed = runs
    assert first == again and first.startswith("ROMEO:") and len(first) == 206
    assert other_seed != first
    assert set(first.lower()) <= set(tokenizer.vocabulary)
    expected = greedy(model, tokenizer, "To be or not to ", 80)
    assert cold == cold_other_seed == expected


def test_300_characters_are_written_quickly(page):
    seconds = call(page, """
        charRNN.generate("ROMEO:", {nChars: 20, seed: 0});  // warm-up (JIT)
        const start = performance.now();
        const text = charRNN.generate("ROMEO:", {nChars: 300, temperature: 0.7, seed: 3});
        if (text.length !== 306) throw new Error("wrong length " + text.length);
        return (performance.now() - start) / 1000;""")
    print(f"300 characters in {seconds:.3f} s: {300 / seconds:,.0f} chars/s")
    assert seconds < 10  # a generous bound; the figures are measured in benchmarks/


def test_the_api_rejects_bad_input_with_clear_errors(page):
    messages = call(page, """
        const attempts = [() => charRNN.generate("", {nChars: 5}),
                          () => charRNN.nextCharProbabilities("é{"),
                          () => charRNN.generate("to", {temperature: 0}),
                          () => charRNN.generate("to", {nChars: -1}),
                          () => charRNN.generate("to", {seed: 1.5}),
                          () => charRNN.generate("to", {n_chars: 5})];
        return attempts.map((attempt) => {
          try { attempt(); return "no error"; } catch (error) { return error.message; }
        });""")
    empty, unknown, cold, negative, seed, option = messages
    assert 'argument "text" must be a string of at least one character' in empty
    assert 'never saw: "é", "{"' in unknown
    assert 'option "temperature" must be a finite number > 0' in cold and "temperature=0" in cold
    assert 'option "nChars" must be an integer' in negative and "nChars=-1" in negative
    assert 'option "seed" must be an integer' in seed and "seed=1.5" in seed
    assert "unknown option(s) n_chars" in option
    assert severe_console_entries(page) == []


def widget_run(driver: Chrome, text: str, temperature: str, length: str = "120", seed: str = "42",
               timeout: float = 20) -> dict[str, object]:
    """Fill in the widget, press Write, wait until it is done or shows a message."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = driver.find_element(By.CSS_SELECTOR, ".char-rnn-writer")
    WebDriverWait(driver, timeout).until(lambda _: root.get_attribute("data-state") != "loading")
    for role, value in (("text", text), ("temperature", temperature), ("length", length), ("seed", seed)):
        field = root.find_element(By.CSS_SELECTOR, f'[data-role="{role}"]')
        field.clear()
        if value:
            field.send_keys(value)
    root.find_element(By.CSS_SELECTOR, '[data-role="write"]').click()
    WebDriverWait(driver, timeout).until(
        lambda _: root.get_attribute("data-state") in ("done", "error"))
    message = root.find_element(By.CSS_SELECTOR, '[data-role="message"]')
    return {"state": root.get_attribute("data-state"),
            "message": message.text if message.is_displayed() else None,
            "output": root.find_element(By.CSS_SELECTOR, '[data-role="output"]').text,
            "status": root.find_element(By.CSS_SELECTOR, '[data-role="status"]').text}


def test_the_widget_writes_and_shows_messages_for_bad_input(page):
    run = widget_run(page, "ROMEO:", "0.5")
    assert run["state"] == "done" and run["message"] is None
    expected = call(page, 'return charRNN.generate("ROMEO:", {nChars: 120, temperature: 0.5, seed: 42});')
    assert run["output"] == expected  # the widget samples with the API's functions
    assert "120 characters in" in run["status"] and "random seed 42" in run["status"]

    run = widget_run(page, "", "0.5")
    assert run["state"] == "error" and "Type a few characters" in run["message"]
    run = widget_run(page, "Romeo é{", "0.5")
    assert run["state"] == "error" and '"é", "{"' in run["message"]
    run = widget_run(page, "ROMEO:", "0")
    assert run["state"] == "error" and "from 0.1 to 2" in run["message"] and "Received: 0" in run["message"]
    run = widget_run(page, "ROMEO:", "0.5", seed="-3")
    assert run["state"] == "error" and "random seed must be a whole number" in run["message"]

    run = widget_run(page, "ROMEO:", "0.5")  # a good run clears the message
    assert run["state"] == "done" and run["message"] is None and run["output"] == expected
    assert severe_console_entries(page) == []
