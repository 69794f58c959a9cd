"""The course's PDF (tools/build_pdf.py): every chapter of ``_toc.yml``, typeset maths, the figures.

Opt in with ``RNN_BOOK_SITE_TEST=1``, like the other browser tests. The PDF checked is
``RNN_BOOK_PDF`` when set (CI builds it once, into the site), else one built here into a
temporary folder (about half a minute). Read with pypdf: chapters by the PDF's outline
(Chromium writes one bookmark per heading), maths by the fonts of each chapter's pages and
the absence of TeX in their text, figures by the images of each chapter's pages. The
built site must link to the PDF where ``tools/build_pdf.py`` puts it (``downloads/``).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
import yaml

from browser import SITE, requires_built_site, unavailable
from build_pdf import SITE_PATH, build_pdf  # tools/, on pytest's pythonpath

ROOT = Path(__file__).resolve().parent.parent
PDF_VAR = "RNN_BOOK_PDF"
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")

pytestmark = requires_built_site  # opt-in like the site's tests: Chromium prints the PDF


@dataclass
class Chapter:
    """A chapter of ``_toc.yml``, from its stored notebook (or reST page)."""

    file: str
    title: str
    figures: int  # images in its outputs and Markdown
    tex_commands: set[str]  # the TeX commands of its maths, e.g. {"\\mathbf"}


def squeeze(text: str) -> str:
    """`text` without whitespace (the PDF breaks lines anywhere), ligatures (ﬃ) spelt out."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def chapter(file: str) -> Chapter:
    notebook = ROOT / f"{file}.ipynb"
    if not notebook.is_file():  # a reST page (the references): a title, no figures or maths
        return Chapter(file, (ROOT / f"{file}.rst").read_text("utf-8").splitlines()[0], 0, set())
    cells = json.loads(notebook.read_text("utf-8"))["cells"]
    markdown = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    title = next(line[2:] for line in markdown.splitlines() if line.startswith("# "))
    outputs = [output for cell in cells if cell["cell_type"] == "code" for output in cell.get("outputs", [])]
    figures = sum("image/png" in output.get("data", {}) for output in outputs)
    figures += len(re.findall(r"!\[|\{(?:figure|image)\}", markdown))
    maths = re.findall(r"\$\$.+?\$\$|\$[^$\n]+\$", markdown, flags=re.DOTALL)
    return Chapter(file, title, figures, {command for m in maths for command in TEX_COMMAND.findall(m)})


def toc_chapters() -> list[Chapter]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    return [chapter(file) for file in files]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> pypdf.PdfReader:
    if os.environ.get(PDF_VAR):
        return pypdf.PdfReader(os.environ[PDF_VAR])
    return pypdf.PdfReader(build_pdf(tmp_path_factory.mktemp("pdf") / "course.pdf"))


@pytest.fixture(scope="module")
def chapter_pages(pdf: pypdf.PdfReader) -> dict[str, range]:
    """The pages (0-based) of each chapter, from the outline's bookmark of its title."""
    def flatten(outline: list) -> list:
        return [entry for item in outline for entry in (flatten(item) if isinstance(item, list) else [item])]

    bookmarks = flatten(pdf.outline)
    starts, position = {}, 0
    for entry in toc_chapters():  # each title's first bookmark after the previous chapter's
        position = next((i for i in range(position, len(bookmarks))
                         if squeeze(bookmarks[i].title) == squeeze(entry.title)), None)
        assert position is not None, f"no bookmark {entry.title!r} (after the previous chapter's) in the PDF"
        starts[entry.file] = pdf.get_destination_page_number(bookmarks[position])
    ends = [*list(starts.values())[1:], len(pdf.pages)]
    return {file: range(start, max(end, start + 1)) for (file, start), end in zip(starts.items(), ends, strict=True)}


@pytest.fixture(scope="module")
def texts(pdf: pypdf.PdfReader) -> list[str]:
    """The text of each page (extracting it takes seconds: once per module)."""
    return [page.extract_text() for page in pdf.pages]


def images(resources: pypdf.generic.DictionaryObject) -> int:
    """How many images a page's (or a form's) resources draw, without decoding them."""
    count = 0
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject["/Subtype"] == "/Image":
            count += 1
        elif xobject["/Subtype"] == "/Form":
            count += images(xobject.get("/Resources", {}))
    return count


def page_fonts(page: pypdf.PageObject) -> set[str]:
    """The names of the fonts a page uses (Type3 fonts name theirs in the font descriptor)."""
    fonts = page.get("/Resources", {}).get("/Font", {})
    return {str(font.get("/BaseFont") or font.get("/FontDescriptor", {}).get("/FontName"))
            for font in (ref.get_object() for ref in fonts.values())}


def test_every_chapter_is_in_order(texts, chapter_pages):
    starts = [pages.start for pages in chapter_pages.values()]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    for entry in toc_chapters():
        text = squeeze(" ".join(texts[i] for i in chapter_pages[entry.file]))
        assert squeeze(entry.title) in text, f"{entry.file}: title {entry.title!r} not on its pages"


def test_maths_is_typeset(pdf, texts, chapter_pages):
    with_maths = [entry for entry in toc_chapters() if entry.tex_commands]
    assert with_maths, "no chapter has maths: the check would be empty"
    for entry in with_maths:
        fonts = set().union(*(page_fonts(pdf.pages[i]) for i in chapter_pages[entry.file]))
        assert any("MathJax" in font for font in fonts), f"{entry.file}: no MathJax glyphs on its pages"
        text = " ".join(texts[i] for i in chapter_pages[entry.file])
        raw = {command for command in TEX_COMMAND.findall(text) if command in entry.tex_commands}
        assert not raw and "$$" not in text, f"{entry.file}: TeX left untypeset: {raw or '$$'}"


def test_every_figure_is_in(pdf, chapter_pages):
    chapters = toc_chapters()
    assert sum(entry.figures for entry in chapters) > 0
    for entry in chapters:
        drawn = sum(images(pdf.pages[i].get("/Resources", {})) for i in chapter_pages[entry.file])
        assert drawn >= entry.figures, f"{entry.file}: {drawn} images in the PDF, {entry.figures} figures"


def test_the_site_links_to_the_pdf():
    """Some page of the built site has a link that resolves to the PDF's place in the site."""
    if not (SITE / "index.html").is_file():
        unavailable(f"no built site in {SITE}: run `jupyter-book build . -W` first")
    target = (SITE / SITE_PATH).resolve()
    linking = [page.relative_to(SITE).as_posix() for page in SITE.rglob("*.html")
               if any((page.parent / href).resolve() == target
                      for href in re.findall(r'<a [^>]*href="([^"#?]+\.pdf)"', page.read_text("utf-8")))]
    assert linking, f"no page of {SITE} links to {SITE_PATH} (tools/build_pdf.py writes the PDF there)"
