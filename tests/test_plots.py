"""Plots of training runs: scales, epoch ticks and titles that say what is drawn."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from companion import plots  # noqa: E402

HISTORY = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5],
           "accuracy": [0.6, 0.8, 0.9], "last_time_step_mse": [0.1, 0.05, 0.01]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("metric, scale", [("loss", "log"), ("last_time_step_mse", "log"),
                                           ("accuracy", "linear")])
def test_losses_are_log_scaled_and_accuracies_linear(metric, scale):
    ax = plots.plot_learning_curves({"m": HISTORY}, metric=metric).axes[0]
    assert ax.get_yscale() == scale
    assert ax.get_ylabel() == metric


def test_the_scale_can_be_chosen():
    assert plots.plot_learning_curves({"m": HISTORY}, log=False).axes[0].get_yscale() == "linear"


@pytest.mark.parametrize("epochs", [2, 3, 7])
def test_epoch_ticks_are_whole_numbers(epochs):
    fig = plots.plot_learning_curves({"m": {"loss": [1.0 / (e + 1) for e in range(epochs)]}})
    fig.canvas.draw()
    ticks = [tick for tick in fig.axes[0].get_xticks()
             if fig.axes[0].get_xlim()[0] <= tick <= fig.axes[0].get_xlim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks), ticks


def test_learning_curves_have_a_title_saying_what_they_show():
    default = plots.plot_learning_curves({"m": HISTORY}, metric="last_time_step_mse").axes[0]
    assert default.get_title() == (
        "last time step mse per epoch (dashed: training, solid: validation)")
    chosen = plots.plot_learning_curves({"m": HISTORY}, title="Two models").axes[0]
    assert chosen.get_title() == "Two models"


def test_training_and_validation_lines_per_model():
    ax = plots.plot_learning_curves({"a": HISTORY, "b": {"loss": [1.0, 0.5]}}).axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["a (train)", "a (valid)", "b (train)"]
    assert [line.get_linestyle() for line in ax.get_lines()] == ["--", "-", "--"]


def test_a_missing_metric_names_what_the_history_has():
    with pytest.raises(KeyError, match=r"History of 'm' has no 'mae'. It has: \['accuracy'"):
        plots.plot_learning_curves({"m": HISTORY}, metric="mae")


def test_epoch_times_plot_has_a_title_and_checks_lengths():
    ax = plots.plot_epoch_times([10, 20], {"rnn": [1.0, 2.0]}).axes[0]
    assert ax.get_title() == "Training time per epoch against sequence length"
    with pytest.raises(ValueError, match="'rnn' has 1 timings for 2 lengths"):
        plots.plot_epoch_times([10, 20], {"rnn": [1.0]})
