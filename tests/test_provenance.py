"""Provenance of the stored results: what is recorded with the values, and the page's lines."""

import json
import platform
import subprocess
from importlib.metadata import version

import pytest

from companion import ledger, provenance, storage

RECORD = {"date": "2026-12-06T07:00:00Z", "commit": "9df725298cc8589455bdbeb138e3ae766a13a7df",
          "uncommitted_changes": False, "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1",
          "numpy": "2.4.6", "cpu": "AMD EPYC", "cpus": 2, "threads": 1}


@pytest.fixture(autouse=True)
def results_in_tmp(recording_in_tmp):
    return recording_in_tmp


def test_collect_records_the_commit_versions_and_machine(monkeypatch):
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    record = provenance.collect()
    head = subprocess.run(["git", "-C", str(provenance.ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert record["commit"] == head and isinstance(record["uncommitted_changes"], bool)
    assert record["python"] == platform.python_version()
    assert (record["tensorflow"], record["keras"], record["numpy"]) == (version("tensorflow"), version("keras"),
                                                                        version("numpy"))
    assert record["cpu"] and record["cpus"] >= 1 and record["threads"] == 1
    assert len(record["date"]) == len("2026-12-06T07:00:00Z") and record["date"].endswith("Z")
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS")
    assert provenance.collect()["threads"] == record["cpus"]  # TensorFlow's default: every CPU


def test_outside_a_git_checkout_the_commit_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "ROOT", tmp_path)
    record = provenance.collect()
    assert record["commit"] is None and record["uncommitted_changes"] is None
    [item] = provenance.describe("cpu", {"time_series": record}, ["time_series"])
    assert "at an unknown commit, with Python" in item


def test_one_environment_is_one_line_with_its_dates():
    later = {**RECORD, "date": "2026-12-07T01:00:00Z"}
    items = provenance.describe("cpu", {"time_series": RECORD, "sentiment": later}, ["time_series", "sentiment"])
    assert items == ["- **cpu**: measured 2026-12-06 to 2026-12-07 at commit 9df7252, with Python 3.11.7, "
                     "TensorFlow 2.21.0, Keras 3.15.1 and NumPy 2.4.6, on AMD EPYC (2 CPUs, 1 TensorFlow thread)"]


def test_chapters_measured_elsewhere_or_without_a_record_get_their_own_lines():
    other = {**RECORD, "keras": "3.16.0", "uncommitted_changes": True, "threads": 2}
    items = provenance.describe("cpu", {"time_series": RECORD, "lstm_gru": other},
                                ["time_series", "lstm_gru", "sentiment"])
    assert items[0].startswith("- **cpu** (time_series): measured 2026-12-06 at commit 9df7252, with")
    assert items[1].startswith("- **cpu** (lstm_gru): measured 2026-12-06 at commit 9df7252 (plus uncommitted "
                               "changes), with Python 3.11.7, TensorFlow 2.21.0, Keras 3.16.0 and")
    assert items[1].endswith("(2 CPUs, 2 TensorFlow threads)")
    assert items[2] == "- **cpu** (sentiment): not recorded"


def test_record_stores_the_chapters_provenance_beside_the_values(results_in_tmp, capsys):
    ledger.record("ts.linear", 0.0038)
    ledger.record("imdb.count_the", 61137)
    stored = json.loads((results_in_tmp / "cpu.json").read_text())
    assert list(stored) == ["imdb.count_the", "ts.linear", "provenance"]  # values first, as before
    assert set(stored["provenance"]) == {"time_series", "sentiment"}
    assert set(stored["provenance"]["sentiment"]) == set(RECORD)
    assert ledger.load_results("cpu") == {"imdb.count_the": 61137.0, "ts.linear": 0.0038}
    assert ledger.unmeasured("cpu") == [key for key in ledger.LEDGER if key not in ("ts.linear", "imdb.count_the")]
    [item] = ledger.measured_on("cpu")
    assert item.startswith("- **cpu**: measured ") and " with Python " in item
    assert ledger.measured_on("full") == ["- **full**: no values stored"]


def test_a_results_file_without_provenance_reads_not_recorded(results_in_tmp):
    (results_in_tmp / "cpu.json").write_text(json.dumps({"ts.linear": 0.0038, "ts.lstm": 0.009}))
    assert ledger.measured_on("cpu") == ["- **cpu**: not recorded"]
    assert ledger.load_results("cpu") == {"ts.linear": 0.0038, "ts.lstm": 0.009}


def test_values_kept_in_this_process_only_get_no_provenance(results_in_tmp, monkeypatch):
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "0")
    ledger.record("ts.linear", 0.0038)
    assert not list(results_in_tmp.iterdir())
    assert ledger.measured_on("cpu") == ["- **cpu**: not recorded"]


def test_the_repositorys_results_can_be_described(monkeypatch):
    monkeypatch.delenv(storage.RESULTS_ENV_VAR)
    monkeypatch.setattr(storage, "_SESSION", {})
    monkeypatch.setattr(storage, "_SESSION_SECTIONS", {})
    items = ledger.measured_on("cpu")
    assert items and all(item.startswith("- **cpu**") for item in items)
    assert all(item.endswith(("not recorded", "thread)", "threads)")) for item in items)
