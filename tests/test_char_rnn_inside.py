"""The views inside the char-RNN (``_ext/char_rnn_inside.py``), in headless Chromium, against ``window.charRNN``.

The directive is checked by a small Sphinx build (its errors and warnings). The browser tests
opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W`` (like test_site.py): the
page ``book/inside_char_rnn.html`` is opened from ``file://`` once on a desktop screen and once on a
phone's. What the views draw is read back from their data attributes and compared with what
``charRNN`` (checked against TensorFlow in test_char_rnn_engine.py) returns for the same passage:
the views only draw, so they must show its numbers, not numbers of their own.

- units: the picker offers the chapter's table (``results/cpu-inside.json``); each character's
  ``h`` and the gate bar's ``z`` (the unit's or the layer's mean) are charRNN.trace's; the five bars
  are the five largest of charRNN.atTemperature at two slider temperatures;
- connectivity: the shading is charRNN.connectivity at the chosen position, divided by its largest;
- the keyboard alone (Tab to the passage, arrows, Home, End) moves the selection and the readout;
  bad input gets a message in the fields' words; the console stays clean; at 390 px nothing
  scrolls the page sideways; axe-core finds no critical or serious violation; on paper a note.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

import char_rnn_inside  # the Sphinx extension (_ext/, on pytest's pythonpath)
import char_rnn_writer
from browser import DESKTOP, PHONE, SITE, call, open_page, requires_built_site, severe_console_entries, unavailable
from test_accessibility import FORBIDDEN, RUN_AXE, WCAG_A_AA, axe_source

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement

ROOT = Path(__file__).resolve().parent.parent
PAGE = "book/inside_char_rnn.html"
DATA = ROOT / char_rnn_inside.DEFAULT_DATA  # the page data the site is built with
NAMES = {"\n": "line break", " ": "space"}  # how the readouts name characters that cannot be seen
TIMEOUT = 20


# --- the directive, in a small Sphinx build ----------------------------------------------------------


def sphinx_build(tmp_path: Path, body: str, data: str | None) -> tuple[str, str]:
    """Builds an index page holding `body` with the extension; returns (the page's HTML, the warnings)."""
    from sphinx.application import Sphinx

    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("extensions = ['char_rnn_inside']\n")
    (source / "index.rst").write_text(f"Title\n=====\n\n{body}\n")
    if data is not None:
        (source / "results").mkdir()
        (source / "results" / "cpu-inside.json").write_text(data)
    warnings = io.StringIO()
    app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
    return (tmp_path / "html" / "index.html").read_text("utf-8"), warnings.getvalue()


def test_a_bad_or_missing_view_is_a_build_error_naming_the_option_and_the_value(tmp_path):
    _, warnings = sphinx_build(tmp_path, ".. char-rnn-inside::\n   :view: neurons\n\n.. char-rnn-inside::",
                               DATA.read_text("utf-8"))
    assert 'invalid option value: (option: "view"; value: \'neurons\')' in warnings
    assert "expected one of units, connectivity, received 'neurons'" in warnings
    assert "option :view: is required: expected one of units, connectivity, received nothing" in warnings


def test_missing_page_data_is_a_warning_and_the_page_loads_only_what_it_shows(tmp_path):
    html, warnings = sphinx_build(tmp_path, ".. char-rnn-inside::\n   :view: connectivity", None)
    assert "char_rnn_inside: no page data at" in warnings and "RNN_BOOK_RECORD=1" in warnings
    assert 'data-view="connectivity"' in html and '{"passage": "", "units": []}' in html
    assert "char_rnn_connectivity_view.js" in html and "char_rnn_units_view.js" not in html
    assert html.index("char_rnn_engine.js") < html.index("char_rnn_inside.js") < html.index("char_rnn_connectivity")


@pytest.mark.parametrize(("data", "expected"), [
    ({"units": []}, 'expected an object whose "passage" is a non-empty string'),
    ({"passage": "a\n", "units": [{"feature": "in_word", "label": "x", "layer": "2", "unit": 1,
                                   "correlation": 0.5}]}, "expected units[0].layer to be of type int, received '2'"),
])
def test_malformed_page_data_is_named(data, expected):
    with pytest.raises(ValueError, match=re.escape(expected)):
        char_rnn_inside.check_page_data(data)


# --- the page, in Chromium -----------------------------------------------------------------------------

def wait(driver: Chrome, script: str, *args: object) -> None:
    """Waits until `script` (JavaScript returning a boolean) is true."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(lambda d: d.execute_script(script, *args))


def load(driver: Chrome) -> Chrome:
    """The page from file://, both views drawn, the console emptied."""
    if not (SITE / PAGE).is_file():
        unavailable(f"no {PAGE} in {SITE}: run `jupyter-book build . -W` first")
    driver.get_log("browser")  # drop what earlier tests on this shared browser logged
    open_page(driver, (SITE / PAGE).resolve().as_uri())
    wait(driver, """return Array.from(document.querySelectorAll(".char-rnn-inside"),
                                       (root) => root.dataset.state).join() === "ready,ready";""")
    return driver


@pytest.fixture(scope="module")
def desktop(browsers) -> Chrome:
    return load(browsers.at(*DESKTOP))


def shown(char: str) -> str:
    """A character as the readouts write it."""
    return NAMES.get(char, f'"{char}"')


def signed(value: float, digits: int) -> str:
    """A number as the readouts write it (a true minus sign)."""
    return f"{value:.{digits}f}".replace("-", "\u2212")


def view(driver: Chrome, name: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'.char-rnn-inside[data-view="{name}"]')


def part(root: WebElement, role: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return root.find_element(By.CSS_SELECTOR, f'[data-role="{role}"]')


def character(root: WebElement, index: int) -> WebElement:
    from selenium.webdriver.common.by import By

    return root.find_element(By.CSS_SELECTOR, f'[role="option"][data-index="{index}"]')


def characters(driver: Chrome, root: WebElement, *keys: str) -> list[dict]:
    """Each drawn character's data attributes `keys` and its inline colours."""
    return driver.execute_script("""
        return Array.from(arguments[0].querySelectorAll('[role="option"]'), (span) => ({
          ...Object.fromEntries(arguments[1].map((key) => [key, span.dataset[key]])),
          background: span.style.backgroundColor, bar: span.style.borderBottomColor}));""", root, list(keys))


def scale(driver: Chrome, name: str, values: list[float]) -> list[str]:
    """The colours of `values` on the page's scale `name`, as CSS."""
    return driver.execute_script(
        "return arguments[1].map((v) => charRNNInside.css(charRNNInside.rgb(arguments[0], v)));", name, values)


def retype(driver: Chrome, root: WebElement, text: str) -> None:
    """Types `text` into the view's passage box and waits until the view has drawn it or said what is wrong."""
    box = part(root, "text")
    box.clear()
    box.send_keys(text)
    wait(driver, "return ['ready', 'error'].includes(arguments[0].dataset.state)", root)


def trace_of(driver: Chrome, text: str, quantity: str, layer: int, unit: int | None) -> np.ndarray:
    """charRNN.trace(text)[quantity][layer - 1] at `unit` ([time]), or the mean over units if None."""
    steps = call(driver, """const steps = charRNN.trace(args[0])[args[1]][args[2] - 1];
                            return args[3] === null ? steps : steps.map((values) => values[args[3]]);""",
                 [text, quantity, layer, unit])
    return np.asarray(steps).mean(axis=1) if unit is None else np.asarray(steps)


@requires_built_site
def test_the_views_load_on_their_page_only():
    pages = [path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
             if "char_rnn_inside/" in path.read_text("utf-8")]
    assert pages == [PAGE]


@requires_built_site
def test_the_unit_picker_offers_the_chapters_units(desktop):
    offered = desktop.execute_script("""
        return Array.from(arguments[0].options, (option) => ({
          text: option.text, value: option.value, ...option.dataset}));""", part(view(desktop, "units"), "unit"))
    units = json.loads(DATA.read_text("utf-8"))["units"]
    assert units, f"{DATA} holds no units"
    assert [(o["feature"], int(o["layer"]), int(o["unit"]), float(o["correlation"])) for o in offered[:-1]] == [
        (u["feature"], u["layer"], u["unit"], u["correlation"]) for u in units]
    for option, unit in zip(offered, units, strict=False):
        assert option["text"] == (f"{unit['label']}: layer {unit['layer']}, unit {unit['unit']} "
                                  f"(r = {signed(unit['correlation'], 3)})")
    assert offered[-1] == {"text": "any unit, by layer and number", "value": "any"}


@requires_built_site
def test_colours_and_readout_are_the_units_trace(desktop):
    from selenium.webdriver.support.ui import Select

    root = view(desktop, "units")
    units = json.loads(DATA.read_text("utf-8"))["units"]
    chosen = len(units) - 1
    Select(part(root, "unit")).select_by_value(str(chosen))
    layer, unit = units[chosen]["layer"], units[chosen]["unit"]
    text = part(root, "text").get_property("value")
    index = 7
    character(root, index).click()
    h, z = trace_of(desktop, text, "h", layer, unit), trace_of(desktop, text, "z", layer, unit)
    drawn = characters(desktop, root, "h", "z")
    assert len(drawn) == len(text) == len(h)
    np.testing.assert_array_equal([float(c["h"]) for c in drawn], h)  # the same numbers, not re-computed
    np.testing.assert_array_equal([float(c["z"]) for c in drawn], z)
    assert [c["background"] for c in drawn] == scale(desktop, "state", list(h))
    assert [c["bar"] for c in drawn] == scale(desktop, "gate", list(z))
    readout = part(root, "readout")
    assert float(readout.get_attribute("data-h")) == h[index] and float(readout.get_attribute("data-z")) == z[index]
    assert readout.text.startswith(f"Character {shown(text[index])}, position {index}: state h "
                                   f"{signed(h[index], 2)}, update gate {z[index]:.2f};")


@requires_built_site
def test_the_gate_bar_shows_the_units_z_or_the_layers_mean(desktop):
    from selenium.webdriver.support.ui import Select

    root = view(desktop, "units")
    Select(part(root, "unit")).select_by_value("0")
    unit = json.loads(DATA.read_text("utf-8"))["units"][0]
    text = part(root, "text").get_property("value")
    root.find_element("css selector", '[data-role="gate"][value="mean"]').click()
    mean_z = trace_of(desktop, text, "z", unit["layer"], None)
    drawn = characters(desktop, root, "z")
    np.testing.assert_allclose([float(c["z"]) for c in drawn], mean_z, rtol=0, atol=1e-12)
    assert [c["bar"] for c in drawn] == scale(desktop, "gate", [float(c["z"]) for c in drawn])
    root.find_element("css selector", '[data-role="gate"][value="unit"]').click()
    np.testing.assert_array_equal([float(c["z"]) for c in characters(desktop, root, "z")],
                                  trace_of(desktop, text, "z", unit["layer"], unit["unit"]))


@requires_built_site
def test_the_bars_are_the_five_likeliest_at_the_sliders_temperature(desktop):
    from selenium.webdriver.common.keys import Keys

    root = view(desktop, "units")
    slider = part(root, "temperature")
    assert float(slider.get_attribute("min")) == char_rnn_writer.MIN_TEMPERATURE
    assert float(slider.get_attribute("max")) == char_rnn_writer.MAX_TEMPERATURE
    index = 12
    character(root, index).click()
    text = part(root, "text").get_property("value")
    vocabulary = call(desktop, "return charRNN.vocabulary;")
    for presses, temperature in ((0, 1.0), (10, 0.5)):  # 10 steps of 0.05 down
        slider.send_keys(*[Keys.ARROW_LEFT] * presses)
        assert float(slider.get_property("value")) == pytest.approx(temperature)
        expected = np.asarray(call(desktop, "return charRNN.atTemperature(charRNN.trace(args[0]).probabilities["
                                            "args[1]], args[2]);", [text, index, temperature]))
        top = np.argsort(-expected, kind="stable")[:5]
        bars = desktop.execute_script("return Array.from(arguments[0].children, (li) => [li.dataset.char, "
                                      "Number(li.dataset.probability)]);", part(root, "bars"))
        assert bars == [[vocabulary[k], expected[k]] for k in top], temperature
        assert f"at temperature {temperature:.2f}:" in part(root, "readout").text
        assert part(root, "temperature-value").text == f"{temperature:.2f}"


@requires_built_site
def test_the_connectivity_shading_is_charRNNs(desktop):
    root = view(desktop, "connectivity")
    text = part(root, "text").get_property("value")
    for position in (0, 40):
        character(root, position).click()
        wait(desktop, "return arguments[0].dataset.position === String(arguments[1])", part(root, "readout"),
             position)
        expected = np.asarray(call(desktop, "return charRNN.connectivity(args[0], args[1]);", [text, position]))
        drawn = characters(desktop, root, "connectivity", "share")
        np.testing.assert_array_equal([float(c["connectivity"]) for c in drawn[:position + 1]], expected)
        np.testing.assert_allclose([float(c["share"]) for c in drawn[:position + 1]], expected / expected.max(),
                                   rtol=0, atol=1e-15)
        assert all(c["connectivity"] is None and c["background"] == "" for c in drawn[position + 1:])
        assert [c["background"] for c in drawn[:position + 1]] == scale(desktop, "share",
                                                                        list(expected / expected.max()))
        probabilities = np.asarray(call(desktop, "return charRNN.trace(args[0]).probabilities[args[1]];",
                                        [text, position]))
        vocabulary = call(desktop, "return charRNN.vocabulary;")
        readout = part(root, "readout")
        assert readout.get_attribute("data-predicted") == vocabulary[int(probabilities.argmax())]
        assert float(readout.get_attribute("data-predicted-probability")) == probabilities.max()
        assert readout.get_attribute("data-next") == text[position + 1]
        assert float(readout.get_attribute("data-next-probability")) == probabilities[
            vocabulary.index(text[position + 1].lower())]


@requires_built_site
def test_the_keyboard_alone_moves_the_selection_and_the_readout(desktop):
    from selenium.webdriver.common.keys import Keys

    for name, attribute in (("units", "data-index"), ("connectivity", "data-position")):
        root = view(desktop, name)
        passage = part(root, "passage")
        desktop.execute_script("arguments[0].focus()", part(root, "text"))
        for _ in range(8):
            if desktop.switch_to.active_element == passage:
                break
            desktop.switch_to.active_element.send_keys(Keys.TAB)
        assert desktop.switch_to.active_element == passage, f"{name}: Tab does not reach the passage"
        readout = part(root, "readout")
        length = len(part(root, "text").get_property("value"))
        last = length - 1 if name == "units" else length - 2
        for key, expected in ((Keys.HOME, 0), (Keys.ARROW_RIGHT, 1), (Keys.ARROW_DOWN, 2), (Keys.ARROW_LEFT, 1),
                              (Keys.END, last), (Keys.ARROW_RIGHT, last)):
            passage.send_keys(key)
            wait(desktop, "return arguments[0].getAttribute(arguments[1]) === String(arguments[2])", readout,
                 attribute, expected)
            assert passage.get_attribute("aria-activedescendant") == f"{passage.get_attribute('id')}-{expected}"
            assert character(root, expected).get_attribute("aria-selected") == "true"
            assert f"position {expected}" in readout.text.lower(), (name, key)


@requires_built_site
def test_bad_input_gets_a_message_in_the_fields_words(desktop):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    units, connectivity = view(desktop, "units"), view(desktop, "connectivity")
    passage = part(units, "text").get_property("value")
    retype(desktop, units, "Romeo É#")
    message = part(units, "message").text
    assert units.get_attribute("data-state") == "error"
    assert message.startswith('Passage contains characters the model never saw: "É", "#". Use spaces, line breaks')
    retype(desktop, units, passage)
    Select(part(units, "unit")).select_by_value("any")
    Select(part(units, "layer")).select_by_value("2")
    number = part(units, "number")
    size = call(desktop, 'return charRNN.trace("a").h[1][0].length;')  # units in layer 2
    for typed in (str(size), "0x10", ""):
        number.send_keys(Keys.CONTROL, "a")
        number.send_keys(typed or Keys.BACKSPACE)  # keys, not clear(): clear() fires no input event
        assert units.get_attribute("data-state") == "error"
        received = f'"{typed}"' if typed else "nothing"
        assert part(units, "message").text == (f"Unit number must be a whole number from 0 to {size - 1}, in "
                                               f"digits (layer 2 has {size} units). Received: {received}.")
        assert all(c["h"] is None and c["background"] == "" for c in characters(desktop, units, "h"))
    number.send_keys("5")
    assert units.get_attribute("data-state") == "ready" and not part(units, "message").is_displayed()
    np.testing.assert_array_equal([float(c["h"]) for c in characters(desktop, units, "h")],
                                  trace_of(desktop, passage, "h", 2, 5))
    retype(desktop, connectivity, "a")
    assert part(connectivity, "message").text == ("Passage needs at least 2 characters: the model reads up to one "
                                                  "and predicts the next. Received: 1.")
    retype(desktop, connectivity, passage)
    assert connectivity.get_attribute("data-state") == "ready"


@requires_built_site
def test_no_critical_or_serious_axe_violation_and_a_print_note(desktop):
    assert severe_console_entries(desktop) == []
    desktop.execute_script(axe_source())
    result = desktop.execute_async_script(RUN_AXE, WCAG_A_AA, [], [])  # every rule, colour contrast too
    assert "error" not in result, result
    # From file://, axe's own reads of the style sheets are refused (CORS); nothing else may be logged.
    assert all(".css" in entry for entry in severe_console_entries(desktop))
    serious = [f"{v['impact']} {v['id']} ({v['help']}): {v['targets'][:3]}" for v in result["violations"]
               if v["impact"] in FORBIDDEN]
    assert serious == []
    desktop.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": [
        {"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        shown = desktop.execute_script("""
            const root = arguments[0];
            return {note: getComputedStyle(root.querySelector(".char-rnn-inside-print")).display,
                    passage: getComputedStyle(root.querySelector('[data-role="passage"]')).display,
                    motion: getComputedStyle(root.querySelector('[role="option"]')).transitionDuration};""",
                                       view(desktop, "units"))
    finally:
        desktop.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    assert shown == {"note": "block", "passage": "none", "motion": "0s"}


@requires_built_site
def test_a_phone_screen_scrolls_no_view_sideways(browsers):
    phone = load(browsers.at(*PHONE))
    width = PHONE[0]
    overflow = phone.execute_script("""
        return {page: document.documentElement.scrollWidth,
                right: Math.max(...Array.from(document.querySelectorAll(".char-rnn-inside *"),
                                              (node) => node.getBoundingClientRect().right)),
                boxes: Array.from(document.querySelectorAll(".char-rnn-inside-passage"),
                                  (box) => box.scrollWidth <= box.clientWidth)};""")
    assert overflow["page"] <= width and overflow["right"] <= width, overflow
    assert overflow["boxes"] == [True, True], "a passage scrolls sideways"
    character(view(phone, "connectivity"), 3).click()
    wait(phone, "return arguments[0].dataset.position === '3'", part(view(phone, "connectivity"), "readout"))
    assert severe_console_entries(phone) == []


@requires_built_site
def test_the_console_stays_clean(desktop):
    assert severe_console_entries(desktop) == []
