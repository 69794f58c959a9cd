"""The results ledger: checks, storage per profile, tables."""

import json
import math

import pytest

from companion import ledger


@pytest.fixture(autouse=True)
def results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(ledger.RESULTS_ENV_VAR, str(tmp_path))
    monkeypatch.delenv("RNN_BOOK_PROFILE", raising=False)
    return tmp_path


def test_a_value_in_the_band_passes_prints_and_is_stored(results_in_tmp, capsys):
    assert ledger.record("ts.deep_rnn", 0.0031) is None  # nothing for a notebook to display twice
    assert capsys.readouterr().out.strip() == (
        "ts.deep_rnn: measured 0.0031 | reported 0.003 | accepted x1.5 either way | reproduced")
    assert json.loads((results_in_tmp / "cpu.json").read_text()) == {"ts.deep_rnn": 0.0031}
    assert ledger.load_results("cpu") == {"ts.deep_rnn": 0.0031}


def test_a_miss_raises_and_is_still_stored(results_in_tmp):
    with pytest.raises(ledger.LedgerMiss, match="ts.deep_rnn: measured 0.0046 is outside"):
        ledger.record("ts.deep_rnn", 0.0046)
    assert ledger.load_results("cpu") == {"ts.deep_rnn": 0.0046}
    rows = ledger.rows(["ts.deep_rnn"])
    assert rows[0]["passed_cpu"] is False and rows[0]["measured_full"] is None


def test_exact_figures_must_match_to_the_printed_digit():
    ledger.record("ts.naive", 0.0202113674)
    with pytest.raises(ledger.LedgerMiss):
        ledger.record("ts.naive", 0.020211377)


def test_ratio_band_edges():
    band = ledger.ratio(0.006)
    assert band.contains(0.004 + 1e-12) and band.contains(0.009 - 1e-12)
    assert not band.contains(0.0039) and not band.contains(0.0091)
    with pytest.raises(ValueError, match="factor"):
        ledger.ratio(1.0, factor=0.5)
    with pytest.raises(ValueError, match="low <= high"):
        ledger.between(2, 1)


def test_profiles_are_stored_separately(results_in_tmp):
    ledger.record("ts.linear", 0.0041, profile="full")
    ledger.record("ts.linear", 0.0038)
    assert ledger.load_results("full") == {"ts.linear": 0.0041}
    assert ledger.load_results("cpu") == {"ts.linear": 0.0038}
    table = ledger.markdown_table(["ts.linear"])
    assert "0.0038 ✓" in table and "0.0041 ✓" in table
    assert not list(results_in_tmp.glob("*.tmp"))  # atomic writes leave no temp file


def test_unknown_key_lists_the_known_ones():
    with pytest.raises(KeyError, match="Unknown ledger key 'ts.nope'.*ts.naive"):
        ledger.record("ts.nope", 1.0)
    with pytest.raises(KeyError, match="Unknown ledger keys"):
        ledger.rows(["ts.nope"])


@pytest.mark.parametrize("value, error", [("abc", TypeError), (None, TypeError), (math.nan, ValueError),
                                          (math.inf, ValueError)])
def test_bad_measurements_are_rejected(value, error, results_in_tmp):
    with pytest.raises(error, match="measured"):
        ledger.record("ts.linear", value)
    assert not (results_in_tmp / "cpu.json").exists()


def test_every_figure_is_well_formed():
    assert len(ledger.LEDGER) == len(ledger.FIGURES)  # keys are unique
    for figure in ledger.FIGURES:
        assert figure.band.low <= figure.band.high
        if figure.reported is not None and figure.key != "ts.naive_10":  # the erratum is documented
            assert figure.band.contains(figure.reported), figure.key
        else:
            assert figure.notes, f"{figure.key} needs notes explaining its band"


def test_stored_values_keep_the_precision_exact_figures_need(results_in_tmp):
    ledger.record("ts.naive", 0.020211366936564445)
    assert ledger.load_results("cpu")["ts.naive"] == 0.020211366936564445
    assert ledger.rows(["ts.naive"])[0]["passed_cpu"] is True
