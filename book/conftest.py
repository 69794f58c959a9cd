"""nbval settings for the chapters.

- stderr (TensorFlow's C++ logs, warnings) is never compared.
- Each chapter's exercise solutions with code run after its last cell, in its kernel, where
  they stand (``tests/test_exercise_solutions.py`` checks that they follow the chapter's code):
  nbval items named ``Solution <label>`` without a stored run, so nbval fails on an error and
  compares no output. A run of some of a chapter's cells (a node id, ``-k``) runs none.
- Files are collected slowest first, so that with ``pytest -n auto --dist loadfile``
  (pytest-xdist, whole files per worker) the long ones start at once instead of last:
  chapters by the seconds stored in ``benchmarks/book_time.json``, tests by their
  ``expected_seconds`` marker (the opt-in smoke run's, for one). Files with
  neither keep their order, after the others. A run that records (``RNN_BOOK_RECORD=1``,
  as the GPU workflow's) runs the chapters in the order of ``_toc.yml`` instead, in one
  process (``-n 0``; with more workers it stops with a message): a chapter reads what
  earlier ones recorded (``tests/test_chapter_order.py``).
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
from collections import Counter, defaultdict
from collections.abc import Generator, MutableMapping
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from chapters import solution_code, toc_chapters
from companion.storage import RECORD_ENV_VAR, recording

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


def pytest_configure(config: pytest.Config) -> None:
    """Once per process, before any kernel starts (importing this file pins nothing)."""
    try:
        records = recording()
    except ValueError as error:  # a value of RNN_BOOK_RECORD that means neither
        raise pytest.UsageError(str(error)) from None
    workers = len(getattr(config.option, "tx", None) or [])  # pytest-xdist's -n N (or --tx) in the controller
    if records and workers > 1 and not hasattr(config, "workerinput"):
        raise pytest.UsageError(
            f"{RECORD_ENV_VAR}=1 runs the chapters one after another in the order of _toc.yml, as a chapter "
            f"reads what earlier ones recorded: add -n 0 to the pytest command (received {workers} workers).")
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    share_cpus_between_workers(os.environ, cpus)


def pytest_collectstart(collector: pytest.Collector) -> None:
    if isinstance(collector, IPyNbFile):
        collector.skip_compare += ("stderr",)


def stored_seconds(path: Path = BOOK_TIMES) -> dict[str, float]:
    """Seconds per chapter (``book/X.ipynb``) from the committed benchmark figures ({} if none)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["seconds"]


def file_of(item: pytest.Item) -> str:
    """The file of test `item`, relative to the root (``book/time_series.ipynb``)."""
    return item.nodeid.split("::", 1)[0]


def slowest_first(items: list[pytest.Item], seconds: dict[str, float]) -> None:
    """Sort test `items` in place by expected duration, longest first.

    An item's duration is its ``expected_seconds`` marker (on the test or its module), else
    `seconds` (keyed by its file), else 0. The sort is stable: tests of the same duration (a
    chapter's cells) keep their order.
    """
    def cost(item: pytest.Item) -> float:
        marker = item.get_closest_marker("expected_seconds")
        if marker is not None:
            return float(marker.args[0])
        return seconds.get(file_of(item), 0.0)

    items.sort(key=cost, reverse=True)


def in_toc_order(items: list[pytest.Item], chapters: list[str]) -> None:
    """Sort test `items` in place: the notebooks ``book/<chapter>.ipynb`` in the order of `chapters`,
    then the rest. The sort is stable: a file's tests keep their order."""
    position = {f"book/{chapter}.ipynb": index for index, chapter in enumerate(chapters)}
    items.sort(key=lambda item: position.get(file_of(item), len(chapters)))


class SolutionCell(IPyNbCell):
    """An exercise solution's code, run as an nbval cell without a stored run: nbval fails on an
    error and compares no output. Its number follows the chapter's cells (nbval's messages say
    "Cell <number>"); its name is ``Solution <label>``."""

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.nodeid  # nbval's would name the cell number


def code_cell_count(notebook: IPyNbFile) -> int:
    return sum(cell.cell_type == "code" for cell in notebook.nb.cells)


def solution_cells(notebook: IPyNbFile) -> list[SolutionCell]:
    """Items for the exercise solutions with code in `notebook`'s ``.md``: one per python block, named
    ``Solution <label>`` (``Solution <label>, block <n>`` where a solution has several)."""
    source = Path(str(notebook.path)).with_suffix(".md")
    if not source.is_file():
        return []
    solutions = solution_code(source.read_text(encoding="utf-8"))
    labels = Counter(label for label, _ in solutions)
    blocks: Counter[str] = Counter()
    cells = []
    for number, (label, code) in enumerate(solutions, start=code_cell_count(notebook)):
        blocks[label] += 1
        name = f"Solution {label}" + (f", block {blocks[label]}" if labels[label] > 1 else "")
        cells.append(SolutionCell.from_parent(notebook, name=name, cell_num=number,
                                              cell=nbformat.v4.new_code_cell(code), options=defaultdict(bool)))
    return cells


def append_solutions(items: list[pytest.Item]) -> None:
    """Insert, in place, each chapter's :func:`solution_cells` after its last cell, where every cell
    of the chapter was collected (not where a node id chose some)."""
    cells: dict[IPyNbFile, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if type(item) is IPyNbCell:  # a chapter's own cell
            cells[item.parent].append(index)
    for notebook, indices in sorted(cells.items(), key=lambda pair: pair[1][-1], reverse=True):
        if len(indices) == code_cell_count(notebook):
            items[indices[-1] + 1:indices[-1] + 1] = solution_cells(notebook)


def solutions_without_their_chapter(items: list[pytest.Item]) -> list[SolutionCell]:
    """The solutions in `items` whose chapter lost a cell (to ``-k``, ``-m`` or ``--deselect``)."""
    cells = Counter(item.parent for item in items if type(item) is IPyNbCell)
    return [item for item in items
            if isinstance(item, SolutionCell) and cells[item.parent] < code_cell_count(item.parent)]


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> Generator[None, None, None]:
    append_solutions(items)  # before -k, -m and --deselect, which may drop some
    result = yield
    orphans = {id(item) for item in solutions_without_their_chapter(items)}
    if orphans:
        config.hook.pytest_deselected(items=[item for item in items if id(item) in orphans])
        items[:] = [item for item in items if id(item) not in orphans]
    if recording():  # one process (pytest_configure): a chapter reads what earlier ones recorded
        in_toc_order(items, toc_chapters())
    else:
        slowest_first(items, stored_seconds())
    return result
