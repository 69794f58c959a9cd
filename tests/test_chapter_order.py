"""A chapter reads only what chapters before it in ``_toc.yml`` record.

Later chapters read what earlier ones recorded: training_many_steps compares with two of
time_series' values (``ledger.load_results()``), lstm_gru tabulates the runs that the
time-series chapters logged (``runs.markdown_table``), reproducibility shows them all. A run
that records from an empty results folder, as the GPU workflow's for the ``full`` profile,
runs the chapters in the order of ``_toc.yml`` (book/conftest.py keeps it), so each must
find what it reads recorded by then. These tests read the chapters' code: a ledger key or a
run name that a chapter names must be recorded by that chapter or one before it.
"""

from __future__ import annotations

import re

from chapters import BOOK, code_cells, toc_chapters
from companion import ledger

RUN_LOGGED = re.compile(r'runs\.log\(\s*"([^"]+)"')  # runs.log("<name>", model, mse, seconds)
STRING = re.compile(r'"([^"\n]+)"')


def recorders(chapters: list[str]) -> dict[str, str]:
    """Every ledger key and every run name, and the chapter that records it."""
    found = {figure.key: figure.chapter for figure in ledger.FIGURES}
    for chapter in chapters:
        for cell in code_cells(BOOK / f"{chapter}.md"):
            for name in RUN_LOGGED.findall(cell):
                found.setdefault(name, chapter)
    return found


def read_too_early(chapters: list[str]) -> list[str]:
    """The keys and run names a chapter names (as a string) that a later chapter records."""
    recorded_by = recorders(chapters)
    early = []
    for position, chapter in enumerate(chapters):
        for name in STRING.findall("\n".join(code_cells(BOOK / f"{chapter}.md"))):
            source = recorded_by.get(name)
            if source in chapters and chapters.index(source) > position:
                early.append(f"{chapter} names {name!r}, which {source} records after it")
    return early


def test_every_chapter_that_records_is_in_the_toc() -> None:
    chapters = toc_chapters()
    missing = {chapter for chapter in recorders(chapters).values() if chapter not in chapters}
    assert not missing, f"{sorted(missing)} record values but are not in _toc.yml"


def test_a_chapter_reads_only_what_chapters_before_it_record() -> None:
    chapters = toc_chapters()
    assert not read_too_early(chapters), "\n".join(read_too_early(chapters))
    # what the tests see: the chapters that read others' values, in the order of _toc.yml
    assert chapters.index("time_series") < chapters.index("training_many_steps") < chapters.index("lstm_gru")


def test_a_chapter_moved_before_what_it_reads_is_caught() -> None:
    chapters = toc_chapters()
    chapters.remove("time_series")
    chapters.insert(chapters.index("lstm_gru") + 1, "time_series")  # after the chapters that read it
    early = read_too_early(chapters)
    assert any(line.startswith("training_many_steps names 'ts.dense_10'") for line in early), early
    assert any(line.startswith("lstm_gru names 'SimpleRNN, Adam 0.01'") for line in early), early
