"""The Colab set-up cell that starts every chapter, generated from ``_config.yml``.

The course's repository URL and branch live in one place, ``_config.yml``'s
``repository.url`` and ``repository.branch``; this script writes them into the
first code cell of every ``book/*.md``::

    python tools/colab_cell.py --check   # exit 1 and name each chapter whose cell differs
    python tools/colab_cell.py --write   # insert or replace the cell; then `jupytext --sync`

On Colab (``"google.colab" in sys.modules``) the cell clones the course at that
branch (the chapters read ``results/`` and ``book/checkpoints/`` from it), installs
the companion from the clone with the chapters' extras, and moves to ``book/`` as a
local run does. Anywhere else it does nothing and prints nothing, which nbval checks.
The site removes the cell (tag ``remove-cell``): it has nothing to show there.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
BOOK = ROOT / "book"
TAG = "remove-cell"
FIRST_LINE = "# On Colab only: fetch the course and install its companion (elsewhere: no-op)."

TEMPLATE = '''\
{first_line}
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    URL, BRANCH = "{url}", "{branch}"
    COURSE = "/content/{name}"
    if not os.path.isdir(COURSE):
        subprocess.run(["git", "clone", "--quiet", "--depth=1", "--branch", BRANCH, URL,
                        COURSE], check=True)
        # Colab's Python may be newer than the 3.11 the course pins.
        pip = [sys.executable, "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--ignore-requires-python", "-e", f"{{COURSE}}[chapters]"],
                       check=True)
    sys.path.insert(0, COURSE)  # importable in this kernel without a restart
    os.chdir(f"{{COURSE}}/book")  # chapters read files relative to book/, as locally'''

CELL_RE = re.compile(r"```\{code-cell\} ipython3\n:tags: \[" + TAG + r"\]\n\n"
                     + re.escape(FIRST_LINE) + r"\n.*?```\n\n", re.S)


def repository(config: Path = CONFIG) -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml``'s ``repository`` section.

    Raises:
        ValueError: when the section or a key is missing, or the URL is not
            ``https://github.com/<owner>/<name>``.
    """
    section = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("repository") or {}
    url, branch = section.get("url"), section.get("branch")
    if not isinstance(url, str) or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"`repository.url` in {config} must be https://github.com/<owner>/<name>. "
                         f"Received: {url!r}")
    if not isinstance(branch, str) or not branch:
        raise ValueError(f"`repository.branch` in {config} must be a branch name. Received: {branch!r}")
    return url, branch


def cell_source(url: str, branch: str) -> str:
    """The cell's code for the repository `url` at `branch`."""
    return TEMPLATE.format(first_line=FIRST_LINE, name=url.rstrip("/").rsplit("/", 1)[1],
                           branch=branch, url=url)


def cell_markdown(url: str, branch: str) -> str:
    """The cell as MyST Markdown, as it stands in a chapter's ``.md``."""
    return f"```{{code-cell}} ipython3\n:tags: [{TAG}]\n\n{cell_source(url, branch)}\n```\n\n"


def chapters() -> list[Path]:
    """Every chapter source, ``book/*.md``."""
    return sorted(BOOK.glob("*.md"))


def with_cell(text: str, cell: str) -> str:
    """Chapter `text` with `cell` as its first code cell (replacing an earlier version)."""
    text = CELL_RE.sub("", text, count=1)
    start = text.find("```{code-cell}")
    if start < 0:
        raise ValueError("a chapter has no code cell to put the Colab cell before")
    return text[:start] + cell + text[start:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail when a chapter's cell differs")
    mode.add_argument("--write", action="store_true", help="write the cell into every chapter")
    args = parser.parse_args(argv)
    cell = cell_markdown(*repository(CONFIG))
    stale = []
    for path in chapters():
        text = path.read_text(encoding="utf-8")
        updated = with_cell(text, cell)
        if updated != text:
            stale.append(path)
            if args.write:
                path.write_text(updated, encoding="utf-8")
    verb = "updated" if args.write else "differs from _config.yml's repository in"
    for path in stale:
        print(f"Colab cell {verb} {path.relative_to(ROOT)}")
    if stale and args.write:
        print("Now run: jupytext --sync " + " ".join(str(p.relative_to(ROOT)) for p in stale))
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
