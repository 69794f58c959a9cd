"""The Colab set-up cell (tools/colab_cell.py): generated from ``_config.yml``, identical
in every chapter, a no-op off Colab, and, on Colab, a clone-and-install that works.

Colab itself is out of reach here, so the last test plays it: it runs the cell with a
``google.colab`` module in ``sys.modules``, in a fresh virtual environment, with the
repository URL swapped for a local clone of this repository's HEAD (uncommitted
changes are not in it; the companion is) and ``--no-deps`` added to the pip command
(installing TensorFlow would take minutes; the dependency list is pyproject.toml's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import jupytext
import pytest
from nbformat import NotebookNode

import colab_cell  # tools/ (pyproject.toml: pytest's pythonpath)

ROOT = Path(__file__).resolve().parent.parent
URL, BRANCH = colab_cell.repository()
SOURCE = colab_cell.cell_source(URL, BRANCH)
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
FAKE_COLAB = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"


def first_code_cell(path: Path) -> tuple[int, NotebookNode, list[NotebookNode]]:
    """``(index, cell, cells)`` of the first code cell of the notebook at `path`."""
    cells = jupytext.read(path).cells
    index = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    return index, cells[index], cells


@pytest.mark.parametrize("path", [*colab_cell.chapters(), *NOTEBOOKS], ids=lambda p: p.name)
def test_every_chapter_starts_with_the_generated_cell(path):
    index, cell, cells = first_code_cell(path)
    assert cell.source == SOURCE, (
        f"{path.name}: its first code cell is not the Colab cell generated from _config.yml: "
        "run `python tools/colab_cell.py --write`, then `jupytext --sync book/*.md`")
    assert colab_cell.TAG in cell.metadata.get("tags", []), f"{path.name}: the cell is not hidden"
    if path.suffix == ".ipynb":
        assert cell.outputs == [], f"{path.name}: the Colab cell printed something off Colab"
    companion = next(i for i, c in enumerate(cells) if "from companion" in c.source)
    assert index < companion, f"{path.name}: the Colab cell comes after the companion import"


def test_cell_lines_fit_the_chapter_width():
    assert max(map(len, SOURCE.splitlines())) <= 88


def test_check_passes_here_and_fails_for_another_branch(tmp_path, monkeypatch, capsys):
    assert colab_cell.main(["--check"]) == 0
    config = tmp_path / "_config.yml"
    config.write_text(f"repository:\n  url: {URL}\n  branch: fork-branch\n")
    monkeypatch.setattr(colab_cell, "CONFIG", config)
    assert colab_cell.main(["--check"]) == 1
    assert "book/introduction.md" in capsys.readouterr().out


def test_a_bad_repository_url_is_named(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: git@github.com:someone/course.git\n  branch: main\n")
    with pytest.raises(ValueError, match=r"`repository.url`.*Received: 'git@github.com"):
        colab_cell.repository(config)


def test_off_colab_the_cell_does_nothing(tmp_path):
    probe = (f"import os, sys\nbefore = (os.getcwd(), list(sys.path))\n{SOURCE}\n"
             "assert (os.getcwd(), list(sys.path)) == before, 'the cell changed cwd or sys.path'\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} once in the Colab cell"
    return text.replace(old, new)


def test_on_colab_the_cell_installs_the_companion_from_a_clone(tmp_path):
    # A local stand-in for the GitHub repository, with the branch the cell names.
    origin = tmp_path / "origin"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(origin)], check=True)
    subprocess.run(["git", "-C", str(origin), "update-ref", f"refs/heads/{BRANCH}", "HEAD"],
                   check=True)
    course = tmp_path / "content" / URL.rsplit("/", 1)[1]
    cell = swap(SOURCE, f'"{URL}"', f'"file://{origin}"')
    cell = swap(cell, f'COURSE = "/content/{course.name}"', f'COURSE = "{course}"')
    cell = swap(cell, '"--quiet"]', '"--quiet", "--no-deps"]')
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    script = FAKE_COLAB + cell + "\nimport companion, os\nprint(companion.__file__)\nprint(os.getcwd())\n"
    done = subprocess.run([str(python), "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    module, cwd = done.stdout.strip().splitlines()[-2:]
    assert Path(module) == course / "companion" / "__init__.py"
    assert Path(cwd) == course / "book"
    # A later kernel (no sys.path help) imports it through the editable install.
    later = subprocess.run([str(python), "-c", "import companion; print(companion.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert later.returncode == 0, later.stderr
    assert Path(later.stdout.strip()) == course / "companion" / "__init__.py"
