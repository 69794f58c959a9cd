"""The results ledger: checks, storage per profile, tables."""

import json
import math

import pytest

from companion import ledger, storage
from companion.profiles import MAX_STEPS_ENV_VAR


@pytest.fixture(autouse=True)
def results_in_tmp(recording_in_tmp):
    return recording_in_tmp


def test_a_value_in_the_band_passes_prints_and_is_stored(results_in_tmp, capsys):
    assert ledger.record("ts.deep_rnn", 0.0031) is None  # nothing for a notebook to display twice
    assert capsys.readouterr().out.strip() == (
        "ts.deep_rnn: measured 0.0031 | reported 0.003 | accepted x1.5 either way | reproduced")
    stored = json.loads((results_in_tmp / "cpu.json").read_text())
    assert stored["ts.deep_rnn"] == 0.0031 and list(stored) == ["ts.deep_rnn", "provenance"]
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
    band = ledger.ratio().resolve(0.006)
    assert band.contains(0.004 + 1e-12) and band.contains(0.009 - 1e-12)
    assert not band.contains(0.0039) and not band.contains(0.0091)
    with pytest.raises(ValueError, match="factor"):
        ledger.ratio(factor=0.5)
    with pytest.raises(ValueError, match="low <= high"):
        ledger.between(2, 1)
    with pytest.raises(TypeError, match="decimals"):
        ledger.exact(2.5)  # type: ignore[arg-type]


def figure(**fields) -> ledger.Figure:
    defaults = {"key": "t.x", "description": "d", "reported": 0.004, "source": "lecture", "where": "w",
                "chapter": "c", "band": ledger.ratio()}
    return ledger.Figure(**{**defaults, **fields})


def test_a_relative_band_is_resolved_against_the_reported_value():
    assert figure(reported=0.004).accepted == ledger.Band(0.004 / 1.5, 0.004 * 1.5, "x1.5 either way")
    assert figure(reported=0.0121, band=ledger.ratio(2.0)).accepted.low == 0.0121 / 2
    assert figure(reported=61137, band=ledger.exact(0)).accepted == ledger.Band(61136.5, 61137.5,
                                                                                "equal to 0 decimals")
    assert ledger.LEDGER["ts.linear"].accepted == ledger.ratio().resolve(ledger.LEDGER["ts.linear"].reported)


def test_a_band_that_contradicts_its_figure_is_rejected_when_the_ledger_is_written():
    with pytest.raises(ValueError, match=r"Figure 't.x': ratio\(\) needs a reported value"):
        figure(reported=None, notes="the course's own result")
    with pytest.raises(ValueError, match=r"Figure 't.x': its band in \[0.2, 0.3\] excludes its own value 0.4"):
        figure(reported=0.4, band=ledger.between(0.2, 0.3))
    with pytest.raises(ValueError, match="`notes` must explain the band"):
        figure(reported=None, band=ledger.between(0.2, 0.3))
    with pytest.raises(ValueError, match="`corrected` needs the `reported` value"):
        figure(reported=None, corrected=0.2, band=ledger.between(0.1, 0.3), notes="n")


def test_a_course_result_without_a_reported_value_takes_an_absolute_band(capsys):
    own = figure(reported=None, band=ledger.between(1.3, 2.3), notes="why")
    assert own.reference is None and own.reported_text == "-"
    line = ledger.Check(own, 2.0, "cpu").line()
    assert line == "t.x: measured 2 | reported - | accepted in [1.3, 2.3] | as expected"


def test_an_erratum_is_checked_and_shown_as_its_corrected_value(capsys):
    naive_10 = ledger.LEDGER["ts.naive_10"]
    assert naive_10.reported == 0.223 and naive_10.corrected == 0.25697
    ledger.record("ts.naive_10", 0.25697407126426697)  # what the chapter measures
    assert capsys.readouterr().out.strip() == (
        "ts.naive_10: measured 0.256974 | reported 0.223, corrected 0.25697 | accepted equal to 5 decimals "
        "| corrected")
    with pytest.raises(ledger.LedgerMiss, match=r"reported: 0.223, corrected 0.25697"):
        ledger.record("ts.naive_10", 0.2228)  # the leaky forecast the source printed as 0.223
    assert "| MISSED" in capsys.readouterr().out


def test_profiles_are_stored_separately(results_in_tmp):
    ledger.record("ts.linear", 0.0041, profile="full")
    ledger.record("ts.linear", 0.0038)
    assert ledger.load_results("full") == {"ts.linear": 0.0041}
    assert ledger.load_results("cpu") == {"ts.linear": 0.0038}
    table = ledger.markdown_table(["ts.linear"])
    assert "| 0.003800 ✓ | 0.004100 ✓ |" in table
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
    for entry in ledger.FIGURES:
        assert entry.accepted.low <= entry.accepted.high
        if entry.reference is not None:
            assert entry.accepted.contains(entry.reference), entry.key
        if entry.reported is None or entry.corrected is not None:
            assert entry.notes, f"{entry.key} needs notes explaining its band"
        if entry.corrected is not None:  # an erratum: the reported value must fail
            assert not entry.accepted.contains(entry.reported), entry.key


def test_stored_values_keep_the_precision_exact_figures_need(results_in_tmp):
    ledger.record("ts.naive", 0.020211366936564445)
    assert ledger.load_results("cpu")["ts.naive"] == 0.020211366936564445
    assert ledger.rows(["ts.naive"])[0]["passed_cpu"] is True


def test_without_record_nothing_is_written_but_this_process_sees_the_value(
        results_in_tmp, monkeypatch, capsys):
    monkeypatch.delenv(ledger.RECORD_ENV_VAR)
    ledger.record("ts.deep_rnn", 0.0031)
    assert "measured 0.0031" in capsys.readouterr().out
    assert not list(results_in_tmp.iterdir())  # the repository's results/ stay untouched
    assert ledger.load_results("cpu") == {"ts.deep_rnn": 0.0031}  # the chapter's tables show it
    with pytest.raises(ledger.LedgerMiss):  # the band is checked whether or not it records
        ledger.record("ts.deep_rnn", 0.0046)
    assert not list(results_in_tmp.iterdir())


def test_unrecorded_values_shadow_the_stored_ones(results_in_tmp, monkeypatch):
    (results_in_tmp / "cpu.json").write_text(json.dumps({"ts.linear": 0.004, "ts.naive": 0.02}))
    monkeypatch.setenv(ledger.RECORD_ENV_VAR, "0")
    ledger.record("ts.linear", 0.0038)
    assert ledger.load_results("cpu") == {"ts.linear": 0.0038, "ts.naive": 0.02}
    assert json.loads((results_in_tmp / "cpu.json").read_text())["ts.linear"] == 0.004


def test_a_bad_record_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv(ledger.RECORD_ENV_VAR, "yes")
    with pytest.raises(ValueError, match="RNN_BOOK_RECORD must be 1 .* Received: 'yes'"):
        ledger.record("ts.linear", 0.004)


def test_a_capped_smoke_run_prints_but_does_not_assert_the_band(monkeypatch, capsys):
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, "2")
    ledger.record("ts.deep_rnn", 0.5)  # far outside [0.002, 0.0045]: no LedgerMiss
    out = capsys.readouterr().out
    assert "ts.deep_rnn: measured 0.5 |" in out and "MISSED" in out
    assert "band not asserted: RNN_BOOK_MAX_STEPS=2" in out


def test_a_smoke_run_never_writes_the_repositorys_results(results_in_tmp, monkeypatch):
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, "2")
    monkeypatch.delenv(ledger.RESULTS_ENV_VAR)  # the default folder: results/ of the repository
    monkeypatch.setattr(storage, "results_dir", lambda: results_in_tmp)
    ledger.record("ts.linear", 0.9)
    assert not list(results_in_tmp.iterdir())
    assert ledger.load_results("cpu") == {"ts.linear": 0.9}


def test_a_smoke_run_records_into_a_folder_it_names(results_in_tmp, monkeypatch):
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, "2")  # RNN_BOOK_RESULTS_DIR is results_in_tmp
    ledger.record("ts.linear", 0.9)
    assert json.loads((results_in_tmp / "cpu.json").read_text())["ts.linear"] == 0.9
