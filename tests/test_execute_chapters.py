"""tools/execute_chapters.py: executes chapters in place, drops stderr, names a failing cell.

Runs on a copy of book/introduction.ipynb (the repository's notebooks stay untouched)
and on a two-cell notebook whose second cell raises.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

import execute_chapters  # tools/ (pyproject.toml: pytest's pythonpath)

ROOT = Path(__file__).resolve().parent.parent


def test_executes_a_chapter_in_place_without_stderr(tmp_path, capsys):
    copy = tmp_path / "introduction.ipynb"
    shutil.copy(ROOT / "book" / "introduction.ipynb", copy)
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:  # start from no outputs, so the outputs checked are fresh
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    probe = nbformat.v4.new_code_cell("import sys, os\nprint('to stderr', file=sys.stderr)\n"
                                      "print(os.path.basename(os.getcwd()))")
    nb.cells.append(probe)
    nbformat.write(nb, copy)
    assert execute_chapters.main([str(copy)]) == 0
    assert "introduction.ipynb: executed, 1 stderr output(s) dropped" in capsys.readouterr().out
    ran = nbformat.read(copy, as_version=4)
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    assert [o.text for o in code[-1].outputs] == ["book\n"]  # cwd is book/, stderr dropped
    assert any(cell.outputs for cell in code[:-1])
    assert not [o for cell in code for o in cell.outputs if o.get("name") == "stderr"]


def test_a_failing_cell_fails_the_run_and_is_named(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_markdown_cell("text"),
                                         nbformat.v4.new_code_cell("1 / 0  # boom")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert execute_chapters.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert "broken.ipynb: cell 2 ('1 / 0  # boom') raised ZeroDivisionError" in err
    assert path.read_bytes() == before  # a failed chapter is not written


@pytest.mark.parametrize("argv, message", [(["--jobs", "0", "x.ipynb"], "--jobs must be a positive"),
                                           (["book/introduction.md"], "expected existing .ipynb")])
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit):
        execute_chapters.main(argv)
    assert message in capsys.readouterr().err
