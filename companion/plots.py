"""Figures the chapters draw: series with forecasts, learning curves, per-step values, bars.

Every figure is drawn for the page it appears on:

- size: at most :data:`MAX_WIDTH` inches at :data:`DPI` dots per inch, so the site's content
  column (:data:`COLUMN_PX` at a 1400 px window) shows it at its own size, and its smallest
  text (:data:`SMALL_PT`, 9 pt) is 12.5 px; on a 390 px phone (a 358 px column) it scales down;
- panels: a figure with several panels stacks them, one per row over a shared x axis, so
  each panel keeps the figure's full width on a phone instead of a third of it;
- words: every axis says what it measures (:data:`METRIC_LABELS` for losses and metrics),
  and log axes label their ticks 0.01, 0.02 ... rather than 2×10⁻²;
- colour-blind readers: models and series are told apart by colour *and* marker
  (:func:`series_style`, the Okabe-Ito palette), bars by colour and hatching, training and
  validation curves by line style and hollow or filled markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogFormatterSciNotation, MaxNLocator

__all__ = [
    "COLUMN_PX", "DPI", "HATCHES", "MAX_WIDTH", "METRIC_LABELS", "PALETTE", "DecimalLogFormatter", "axis_label",
    "log_scale", "plot_distributions", "plot_epoch_times", "plot_forecasts", "plot_gate_saturation",
    "plot_learning_curves", "plot_per_step", "plot_series", "plot_series_grid", "plot_stateful_windows",
    "plot_text_activations", "series_style"
]

DPI = 100  # matplotlib's default, which Jupyter's inline backend keeps: stored PNGs have 100 px per inch
COLUMN_PX = 772  # width of the site's content column in a 1400 px window (358 px on a 390 px phone)
MAX_WIDTH = 7.4  # inches: below COLUMN_PX / DPI with room for the tight bounding box's margins
WIDTH = 6.4  # inches: the usual width of a plot
TEXT_PT = 10  # axis labels, tick labels, titles
SMALL_PT = 9  # legends and annotations: the smallest text of a plot

# Okabe and Ito's palette (https://jfly.uni-koeln.de/color/), distinguishable with every common
# colour-vision deficiency; each colour comes with its own marker and hatch, a second cue.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "X", "s", "^", "D", "v", "P")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--")
NEUTRAL = "#555555"  # lines that are not a model: the input series, legend keys of line styles

# What an axis showing a Keras loss or metric measures, in words (one place for every plot).
METRIC_LABELS = {
    "mse": "mean squared error (MSE)",
    "last_time_step_mse": "MSE at the last time step",
    # the course's sparse categorical models all predict the next character
    "sparse_categorical_crossentropy": "cross-entropy (nats per character)",
    "accuracy": "accuracy (fraction correct)",
}


def series_style(index: int) -> dict[str, Any]:
    """Colour and marker of the `index`-th model or series (they repeat after 7)."""
    return {"color": PALETTE[index % len(PALETTE)], "marker": MARKERS[index % len(MARKERS)]}


def axis_label(metric: str) -> str:
    """The words an axis showing `metric` (a Keras loss or metric name) is labelled with."""
    if metric not in METRIC_LABELS:
        raise ValueError(
            f"No axis label for {metric!r}: add one to companion.plots.METRIC_LABELS, which has "
            f"{sorted(METRIC_LABELS)}."
        )
    return METRIC_LABELS[metric]


class DecimalLogFormatter(LogFormatterSciNotation):
    """Log-axis tick labels in plain decimals (0.006, 0.01, 20), not 6×10⁻³.

    Labels the same ticks as matplotlib's default formatter. An axis that reaches beyond
    [10⁻⁵, 10⁶], or spans more than 6 decades, keeps powers of ten on every tick (10⁻³⁰ in
    decimals would be unreadable), so that one axis never mixes the two forms.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = super().__call__(x, pos)
        if not label or self.axis is None:
            return label
        low, high = sorted(self.axis.get_view_interval())
        if low < 1e-5 or high > 1e6 or high / low > 1e6:
            return label
        return self.fix_minus(np.format_float_positional(x, precision=2, fractional=False, trim="-"))


def log_scale(ax: Axes) -> None:
    """A log-scaled y axis of `ax` whose ticks read as decimals (:class:`DecimalLogFormatter`)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(DecimalLogFormatter())
    # minor ticks (0.02, 0.03, 0.06 ...) get labels too when at most 2 decades are labelled
    ax.yaxis.set_minor_formatter(DecimalLogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def _figure(rows: int = 1, height: float = 3.5, width: float = WIDTH,
            **kwargs: Any) -> tuple[Figure, list[Axes]]:
    """A figure of `rows` panels stacked vertically, `width` x `height` inches at :data:`DPI`."""
    fig, axes = plt.subplots(rows, 1, figsize=(width, height), dpi=DPI, squeeze=False, **kwargs)
    for ax in axes[:, 0]:
        ax.tick_params(labelsize=TEXT_PT)
    return fig, list(axes[:, 0])


def _labels(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=TEXT_PT)
    ax.set_ylabel(ylabel, fontsize=TEXT_PT)


def plot_series(
    series: np.ndarray,
    y: np.ndarray | None = None,
    y_pred: np.ndarray | None = None,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """One input series ``[time]`` or ``[time, 1]``, with optional targets/forecasts.

    `y` and `y_pred` are the values after the series (``[ahead]``, a scalar for one
    step); they are drawn at the time steps that follow it. Without `ax`, in a new figure.
    """
    series = np.asarray(series).reshape(-1)
    ax = ax or _figure(height=3.2)[1][0]
    n_steps = len(series)
    ax.plot(np.arange(n_steps), series, ".-", color=NEUTRAL, label="input $x(t)$")
    for values, index, label in ((y, 0, "target"), (y_pred, 1, "forecast")):
        if values is not None:
            values = np.asarray(values).reshape(-1)
            ax.plot(np.arange(n_steps, n_steps + len(values)), values, linestyle="none",
                    markersize=7, label=label, **series_style(index))
    ax.axhline(0, color="k", linewidth=0.5)
    _labels(ax, "time step $t$", "value")
    ax.set_ylim(-1, 1)
    ax.grid(True)
    if legend:
        ax.legend(loc="upper left", fontsize=SMALL_PT)
    return ax


def plot_series_grid(
    X: np.ndarray, y: np.ndarray | None = None, y_pred: np.ndarray | None = None, n: int = 3
) -> Figure:
    """The first `n` series of ``X`` ``[batch, time, 1]``, one per row over a shared time axis."""
    fig, axes = _figure(n, height=0.9 + 1.5 * n, sharex=True, sharey=True)
    for i, ax in enumerate(axes):
        plot_series(X[i], None if y is None else y[i], None if y_pred is None else y_pred[i],
                    ax=ax, legend=i == 0)
        ax.label_outer()
    fig.tight_layout()
    return fig


def _legend_keys(kinds: Sequence[str]) -> list[Line2D]:
    """Legend entries (in grey) for the line styles of training, validation and test values."""
    styles: dict[str, dict[str, Any]] = {
        "training": {"linestyle": "--", "marker": "o", "markerfacecolor": "white"},
        "validation": {"linestyle": "-", "marker": "o"},
        "test, after the last epoch": {"linestyle": "none", "marker": "o", "markersize": 9,
                                       "markeredgecolor": "black"},
    }
    return [Line2D([], [], color=NEUTRAL, label=kind, **styles[kind]) for kind in kinds]


def plot_learning_curves(histories: Mapping[str, Mapping[str, Sequence[float]]],
                         metric: str = "loss", loss: str | None = None, title: str | None = None,
                         log: bool | None = None, test: Mapping[str, float] | None = None) -> Figure:
    """Training (dashed, hollow markers) and validation (solid) `metric` per epoch, per model.

    Args:
        histories: model name -> ``History.history`` dict (lists of one value per epoch).
        metric: the history key to draw, e.g. ``"loss"`` or ``"accuracy"``.
        loss: the loss the models were trained with, as given to ``compile`` (e.g. ``"mse"``):
            what ``"loss"`` measures, for the axis label; required when `metric` is ``"loss"``.
        title: the plot's title (default: what is drawn, per epoch).
        log: log-scaled values axis; default: for losses and errors, not for accuracies
            (a value between 0 and 1 that should be read linearly).
        test: model name -> its `metric` on the test set after the last epoch, drawn as a
            large marker at that epoch.

    Each model has its colour and marker (:func:`series_style`); every epoch is a marker,
    so that a run of a few epochs shows its few measured points, joined by straight lines.
    Epochs are numbered from 1, with integer ticks only.
    """
    if metric == "loss" and loss is None:
        raise ValueError("Argument `loss` must name the loss the models were trained with (e.g. "
                         "loss='mse'), so that the axis says what it measures. Received: loss=None.")
    label = axis_label(loss if metric == "loss" and loss is not None else metric)
    test = dict(test or {})
    if set(test) - set(histories):
        raise ValueError(f"Argument `test` names models that have no history: "
                         f"{sorted(set(test) - set(histories))}. Histories: {list(histories)}.")
    fig, (ax,) = _figure()
    kinds: set[str] = set()
    models = []
    for index, (name, history) in enumerate(histories.items()):
        style = series_style(index)
        if metric not in history:
            raise KeyError(f"History of {name!r} has no {metric!r}. It has: {sorted(history)}")
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "--", markersize=5, markerfacecolor="white", **style)
        kinds.add("training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "-", markersize=5, **style)
            kinds.add("validation")
        if name in test:
            ax.plot(epochs[-1], test[name], linestyle="none", markersize=9,
                    markeredgecolor="black", **style)
            kinds.add("test, after the last epoch")
        models.append(Line2D([], [], label=name, **style))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _labels(ax, "epoch", label)
    if log is None:
        log = "accuracy" not in metric
    if log:
        log_scale(ax)
    ax.set_title(title if title is not None else f"{label[0].upper()}{label[1:]} per epoch",
                 fontsize=TEXT_PT)
    ax.grid(True)
    order = [kind for kind in ("training", "validation", "test, after the last epoch") if kind in kinds]
    ax.legend(handles=models + _legend_keys(order), fontsize=SMALL_PT)
    fig.tight_layout()
    return fig


def plot_per_step(panels: Mapping[str, Mapping[str, Sequence[float]]], log: bool = True,
                  xlabel: str = "time step $t$") -> Figure:
    """One panel per entry of `panels` (y label -> curves), stacked over a shared x axis.

    Each curve is a value per step ``[steps]``, numbered from 1 (e.g. a state's norm at
    time step ``t``), with the same colour and marker in every panel; the first panel has
    the legend.
    """
    fig, axes = _figure(len(panels), height=0.7 + 2.4 * len(panels), sharex=True)
    for ax, (ylabel, curves) in zip(axes, panels.items(), strict=True):
        for index, (name, curve) in enumerate(curves.items()):
            values = np.asarray(curve, dtype=float).reshape(-1)
            every = max(1, len(values) // 10)  # markers on every tenth step, staggered per curve
            ax.plot(np.arange(1, len(values) + 1), values, markersize=5, label=name,
                    markevery=(index * every // max(1, len(curves)), every), **series_style(index))
        ax.set_ylabel(ylabel, fontsize=TEXT_PT)
        if log:
            log_scale(ax)
        ax.grid(True)
    axes[-1].set_xlabel(xlabel, fontsize=TEXT_PT)
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].legend(fontsize=SMALL_PT)
    fig.tight_layout()
    return fig


def plot_epoch_times(lengths: Sequence[int], seconds: Mapping[str, Sequence[float]]) -> Figure:
    """Seconds per training epoch against the number of unrolled time steps, per model."""
    fig, (ax,) = _figure()
    for index, (name, values) in enumerate(seconds.items()):
        if len(values) != len(lengths):
            raise ValueError(f"{name!r} has {len(values)} timings for {len(lengths)} lengths.")
        ax.plot(lengths, values, "-", label=name, **series_style(index))
    _labels(ax, "time steps per training sequence", "seconds per epoch")
    ax.set_title("Training time per epoch against sequence length", fontsize=TEXT_PT)
    ax.set_ylim(bottom=0)
    ax.grid(True)
    ax.legend(fontsize=SMALL_PT)
    fig.tight_layout()
    return fig


def plot_forecasts(series: np.ndarray, y: np.ndarray, forecasts: Mapping[str, np.ndarray]) -> Figure:
    """One input series ``[time]``, its targets ``[ahead]`` and several models' forecasts ``[ahead]``."""
    fig, (ax,) = _figure()
    plot_series(series, y, ax=ax, legend=False)
    n_steps = np.asarray(series).reshape(-1).shape[0]
    for index, (name, values) in enumerate(forecasts.items(), start=1):  # 0: the targets
        values = np.asarray(values).reshape(-1)
        ax.plot(np.arange(n_steps, n_steps + len(values)), values, "-", markersize=6, linewidth=0.8,
                label=name, **series_style(index))
    ax.legend(loc="upper left", fontsize=SMALL_PT)
    fig.tight_layout()
    return fig


# --- Part 3: character-level text ----------------------------------------------


def plot_stateful_windows(windows: np.ndarray) -> Figure:
    """Stateful batches ``[n_batches, batch_size, n_steps + 1]`` of characters, one row per stream.

    Row ``i`` is stream ``i``; the inputs of batch ``k`` sit in block ``k`` (labelled and
    coloured ``PALETTE[k]``), so row ``i`` of batch ``k + 1`` visibly continues row ``i``
    of batch ``k``.
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
    block = n_steps + 0.5  # a half-cell gap between batches
    cell = min(0.32, (MAX_WIDTH - 1.8) / (n_batches * block))  # inches per character
    fig, (ax,) = _figure(width=cell * n_batches * block + 1.8, height=0.6 + 0.55 * batch_size)
    for k in range(n_batches):
        ax.text(k * block + n_steps / 2, 1.1, f"batch {k}", ha="center", fontsize=SMALL_PT)
        for i in range(batch_size):
            for t, char in enumerate(windows[k, i, :-1]):  # the inputs; the last char is a target
                ax.add_patch(plt.Rectangle((k * block + t, -i), 1, 0.8, alpha=0.35, edgecolor="white",
                                           facecolor=PALETTE[k % len(PALETTE)]))
                ax.text(k * block + t + 0.5, -i + 0.4, {" ": "␣", "\n": "⏎"}.get(char, char),
                        ha="center", va="center", family="monospace", fontsize=SMALL_PT)
    for i in range(batch_size):
        ax.text(-0.3, -i + 0.4, f"row {i}", ha="right", va="center", fontsize=SMALL_PT)
    ax.set_xlim(-3, n_batches * block)
    ax.set_ylim(-batch_size + 0.6, 1.6)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_distributions(distributions: Mapping[str, np.ndarray], labels: Sequence[str]) -> Figure:
    """Grouped bars: one probability distribution over next characters ``[len(labels)]`` per entry."""
    arrays = {name: np.asarray(values, dtype=float) for name, values in distributions.items()}
    bad = {name: a.shape for name, a in arrays.items() if a.shape != (len(labels),)}
    if not arrays or bad:
        raise ValueError(
            f"Argument `distributions` must map names to arrays of shape [{len(labels)}] "
            f"(one value per label). Received shapes: {bad or 'no distributions'}."
        )
    fig, (ax,) = _figure(height=3.2)
    width = 0.8 / len(arrays)
    positions = np.arange(len(labels))
    for index, (name, values) in enumerate(arrays.items()):
        ax.bar(positions + (index - (len(arrays) - 1) / 2) * width, values, width, label=name,
               color=PALETTE[index % len(PALETTE)], hatch=HATCHES[index % len(HATCHES)],
               edgecolor="white")
    ax.set_xticks(positions, [{" ": "␣"}.get(label, repr(label)[1:-1]) for label in labels],
                  family="monospace")
    _labels(ax, "next character", "probability")
    ax.grid(True, axis="y")
    ax.legend(fontsize=SMALL_PT)
    fig.tight_layout()
    return fig


SHOWN_CHARS = {" ": "␣", "\n": "⏎"}  # characters drawn as a visible sign
# Diverging, blue below 0, red above, white at 0 (lightness shows |h|): the middle 70 % of
# matplotlib's RdBu_r, whose darkest ends would hide black text.
ACTIVATION_CMAP = LinearSegmentedColormap.from_list("activation", plt.get_cmap("RdBu_r")(np.linspace(0.15, 0.85, 256)))


def plot_text_activations(text: str, activations: Mapping[str, Sequence[float]],
                          limit: float = 1.0) -> Figure:
    """`text` once per entry of `activations` (title -> one value per character ``[len(text)]``).

    Each panel draws the text line by line, every character on a cell coloured by its value
    (:data:`ACTIVATION_CMAP`, from ``-limit`` to ``limit``, e.g. a tanh unit's state); a key
    of coloured cells under the last panel gives the scale. Spaces and newlines are drawn as
    ␣ and ⏎.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"Argument `text` must be a non-empty string. Received: {text!r}")
    values = {title: np.asarray(row, dtype=float) for title, row in activations.items()}
    bad = {title: row.shape for title, row in values.items() if row.shape != (len(text),)}
    if not values or bad:
        raise ValueError(f"Argument `activations` must map titles to arrays of shape [{len(text)}] (one value "
                         f"per character of `text`). Received shapes: {bad or 'no activations'}")
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    key = np.linspace(-limit, limit, 5)  # the scale, drawn as cells two lines under the last panel's text
    columns = max(5 * len(key), *(len(line) for line in lines))
    cell = min(0.11, (MAX_WIDTH - 0.4) / columns)  # inches per character
    rows = [len(lines)] * (len(values) - 1) + [len(lines) + 3]  # lines of each panel, the key's in the last
    fig, axes = _figure(len(values), height=0.35 * len(values) + 0.2 * sum(rows), width=cell * columns + 0.4,
                        gridspec_kw={"height_ratios": rows})  # a title, then 0.2 inches per line
    norm = plt.Normalize(-limit, limit)

    def draw(ax: Axes, x: float, y: float, width: float, value: float, label: str) -> None:
        ax.add_patch(plt.Rectangle((x, y), width, 1, facecolor=ACTIVATION_CMAP(norm(value)), edgecolor="none"))
        ax.text(x + width / 2, y + 0.5, label, ha="center", va="center", family="monospace", fontsize=SMALL_PT)

    for ax, (title, row) in zip(axes, values.items(), strict=True):
        start = 0
        for y, line in enumerate(lines):
            for x, char in enumerate(line):
                draw(ax, x, -y - 1, 1, row[start + x], SHOWN_CHARS.get(char, char))
            start += len(line)
        ax.set_xlim(0, columns)
        ax.set_ylim(-len(lines), 0)
        ax.set_title(title, fontsize=TEXT_PT, loc="left")
        ax.axis("off")
    last = axes[-1]
    for index, value in enumerate(key):
        draw(last, 5 * index, -len(lines) - 3, 5, value, f"{value:g}")
    last.text(0, -len(lines) - 1.5, "the unit's state h (blue: negative, red: positive):", va="center",
              fontsize=TEXT_PT)
    last.set_ylim(-len(lines) - 3, 0)
    fig.tight_layout()
    return fig


def plot_gate_saturation(panels: Mapping[str, Mapping[str, tuple[Sequence[float], Sequence[float]]]],
                         low: float = 0.1, high: float = 0.9) -> Figure:
    """Per unit, the share of steps its gate is below `low` (x) against above `high` (y).

    The scatter of Karpathy, Johnson and Fei-Fei (2015): one panel per entry of `panels`
    (e.g. a layer), in it one series per model of ``(below, above)``, each ``[units]``
    (:func:`companion.inside.gate_saturation`). The solid line ``x + y = 1`` bounds every
    point; right of the dashed line ``x + y = 0.5`` a unit is saturated on more than half
    of the steps.
    """
    fig, axes = _figure(len(panels), height=0.6 + 3.4 * len(panels), width=4.6)
    diagonal = np.array([0.0, 1.0])
    for ax, (title, series) in zip(axes, panels.items(), strict=True):
        for index, (name, (below, above)) in enumerate(series.items()):
            ax.plot(below, above, linestyle="none", markersize=5, alpha=0.7, label=name,
                    **series_style(index))
        ax.plot(diagonal, 1 - diagonal, "-", color=NEUTRAL, linewidth=0.8)
        ax.plot(diagonal / 2, (1 - diagonal) / 2, "--", color=NEUTRAL, linewidth=0.8)
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.03)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=TEXT_PT)
        _labels(ax, f"fraction of steps with z < {low:g}", f"fraction of steps with z > {high:g}")
        ax.grid(True)
        ax.legend(fontsize=SMALL_PT, loc="upper right")
    fig.tight_layout()
    return fig
