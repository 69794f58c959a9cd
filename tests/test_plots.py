"""Plots of training runs and the course's figures: legible on the page, for every reader.

What the site shows: a figure saved as the inline backend saves it (tight bounding box, the
figure's dpi), shrunk to the content column (772 px at a 1400 px window) when wider.
"""

import io
import itertools
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.text import Text

from companion import plots
from test_figures import DIAGRAMS

HISTORY = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5],
           "accuracy": [0.6, 0.8, 0.9], "last_time_step_mse": [0.1, 0.05, 0.01]}
MIN_TEXT_PX = 10  # CSS px: the smallest text a reader should meet in a figure at 1400 px
SERIES = np.sin(np.linspace(0, 6, 51))


def history(start: float, epochs: int) -> dict[str, list[float]]:
    decay = 0.8 ** np.arange(epochs)
    return {"loss": list(start * decay), "val_loss": list(1.1 * start * decay)}


# One call per figure a chapter draws: the diagrams (test_figures.py), then the plots below.
FIGURES = {
    **DIAGRAMS,
    "series_grid": lambda: plots.plot_series_grid(np.stack([SERIES[:50, None]] * 3), SERIES[[50] * 3]),
    "series": lambda: plots.plot_series(SERIES[:50], SERIES[40:50], SERIES[40:50] * 0.9).figure,
    "learning_curves": lambda: plots.plot_learning_curves(
        {name: history(0.1 * (index + 1), 20) for index, name in
         enumerate(["linear", "SimpleRNN(1)", "deep RNN", "deep RNN + Dense"])}, loss="mse"),
    "two_epochs_with_test": lambda: plots.plot_learning_curves(
        {"GRU": {"accuracy": [0.72, 0.86]}, "GloVe + Dense": {"accuracy": [0.71, 0.74]}},
        metric="accuracy", test={"GRU": 0.76, "GloVe + Dense": 0.73}),
    "per_step": lambda: plots.plot_per_step(
        {"norm of the state": {f"scale {s}": s ** np.arange(100) for s in (1.2, 0.8)},
         "gradient reaching the input": {f"scale {s}": s ** -np.arange(100.0) for s in (1.2, 0.8)}}),
    "per_step_one_panel": lambda: plots.plot_per_step(
        {"mean |gradient of the forecast\nwith respect to x(t)|":
         {name: 0.9 ** np.arange(50.0, 0, -1) * scale for scale, name in enumerate(["SimpleRNN", "LSTM", "GRU"], 1)}}),
    "per_step_with_gaps": lambda: plots.plot_per_step(
        {"training loss (MSE)": {"no clipping": [1.0, 1e3, np.nan, np.nan], "clipnorm=1.0": [1.0, 0.5, 0.4, 0.3]},
         "gradient norm before clipping": {"no clipping": [10.0, 1e5, np.nan, np.nan], "clipnorm=1.0": [10, 5, 4, 3]}},
        xlabel="training step (one batch of 32 series)"),
    "epoch_times": lambda: plots.plot_epoch_times([25, 50, 100], {"SimpleRNN": [0.2, 0.3, 0.6]}),
    "forecasts": lambda: plots.plot_forecasts(SERIES[:50], SERIES[40:50],
                                              {"LSTM": SERIES[40:50], "GRU": SERIES[41:51]}),
    "stateful_windows": lambda: plots.plot_stateful_windows(  # 5 batches of 3 rows of 4 + 1
        np.array(list(("to be or not to be: that is the question " * 2)[:75])).reshape(5, 3, 5)),
    "distributions": lambda: plots.plot_distributions(
        {f"T = {t}": np.full(12, 1 / 12) for t in (0.2, 1, 2)}, list("e toa\nnsihr,")),
    "text_activations": lambda: plots.plot_text_activations(
        "gremio:\ngood morrow, neighbour baptista.\n", {"unit 1": np.linspace(-1, 1, 41), "unit 2": np.zeros(41)}),
    "gate_saturation": lambda: plots.plot_gate_saturation(
        {f"layer {i}": {"trained": (np.array([0.2, 0.7]), np.array([0.1, 0.2])),
                        "random weights": (np.zeros(2), np.zeros(2))} for i in (1, 2)}),
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def shown_width(fig) -> int:
    """Width in px of the PNG the inline backend stores (tight bounding box at the figure's dpi)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return plt.imread(io.BytesIO(buffer.getvalue())).shape[1]


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_text_is_at_least_10_px_in_the_1400_px_column(name):
    fig = FIGURES[name]()
    assert fig.dpi == plots.DPI, "stored PNGs must have DPI px per inch for these sizes to hold"
    width = shown_width(fig)
    scale = min(1.0, plots.COLUMN_PX / width)
    sizes = {text.get_text(): text.get_fontsize() * fig.dpi / 72 * scale
             for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()}
    small = {text: round(px, 1) for text, px in sizes.items() if px < MIN_TEXT_PX}
    assert not small, f"{name} ({width} px wide, shown at {scale:.2f}): text under {MIN_TEXT_PX} px: {small}"


@pytest.mark.parametrize("name", ["series_grid", "per_step"])
def test_panels_are_stacked_one_per_row(name):
    """Side by side, each panel would get a third of a phone's 358 px; stacked, the full width."""
    fig = FIGURES[name]()
    boxes = [ax.get_position() for ax in fig.axes]
    assert len(boxes) > 1 and {(round(b.x0, 3), round(b.x1, 3)) for b in boxes} == \
        {(round(boxes[0].x0, 3), round(boxes[0].x1, 3))}
    assert all(upper.y0 > lower.y1 for upper, lower in itertools.pairwise(boxes))


# Machado, Oliveira and Fernandes (2009), severity 1: linear sRGB -> linear sRGB as seen.
DICHROMACY = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
TAB10_FIRST_FOUR = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # matplotlib's default: blue, orange, green, red


def lab(colour: str, deficiency: str) -> np.ndarray:
    """CIELAB (D65) of `colour` as seen with `deficiency`."""
    srgb = np.asarray(to_rgb(colour))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(np.asarray(DICHROMACY[deficiency]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ seen
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(palette, deficiency: str) -> float:
    """The smallest colour difference (CIE76 ΔE) between two colours of `palette` as seen."""
    return min(np.linalg.norm(lab(a, deficiency) - lab(b, deficiency))
               for a, b in itertools.combinations(palette, 2))


@pytest.mark.parametrize("deficiency", sorted(DICHROMACY))
def test_palette_colours_stay_apart_for_colour_blind_readers(deficiency):
    assert closest_pair(plots.PALETTE, deficiency) > 12


def test_the_colour_blindness_check_rejects_matplotlibs_default_colours():
    assert min(closest_pair(TAB10_FIRST_FOUR, d) for d in ("protanopia", "deuteranopia")) < 12


def test_every_style_has_a_second_cue_besides_colour():
    styles = [plots.series_style(index) for index in range(len(plots.PALETTE))]
    assert len({style["marker"] for style in styles}) == len(styles)
    assert len(set(plots.HATCHES)) == len(plots.PALETTE)


def test_models_differ_in_colour_and_marker_and_runs_in_line_style():
    ax = plots.plot_learning_curves({f"m{index}": HISTORY for index in range(4)}, loss="mse").axes[0]
    lines = ax.get_lines()
    train, valid = lines[::2], lines[1::2]
    assert len({line.get_marker() for line in train}) == len({to_hex(line.get_color()) for line in train}) == 4
    assert {line.get_linestyle() for line in train} == {"--"} and {line.get_linestyle() for line in valid} == {"-"}
    assert {to_hex(line.get_markerfacecolor()) for line in train} == {"#ffffff"}  # hollow: training
    assert [text.get_text() for text in ax.get_legend().get_texts()] == \
        ["m0", "m1", "m2", "m3", "training", "validation"]


@pytest.mark.parametrize("epochs", [2, 3])
def test_few_epochs_are_drawn_as_points(epochs):
    ax = plots.plot_learning_curves({"m": history(1.0, epochs)}, loss="mse").axes[0]
    assert all(line.get_marker() not in ("", "None", None) and len(line.get_xdata()) == epochs
               for line in ax.get_lines())
    assert ax.get_title().endswith("per epoch")


def test_test_scores_are_drawn_at_the_last_epoch():
    ax = plots.plot_learning_curves({"a": HISTORY, "b": HISTORY}, metric="accuracy",
                                    test={"b": 0.75}).axes[0]
    (point,) = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == (3, 0.75)
    assert point.get_marker() == plots.series_style(1)["marker"]
    assert "test, after the last epoch" in [text.get_text() for text in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match=r"`test` names models that have no history: \['c'\]"):
        plots.plot_learning_curves({"a": HISTORY}, metric="accuracy", test={"c": 0.5})


@pytest.mark.parametrize("metric, loss, scale", [("loss", "mse", "log"),
                                                 ("last_time_step_mse", None, "log"),
                                                 ("accuracy", None, "linear")])
def test_losses_are_log_scaled_and_accuracies_linear_with_axes_in_words(metric, loss, scale):
    ax = plots.plot_learning_curves({"m": HISTORY}, metric=metric, loss=loss).axes[0]
    assert ax.get_yscale() == scale
    assert ax.get_ylabel() == plots.METRIC_LABELS[loss or metric]


def test_a_loss_must_say_what_it_measures():
    with pytest.raises(ValueError, match="Argument `loss` must name the loss .* Received: loss=None"):
        plots.plot_learning_curves({"m": HISTORY})
    with pytest.raises(ValueError, match="No axis label for 'hinge'.*METRIC_LABELS"):
        plots.plot_learning_curves({"m": HISTORY}, loss="hinge")


IDENTIFIER = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a variable name such as last_time_step_mse


@pytest.mark.parametrize("name", sorted(set(FIGURES) - set(DIAGRAMS)))
def test_every_axis_is_labelled_in_words(name):
    """Each panel's values axis, and the time or epoch axis under the lowest panel."""
    fig = FIGURES[name]()
    for ax in fig.axes:
        if ax.axison:
            for label in [ax.get_ylabel()] + ([ax.get_xlabel()] if ax is fig.axes[-1] else []):
                assert label and not IDENTIFIER.match(label), f"{name}: axis label {label!r}"


def tick_labels(ax) -> dict[float, str]:
    """The y axis' labelled ticks in view: value -> label."""
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    ticks = [*ax.yaxis.get_major_ticks(), *ax.yaxis.get_minor_ticks()]
    return {tick.get_loc(): tick.label1.get_text() for tick in ticks
            if low <= tick.get_loc() <= high and tick.label1.get_text()}


def test_log_ticks_are_plain_decimals():
    ax = plots.plot_learning_curves({"m": {"loss": [0.07, 0.02, 0.008, 0.006]}}, loss="mse").axes[0]
    labels = list(tick_labels(ax).values())
    assert labels and all(re.fullmatch(r"\d+(\.\d+)?", label) for label in labels), labels
    assert "0.01" in labels


def test_an_axis_up_to_a_million_keeps_decimals_on_every_tick():
    labels = tick_labels(plots.plot_per_step({"norm": {"g": [3.0, 2e5]}}).axes[0])
    assert "100000" in labels.values() and all(re.fullmatch(r"\d+", label) for label in labels.values()), labels


def test_log_ticks_of_many_decades_are_powers_of_ten():
    fig = plots.plot_per_step({"gradient": {"g": 10.0 ** -np.arange(0, 13)}})
    labels = tick_labels(fig.axes[0])
    assert labels and all(re.fullmatch(r"\$\\mathdefault\{10\^\{-?\d+\}\}\$", label)
                          for label in labels.values()), labels
    assert r"$\mathdefault{10^{-10}}$" in labels.values()


def test_the_scale_can_be_chosen():
    assert plots.plot_learning_curves({"m": HISTORY}, loss="mse", log=False).axes[0].get_yscale() == "linear"


@pytest.mark.parametrize("epochs", [2, 3, 7])
def test_epoch_ticks_are_whole_numbers(epochs):
    fig = plots.plot_learning_curves({"m": {"loss": [1.0 / (e + 1) for e in range(epochs)]}}, loss="mse")
    fig.canvas.draw()
    ticks = [tick for tick in fig.axes[0].get_xticks()
             if fig.axes[0].get_xlim()[0] <= tick <= fig.axes[0].get_xlim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks), ticks


def test_learning_curves_have_a_title_saying_what_they_show():
    default = plots.plot_learning_curves({"m": HISTORY}, metric="last_time_step_mse").axes[0]
    assert default.get_title() == "MSE at the last time step per epoch"
    chosen = plots.plot_learning_curves({"m": HISTORY}, loss="mse", title="Two models").axes[0]
    assert chosen.get_title() == "Two models"


def test_training_and_validation_lines_per_model():
    ax = plots.plot_learning_curves({"a": HISTORY, "b": {"loss": [1.0, 0.5]}}, loss="mse").axes[0]
    assert [line.get_linestyle() for line in ax.get_lines()] == ["--", "-", "--"]
    assert [to_hex(line.get_color()) for line in ax.get_lines()] == \
        [to_hex(plots.PALETTE[0])] * 2 + [to_hex(plots.PALETTE[1])]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b", "training", "validation"]


def test_a_missing_metric_names_what_the_history_has():
    with pytest.raises(KeyError, match=r"History of 'm' has no 'accuracy'. It has: \['loss'"):
        plots.plot_learning_curves({"m": {"loss": [1.0]}}, metric="accuracy")


def test_per_step_panels_share_the_time_axis_and_styles():
    fig = plots.plot_per_step({"state": {"a": [1, 2, 3], "b": [2, 3, 4]}, "gradient": {"a": [3, 2, 1],
                                                                                       "b": [1, 1, 1]}})
    top, bottom = fig.axes
    assert (top.get_ylabel(), bottom.get_ylabel(), bottom.get_xlabel()) == ("state", "gradient", "time step $t$")
    assert [(line.get_color(), line.get_marker()) for line in top.get_lines()] == \
        [(line.get_color(), line.get_marker()) for line in bottom.get_lines()]
    assert top.get_shared_x_axes().joined(top, bottom) and top.get_yscale() == "log"
    assert plots.plot_per_step({"loss": {"a": [1, 2]}}, xlabel="training step").axes[0].get_xlabel() == \
        "training step"


def test_epoch_times_plot_has_a_title_and_checks_lengths():
    ax = plots.plot_epoch_times([10, 20], {"rnn": [1.0, 2.0]}).axes[0]
    assert ax.get_title() == "Training time per epoch against sequence length"
    with pytest.raises(ValueError, match="'rnn' has 1 timings for 2 lengths"):
        plots.plot_epoch_times([10, 20], {"rnn": [1.0]})


def test_distribution_bars_differ_in_hatching_and_show_a_space():
    ax = plots.plot_distributions({"T = 1": [0.5, 0.5], "T = 2": [0.6, 0.4]}, ["a", " "]).axes[0]
    assert [patch.get_hatch() or "" for patch in ax.patches] == ["", "", "//", "//"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "␣"]
