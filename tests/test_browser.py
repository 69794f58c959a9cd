"""The shared headless Chromium (companion.browser): what tests, benchmarks and the PDF build drive."""

import shutil

import pytest

from companion import browser


def test_without_chromium_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no browser, no chromedriver
    monkeypatch.delenv("CHROMEWEBDRIVER", raising=False)
    with pytest.raises(browser.BrowserUnavailable, match="apt-get install chromium chromium-driver"):
        with browser.chromium(tmp_path / "profile"):
            pass


@pytest.mark.skipif(shutil.which("chromedriver") is None, reason="no chromedriver on PATH")
@pytest.mark.parametrize("width", [1000, 390])  # a window, and a phone's screen (narrower than any window)
def test_chromium_shows_a_page_at_the_width_asked_for(tmp_path, width):
    page = "data:text/html,<meta name=viewport content='width=device-width'><title>t</title><p id=p>ok</p>"
    with browser.chromium(tmp_path / "profile", width=width, height=700) as driver:
        driver.get(page)
        assert driver.title == "t"
        assert driver.execute_script("return [document.getElementById('p').textContent, innerWidth]") == ["ok", width]
