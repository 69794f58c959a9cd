"""A chapter reads only what chapters before it in ``_toc.yml`` record.

Later chapters read what earlier ones recorded: training_many_steps compares with two of
time_series' values (``ledger.load_results()``), lstm_gru tabulates the runs that the
time-series chapters logged (``runs.markdown_table``), reproducibility shows every value. A
run that records from an empty results folder, as the GPU workflow's for the ``full``
profile, runs the chapters in the order of ``_toc.yml`` (book/conftest.py keeps it), so each
must find what it reads recorded by then. These tests read the chapters' code (cells and
exercise solutions): a ledger key or a run name that a chapter names as a string must be
recorded by that chapter or one before it. A string that only looks like a key (a layer's
name, ``ledger.LEDGER[key].reported``) counts too, which can only ask for an order the book
already has. Keys a chapter builds (f-strings) are not seen; reproducibility reads every
value without naming it, so it comes after every chapter that records.
"""

from __future__ import annotations

import re

from chapters import chapter_code, toc_chapters
from companion import ledger

RUN_LOGGED = re.compile(r"""runs\.log\(\s*["']([^"']+)["']""")  # runs.log("<name>", model, mse, seconds)
KEY_RECORDED = re.compile(r"""ledger\.record\(\s*["']([^"']+)["']""")  # ledger.record("<key>", value)
STRING = re.compile(r'"([^"\n]+)"|\'([^\'\n]+)\'')
READS_EVERY_VALUE = "reproducibility"


def recorders(chapters: list[str]) -> dict[str, str]:
    """Every ledger key and every run name that `chapters` log, and the chapter that records it."""
    found = {figure.key: figure.chapter for figure in ledger.FIGURES}
    for chapter in chapters:
        for name in RUN_LOGGED.findall(chapter_code(chapter)):
            found.setdefault(name, chapter)
    return found


def read_too_early(chapters: list[str]) -> list[str]:
    """What a chapter names (as a string) that a later chapter of `chapters` records."""
    recorded_by = recorders(chapters)
    early = []
    for position, chapter in enumerate(chapters):
        for double, single in STRING.findall(chapter_code(chapter)):
            source = recorded_by.get(double or single)
            if source in chapters and chapters.index(source) > position:
                early.append(f"{chapter} names {double or single!r}, which {source} records after it")
    return early


def test_each_key_is_recorded_by_the_chapter_the_ledger_names() -> None:
    chapters = toc_chapters()
    ledger_chapter = {figure.key: figure.chapter for figure in ledger.FIGURES}
    wrong = [f"{chapter} records {key!r}, which the ledger gives to {ledger_chapter.get(key)}"
             for chapter in chapters for key in KEY_RECORDED.findall(chapter_code(chapter))
             if ledger_chapter.get(key) != chapter]
    assert not wrong, "\n".join(wrong)
    missing = sorted(set(ledger_chapter.values()) - set(chapters))
    assert not missing, f"the ledger gives keys to {missing}, which _toc.yml does not hold"


def test_a_chapter_reads_only_what_chapters_before_it_record() -> None:
    chapters = toc_chapters()
    early = read_too_early(chapters)
    assert not early, "\n".join(early)
    assert set(recorders(chapters).values()) <= set(chapters), "a chapter that records is not in _toc.yml"
    last = max(chapters.index(chapter) for chapter in recorders(chapters).values())
    assert chapters.index(READS_EVERY_VALUE) >= last, f"{READS_EVERY_VALUE} comes before {chapters[last]}"


def test_a_chapter_moved_before_what_it_reads_is_caught() -> None:
    chapters = toc_chapters()
    chapters.remove("time_series")
    chapters.insert(chapters.index("lstm_gru") + 1, "time_series")  # after the chapters that read it
    early = read_too_early(chapters)
    assert any(line.startswith("training_many_steps names 'ts.dense_10'") for line in early), early
    assert any(line.startswith("lstm_gru names 'SimpleRNN, Adam 0.01'") for line in early), early
