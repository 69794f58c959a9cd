"""Training runs of the time-series models: error, size and training time, for comparison tables.

The ledger checks each model's error against the lecture; this log adds what a
comparison also needs, the parameter count and the training time on this
machine, so a later chapter can tabulate models trained in earlier ones. It is
stored next to the ledger's results, in ``results/<profile>-runs.json``, under
the same rules: kept in this process always, written to the file only with
``RNN_BOOK_RECORD=1`` (see :mod:`companion.storage`).
Timings vary from run to run: show them only in cells tagged ``nbval-ignore-output``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import keras

from companion.storage import read_json, results_path, update_json

__all__ = ["Clock", "Run", "load", "log", "markdown_table", "ranking", "timer"]

RUNS_SUFFIX = "-runs"


@dataclass(frozen=True)
class Run:
    """One trained model: validation error, parameter count, training seconds."""

    mse: float
    params: int
    seconds: float


@dataclass
class Clock:
    """Elapsed seconds of a :func:`timer` block (set when the block ends)."""

    seconds: float = math.nan


@contextmanager
def timer() -> Iterator[Clock]:
    """Time a block: ``with runs.timer() as clock: model.fit(...)``, then ``clock.seconds``."""
    clock = Clock()
    start = time.perf_counter()
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - start


def load(profile: str | None = None) -> dict[str, Run]:
    """Logged runs of `profile` (default: ``RNN_BOOK_PROFILE``), by model name."""
    stored = read_json(results_path(profile, RUNS_SUFFIX))
    return {name: Run(**fields) for name, fields in stored.items()}  # type: ignore[arg-type]


def log(name: str, model: keras.Model, mse: float, seconds: float, profile: str | None = None) -> None:
    """Store the run of `model` under `name` (replacing an earlier run of that name).

    Nothing is returned, so a chapter cell ending with ``runs.log(...)`` shows no output
    (nbval does not honour a trailing ``;``, and the run's seconds vary).

    Args:
        name: the model's label in tables, e.g. ``"LSTM"``.
        model: the trained (built) model; its parameters are counted.
        mse: its validation error (last-time-step MSE for seq-to-seq models).
        seconds: how long ``fit`` took.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"Argument `name` must be a non-empty string. Received: name={name!r}")
    if not isinstance(model, keras.Model) or not model.built:
        raise ValueError(
            f"Argument `model` must be a built keras.Model (train it first). Received: {model!r}"
        )
    values = {"mse": mse, "seconds": seconds}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value < 0:
            raise ValueError(
                f"Argument `{key}` must be a finite number >= 0. Received: {key}={value!r}"
            )
    run = Run(float(f"{mse:.6g}"), int(model.count_params()), round(float(seconds), 1))
    update_json(results_path(profile, RUNS_SUFFIX), {name: asdict(run)})


def ranking(names: list[str], profile: str | None = None) -> list[tuple[str, Run]]:
    """The runs of `names`, best (lowest MSE) first; raises if one was never logged."""
    runs = load(profile)
    missing = [name for name in names if name not in runs]
    if missing:
        raise KeyError(
            f"No logged run for {missing} in {results_path(profile, RUNS_SUFFIX)}. "
            "Execute the chapters that train them first."
        )
    return sorted(((name, runs[name]) for name in names), key=lambda item: item[1].mse)


def markdown_table(names: list[str], profile: str | None = None) -> str:
    """A Markdown table of the runs of `names`, best first: rank, model, MSE, parameters, seconds.

    Names with no logged run (a chapter not executed yet) come last, marked "not run".
    """
    runs = load(profile)
    logged = [name for name in names if name in runs]
    lines = [
        "| rank | model | validation MSE (last step) | parameters | training time (s) |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for rank, (name, run) in enumerate(ranking(logged, profile), start=1):
        lines.append(f"| {rank} | {name} | {run.mse:#.3g} | {run.params:,} | {run.seconds:.0f} |")
    lines += [f"| - | {name} | not run | - | - |" for name in names if name not in runs]
    return "\n".join(lines)
