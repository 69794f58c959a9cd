"""Where measured values are kept: results files per profile, locked merges, atomic writes."""

import json
import multiprocessing
from pathlib import Path

import pytest

from companion import storage
from companion.profiles import PROFILE_ENV_VAR, get_profile


@pytest.fixture(autouse=True)
def results_in_tmp(recording_in_tmp):
    return recording_in_tmp


def test_results_path_resolves_the_profile_once_from_a_name_a_profile_or_the_environment(results_in_tmp,
                                                                                          monkeypatch):
    assert storage.results_path() == results_in_tmp / "cpu.json"
    assert storage.results_path(" FULL ", "-runs") == results_in_tmp / "full-runs.json"
    assert storage.results_path(get_profile("full")) == results_in_tmp / "full.json"
    monkeypatch.setenv(PROFILE_ENV_VAR, "full")
    assert storage.results_path() == results_in_tmp / "full.json"
    with pytest.raises(ValueError, match="Unknown profile 'gpu'"):
        storage.results_path("gpu")


def test_the_default_folder_is_the_repositorys_results(monkeypatch):
    monkeypatch.delenv(storage.RESULTS_ENV_VAR)
    assert storage.results_dir() == Path(storage.__file__).resolve().parent.parent / "results"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(results_in_tmp):
    path = results_in_tmp / "cpu.json"
    storage.write_json(path, {"a": 1.0})
    with pytest.raises(TypeError, match="not JSON serializable"):
        storage.write_json(path, {"a": object()})
    assert json.loads(path.read_text()) == {"a": 1.0}
    assert sorted(item.name for item in results_in_tmp.iterdir()) == ["cpu.json"]


def test_updates_merge_with_the_stored_keys_and_this_process_sees_them(results_in_tmp, monkeypatch):
    path = results_in_tmp / "cpu.json"
    path.write_text(json.dumps({"b": 2.0}))
    storage.update_json(path, {"a": 1.0}, sort_keys=True)
    assert path.read_text() == '{\n "a": 1.0,\n "b": 2.0\n}\n'
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "0")
    storage.update_json(path, {"c": 3.0})
    assert storage.read_json(path) == {"a": 1.0, "b": 2.0, "c": 3.0}
    assert "c" not in json.loads(path.read_text())


def test_a_section_keeps_the_keys_other_writers_put_in_it(results_in_tmp, monkeypatch):
    path = results_in_tmp / "cpu.json"
    path.write_text(json.dumps({"ts.lstm": 0.009, "provenance": {"lstm_gru": {"commit": "a"}}}))
    storage.update_json(path, {"time_series": {"commit": "b"}}, sort_keys=True, section="provenance")
    storage.update_json(path, {"ts.linear": 0.004}, sort_keys=True)
    stored = json.loads(path.read_text())
    assert list(stored) == ["ts.linear", "ts.lstm", "provenance"]
    assert stored["provenance"] == {"lstm_gru": {"commit": "a"}, "time_series": {"commit": "b"}}
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "0")  # this process's sections merge with the file's too
    storage.update_json(path, {"sentiment": {"commit": "c"}}, section="provenance")
    assert set(storage.read_json(path)["provenance"]) == {"lstm_gru", "time_series", "sentiment"}
    assert set(json.loads(path.read_text())["provenance"]) == {"lstm_gru", "time_series"}


def _record_many(results: str, worker: int, count: int) -> None:
    import os

    os.environ[storage.RESULTS_ENV_VAR] = results
    os.environ[storage.RECORD_ENV_VAR] = "1"
    for index in range(count):
        storage.update_json(Path(results) / "cpu.json", {f"w{worker}.{index}": float(index)},
                            sort_keys=True)


def test_concurrent_writers_keep_each_others_keys(results_in_tmp):
    context = multiprocessing.get_context("spawn")  # separate processes, as pytest-xdist workers
    workers = [context.Process(target=_record_many, args=(str(results_in_tmp), worker, 40))
               for worker in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    stored = json.loads((results_in_tmp / "cpu.json").read_text())
    assert len(stored) == 4 * 40 and stored["w3.39"] == 39.0
    assert list(stored) == sorted(stored)
    assert not list(results_in_tmp.glob(".*"))  # no temporary or lock file is left
