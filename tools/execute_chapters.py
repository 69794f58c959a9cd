"""Execute chapters in place and store clean outputs (what the site, nbval and readers see).

    python tools/execute_chapters.py book/introduction.ipynb book/time_series.ipynb
    python tools/execute_chapters.py --jobs 2 book/*.ipynb

Each notebook runs top to bottom in a fresh ``python3`` kernel (nbclient), with
``book/`` as its working folder and no cell timeout. Stream outputs on stderr
(TensorFlow's C++ logs, warnings) are dropped before saving; everything else is kept.
A cell that raises fails the run: the notebook is not written, and the message names
the chapter and the cell. ``--jobs N`` runs N notebooks at once; chapters whose tables
read what earlier chapters logged (``RNN_BOOK_RECORD=1``) need ``--jobs 1`` and
``_toc.yml`` order, which is the order given.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


class ChapterError(RuntimeError):
    """A chapter's cell raised while the chapter was executed."""


def without_stderr(notebook: nbformat.NotebookNode) -> int:
    """Drop every stderr stream output of `notebook` in place; returns how many were dropped."""
    dropped = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
        dropped += len(cell.outputs) - len(kept)
        cell.outputs = kept
    return dropped


def execute(path: Path) -> str:
    """Execute the notebook at `path` in place; returns a one-line summary.

    Raises:
        ChapterError: naming the chapter, the cell (index and first line) and the error.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=None, kernel_name="python3",
                            resources={"metadata": {"path": str(BOOK)}})
    try:
        client.execute()
    except CellExecutionError as error:
        index = next((i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                      and any(o.output_type == "error" for o in cell.get("outputs", []))), None)
        where = "an unknown cell" if index is None else (
            f"cell {index} ({notebook.cells[index].source.splitlines()[0][:70]!r})")
        raise ChapterError(f"{path.name}: {where} raised {error.ename}: {error.evalue}") from None
    dropped = without_stderr(notebook)
    nbformat.write(notebook, path)
    return f"{path.name}: executed, {dropped} stderr output(s) dropped"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="chapter notebooks (.ipynb)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default 1)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive integer. Received: {args.jobs}")
    wrong = [str(p) for p in args.notebooks if p.suffix != ".ipynb" or not p.is_file()]
    if wrong:
        parser.error(f"expected existing .ipynb files (the .md are synced from them). Received: {wrong}")
    failures = []
    if args.jobs == 1:
        for path in args.notebooks:
            try:
                print(execute(path), flush=True)
            except ChapterError as error:
                failures.append(str(error))
                print(error, file=sys.stderr, flush=True)
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(execute, path) for path in args.notebooks]
            for future in futures:
                try:
                    print(future.result(), flush=True)
                except ChapterError as error:
                    failures.append(str(error))
                    print(error, file=sys.stderr, flush=True)
    if failures:
        print(f"{len(failures)} chapter(s) failed:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
