"""Headless Chromium for whatever drives the built site: browser tests, benchmarks, the PDF build.

Debian's ``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs them) and
``selenium`` (the ``dev`` extra). Every host but loopback fails to resolve, so a fetch
from a CDN shows as a console error: the pages must work offline. The tests turn
:class:`BrowserUnavailable` into a skip (``tests/browser.py``); scripts stop with its message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

__all__ = ["BROWSERS", "CHROMIUM_FLAGS", "MIN_WINDOW_WIDTH", "SITE", "TYPESET", "BrowserUnavailable", "chromium",
           "wait_until_typeset"]

# The built site (jupyter-book build .); RNN_BOOK_SITE_DIR points elsewhere (--path-output).
SITE = Path(os.environ.get("RNN_BOOK_SITE_DIR")
            or Path(__file__).resolve().parent.parent / "_build" / "html")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium opens no window narrower than this; a narrower screen is emulated (see chromium).
MIN_WINDOW_WIDTH = 500
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Every host but the test server fails to resolve: a CDN fetch shows as an error.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)

# Resolves once the page has loaded, MathJax has typeset it, the fonts are ready and every
# image has decoded, to MathJax's state: "ok", "absent" (the page loads no MathJax) or
# "failed: <error>" (typesetting, a font or the page failed).
TYPESET = """
const done = arguments[arguments.length - 1];
const loaded = new Promise((resolve) => document.readyState === "complete" ? resolve()
  : window.addEventListener("load", resolve));
loaded.then(() => {
  const startup = window.MathJax && window.MathJax.startup;
  const maths = startup && startup.promise ? startup.promise.then(() => "ok") : "absent";
  return Promise.all([maths, document.fonts.ready,
                      ...Array.from(document.images, (img) => img.decode().catch(() => null))]);
}).then(([maths]) => done(maths), (error) => done("failed: " + error));
"""


class BrowserUnavailable(RuntimeError):
    """Chromium, chromedriver or selenium is not installed."""


@contextlib.contextmanager
def chromium(profile_dir: Path, width: int = 1280, height: int = 1024,
             file_access: bool = False) -> Iterator[Chrome]:
    """Headless Chromium driven by Selenium, with a fresh profile and console logging.

    Args:
        profile_dir: an empty folder for the browser's profile.
        width, height: the window's size in CSS pixels. Below MIN_WINDOW_WIDTH the page
            sees a phone's screen of that size (Chromium's mobile emulation: the layout
            viewport follows the page's ``<meta name="viewport">``, scrollbars overlay).
        file_access: let ``file://`` pages load other ``file://`` files.

    Raises:
        BrowserUnavailable: Chromium, chromedriver or selenium is missing.
    """
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    # GitHub's Ubuntu runners keep their chromedriver in the folder $CHROMEWEBDRIVER names.
    chromedriver = shutil.which("chromedriver") or shutil.which(
        "chromedriver", path=os.environ.get("CHROMEWEBDRIVER", ""))
    if browser is None or chromedriver is None:
        raise BrowserUnavailable("Chromium and chromedriver are not installed (Debian: apt-get install "
                                 "chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:
        raise BrowserUnavailable("selenium is not installed: pip install -e '.[dev]'") from None
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    flags = [*CHROMIUM_FLAGS, f"--window-size={max(width, MIN_WINDOW_WIDTH)},{height}",
             f"--user-data-dir={profile_dir}"]
    if file_access:
        flags.append("--allow-file-access-from-files")
    for flag in flags:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=chromedriver))
    try:
        chrome.set_page_load_timeout(60)
        chrome.set_script_timeout(60)
        if width < MIN_WINDOW_WIDTH:
            chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        yield chrome
    finally:
        chrome.quit()


def wait_until_typeset(driver: Chrome) -> str:
    """Waits until the page in `driver` is settled for reading (:data:`TYPESET`): its maths typeset,
    its fonts and images in. Returns MathJax's state: ``"ok"``, ``"absent"`` or ``"failed: ..."``.

    It waits at most the driver's script timeout (60 s from :func:`chromium`).
    """
    return driver.execute_async_script(TYPESET)
