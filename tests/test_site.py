"""The built site, page by page, in headless Chromium, with no network but loopback.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W`` (a browser run
takes a while, so a plain ``pytest`` skips it). Every page of ``_build/html`` is
served on 127.0.0.1 and must load with no console error (a fetch from any other host
fails and logs one, so this also proves the site works offline), with its maths
typeset by MathJax, every image decoded and every internal link resolving to a file
and anchor. A screenshot of each page goes to ``_build/screenshots/``.

Without Chromium (Debian: ``chromium`` and ``chromium-driver``) or a built site the
tests skip, except when ``CI`` is set: there a missing piece is a failure.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from browser import (  # `origin`: tests/conftest.py
    SITE,
    chromium,
    open_page,
    requires_built_site,
    site_pages,
    unavailable,
)
from companion.browser import wait_until_typeset

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
MAX_SCREENSHOT_HEIGHT = 12_000

pytestmark = requires_built_site


def notebook_pages() -> list[str]:
    """Pages built from a notebook (their source is published as ``_sources/<doc>.ipynb``)."""
    sources = SITE / "_sources"
    return sorted(path.relative_to(sources).with_suffix("").as_posix() for path in
                  sources.rglob("*.ipynb")) if sources.is_dir() else []


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.anchors.update(value for name, value in attrs if name in ("id", "name") and value)


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    """The ``id`` and ``name`` attributes of an HTML file."""
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.anchors)


def broken_internal_links(hrefs: list[str], origin: str) -> list[str]:
    """Links to `origin` whose file, or anchor in that file, is not in the built site."""
    broken = []
    for href in hrefs:
        url = urllib.parse.urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin:
            continue
        path = urllib.parse.unquote(url.path).lstrip("/")
        target = SITE / (path + "index.html" if path.endswith("/") or not path else path)
        fragment = urllib.parse.unquote(url.fragment)
        if not target.is_file():
            broken.append(f"{href} (no file {target.relative_to(SITE)})")
        elif fragment and target.suffix == ".html" and fragment not in anchors(target):
            broken.append(f"{href} (no id {fragment!r} in {target.relative_to(SITE)})")
    return broken


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    """Headless Chromium driven by Selenium, with a fresh profile and console logging."""
    with chromium(tmp_path_factory.mktemp("chromium")) as chrome:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        yield chrome


def test_site_is_built():
    if not site_pages():
        unavailable(f"no built site in {SITE}: run `jupyter-book build . -W` first")
    assert (SITE / "index.html").is_file()


# Maths Sphinx emitted, how much of it MathJax typeset, and TeX left raw outside code.
MATH_STATE = """
const maths = Array.from(document.querySelectorAll(".math"));
const prose = document.body.cloneNode(true);
prose.querySelectorAll("pre, code, script, style, textarea, mjx-assistive-mml")
  .forEach((node) => node.remove());
const raw = ["$$", "\\\\(", "\\\\)", "\\\\[", "\\\\]"].filter((s) => prose.textContent.includes(s));
return {
  maths: maths.length,
  untypeset: maths.filter((m) => !m.querySelector("mjx-container")).map((m) => m.textContent),
  containers: document.querySelectorAll("mjx-container").length,
  raw: raw,
};
"""

# Loads each image's source afresh (lazy images too); returns those that do not decode.
BROKEN_IMAGES = """
const done = arguments[arguments.length - 1];
Promise.all(Array.from(document.images, (img) => new Promise((resolve) => {
  const probe = new Image();
  probe.onload = () => resolve(probe.naturalWidth > 0 ? null : img.currentSrc || img.src);
  probe.onerror = () => resolve(img.currentSrc || img.src);
  probe.src = img.currentSrc || img.src;
}))).then((results) => done(results.filter((src) => src !== null)));
"""


def save_full_page(driver: Chrome, path: Path) -> None:
    """A PNG of the whole page (up to MAX_SCREENSHOT_HEIGHT pixels), not just the window.

    The window is made as tall as the page for the shot, so the page lays itself out
    as it would on such a screen (sticky sidebars included), then restored.
    """
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    width, _ = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    height = min(int(size["height"]), MAX_SCREENSHOT_HEIGHT)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("page", site_pages())
def test_page_renders_offline_with_maths_images_and_links(driver, origin, page):
    driver.get_log("browser")  # drop what an earlier page logged
    open_page(driver, f"{origin}/{page}")
    problems: list[str] = []
    mathjax = wait_until_typeset(driver)
    maths = driver.execute_script(MATH_STATE)
    if maths["maths"]:
        if mathjax != "ok":
            problems.append(f"the page has maths but MathJax is {mathjax}")
        problems += [f"maths not typeset: {tex[:80]!r}" for tex in maths["untypeset"]]
        if not maths["containers"]:
            problems.append("no mjx-container on a page with maths")
    problems += [f"raw TeX delimiter {delimiter!r} left in the text" for delimiter in maths["raw"]]
    problems += [f"image does not load: {src}" for src in driver.execute_async_script(BROKEN_IMAGES)]
    hrefs = driver.execute_script("return Array.from(document.links, (a) => a.href);")
    problems += [f"broken link: {link}" for link in broken_internal_links(hrefs, origin)]
    save_full_page(driver, SCREENSHOTS / (page.removesuffix(".html").replace("/", "__") + ".png"))
    # (A page without a favicon logs a 404 for /favicon.ico, which Chromium asks for by itself.)
    problems += [f"console {entry['level']}: {entry['message']}" for entry in driver.get_log("browser")
                 if entry["level"] == "SEVERE"]
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("doc", notebook_pages())
def test_launch_and_download_buttons_open_the_notebook_with_outputs(doc):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = urllib.parse.urlsplit(config["repository"]["url"]).path.strip("/")
    branch = config["repository"]["branch"]
    page = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    expected = {
        "Binder": f"{config['launch_buttons']['binderhub_url']}/v2/gh/{repo}/{branch}"
                  f"?urlpath=lab/tree/{doc}.ipynb",
        "Colab": f"{config['launch_buttons']['colab_url']}/github/{repo}/blob/{branch}/{doc}.ipynb",
        "download": f"_sources/{doc}.ipynb",
    }
    missing = [name for name, url in expected.items() if url not in page]
    assert not missing, f"{doc}.html has no {missing} link to {[expected[m] for m in missing]}"
    # The download is the repository's notebook, whose outputs test_chapter_pairs.py checks.
    published = SITE / "_sources" / f"{doc}.ipynb"
    assert published.read_bytes() == (ROOT / f"{doc}.ipynb").read_bytes()


TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TITLE_SUFFIX = " \N{EM DASH} "  # Sphinx: "<page title> \N{EM DASH} <site title>"


def test_every_page_names_itself_once_in_its_title():
    """A tab reads "LSTM and GRU cells — Recurrent Neural Networks", never "X — X"."""
    titles = {page: html.unescape(match.group(1)).strip() for page in site_pages()
              if (match := TITLE.search((SITE / page).read_text(encoding="utf-8")))}
    repeated = [f"{page}: {title!r}" for page, title in titles.items()
                if len(set(title.split(TITLE_SUFFIX))) < len(title.split(TITLE_SUFFIX))]
    assert titles, f"no page titles in {SITE}"
    assert not repeated, "page titles that say the same thing twice:\n" + "\n".join(repeated)


def test_no_empty_index_page():
    """No empty page: Sphinx's index page lists nothing when the book defines no index entries."""
    empty = [page for page in site_pages() if page.startswith("genindex")
             and 'class="indextable' not in (SITE / page).read_text(encoding="utf-8")]
    assert not empty, f"empty index pages (set html_use_index: false, or add index entries): {empty}"
