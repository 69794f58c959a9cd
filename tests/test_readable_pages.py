"""Every built page is readable at 1400 px, as a student sees it (headless Chromium).

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W``, like
``test_site.py`` (whose server fixture, ``origin``, lives in ``tests/conftest.py``).
Per page:

- no cell output and no code cell needs horizontal scrolling (outputs wrap through
  ``_static/course.css``; chapter code lines are at most 88 characters);
- every image in the text has alt text or a caption, and neither is a file name
  (myst-nb names output images by their hash, and uses that name as alt text
  unless the cell's ``mystnb: image: alt:`` metadata gives one);
- one search field at the top of the page, not two;
- exercises are numbered within their chapter (1, 2, 3 ...);
- the References page labels works author-year, as the text cites them.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Iterator

import pytest

from browser import chromium, open_page, site_pages

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

ENABLE_VAR = "RNN_BOOK_SITE_TEST"
WIDTH = 1400
pytestmark = pytest.mark.skipif(
    os.environ.get(ENABLE_VAR) != "1",
    reason=f"browser test of the built site: run `jupyter-book build . -W`, then set {ENABLE_VAR}=1",
)

# Elements that scroll sideways: wider content than box (1 px of rounding allowed).
OVERFLOWING = """
const [selector] = arguments;
return Array.from(document.querySelectorAll(selector))
  .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map((el) => ({text: el.innerText.slice(0, 90).replace(/\\s+/g, " "),
                 scroll: el.scrollWidth, client: el.clientWidth}));
"""
OUTPUTS = ("div.cell_output, div.cell_output pre, div.cell_output div.highlight, "
           "div.cell_output table, div.cell_output .pst-scrollable-table-container")
INPUTS = "div.cell_input pre, div.cell_input div.highlight"

# Images of the text: their alt text and the caption of the figure they are in.
IMAGES = """
return Array.from(document.querySelectorAll("article img")).map((img) => {
  const figure = img.closest("figure");
  const caption = figure && figure.querySelector("figcaption");
  return {src: img.getAttribute("src") || "", alt: (img.getAttribute("alt") || "").trim(),
          caption: caption ? caption.innerText.trim() : ""};
});
"""
FILE_NAME = re.compile(r"(^|/)[0-9a-f]{16,}(\.\w+)?$|\.(png|jpe?g|svg|gif)$", re.I)

# Search fields and buttons the reader can see.
VISIBLE_SEARCH = """
const visible = (el) => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none";
};
return Array.from(document.querySelectorAll(
    "input[type=search], .search-button-field, button.search-button, .search-button__button"))
  .filter(visible).filter((el) => el.getBoundingClientRect().top < 200)
  // Not the search page's own form: its content, and its search dialog (open there).
  .filter((el) => !el.closest("article, dialog, .bd-search-container"))
  .map((el) => el.className || el.tagName);
"""

EXERCISE_TITLES = """
return Array.from(document.querySelectorAll(".exercise .admonition-title, div.exercise p.admonition-title"))
  .map((el) => el.innerText.trim());
"""
CITATION_LABELS = """
return Array.from(document.querySelectorAll(".citation .label, dl.citation > dt"))
  .map((el) => el.innerText.trim());
"""
AUTHOR_YEAR = re.compile(r"^\[?[^\[\],]+(?: et al\.)?, (?:\d{4}|n\.d\.)[a-z]?\]?$")


@pytest.fixture(scope="module")
def wide_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-wide"), width=WIDTH) as chrome:
        yield chrome


@pytest.fixture(scope="module")
def narrow_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-1280"), width=1280) as chrome:
        yield chrome


def describe(items: list[dict]) -> str:
    return "\n".join(f"  {item['scroll']} px in {item['client']} px: {item['text']!r}" for item in items)


@pytest.mark.parametrize("page", site_pages())
def test_no_cell_output_scrolls_sideways(wide_driver, origin, page):
    open_page(wide_driver, f"{origin}/{page}")
    wide = wide_driver.execute_script(OVERFLOWING, OUTPUTS)
    assert not wide, f"{page}: cell outputs wider than the column at {WIDTH} px:\n{describe(wide)}"


@pytest.mark.parametrize("page", site_pages())
def test_no_code_cell_scrolls_sideways(wide_driver, origin, page):
    open_page(wide_driver, f"{origin}/{page}")
    wide = wide_driver.execute_script(OVERFLOWING, INPUTS)
    assert not wide, (f"{page}: code cells wider than the column at {WIDTH} px (keep chapter "
                      f"code lines <= 88 characters):\n{describe(wide)}")


@pytest.mark.parametrize("page", site_pages())
def test_every_image_says_what_it_shows(wide_driver, origin, page):
    open_page(wide_driver, f"{origin}/{page}")
    bad = [image["src"] for image in wide_driver.execute_script(IMAGES)
           if not any(text and not FILE_NAME.search(text) for text in (image["alt"], image["caption"]))]
    assert not bad, (f"{page}: images with no alt text or caption but a file name (give the cell "
                     f"`mystnb: image: alt:` metadata): {bad}")


@pytest.mark.parametrize("page", site_pages())
def test_one_search_field_at_the_top(narrow_driver, origin, page):
    open_page(narrow_driver, f"{origin}/{page}")
    fields = narrow_driver.execute_script(VISIBLE_SEARCH)
    assert len(fields) == 1, f"{page}: {len(fields)} search fields visible at the top at 1280 px: {fields}"


@pytest.mark.parametrize("page", site_pages())
def test_exercises_are_numbered_within_their_chapter(wide_driver, origin, page):
    open_page(wide_driver, f"{origin}/{page}")
    titles = wide_driver.execute_script(EXERCISE_TITLES)
    numbers = [match.group(1) if (match := re.match(r"^Exercise ([\d.]+)", title)) else None
               for title in titles]
    if not titles:
        pytest.skip(f"{page} has no exercises")
    last = [int(number.split(".")[-1]) if number else None for number in numbers]
    assert last == list(range(1, len(titles) + 1)), f"{page}: exercise titles {titles}"


def test_references_are_labelled_author_year(wide_driver, origin):
    page = next((page for page in site_pages() if page.endswith("references.html")), None)
    assert page, "no references.html in the built site"
    open_page(wide_driver, f"{origin}/{page}")
    labels = wide_driver.execute_script(CITATION_LABELS)
    assert labels, f"{page} lists no citations"
    bad = [label for label in labels if not AUTHOR_YEAR.match(label)]
    assert not bad, f"{page}: labels not in author-year form ('Cho et al., 2014'): {bad}"
