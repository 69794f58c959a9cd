"""The whole course as one PDF: the single-page HTML build, printed by headless Chromium.

    python tools/build_pdf.py --output _build/html/downloads/recurrent-neural-networks.pdf

Offline, with what the machine already has: Jupyter Book's ``singlehtml`` builder (the
notebooks' stored outputs, no model runs) writes every chapter of ``_toc.yml`` into one
page, then the Chromium of the browser tests (``companion.browser``) opens it, waits until
MathJax has typeset the maths and the figures have loaded, and prints it to A4
(``Page.printToPDF``). The site serves the PDF once it is in its ``downloads/`` folder.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from companion.browser import BrowserUnavailable, chromium, wait_until_typeset

ROOT = Path(__file__).resolve().parent.parent

SITE_PATH = "downloads/recurrent-neural-networks.pdf"  # where the site serves it
DEFAULT_OUTPUT = ROOT / "_build" / "html" / SITE_PATH
PAGE = "course.html"  # the single page, moved to the build's root (see single_page)
TIMEOUT_SECONDS = 120

# On paper: each chapter starts a page, no code line is cut off (a page cannot scroll), and
# the code the site hides behind "Show code cell source" is left out (its output stays).
PRINT_STYLE = """<style media="print">
span[id^="document-"] + section { break-before: page; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
details.hide { display: none !important; }
</style>
"""
FOOTER = ('<div style="font-size: 8px; width: 100%; text-align: center;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def single_page(root: Path, build_dir: Path, config: Path) -> Path:
    """Builds the book as one HTML page into `build_dir`; returns the page's path.

    Sphinx writes the page at ``<root doc>.html`` (``book/introduction.html``) but with
    links relative to the output's root, so it is moved there, its links to itself become
    links within the page, and it gets PRINT_STYLE.
    """
    # The jupyter-book beside this Python (a venv's, even when the venv is not activated).
    jupyter_book = shutil.which("jupyter-book", path=Path(sys.executable).parent) or "jupyter-book"
    subprocess.run([jupyter_book, "build", str(root), "--builder", "singlehtml", "--config", str(config),
                    "--path-output", str(build_dir), "-W", "-n", "--keep-going", "--quiet"], check=True)
    out = build_dir / "_build" / "singlehtml"
    root_doc = yaml.safe_load((root / "_toc.yml").read_text())["root"]
    html = (out / f"{root_doc}.html").read_text("utf-8")
    page = out / PAGE
    html = html.replace(f'href="{root_doc}.html#', 'href="#').replace("</head>", f"{PRINT_STYLE}</head>", 1)
    page.write_text(html, "utf-8")
    return page


def print_pdf(page: Path, output: Path, profile_dir: Path) -> None:
    """Prints `page` (a local HTML file) to `output` once its maths and figures are in."""
    with chromium(profile_dir, file_access=True) as driver:
        driver.set_script_timeout(TIMEOUT_SECONDS)
        driver.get(page.resolve().as_uri())
        state = wait_until_typeset(driver)  # the maths, the fonts and every image
        if state != "ok":
            raise RuntimeError(f"{page} did not finish typesetting: MathJax {state}")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": 8.27, "paperHeight": 11.69,  # A4, in inches
            "marginTop": 0.6, "marginBottom": 0.6, "marginLeft": 0.6, "marginRight": 0.6,
            "printBackground": True, "generateDocumentOutline": True, "displayHeaderFooter": True,
            "headerTemplate": "<span></span>", "footerTemplate": FOOTER})
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(base64.b64decode(pdf["data"]))


def build_pdf(output: Path, root: Path = ROOT, config: Path | None = None) -> Path:
    """Builds the course's PDF at `output` (the HTML build goes to a temporary folder)."""
    if output.suffix != ".pdf":
        raise ValueError(f"Argument `output` must be a .pdf file. Received: output={str(output)!r}")
    with tempfile.TemporaryDirectory(prefix="rnn-book-pdf-") as scratch:
        page = single_page(root, Path(scratch) / "site", config or root / "_config.yml")
        print_pdf(page, output, Path(scratch) / "chromium")
    return output


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"the PDF to write (default: {DEFAULT_OUTPUT.relative_to(ROOT)}, served by the site)")
    parser.add_argument("--config", type=Path, default=None, help="the book's configuration (default: _config.yml)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        output = build_pdf(args.output, config=args.config)
    except (ValueError, BrowserUnavailable) as error:
        parser.error(str(error))
    except subprocess.CalledProcessError:
        parser.error("the single-page build failed: see jupyter-book's messages above")
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
