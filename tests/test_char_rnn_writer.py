"""The char-RNN page's live writer, in headless Chromium, against Keras on the same checkpoint.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W`` (like test_site.py).
The page ``book/char_rnn.html`` is opened once from a loopback server (and once from
``file://``, a default browser: no flag lets the page read other files). The checks use the
page's ``window.charRNN``, the functions its widget samples with, and the widget itself:

- the next-character probabilities equal Keras' ``predict`` on the same prefixes to within 1e-5;
- a seeded run repeats, and a very low temperature writes Keras' greedy continuation;
- 300 characters are written (the rate is printed; speed claims live in benchmarks/);
- the widget writes through its UI (the button, Enter in a box, Ctrl+Enter in the seed
  text), says "loading" until the weights are in and what to do when they fail, and
  answers bad input in the words of its fields, never with a console error; at 390 px its
  controls fit the screen.

Keras loads once per module (then one forward pass per check), and the page once for most
checks, which are JavaScript calls (three reload it: from file://, with its weights blocked,
on a phone's screen).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pytest

import char_rnn_writer  # the Sphinx extension (_ext/, on pytest's pythonpath): the page's limits
from browser import PHONE, SITE, call, chromium, requires_built_site, severe_console_entries, unavailable
from companion.text import CharTokenizer
from companion.train_char_rnn import CharCheckpoint

if TYPE_CHECKING:
    import keras
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement


PAGE = "book/char_rnn.html"
PREFIXES = ["How are yo", "to be or not to ", "ROMEO:\n", "t",
            "First Citizen:\nBefore we proceed any further, hear me speak."]
COLD_PROMPT = "To be or not to "
COLD_CHARS = 80
TOLERANCE = 1e-5

pytestmark = requires_built_site

@pytest.fixture(scope="module")
def tokenizer(checkpoint: CharCheckpoint) -> CharTokenizer:
    return checkpoint.tokenizer


@pytest.fixture(scope="module")
def model(checkpoint: CharCheckpoint) -> keras.Model:
    return checkpoint.model


def keras_probabilities(model: keras.Model, tokenizer: CharTokenizer, text: str) -> np.ndarray:
    """Keras' next-character probabilities after each prefix of `text`, [len(text), max_id]."""
    return model.predict(tokenizer.one_hot([text]), verbose=0)[0]


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    if not (SITE / PAGE).is_file():
        unavailable(f"no {PAGE} in {SITE}: run `jupyter-book build . -W` first")
    with chromium(tmp_path_factory.mktemp("chromium")) as chrome:
        yield chrome


@pytest.fixture(scope="module")
def page_url(origin: str) -> str:
    return f"{origin}/{PAGE}"


@pytest.fixture
def page(driver: Chrome, page_url: str) -> Chrome:
    """The char-RNN page from the loopback server, loaded once per module, console emptied."""
    if driver.current_url != page_url:
        driver.get(page_url)
    driver.get_log("browser")
    return driver


def test_the_writer_loads_on_the_char_rnn_page_only():
    """(Where the weights and the engine load: test_char_rnn_engine.py.)"""
    pages = [path for path in SITE.rglob("*.html") if "char_rnn_writer.js" in path.read_text("utf-8")]
    assert [path.relative_to(SITE).as_posix() for path in pages] == [PAGE]
    assert (SITE / "_static" / "char_rnn_writer" / "char_rnn_writer.js").is_file()


def test_probabilities_equal_keras_predict(page, tokenizer, model):
    assert call(page, "return charRNN.vocabulary;") == list(tokenizer.vocabulary)
    in_page = np.array(call(page, "return args.map((p) => charRNN.nextCharProbabilities(p));", PREFIXES))
    in_keras = np.stack([keras_probabilities(model, tokenizer, prefix)[-1] for prefix in PREFIXES])
    difference = np.abs(in_page - in_keras).max()
    print(f"max |page - Keras predict| over {len(PREFIXES)} prefixes: {difference:.2e}")
    assert in_page.shape == (len(PREFIXES), tokenizer.max_id)
    assert difference < TOLERANCE
    np.testing.assert_allclose(in_page.sum(axis=1), 1, atol=1e-9)
    assert severe_console_entries(page) == []


def test_the_page_works_from_a_file_url(driver, page_url):
    """Scripts, not fetched data: opened from file://, the page computes what it does when served."""
    probabilities = "return charRNN.nextCharProbabilities(args);"
    driver.get(page_url)
    served = call(driver, probabilities, PREFIXES[-1])
    driver.get((SITE / PAGE).resolve().as_uri())
    assert call(driver, probabilities, PREFIXES[-1]) == served
    assert severe_console_entries(driver) == []


def test_seeded_runs_repeat_and_a_low_temperature_writes_the_greedy_text(page, tokenizer, model):
    first, again, other_seed, cold, cold_other_seed = call(page, """
        const options = {nChars: 200, temperature: 1, seed: 7};
        return [charRNN.generate("ROMEO:", options), charRNN.generate("ROMEO:", options),
                charRNN.generate("ROMEO:", {nChars: 200, temperature: 1, seed: 8}),
                charRNN.generate(args[0], {nChars: args[1], temperature: 1e-6, seed: 1}),
                charRNN.generate(args[0], {nChars: args[1], temperature: 1e-6, seed: 2})];""",
        [COLD_PROMPT, COLD_CHARS])
    # Why 1e-6: at temperature T the runner-up is drawn with odds (p2 / p1) ** (1 / T), and
    # this text has steps where p2 / p1 = 0.997 (" common to the " -> "s" 0.0851, "w" 0.0849):
    # at T = 0.001 that is a 6 % chance at such a step, at 1e-6 none.
    assert first == again and first.startswith("ROMEO:") and len(first) == 206
    assert other_seed != first
    assert set(first.lower()) <= set(tokenizer.vocabulary)
    assert cold == cold_other_seed and cold.startswith(COLD_PROMPT) and len(cold) == len(COLD_PROMPT) + COLD_CHARS
    # Greedy: each written character is Keras' argmax after everything before it. The model
    # is causal, so one pass over the page's text gives the prediction after every prefix.
    predicted = keras_probabilities(model, tokenizer, cold[:-1]).argmax(axis=1)[len(COLD_PROMPT) - 1:]
    assert cold[len(COLD_PROMPT):] == tokenizer.decode(predicted + 1)


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
                          () => charRNN.nextCharProbabilities("É{"),
                          () => charRNN.generate("to", {temperature: 0}),
                          () => charRNN.generate("to", {nChars: -1}),
                          () => charRNN.generate("to", {seed: 1.5}),
                          () => charRNN.generate("to", {n_chars: 5})];
        return attempts.map((attempt) => {
          try { attempt(); return "no error"; } catch (error) { return error.message; }
        });""")
    empty, unknown, cold, negative, seed, option = messages
    assert 'argument "text" must be a string of at least one character' in empty
    assert 'argument "text" contains characters the model never saw: "É", "{"' in unknown  # as typed
    assert 'option "temperature" must be a finite number > 0' in cold and "temperature=0" in cold
    assert 'option "nChars" must be an integer' in negative and "nChars=-1" in negative
    assert 'option "seed" must be an integer' in seed and "seed=1.5" in seed
    assert "unknown option(s) n_chars" in option
    assert severe_console_entries(page) == []


def field(root: WebElement, role: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return root.find_element(By.CSS_SELECTOR, f'[data-role="{role}"]')


def widget(driver: Chrome, timeout: float = 20) -> WebElement:
    """The widget, once its weights have loaded (or failed to)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = driver.find_element(By.CSS_SELECTOR, ".char-rnn-writer")
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda _: root.get_attribute("data-state") != "loading")
    return root


def widget_run(driver: Chrome, text: str, temperature: str = "0.5", length: str = "120", seed: str = "42",
               press: str = "click", timeout: float = 20) -> dict[str, object]:
    """Fill in the widget, press Write (or Enter in box `press`; Ctrl+Enter in the seed text), wait until
    it is done or shows a message."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    root = widget(driver)
    for role, value in (("text", text), ("temperature", temperature), ("length", length), ("seed", seed)):
        box = field(root, role)
        if box.get_property("value") != value:  # retype only what changes: fewer WebDriver calls
            box.clear()
            if value:
                box.send_keys(value)
    if press == "click":
        field(root, "write").click()
    else:
        field(root, press).send_keys(*((Keys.CONTROL, Keys.ENTER) if press == "text" else (Keys.ENTER,)))
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda _: root.get_attribute("data-state") in ("done", "error"))
    message = field(root, "message")
    return {"state": root.get_attribute("data-state"),
            "message": message.text if message.is_displayed() else None,
            "output": field(root, "output").text, "status": field(root, "status").text}


def test_the_widget_writes_with_the_button_and_with_enter(page):
    run = widget_run(page, "ROMEO:")
    assert run["state"] == "done" and run["message"] is None
    expected = call(page, 'return charRNN.generate("ROMEO:", {nChars: 120, temperature: 0.5, seed: 42});')
    assert run["output"] == expected  # the widget samples with the API's functions
    assert "120 characters in" in run["status"] and "random seed 42" in run["status"]
    again = call(page, 'return charRNN.generate("ROMEO:", {nChars: 120, temperature: 0.5, seed: 43});')
    for box in ("length", "seed", "temperature", "text"):
        run = widget_run(page, "ROMEO:", seed="43", press=box)
        assert run["state"] == "done" and run["output"] == again, box  # (no line break added to the seed)
    assert severe_console_entries(page) == []


@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param({"text": ""}, "Seed text is empty", id="empty-seed"),
    pytest.param({"text": "Romeo É#\u00a0<"},  # shown as typed (not lower-cased), a space by its name
                 'Seed text contains characters the model never saw: "É", "#", no-break space, "<". '
                 "Use spaces, line breaks, the letters a–z (capitals count as small letters), the digit 3 and "
                 "the marks ", id="unknown-characters"),
    pytest.param({"temperature": "0"}, 'Temperature must be a number from {low} to {high}. Received: "0".',
                 id="temperature-0"),
    pytest.param({"temperature": "2.5"}, 'Received: "2.5".', id="temperature-2.5"),
    pytest.param({"length": "0x10"}, "Characters to write must be a whole number from 1 to {max}, in digits. "
                 'Received: "0x10".', id="length-hex"),
    pytest.param({"length": "1e2"}, 'Received: "1e2".', id="length-exponent"),
    pytest.param({"length": "12.0"}, 'Received: "12.0".', id="length-decimal"),
    pytest.param({"length": "{over}"}, 'from 1 to {max}, in digits. Received: "{over}".', id="length-over"),
    pytest.param({"seed": "0x10"}, "Random seed must be a whole number from 0 to 4294967295, in digits, or empty",
                 id="seed-hex"),
    pytest.param({"seed": "-3"}, 'Received: "-3".', id="seed-negative"),
])
def test_bad_input_gets_a_message_in_the_fields_words(page, settings, expected):
    limits = {"low": f"{char_rnn_writer.MIN_TEMPERATURE:g}", "high": f"{char_rnn_writer.MAX_TEMPERATURE:g}",
              "max": char_rnn_writer.MAX_LENGTH, "over": char_rnn_writer.MAX_LENGTH + 1}
    settings = {role: value.format(**limits) for role, value in settings.items()}
    widget_run(page, "ROMEO:", length="30")  # an output and a status, which the error must clear
    run = widget_run(page, **{"text": "ROMEO:", **settings})
    assert run["state"] == "error" and expected.format(**limits) in run["message"]
    if "the marks " in expected:  # ... and names every other character the model knows
        marks = run["message"].split("the marks ")[1].split()
        assert sorted(marks) == sorted(char for char in call(page, "return charRNN.vocabulary;")
                                       if not (char.isalnum() or char.isspace())), marks
    assert "charRNN" not in run["message"] and "argument" not in run["message"] and "\\" not in run["message"]
    assert run["output"] == "" and run["status"] == ""
    assert severe_console_entries(page) == []


def test_whole_numbers_may_have_spaces_around_them(page):
    run = widget_run(page, "ROMEO:", length=" 12 ", seed=" 7 ")
    assert run["state"] == "done" and "12 characters in" in run["status"] and "random seed 7" in run["status"]
    assert run["output"] == call(page, 'return charRNN.generate("ROMEO:", {nChars: 12, temperature: 0.5, seed: 7});')


def test_the_temperature_limits_come_from_the_extension(page):
    root = widget(page)
    for role in ("temperature-slider", "temperature"):
        box = field(root, role)
        assert float(box.get_attribute("min")) == char_rnn_writer.MIN_TEMPERATURE
        assert float(box.get_attribute("max")) == char_rnn_writer.MAX_TEMPERATURE
    assert field(root, "length").get_attribute("data-max") == str(char_rnn_writer.MAX_LENGTH)


def test_the_page_says_loading_until_the_weights_are_in():
    html = (SITE / PAGE).read_text("utf-8")
    widget_html = html[html.index('<div class="char-rnn-writer"'):]
    assert 'data-state="loading"' in widget_html[:200]
    assert '<button type="submit" data-role="write" disabled>' in widget_html
    assert '<p class="char-rnn-writer-status" data-role="status">Loading the model…</p>' in widget_html


@pytest.mark.parametrize("blocked", ["char_rnn.web.js", "char_rnn_engine.js"])  # the weights, the model
def test_a_failed_load_tells_the_reader_what_to_do(driver, page_url, blocked):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [f"*{blocked}*"]})
    try:
        driver.get(page_url)
        root = widget(driver)
        state, message = root.get_attribute("data-state"), field(root, "message").text
        button_disabled = field(root, "write").get_attribute("disabled") is not None
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        driver.get("about:blank")  # the next test loads the page afresh
    assert state == "failed" and button_disabled
    assert message.startswith("The model could not be loaded, so the writer cannot run. Reload the page")
    assert "charRNNWeights" not in message and blocked in message


def test_the_controls_fit_a_phone_screen(browsers, page_url):
    phone = browsers.at(*PHONE)
    phone.get(page_url)
    box = widget(phone).rect
    right = phone.execute_script("""
        return Math.max(...Array.from(document.querySelectorAll(".char-rnn-writer *"),
                                      (node) => node.getBoundingClientRect().right));""")
    placeholder_fits = phone.execute_script("""
        const box = document.querySelector('.char-rnn-writer [data-role="seed"]');
        const style = getComputedStyle(box);
        const context = document.createElement("canvas").getContext("2d");
        context.font = style.font;
        const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(box.placeholder).width <= room;""")
    width = PHONE[0]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert right <= width, f"a control reaches x = {right} px on a {width} px screen"
    assert placeholder_fits, "the random seed's placeholder is cut off"
