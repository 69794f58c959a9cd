"""nbval settings for the chapters.

- stderr (TensorFlow's C++ logs, warnings) is never compared.
- Files are collected slowest first, so that with ``pytest -n auto --dist loadfile``
  (pytest-xdist, whole files per worker) the long ones start at once instead of last:
  chapters by the seconds stored in ``benchmarks/book_time.json``, test files by
  their ``expected_seconds`` marker (the opt-in smoke run takes minutes). Files with
  neither keep their order, after the others.
- Under pytest-xdist each worker's kernels get an equal share of the CPUs
  (``TF_NUM_INTRAOP_THREADS``/``TF_NUM_INTEROP_THREADS``, unless already set): two
  kernels with two threads each on two cores ran the book 1.10 times slower than
  with one thread each (757 s against 685 s, side by side on a 2-core machine).
- ... and each worker runs on CPUs of its own (``os.sched_setaffinity``; what it starts,
  kernels and browsers, inherits them). TensorFlow still keeps a few threads per process
  busy besides the ones configured. Two XLA trainings (4 epochs) of the time-series
  chapter's sequence-to-sequence model at once took 35 and 48 s free to move between the
  2 cores, 27 s each pinned one per core; alone, one took 18 s (26 s pinned to one core).
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path

import pytest
from nbval.plugin import IPyNbFile

BOOK_TIMES = Path(__file__).resolve().parent.parent / "benchmarks" / "book_time.json"


def share_cpus_between_workers(environ: MutableMapping[str, str], cpus: int) -> None:
    """In an xdist worker, give the kernels it starts (they inherit `environ`) their share of `cpus`."""
    workers = int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        threads = str(max(1, cpus // workers))
        environ.setdefault("TF_NUM_INTRAOP_THREADS", threads)
        environ.setdefault("TF_NUM_INTEROP_THREADS", threads)


def own_cpus(worker: str, workers: int, cpus: list[int]) -> list[int]:
    """The CPUs that xdist worker `worker` (``"gw0"``, ``"gw1"``, ...) of `workers` runs on.

    Every `workers`-th of `cpus`, from the worker's number; all of `cpus` if there are
    fewer CPUs than workers (no worker would have one of its own).
    """
    if workers > len(cpus):
        return list(cpus)
    return list(cpus)[int(worker.removeprefix("gw")) % workers::workers]


def pin_worker_to_its_cpus(environ: MutableMapping[str, str]) -> None:
    """In an xdist worker, run this process (and what it starts) on :func:`own_cpus`."""
    worker = environ.get("PYTEST_XDIST_WORKER")
    workers = int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if worker and workers > 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, own_cpus(worker, workers, sorted(os.sched_getaffinity(0))))


share_cpus_between_workers(os.environ, os.cpu_count() or 1)
pin_worker_to_its_cpus(os.environ)


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    slowest_first(items, stored_seconds(), Path(str(config.rootpath)))
