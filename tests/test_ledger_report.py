"""The ledger's report for the reproducibility page: sources table and coverage."""

import dataclasses
import json

import pytest

from companion import ledger, profiles


@pytest.fixture(autouse=True)
def results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(ledger.RESULTS_ENV_VAR, str(tmp_path))
    return tmp_path


def test_sources_table_has_one_row_per_figure_with_provenance_and_notes():
    lines = ledger.sources_table().splitlines()
    assert lines[0] == "| value | reported in | notes |"
    assert len(lines) == 2 + len(ledger.FIGURES)
    naive_10 = next(line for line in lines if "`ts.naive_10`" in line)
    figure = ledger.LEDGER["ts.naive_10"]
    assert f"(`ts.naive_10`, {figure.chapter}) | {figure.source}: {figure.where} |" in naive_10
    assert "Erratum" in naive_10


def test_sources_table_keeps_the_requested_order_and_rejects_unknown_keys():
    lines = ledger.sources_table(["ts.linear", "ts.naive"]).splitlines()[2:]
    assert ["`ts.linear`" in lines[0], "`ts.naive`" in lines[1]] == [True, True]
    with pytest.raises(KeyError, match="ts.nope"):
        ledger.sources_table(["ts.nope"])


def test_sources_table_escapes_pipes_so_a_note_stays_in_its_cell(monkeypatch):
    figure = ledger.LEDGER["ts.naive"]
    monkeypatch.setitem(ledger.LEDGER, "ts.naive", dataclasses.replace(figure, notes="a | b"))
    row = ledger.sources_table(["ts.naive"]).splitlines()[2]
    assert row.endswith("| a \\| b |") and row.count(" | ") == 2


def test_unmeasured_lists_the_keys_a_profile_has_not_stored(results_in_tmp):
    assert ledger.unmeasured("cpu") == list(ledger.LEDGER)
    (results_in_tmp / "cpu.json").write_text(json.dumps({"ts.naive": 0.0202, "ts.linear": 0.004}))
    assert ledger.unmeasured("cpu") == [key for key in ledger.LEDGER
                                        if key not in ("ts.naive", "ts.linear")]
    assert ledger.unmeasured("full") == list(ledger.LEDGER)


def test_counts_are_shown_in_full_in_the_table(results_in_tmp):
    ledger.record("imdb.count_the", 61_137)
    ledger.record("ts.linear", 0.0037830392830073833)
    table = ledger.markdown_table(["imdb.count_the", "ts.linear"])
    assert "| 61137 ✓ |" in table and "| 0.003783 ✓ |" in table


@pytest.mark.parametrize("value, expected", [(2.0001413822174072, "2.000"), (61137.0, "61137"),
                                             (0.7432399988174438, "0.7432"), (1.0, "1"),
                                             (0.0029806571546941996, "0.002981"), (0.5, "0.5000")])
def test_values_keep_four_significant_digits_and_counts_stay_whole(value, expected):
    assert ledger.shown(value) == expected


def test_table_says_value_and_never_rounds_a_loss_to_a_whole_number(results_in_tmp):
    ledger.record("stateful.valid_loss", 2.0001413822174072)
    lines = ledger.markdown_table(["stateful.valid_loss"]).splitlines()
    assert lines[0].startswith("| value | reported | accepted |") and "figure" not in lines[0]
    assert lines[2].endswith("| 2.000 ✓ |")


def test_the_full_column_appears_only_when_a_full_value_is_stored(results_in_tmp):
    ledger.record("ts.linear", 0.0038)
    table = ledger.markdown_table(["ts.linear", "ts.naive"])
    assert "measured (full)" not in table and "| 0.003800 ✓ |" in table
    assert table.splitlines()[1].count("|") == table.splitlines()[0].count("|")
    ledger.record("ts.linear", 0.0041, profile="full")
    lines = ledger.markdown_table(["ts.linear", "ts.naive"]).splitlines()
    assert lines[0].endswith("| measured (cpu) | measured (full) |")
    assert lines[2].endswith("| 0.003800 ✓ | 0.004100 ✓ |") and lines[3].endswith("| not run | not run |")


def test_tables_have_a_column_for_every_profile_that_measured(results_in_tmp, monkeypatch):
    monkeypatch.setitem(profiles.PROFILES, "gpu", dataclasses.replace(profiles.PROFILES["full"], name="gpu"))
    ledger.record("ts.linear", 0.0039, profile="gpu")
    lines = ledger.markdown_table(["ts.linear"]).splitlines()
    assert lines[0].endswith("| measured (cpu) | measured (gpu) |")
    assert lines[2].endswith("| not run | 0.003900 ✓ |")
    assert ledger.rows(["ts.linear"])[0]["passed_gpu"] is True


def test_a_corrected_value_shows_both_numbers_in_the_tables(results_in_tmp):
    ledger.record("ts.naive_10", 0.25697407126426697)
    row = ledger.markdown_table(["ts.naive_10"]).splitlines()[2]
    assert row == ("| naive 10-step forecast (repeat the last value), MSE | 0.223, corrected 0.25697 | "
                   "equal to 5 decimals | 0.2570 ✓ |")
