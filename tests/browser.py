"""Headless Chromium for the browser tests (the site, the char-RNN page, JupyterLab).

Debian's ``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs them).
Every host but loopback fails to resolve, so a fetch from a CDN shows as a console
error: the pages must work offline.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NoReturn

import pytest

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

# The built site (jupyter-book build .); RNN_BOOK_SITE_DIR points elsewhere (--path-output).
SITE = Path(os.environ.get("RNN_BOOK_SITE_DIR")
            or Path(__file__).resolve().parent.parent / "_build" / "html")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Every host but the test server fails to resolve: a CDN fetch shows as an error.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)


def unavailable(reason: str) -> NoReturn:
    """Skip for lack of `reason`'s prerequisite, but fail in CI, where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


@contextlib.contextmanager
def chromium(profile_dir: Path, width: int = 1280, height: int = 1024,
             file_access: bool = False) -> Iterator[Chrome]:
    """Headless Chromium driven by Selenium, with a fresh profile and console logging.

    Args:
        profile_dir: an empty folder for the browser's profile.
        width, height: the window's size in CSS pixels.
        file_access: let ``file://`` pages load other ``file://`` files.

    Skips (fails under ``CI``) where Chromium or chromedriver is missing.
    """
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    # GitHub's Ubuntu runners keep their chromedriver in the folder $CHROMEWEBDRIVER names.
    chromedriver = shutil.which("chromedriver") or shutil.which(
        "chromedriver", path=os.environ.get("CHROMEWEBDRIVER", ""))
    if browser is None or chromedriver is None:
        unavailable("Chromium and chromedriver are not installed (Debian: apt-get install "
                    "chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:
        unavailable("selenium is not installed: pip install -e '.[dev]'")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    flags = [*CHROMIUM_FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile_dir}"]
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
        yield chrome
    finally:
        chrome.quit()


def site_pages() -> list[str]:
    """Paths of the built HTML pages, relative to the site root."""
    if not SITE.is_dir():
        return []
    return sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
                  if not path.relative_to(SITE).parts[0].startswith("_"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
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
