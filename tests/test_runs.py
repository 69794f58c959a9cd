"""The run log: what the comparison tables of the time-series chapters read."""

import json
import time

import keras
import pytest

from companion import (
    runs,
    runtime,  # noqa: F401  (quiet TensorFlow before it loads)
)
from companion.storage import RECORD_ENV_VAR, RESULTS_ENV_VAR


@pytest.fixture(autouse=True)
def results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV_VAR, str(tmp_path))
    monkeypatch.setenv(RECORD_ENV_VAR, "1")  # these tests check what lands in the file
    monkeypatch.setenv("RNN_BOOK_PROFILE", "cpu")
    return tmp_path


def small_model(units: int) -> keras.Model:
    return keras.Sequential([keras.Input(shape=[None, 1]), keras.layers.SimpleRNN(units)])


def test_log_stores_mse_parameters_and_seconds(results_in_tmp):
    model = small_model(3)  # 1*3 + 3*3 + 3 = 15 parameters
    assert runs.log("tiny", model, mse=0.0123456789, seconds=12.34) is None
    run = runs.Run(mse=0.0123457, params=15, seconds=12.3)
    assert runs.load() == {"tiny": run}
    assert json.loads((results_in_tmp / "cpu-runs.json").read_text())["tiny"]["params"] == 15
    assert runs.load("full") == {}


def test_logging_a_name_again_replaces_its_run():
    runs.log("a", small_model(2), mse=0.5, seconds=1.0)
    runs.log("b", small_model(2), mse=0.1, seconds=1.0)
    runs.log("a", small_model(4), mse=0.05, seconds=2.0)
    assert [name for name, _ in runs.ranking(["a", "b"])] == ["a", "b"]
    assert runs.load()["a"].params == 1 * 4 + 4 * 4 + 4


def test_markdown_table_ranks_by_mse_and_marks_missing_runs():
    runs.log("worse", small_model(2), mse=0.02, seconds=3.0)
    runs.log("better", small_model(5), mse=0.01, seconds=30.0)
    lines = runs.markdown_table(["worse", "absent", "better"]).splitlines()
    assert lines[2].startswith("| 1 | better | 0.0100 | 35 | 30 |")
    assert lines[3].startswith("| 2 | worse | 0.0200 |")
    assert lines[4] == "| - | absent | not run | - | - |"


def test_ranking_names_the_runs_it_lacks():
    with pytest.raises(KeyError, match=r"No logged run for \['ghost'\]"):
        runs.ranking(["ghost"])


def test_timer_measures_the_block():
    with runs.timer() as clock:
        time.sleep(0.05)
    assert 0.04 < clock.seconds < 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "`name` must be a non-empty string"),
        ({"model": "lstm"}, "`model` must be a built keras.Model"),
        ({"mse": float("nan")}, "`mse` must be a finite number >= 0"),
        ({"seconds": -1.0}, "`seconds` must be a finite number >= 0"),
    ],
)
def test_log_rejects_bad_input_and_writes_nothing(results_in_tmp, kwargs, message):
    arguments = {"name": "m", "model": small_model(2), "mse": 0.1, "seconds": 1.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        runs.log(**arguments)
    assert not (results_in_tmp / "cpu-runs.json").exists()


def test_without_record_runs_stay_in_this_process(results_in_tmp, monkeypatch):
    monkeypatch.delenv(RECORD_ENV_VAR)
    (results_in_tmp / "cpu-runs.json").write_text(
        json.dumps({"stored": {"mse": 0.02, "params": 9, "seconds": 5.0}}))
    runs.log("fresh", small_model(2), mse=0.01, seconds=1.0)
    assert [name for name, _ in runs.ranking(["stored", "fresh"])] == ["fresh", "stored"]
    assert list(json.loads((results_in_tmp / "cpu-runs.json").read_text())) == ["stored"]
