"""Stored notebook outputs are clean for JupyterLab readers (the site hides stderr; they do not).

No stored output of any chapter may hold a stderr stream, a TensorFlow/absl log line,
a Python warning or progress-bar residue. Re-execute a chapter with
``python tools/execute_chapters.py book/<chapter>.ipynb`` to store clean outputs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
NOISE = {
    "absl/TensorFlow log line": re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d|absl::|cudart_stub|"
                                           r"oneDNN custom operations|TF_ENABLE_ONEDNN_OPTS|"
                                           r"^WARNING:absl|^WARNING:tensorflow", re.M),
    "Python warning": re.compile(r"\b\w*Warning: |warnings\.warn\(", re.M),
    # Keras 3's bar ("782/782 ━━━━ 55s 70ms/step") and Keras 2's ("1/1 [==>...] - ETA: 0s");
    # a bare "━" is no bar: model.summary() draws its table with it.
    "progress bar": re.compile(r"\r|\d+/\d+ ━+|\d+/\d+ \[[=>.]+\]|ETA: |\d+ms/step|\d+s/step"),
}


def output_text(output: nbformat.NotebookNode) -> str:
    """The text an output shows (streams, text/plain, errors)."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return str(output.get("data", {}).get("text/plain", ""))


def problems(notebook: Path) -> list[str]:
    """One line per offending output of `notebook`, naming the cell."""
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        first = cell.source.splitlines()[0][:60] if cell.source else ""
        where = f"{notebook.name} cell {index} ({first!r})"
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                found.append(f"{where}: stderr output {output.text[:80]!r}")
                continue
            text = output_text(output)
            found += [f"{where}: {kind}: {match.group(0)[:80]!r}" for kind, pattern in NOISE.items()
                      if (match := pattern.search(text))]
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_hold_no_logs_warnings_or_progress_bars(notebook):
    found = problems(notebook)
    assert not found, ("re-execute with `python tools/execute_chapters.py "
                       f"book/{notebook.name}`:\n" + "\n".join(found))


def test_the_scan_names_the_offending_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print(1)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
        nbformat.v4.new_code_cell("model.fit(x)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1/1 [==>...] - ETA: 0s\n")]),
        nbformat.v4.new_code_cell("model.summary(print_fn=print)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="┏━━━━━━┳━━━━┓\n┃ Layer ┃\n")]),
        nbformat.v4.new_code_cell("model.fit(y)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="782/782 ━━━━━━━━ 55s\n")]),
        nbformat.v4.new_code_cell("import tensorflow", outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="W0000 00:00 cudart_stub.cc\n")]),
    ])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    found = problems(path)
    assert len(found) == 3
    assert found[0].startswith("chapter.ipynb cell 1 ('model.fit(x)'): progress bar")
    assert found[1].startswith("chapter.ipynb cell 3 ('model.fit(y)'): progress bar")
    assert found[2].startswith("chapter.ipynb cell 4 ('import tensorflow'): stderr output")


def test_runtime_configure_leaves_nothing_on_stderr(tmp_path):
    code = ("from companion import runtime\nruntime.configure()\n"
            "import tensorflow as tf\nprint(float(tf.reduce_sum(tf.ones(3))))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "3.0\n"
    assert done.stderr == "", f"TensorFlow still logs to stderr: {done.stderr[:300]!r}"
