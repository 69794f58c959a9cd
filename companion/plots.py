"""Figures the chapters draw: series with forecasts, learning curves."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_series(
    series: np.ndarray,
    y: np.ndarray | None = None,
    y_pred: np.ndarray | None = None,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """One input series ``[time]`` or ``[time, 1]``, with optional targets/forecasts.

    `y` and `y_pred` are the values after the series (``[ahead]``, a scalar for one
    step); they are drawn at the time steps that follow it.
    """
    series = np.asarray(series).reshape(-1)
    ax = ax or plt.gca()
    n_steps = len(series)
    ax.plot(np.arange(n_steps), series, ".-", label="input $x(t)$")
    for values, style, label in ((y, "bo", "target"), (y_pred, "rx", "forecast")):
        if values is not None:
            values = np.asarray(values).reshape(-1)
            ax.plot(np.arange(n_steps, n_steps + len(values)), values, style,
                    markersize=8, label=label)
    ax.axhline(0, color="k", linewidth=0.5)
    ax.set_xlabel("$t$")
    ax.set_ylim(-1, 1)
    ax.grid(True)
    if legend:
        ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_series_grid(
    X: np.ndarray, y: np.ndarray | None = None, y_pred: np.ndarray | None = None, n: int = 3
) -> Figure:
    """The first `n` series of ``X`` ``[batch, time, 1]`` side by side."""
    fig, axes = plt.subplots(1, n, sharey=True, figsize=(4 * n, 3))
    for i, ax in enumerate(np.atleast_1d(axes)):
        plot_series(X[i], None if y is None else y[i], None if y_pred is None else y_pred[i],
                    ax=ax, legend=i == 0)
    fig.tight_layout()
    return fig


def plot_learning_curves(histories: Mapping[str, Mapping[str, Sequence[float]]],
                         metric: str = "loss", title: str | None = None,
                         log: bool | None = None) -> Figure:
    """Training (dashed) and validation (solid) `metric` per epoch, one colour per model.

    Args:
        histories: model name -> ``History.history`` dict (lists of one value per epoch).
        metric: the history key to draw, e.g. ``"loss"`` or ``"accuracy"``.
        title: the plot's title (default: says which metric, and which line is which).
        log: log-scaled values axis; default: for losses and errors, not for accuracies
            (a value between 0 and 1 that should be read linearly).

    Epochs are numbered from 1, with integer ticks only.
    """
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for index, (name, history) in enumerate(histories.items()):
        colour = f"C{index}"
        if metric not in history:
            raise KeyError(f"History of {name!r} has no {metric!r}. It has: {sorted(history)}")
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "--", color=colour, label=f"{name} (train)")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "-", color=colour, label=f"{name} (valid)")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(metric)
    if log is None:
        log = "accuracy" not in metric
    if log:
        ax.set_yscale("log")
    ax.set_title(title if title is not None else
                 f"{metric.replace('_', ' ')} per epoch (dashed: training, solid: validation)",
                 fontsize=10)
    ax.grid(True)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_per_step(curves: Mapping[str, Sequence[float]], ylabel: str, log: bool = True) -> Figure:
    """One line per name, a value per time step (e.g. a state's norm at step ``t``)."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name, values in curves.items():
        values = np.asarray(values, dtype=float).reshape(-1)
        ax.plot(np.arange(1, len(values) + 1), values, ".-", label=name)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(True)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_epoch_times(lengths: Sequence[int], seconds: Mapping[str, Sequence[float]]) -> Figure:
    """Seconds per training epoch against the number of unrolled time steps, per model."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in seconds.items():
        if len(values) != len(lengths):
            raise ValueError(f"{name!r} has {len(values)} timings for {len(lengths)} lengths.")
        ax.plot(lengths, values, "o-", label=name)
    ax.set_xlabel("time steps per training sequence")
    ax.set_ylabel("seconds per epoch")
    ax.set_title("Training time per epoch against sequence length", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(True)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_forecasts(series: np.ndarray, y: np.ndarray, forecasts: Mapping[str, np.ndarray]) -> Figure:
    """One input series ``[time]``, its targets ``[ahead]`` and several models' forecasts ``[ahead]``."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    plot_series(series, y, ax=ax, legend=False)
    n_steps = np.asarray(series).reshape(-1).shape[0]
    markers = "xs^dv"
    for index, (name, values) in enumerate(forecasts.items()):
        values = np.asarray(values).reshape(-1)
        ax.plot(np.arange(n_steps, n_steps + len(values)), values, markers[index % len(markers)] + "-",
                color=f"C{index + 1}", markersize=6, linewidth=0.8, label=name)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


# --- Part 3: character-level text ----------------------------------------------


def plot_stateful_windows(windows: np.ndarray) -> Figure:
    """Stateful batches ``[n_batches, batch_size, n_steps + 1]`` of characters, one row per stream.

    Row ``i`` is stream ``i``; the inputs of batch ``k`` are coloured ``C{k}``, so
    row ``i`` of batch ``k + 1`` visibly continues row ``i`` of batch ``k``.
    """
    windows = np.asarray(windows)
    if windows.ndim != 3 or windows.dtype.kind != "U":
        raise ValueError(
            "Argument `windows` must be an array of characters of shape [n_batches, "
            f"batch_size, n_steps + 1] (e.g. stateful_windows(np.array(list(text)))). "
            f"Received shape {windows.shape} and dtype {windows.dtype}."
        )
    n_batches, batch_size, window_length = windows.shape
    n_steps = window_length - 1
    fig, ax = plt.subplots(figsize=(0.32 * n_batches * n_steps + 1.8, 0.6 + 0.55 * batch_size))
    for k in range(n_batches):
        ax.text(k * n_steps + n_steps / 2, 1.1, f"batch {k}", ha="center", fontsize=9)
        for i in range(batch_size):
            for t, char in enumerate(windows[k, i, :-1]):  # the inputs; the last char is a target
                ax.add_patch(plt.Rectangle((k * n_steps + t, -i), 1, 0.8, facecolor=f"C{k}",
                                           alpha=0.35, edgecolor="white"))
                ax.text(k * n_steps + t + 0.5, -i + 0.4, {" ": "␣", "\n": "⏎"}.get(char, char),
                        ha="center", va="center", family="monospace", fontsize=9)
    for i in range(batch_size):
        ax.text(-0.3, -i + 0.4, f"row {i}", ha="right", va="center", fontsize=9)
    ax.set_xlim(-3, n_batches * n_steps + 0.2)
    ax.set_ylim(-batch_size + 0.6, 1.6)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_distributions(distributions: Mapping[str, np.ndarray], labels: Sequence[str]) -> Figure:
    """Grouped bars: one probability distribution ``[len(labels)]`` per entry of `distributions`."""
    arrays = {name: np.asarray(values, dtype=float) for name, values in distributions.items()}
    bad = {name: a.shape for name, a in arrays.items() if a.shape != (len(labels),)}
    if not arrays or bad:
        raise ValueError(
            f"Argument `distributions` must map names to arrays of shape [{len(labels)}] "
            f"(one value per label). Received shapes: {bad or 'no distributions'}."
        )
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(labels) * len(arrays) / 2), 3.2))
    width = 0.8 / len(arrays)
    positions = np.arange(len(labels))
    for index, (name, values) in enumerate(arrays.items()):
        ax.bar(positions + (index - (len(arrays) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(positions, [repr(label)[1:-1] for label in labels], family="monospace")
    ax.set_ylabel("probability")
    ax.grid(True, axis="y")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
