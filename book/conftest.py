"""nbval settings for the chapters.

- stderr (TensorFlow's C++ logs, warnings) is never compared.
- Each chapter's exercise solutions with code run after its last cell, in its kernel, where
  they stand (``tests/test_exercise_solutions.py`` checks that they follow the chapter's code):
  nbval items named ``Solution <label>`` without a stored run, so nbval fails on an error and
  compares no output.
- Files are collected slowest first, so that with ``pytest -n auto --dist loadfile``
  (pytest-xdist, whole files per worker) the long ones start at once instead of last:
  chapters by the seconds stored in ``benchmarks/book_time.json``, test files by
  their ``expected_seconds`` marker (the opt-in smoke run takes minutes). Files with
  neither keep their order, after the others.
- Under pytest-xdist each worker runs on CPUs of its own, if there are at least as many
  CPUs as workers (``os.sched_setaffinity``; what it starts, kernels and browsers, inherits
  them), and its kernels use as many threads as it has CPUs (``TF_NUM_INTRAOP_THREADS``/
  ``TF_NUM_INTEROP_THREADS``, unless already set): two kernels with two threads each on two
  cores ran the book 1.10 times slower than with one thread each (757 s against 685 s, side
  by side on a 2-core machine, before the pinning). TensorFlow still keeps a few threads
  per process busy besides the ones configured. Two XLA trainings (4 epochs) of the time-series
  chapter's sequence-to-sequence model at once took 35 and 48 s free to move between the
  2 cores, 27 s each pinned one per core; alone, one took 18 s (26 s pinned to one core).
  On one core tf.data's autotuning left the kernel idle part of the time:
  ``runtime.configure()`` turns it off (``benchmarks/tf_data_autotune.py``).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import MutableMapping
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from chapters import solution_code

BOOK_TIMES = Path(__file__).resolve().parent.parent / "benchmarks" / "book_time.json"


def own_cpus(worker: str, workers: int, cpus: list[int]) -> list[int]:
    """The CPUs that xdist worker `worker` (``"gw0"``, ``"gw1"``, ...) of `workers` runs on.

    Every `workers`-th of `cpus`, from the worker's number modulo `workers`; all of `cpus`
    if there are fewer CPUs than workers (no worker would have one of its own).
    """
    number = re.fullmatch(r"gw([0-9]+)", worker)
    if number is None:
        raise ValueError("Argument `worker` (PYTEST_XDIST_WORKER) must be xdist's worker name, 'gw' and a "
                         f"number such as 'gw0'. Received: worker={worker!r}")
    if workers > len(cpus):
        return list(cpus)
    return list(cpus)[int(number[1]) % workers::workers]


def share_cpus_between_workers(environ: MutableMapping[str, str], cpus: list[int]) -> None:
    """In an xdist worker, run this thread on :func:`own_cpus` of `cpus`, with as many TensorFlow
    threads as it has CPUs (1 if the workers outnumber the CPUs).

    The kernels and browsers it starts inherit both (the CPUs, and `environ`); a thread count
    already in `environ` is kept. Outside a parallel run (``-n 0``, ``-n 1``) nothing changes.
    """
    worker = environ.get("PYTEST_XDIST_WORKER")
    workers = int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker or workers < 2:
        return
    mine = own_cpus(worker, workers, cpus)
    threads = str(len(mine) if workers <= len(cpus) else 1)
    environ.setdefault("TF_NUM_INTRAOP_THREADS", threads)
    environ.setdefault("TF_NUM_INTEROP_THREADS", threads)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, mine)


def pytest_configure(config):
    """Once per process, before any kernel starts (importing this file changes nothing)."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    share_cpus_between_workers(os.environ, cpus)


def pytest_collectstart(collector):
    if isinstance(collector, IPyNbFile):
        collector.skip_compare += ("stderr",)


def stored_seconds(path: Path = BOOK_TIMES) -> dict[str, float]:
    """Seconds per chapter (``book/X.ipynb``) from the committed benchmark figures ({} if none)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["seconds"]


def slowest_first(items: list, seconds: dict[str, float], root: Path) -> None:
    """Sort test `items` in place: files by expected duration, longest first.

    A file's duration is its ``expected_seconds`` marker, else `seconds` (keyed by the
    path relative to `root`), else 0. The sort is stable: a file's tests keep their order.
    """
    def cost(item) -> float:
        marker = item.get_closest_marker("expected_seconds")
        if marker is not None:
            return float(marker.args[0])
        return seconds.get(Path(str(item.path)).relative_to(root).as_posix(), 0.0)

    items.sort(key=cost, reverse=True)


def solution_cells(notebook: IPyNbFile, first: int) -> list[IPyNbCell]:
    """nbval items for the exercise solutions with code in `notebook`'s ``.md``, numbered from `first`."""
    source = Path(str(notebook.path)).with_suffix(".md")
    if not source.is_file():
        return []
    return [IPyNbCell.from_parent(notebook, name=f"Solution {label}", cell_num=number,
                                  cell=nbformat.v4.new_code_cell(code),  # not run: no output compared
                                  options=defaultdict(bool))
            for number, (label, code) in enumerate(solution_code(source.read_text(encoding="utf-8")), start=first)]


def append_solutions(items: list) -> None:
    """Insert, in place, each chapter's :func:`solution_cells` after its last cell.

    Only where that last cell was collected: a run of a few chosen cells gets no solutions.
    """
    last: dict[IPyNbFile, int] = {}
    for index, item in enumerate(items):
        if isinstance(item, IPyNbCell):
            last[item.parent] = index
    for notebook, index in sorted(last.items(), key=lambda pair: pair[1], reverse=True):
        code_cells = sum(cell.cell_type == "code" for cell in notebook.nb.cells)
        if items[index].cell_num == code_cells - 1:
            items[index + 1:index + 1] = solution_cells(notebook, first=code_cells)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    append_solutions(items)
    slowest_first(items, stored_seconds(), Path(str(config.rootpath)))
