"""Every chapter is a Jupytext pair in sync, saved with outputs."""

from pathlib import Path

import jupytext
import nbformat
import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 3


def cell_kinds_sources_tags(notebook: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in notebook.cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_is_in_sync(notebook):
    source = notebook.with_suffix(".md")
    assert source.exists(), f"{notebook.name} has no paired {source.name}: run `jupytext --sync {notebook}`"
    from_md = jupytext.read(source)
    from_ipynb = jupytext.read(notebook)
    assert cell_kinds_sources_tags(from_md) == cell_kinds_sources_tags(from_ipynb), (
        f"{source.name} and {notebook.name} differ: edit one, then `jupytext --sync book/{source.name}`")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_saved_with_outputs(notebook):
    nb = jupytext.read(notebook)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("outputs") is not None for c in code)
    assert any(c.outputs for c in code), f"{notebook.name} has no outputs: execute it before committing"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{notebook.name} was saved with an error output"
