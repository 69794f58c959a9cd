"""Every built page is readable on a desktop (1400 x 900) and on a phone (390 x 844), in headless Chromium.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W``, like
``test_site.py`` (the server, ``origin``, and the browsers, ``screen``, live in
``tests/conftest.py``). Per page:

- at both sizes the page never scrolls sideways (a code block or a table may scroll
  inside its own box on the phone), and no table cell splits a word or a number across
  lines (``_static/course.css``);
- at 1400 px no code block (code cells, ``{literalinclude}``, shell blocks: their lines
  are at most 88 characters) and no cell output scrolls sideways;
- every image in the text has alt text or a caption, and neither is a file name
  (myst-nb names output images by their hash, and uses that name as alt text
  unless the cell's ``mystnb: image: alt:`` metadata gives one);
- one search field at the top of the page, not two;
- exercises are numbered within their chapter (1, 2, 3 ...);
- the References page labels works author-year, as the text cites them, and every
  citation in the text names the work it links to by that label.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from browser import DESKTOP, SITE, content_pages, open_page, requires_built_site, site_pages

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

    from conftest import Browsers

pytestmark = requires_built_site

# How the page sits on the screen. `arguments[0]`: true on the desktop, where code blocks
# and cell outputs must fit the column too.
LAYOUT = r"""
const [desktop] = arguments;
const root = document.documentElement;
const width = root.clientWidth;
const visible = (el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
};
const text = (el) => (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 70);
const label = (el) => `${el.tagName.toLowerCase()}.${String(el.className).trim().split(/\s+/)[0]}`;
const clipped = (el) => {  // inside a box that scrolls or clips its overflow
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (getComputedStyle(box).overflowX !== "visible") return true;
  }
  return false;
};
const scrolls = (el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
const all = Array.from(document.body.querySelectorAll("*")).filter(visible);
const result = {sideways: root.scrollWidth - width, past: [], scrolling: [], code: [], split: []};
if (result.sideways > 1) {
  result.past = all.filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .slice(0, 8).map((el) => `${label(el)} reaches x = ${Math.round(el.getBoundingClientRect().right)}`
                               + ` px: ${JSON.stringify(text(el))}`);
}
// Boxes that may scroll sideways: code blocks, tables' boxes, displayed equations.
const ownBox = "pre, div.highlight, .pst-scrollable-table-container, table, .math, mjx-container";
result.scrolling = all.filter((el) => /auto|scroll/.test(getComputedStyle(el).overflowX) && scrolls(el)
                                      && !el.matches(ownBox))
  .map((el) => `${label(el)} scrolls ${el.scrollWidth} px in ${el.clientWidth} px`);
if (desktop) {
  result.code = Array.from(document.querySelectorAll(
      "article pre, article div.highlight, div.cell_output, div.cell_output table, "
      + "article .pst-scrollable-table-container")).filter(visible).filter(scrolls)
    .map((el) => `${label(el)} scrolls ${el.scrollWidth} px in ${el.clientWidth} px: `
                 + JSON.stringify(text(el)));
}
// Words and numbers: letters and digits with the marks inside them (0.0202, 1,470, char_rnn.csv).
// A line may break at a space, and after a hyphen or slash inside a compound (held-|out),
// nowhere else.
const compound = /(?<=[\p{L}\p{N}][-\/‐–])(?=[\p{L}\p{N}])/u;
for (const cell of document.querySelectorAll("article td, article th")) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const token of node.data.matchAll(/\S+/g)) {
      let start = token.index;
      for (const piece of token[0].split(compound)) {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + piece.length);
        start += piece.length;
        const lines = new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top)));
        if (lines.size > 1) result.split.push(`${JSON.stringify(piece)} on ${lines.size} lines in `
                                               + JSON.stringify(text(cell)));
      }
    }
  }
}
return result;
"""


@pytest.fixture(scope="module")
def wide_driver(browsers: Browsers) -> Chrome:
    return browsers.at(*DESKTOP)


@pytest.fixture(scope="module")
def narrow_driver(browsers: Browsers) -> Chrome:
    return browsers.at(1280, 1024)


@pytest.mark.parametrize("page", content_pages())
def test_page_fits_the_screen(screen, origin, page):
    open_page(screen.driver, f"{origin}/{page}")
    layout = screen.driver.execute_script(LAYOUT, screen.width >= DESKTOP[0])
    problems = ([f"the page scrolls {layout['sideways']} px sideways"] if layout["sideways"] > 1 else [])
    problems += layout["past"] + [f"{item} (only a code block or a table may)" for item in layout["scrolling"]]
    problems += [f"{item} (lines are at most 88 characters: they fit)" for item in layout["code"]]
    problems += [f"a table cell splits {item}" for item in layout["split"]]
    assert not problems, f"{page} at {screen}:\n" + "\n".join(problems)


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
CITATION_ENTRIES = """
return Array.from(document.querySelectorAll(".citation > p"), (el) => el.innerText.trim());
"""
AUTHOR_YEAR = re.compile(r"^\[?[^\[\],]+(?: et al\.)?, (?:\d{4}|n\.d\.)[a-z]?\]?$")
YEAR_TWICE = re.compile(r"\b(\d{4}), \1\b")  # "Blog post, 21 May 2015, 2015."

# In the built HTML: a citation's link to the References page, and a work's label there.
CITATION_LINK = re.compile(r'<a class="reference internal" href="(?:[^"#]*/)?references\.html#([^"]+)"'
                           r'[^>]*>(.*?)</a>', re.S)
REFERENCE_LABEL = re.compile(r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">'
                             r'<span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">', re.S)


@pytest.fixture(scope="module")
def read_at_desktop(wide_driver: Chrome, origin: str) -> Callable[[str], dict[str, list]]:
    """`page`'s images (IMAGES) and exercise titles (EXERCISE_TITLES) at 1400 px, from one load of
    the page for both tests (a second load would render the page and typeset its maths again)."""
    @functools.cache
    def read(page: str) -> dict[str, list]:
        open_page(wide_driver, f"{origin}/{page}")
        return {"images": wide_driver.execute_script(IMAGES),
                "exercises": wide_driver.execute_script(EXERCISE_TITLES)}

    return read


@pytest.mark.parametrize("page", site_pages())
def test_every_image_says_what_it_shows(read_at_desktop, page):
    bad = [image["src"] for image in read_at_desktop(page)["images"]
           if not any(text and not FILE_NAME.search(text) for text in (image["alt"], image["caption"]))]
    assert not bad, (f"{page}: images with no alt text or caption but a file name (give the cell "
                     f"`mystnb: image: alt:` metadata): {bad}")


@pytest.mark.parametrize("page", site_pages())
def test_one_search_field_at_the_top(narrow_driver, origin, page):
    open_page(narrow_driver, f"{origin}/{page}")
    fields = narrow_driver.execute_script(VISIBLE_SEARCH)
    assert len(fields) == 1, f"{page}: {len(fields)} search fields visible at the top at 1280 px: {fields}"


@pytest.mark.parametrize("page", site_pages())
def test_exercises_are_numbered_within_their_chapter(read_at_desktop, page):
    titles = read_at_desktop(page)["exercises"]
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
    repeated = [entry for entry in wide_driver.execute_script(CITATION_ENTRIES) if YEAR_TWICE.search(entry)]
    assert not repeated, f"{page}: entries that state their year twice: {repeated}"


def plain(fragment: str) -> str:
    """The text of an HTML fragment, its spaces (no-break ones too) single."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_citations_name_the_work_they_link_to():
    """{cite:p} shows the work's label ("Mikolov et al., 2013a"), {cite:t} links its year ("2013a")."""
    references = next((SITE / page for page in site_pages() if page.endswith("references.html")), None)
    assert references, "no references.html in the built site"
    labels = {target: plain(label) for target, label in
              REFERENCE_LABEL.findall(references.read_text(encoding="utf-8"))}
    assert labels, f"{references} labels no work"
    cited, bad = 0, []
    for page in content_pages():
        for target, link in CITATION_LINK.findall((SITE / page).read_text(encoding="utf-8")):
            cited += 1
            label, shown = labels.get(target, f"(no work with id {target!r})"), plain(link)
            if shown != label and not label.endswith(f", {shown}"):
                bad.append(f"{page}: {shown!r} links to {label!r}")
    assert cited, "no page cites a work"
    assert not bad, "citations that do not name the work they link to:\n" + "\n".join(bad)
