"""benchmarks/book_time.py: chapter times summed from a pytest JUnit report, and the comparison table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "book_time", Path(__file__).resolve().parents[1] / "benchmarks" / "book_time.py")
book_time = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(book_time)

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="5" time="12.5">
<testcase classname="book.time_series.ipynb" name="Cell 0" file="book/time_series.ipynb" time="1.5"/>
<testcase classname="book.time_series.ipynb" name="Cell 1" file="book/time_series.ipynb" time="2.25"/>
<testcase classname="book.introduction.ipynb" name="Cell 0" time="0.5"/>
<testcase classname="tests.test_text" name="test_x" file="tests/test_text.py" time="9.0"/>
<testcase classname="book.char_rnn.ipynb" name="Cell 3" file="book/char_rnn.ipynb" time="4"/>
</testsuite></testsuites>
"""


def test_chapter_times_sums_cells_per_notebook_and_skips_unit_tests(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(REPORT)
    assert book_time.chapter_times(path) == {
        "book/char_rnn.ipynb": 4.0, "book/introduction.ipynb": 0.5, "book/time_series.ipynb": 3.75}


def test_report_compares_with_previous_figures_only_when_all_are_known():
    now = {"book/a.ipynb": 30.0, "book/b.ipynb": 10.0}
    table = book_time.report(now, {"book/a.ipynb": 60.0, "book/b.ipynb": 20.0})
    assert table.splitlines()[1].split() == ["book/a.ipynb", "30", "60", "0.50"]
    assert table.splitlines()[-1].split() == ["total", "40", "80", "0.50"]
    partial = book_time.report(now, {"book/a.ipynb": 60.0})
    assert partial.splitlines()[2].split() == ["book/b.ipynb", "10", "-", "-"]
    assert partial.splitlines()[-1].split() == ["total", "40", "-", "-"]


def test_missing_report_names_the_argument(tmp_path):
    with pytest.raises(FileNotFoundError, match="`junit_xml`.*--junitxml"):
        book_time.chapter_times(tmp_path / "none.xml")


def test_wall_time_is_the_suites_time_and_is_compared_on_its_own_line(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(REPORT)
    assert book_time.wall_time(path) == 12.5
    now = book_time.chapter_times(path)
    table = book_time.report(now, {**now, "wall": 25.0}, book_time.wall_time(path))
    assert table.splitlines()[-1].split() == ["wall", "time", "of", "the", "run", "12", "25",
                                              "0.50"]
    assert table.splitlines()[-2].split()[-1] == "1.00"  # chapters: same figures as before


def test_report_without_a_testsuite_time_names_the_argument(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(REPORT.replace(' time="12.5"', ""))
    with pytest.raises(ValueError, match="`junit_xml`.*testsuite time"):
        book_time.wall_time(path)


def test_workload_counts_skipped_tests_and_the_smoke_run_tests_that_ran(tmp_path):
    smoke = ('<testcase classname="tests.test_full_profile_smoke" name="{0}" '
             'time="1"{1}</testcase>')
    skipped = '><skipped type="pytest.skip" message="smoke run: set RNN_BOOK_SMOKE_TEST=1"/>'
    run = "test_chapter_runs_under_the_full_profile_with_capped_training[{0}]"
    cases = (smoke.format(run.format("a"), ">") + smoke.format(run.format("b"), skipped)
             + smoke.format(run.format("c"), ">")
             + smoke.format("test_settings_are_read_by_chapters_only_as_profile_attributes", ">"))
    path = tmp_path / "report.xml"
    path.write_text(REPORT.replace("</testsuite>", cases + "</testsuite>"))
    assert book_time.workload(path) == (  # the module's fast test is no chapter run
        "9 tests, 1 skipped; smoke run (test_full_profile_smoke): 2 of 3 ran")
    path.write_text(REPORT)
    assert book_time.workload(path) == (
        "5 tests, 0 skipped; smoke run (test_full_profile_smoke): none in the report")
