"""book/conftest.py: how the README's parallel `pytest` schedules files and shares the CPUs."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from chapters import toc_chapters
from companion.profiles import MAX_STEPS_ENV_VAR
from companion.storage import RECORD_ENV_VAR, RESULTS_ENV_VAR

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("book_conftest", ROOT / "book" / "conftest.py")
book_conftest = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(book_conftest)


def item(path: str, expected: float | None = None) -> SimpleNamespace:
    marker = None if expected is None else SimpleNamespace(args=(expected,))
    return SimpleNamespace(nodeid=f"{path}::test", name=path, get_closest_marker=lambda name: marker)


def test_files_go_longest_first_and_keep_their_tests_in_order():
    items = [item("tests/test_a.py"), item("book/short.ipynb"), item("book/short.ipynb"),
             item("tests/test_smoke.py", expected=450), item("book/long.ipynb"),
             item("book/long.ipynb"), item("tests/test_b.py")]
    cells = [id(i) for i in items if i.name == "book/long.ipynb"]
    book_conftest.slowest_first(items, {"book/long.ipynb": 250.0, "book/short.ipynb": 5.0})
    assert [i.name for i in items] == [
        "tests/test_smoke.py", "book/long.ipynb", "book/long.ipynb", "book/short.ipynb",
        "book/short.ipynb", "tests/test_a.py", "tests/test_b.py"]
    assert [id(i) for i in items if i.name == "book/long.ipynb"] == cells


def test_the_committed_figures_name_every_chapter():
    seconds = book_conftest.stored_seconds()
    chapters = {f"book/{path.name}" for path in (ROOT / "book").glob("*.ipynb")}
    assert set(seconds) == chapters
    assert all(value > 0 for value in seconds.values())


def test_missing_figures_give_no_order(tmp_path):
    assert book_conftest.stored_seconds(tmp_path / "none.json") == {}
    (tmp_path / "t.json").write_text(json.dumps({"seconds": {"book/a.ipynb": 3.0}}))
    assert book_conftest.stored_seconds(tmp_path / "t.json") == {"book/a.ipynb": 3.0}


@pytest.mark.parametrize("worker, workers, cpus, threads", [
    ("gw1", "2", [0, 1], "1"), ("gw1", "2", list(range(8)), "4"), ("gw2", "3", list(range(8)), "2"),
    ("gw0", "3", list(range(8)), "3"), ("gw3", "4", [0, 1], "1")])
def test_workers_share_the_cpus(worker, workers, cpus, threads, monkeypatch):
    pinned: list[list[int]] = []
    monkeypatch.setattr(book_conftest.os, "sched_setaffinity", lambda pid, mine: pinned.append(sorted(mine)),
                        raising=False)
    environ = {"PYTEST_XDIST_WORKER": worker, "PYTEST_XDIST_WORKER_COUNT": workers}
    book_conftest.share_cpus_between_workers(environ, cpus)
    assert environ["TF_NUM_INTRAOP_THREADS"] == environ["TF_NUM_INTEROP_THREADS"] == threads
    assert pinned == [book_conftest.own_cpus(worker, int(workers), cpus)]
    assert len(pinned[0]) == int(threads) or int(workers) > len(cpus)  # threads = its CPUs


def test_a_single_process_and_a_users_setting_are_left_alone(monkeypatch):
    monkeypatch.setattr(book_conftest.os, "sched_setaffinity", lambda pid, mine: pytest.fail("pinned"),
                        raising=False)
    for alone in ({}, {"PYTEST_XDIST_WORKER": "gw0", "PYTEST_XDIST_WORKER_COUNT": "1"}):
        before = dict(alone)
        book_conftest.share_cpus_between_workers(alone, [0, 1])
        assert alone == before
    monkeypatch.setattr(book_conftest.os, "sched_setaffinity", lambda pid, mine: None, raising=False)
    chosen = {"PYTEST_XDIST_WORKER": "gw0", "PYTEST_XDIST_WORKER_COUNT": "2", "TF_NUM_INTRAOP_THREADS": "2"}
    book_conftest.share_cpus_between_workers(chosen, [0, 1])
    assert chosen["TF_NUM_INTRAOP_THREADS"] == "2" and chosen["TF_NUM_INTEROP_THREADS"] == "1"


def cpus_of_the_run() -> list[int]:
    """All the CPUs of this run: an xdist worker is pinned to its own, its parent (the main process) is not."""
    return sorted(os.sched_getaffinity(os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else 0))


def test_importing_the_file_pins_nothing():
    """Only pytest's configure hook pins: a second import (as this file's) must not cut a worker's CPUs again."""
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("needs Linux")
    cpus = cpus_of_the_run()
    if len(cpus) < 2:
        pytest.skip("needs 2 CPUs")
    script = ("import importlib.util, os\n"
              f"os.sched_setaffinity(0, {cpus})\n"
              f"spec = importlib.util.spec_from_file_location('c', {str(ROOT / 'book' / 'conftest.py')!r})\n"
              "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
              f"print(sorted(os.sched_getaffinity(0)) == {cpus}, 'TF_NUM_INTRAOP_THREADS' in os.environ)\n")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TF_NUM_")}
    environ.update(PYTEST_XDIST_WORKER="gw1", PYTEST_XDIST_WORKER_COUNT="2",
                   PYTHONPATH=str(ROOT / "tools"))  # as pytest's pythonpath (pyproject.toml): chapters.py
    run = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["True", "False"], run.stderr


def test_each_worker_gets_cpus_of_its_own():
    assert book_conftest.own_cpus("gw0", 2, [0, 1]) == [0]
    assert book_conftest.own_cpus("gw1", 2, [0, 1]) == [1]
    assert book_conftest.own_cpus("gw1", 2, [0, 1, 2, 3]) == [1, 3]
    assert book_conftest.own_cpus("gw2", 3, [4, 5, 6]) == [6]
    assert book_conftest.own_cpus("gw1", 4, [0, 1]) == [0, 1]  # more workers than CPUs: no pinning
    shares = [book_conftest.own_cpus(f"gw{n}", 3, list(range(8))) for n in range(3)]
    assert sorted(sum(shares, [])) == list(range(8))  # every CPU used, none twice


@pytest.mark.parametrize("worker", ["main", "gw", "gw-1", "0", "gw\u00b2", ""])
def test_a_worker_name_without_its_number_is_named_in_the_error(worker):
    with pytest.raises(ValueError, match=r"`worker` \(PYTEST_XDIST_WORKER\).*'gw0'\. Received: worker="
                       + re.escape(repr(worker))):
        book_conftest.own_cpus(worker, 2, [0, 1])


def test_this_worker_runs_on_its_own_cpus(pytestconfig):
    """In the README's parallel run, this process (an xdist worker) is pinned as book/conftest.py says."""
    worker, workers = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if not worker or int(workers or 1) < 2 or not hasattr(os, "sched_getaffinity"):
        pytest.skip("not an xdist worker of a parallel run on Linux")
    conftests = {Path(plugin.__file__).resolve() for plugin in pytestconfig.pluginmanager.get_plugins()
                 if getattr(plugin, "__file__", None)}
    if (ROOT / "book" / "conftest.py").resolve() not in conftests:
        pytest.skip("book/ is not collected in this run, so book/conftest.py pins nothing")
    assert sorted(os.sched_getaffinity(0)) == book_conftest.own_cpus(worker, int(workers), cpus_of_the_run())


def test_a_recording_run_puts_the_chapters_in_toc_order_before_the_rest() -> None:
    items = [item("tests/test_a.py"), item("book/b.ipynb"), item("book/a.ipynb"), item("book/b.ipynb"),
             item("book/other.ipynb"), item("book/a.ipynb")]
    book_conftest.in_toc_order(items, ["a", "b"])
    assert [i.name for i in items] == ["book/a.ipynb", "book/a.ipynb", "book/b.ipynb", "book/b.ipynb",
                                       "tests/test_a.py", "book/other.ipynb"]


def collect_book(environ: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    """`pytest --collect-only -q book/` with `options` (the README's pytest, whose addopts hold -n auto)."""
    return subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *options, "book/"], cwd=ROOT,
                          env=environ, capture_output=True, text=True)


def files_and_time_series(run: subprocess.CompletedProcess[str]) -> tuple[list[str], list[str]]:
    """The files a collection runs, in order, and the items of book/time_series.ipynb."""
    assert run.returncode == 0, run.stdout + run.stderr
    nodes = [line for line in run.stdout.splitlines() if "::" in line]
    files = list(dict.fromkeys(node.split("::")[0] for node in nodes))
    return files, [node.split("::")[1] for node in nodes if node.startswith("book/time_series.ipynb::")]


def test_a_recording_run_keeps_the_chapters_in_toc_order_in_one_process() -> None:
    environ = {key: value for key, value in os.environ.items()
               if key not in (RECORD_ENV_VAR, MAX_STEPS_ENV_VAR, RESULTS_ENV_VAR)}  # recording() reads all three
    seconds = book_conftest.stored_seconds()
    files, cells = files_and_time_series(collect_book(environ, "-n", "0"))
    assert files == sorted(seconds, key=seconds.get, reverse=True)  # not recording: slowest first
    assert cells[-2:] == ["Solution ex-ts-steps", "Solution ex-ts-naive"], cells
    assert all(name.startswith("Cell ") for name in cells[:-2]), cells
    recording = {**environ, RECORD_ENV_VAR: "1"}
    files, cells = files_and_time_series(collect_book(recording, "-n", "0"))
    assert files == [f"book/{chapter}.ipynb" for chapter in toc_chapters()]
    assert cells[-2:] == ["Solution ex-ts-steps", "Solution ex-ts-naive"], cells
    parallel = collect_book(recording, "-n", "2")
    assert parallel.returncode != 0 and "add -n 0 to the pytest command (received 2 workers)" in parallel.stderr, (
        parallel.stdout + parallel.stderr)
    wrong = collect_book({**environ, RECORD_ENV_VAR: "yes"}, "-n", "0")
    assert wrong.returncode != 0 and "RNN_BOOK_RECORD must be 1" in wrong.stderr, wrong.stdout + wrong.stderr
