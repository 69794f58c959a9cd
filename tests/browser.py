"""Headless Chromium for the browser tests (the site, the char-RNN page, JupyterLab).

The browser itself is ``companion.browser.chromium`` (Debian's ``chromium`` and
``chromium-driver``; every host but loopback fails to resolve, so a fetch from a CDN
shows as a console error: the pages must work offline); here a missing one skips the
test, or fails it under ``CI``. The tests of the built site are opt-in: mark them
``requires_built_site`` (run with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W``).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from companion import browser as companion_browser

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

# The built site (jupyter-book build .); RNN_BOOK_SITE_DIR points elsewhere (--path-output).
SITE = companion_browser.SITE
ENABLE_VAR = "RNN_BOOK_SITE_TEST"
# The opt-in of every browser test of the built site (a browser run takes a while).
requires_built_site = pytest.mark.skipif(
    os.environ.get(ENABLE_VAR) != "1",
    reason=f"browser test of the built site: run `jupyter-book build . -W`, then set {ENABLE_VAR}=1",
)
# The two screens a reader uses: a desktop window and a phone (iPhone 12-15: 390 x 844).
DESKTOP = (1400, 900)
PHONE = (390, 844)


def unavailable(reason: str) -> NoReturn:
    """Skip for lack of `reason`'s prerequisite, but fail in CI, where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


@contextlib.contextmanager
def chromium(profile_dir: Path, width: int = 1280, height: int = 1024,
             file_access: bool = False) -> Iterator[Chrome]:
    """``companion.browser.chromium`` (headless, a fresh profile, console logging; below 500 px
    wide, a phone's screen), skipped (failed under ``CI``) where Chromium, chromedriver or
    selenium is missing."""
    with contextlib.ExitStack() as stack:
        try:
            chrome = stack.enter_context(companion_browser.chromium(profile_dir, width, height, file_access))
        except companion_browser.BrowserUnavailable as error:
            unavailable(str(error))
        yield chrome


def site_pages() -> list[str]:
    """Paths of the built HTML pages, relative to the site root."""
    if not SITE.is_dir():
        return []
    return sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
                  if not path.relative_to(SITE).parts[0].startswith("_"))


def content_pages() -> list[str]:
    """``site_pages()`` but the redirects (Sphinx's ``index.html`` sends to the first chapter)."""
    return [page for page in site_pages()
            if not re.search(r"<meta[^>]+http-equiv=[\"']?refresh", (SITE / page).read_text(
                encoding="utf-8"), re.IGNORECASE)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_site() -> Iterator[str]:
    """The built site served on a free loopback port, as ``http://127.0.0.1:PORT``.

    Skips (fails under ``CI``) when the site is not built.
    """
    if not (SITE / "index.html").is_file():
        unavailable(f"no built site in {SITE}: run `jupyter-book build . -W` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# True once the document has loaded and is not a redirect page (Sphinx's index.html is a
# meta refresh to the first chapter).
SETTLED = """
return document.readyState === "complete"
  && !document.querySelector("meta[http-equiv='Refresh' i]");
"""


def open_page(driver: Chrome, url: str, timeout: float = 30) -> None:
    """Loads `url`, follows a meta-refresh redirect to its target, and waits for the fonts.

    Without the wait, a script run right after ``get`` can land on the redirect page and
    the next one on its target.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(SETTLED))
    driver.execute_script("return document.fonts ? document.fonts.ready.then(() => true) : true;")


# Calls the page's model (``window.charRNN``) once its weights are loaded: `arguments[0]` is the
# body of a function of (charRNN, args), `arguments[1]` its args.
CALL = """
const done = arguments[arguments.length - 1];
const body = new Function("charRNN", "args", arguments[0]);
const args = arguments[1];
window.charRNN.ready.then(() => done({value: body(window.charRNN, args)}),
                          (error) => done({error: String(error)}));
"""


def call(driver: Chrome, body: str, args: object = None):
    """What `body` (JavaScript, with `charRNN` and `args` in scope) returns once the model is ready."""
    result = driver.execute_async_script(CALL, body, args)
    assert "error" not in result, f"charRNN.ready failed: {result['error']}"
    return result["value"]


def severe_console_entries(driver: Chrome) -> list[str]:
    """The messages the page logged at level SEVERE (errors) in Chromium's console."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
