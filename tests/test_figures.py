"""The lecture's diagrams (companion.figures): content, determinism, size."""

from __future__ import annotations

import io
from typing import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from companion import figures  # noqa: E402

MAX_PNG_BYTES = 80_000
DIAGRAMS: dict[str, Callable[[], Figure]] = {
    "recurrent_neuron": figures.recurrent_neuron,
    "recurrent_layer": figures.recurrent_layer,
    "sequence_shapes": figures.sequence_shapes,
    "lstm_cell": figures.lstm_cell,
    "gru_cell": figures.gru_cell,
    "wavenet_dilations": figures.wavenet_dilations,
    "text_windows": figures.text_windows,
}


@pytest.fixture
def draw() -> Iterator[Callable[..., Figure]]:
    """Call a figure function; close every figure it made afterwards."""
    made: list[Figure] = []

    def call(function: Callable[..., Figure], *args: object, **kwargs: object) -> Figure:
        fig = function(*args, **kwargs)
        made.append(fig)
        return fig

    yield call
    for fig in made:
        plt.close(fig)


def labels(fig: Figure) -> list[str]:
    """Every non-empty text drawn in the figure (axes texts, titles, figure texts)."""
    found = [text.get_text() for ax in fig.axes for text in ax.texts]
    found += [ax.get_title() for ax in fig.axes] + [text.get_text() for text in fig.texts]
    return [label for label in found if label]


def circles(fig: Figure) -> list[Circle]:
    return [patch for ax in fig.axes for patch in ax.patches if isinstance(patch, Circle)]


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def vec(name: str, step: str) -> str:
    return rf"$\mathbf{{{name}}}_{{({step})}}$"


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_each_diagram_is_a_small_deterministic_figure(draw, name):
    first, second = draw(DIAGRAMS[name]), draw(DIAGRAMS[name])
    assert isinstance(first, Figure)
    assert first.axes and labels(first), f"{name} drew no labelled axes"
    image = png(first)
    assert image == png(second), f"{name} is not deterministic"
    assert len(image) < MAX_PNG_BYTES, f"{name} PNG is {len(image)} bytes"


@pytest.mark.parametrize("steps", [2, 4, 6])
def test_recurrent_neuron_is_unrolled_over_the_requested_steps(draw, steps):
    fig = draw(figures.recurrent_neuron, steps=steps)
    found = labels(fig)
    assert len(circles(fig)) == steps + 1  # the folded neuron and one copy per step
    assert found.count(vec("x", "t")) == 2 and found.count(vec("y", "t")) == 2
    assert vec("x", f"t-{steps - 1}") in found and vec("x", f"t-{steps}") not in found
    assert "time" in found


def test_recurrent_layer_shows_vectors_and_both_weight_matrices(draw):
    fig = draw(figures.recurrent_layer, steps=3, neurons=4)
    found = labels(fig)
    assert len(circles(fig)) == 4 * (3 + 1)
    assert r"$\mathbf{W}_x$" in found and r"$\mathbf{W}_y$" in found
    assert {vec("y", "t-2"), vec("y", "t-1"), vec("y", "t")} <= set(found)


def text_colours(ax, text: str) -> list[str]:
    return [to_hex(label.get_color()) for label in ax.texts if label.get_text() == text]


def test_sequence_shapes_draws_four_panels_with_ignored_outputs_and_a_repeated_vector(draw):
    fig = draw(figures.sequence_shapes, steps=4)
    assert [ax.get_title() for ax in fig.axes] == list(figures.SEQUENCE_SHAPES)
    seq2seq, seq2vec, vec2seq, encdec = fig.axes
    ink, muted = figures.INK, figures.MUTED
    assert [colour for step in range(4) for colour in text_colours(seq2seq, vec("y", str(step)))] \
        == [ink] * 4
    assert [colour for step in range(4) for colour in text_colours(seq2vec, vec("y", str(step)))] \
        == [muted] * 3 + [ink]
    # vector-to-sequence: the same vector at every step (as RepeatVector, and the chapter's text)
    assert text_colours(vec2seq, r"$\mathbf{x}$") == [ink] * 4
    assert text_colours(vec2seq, "0") == [] and text_colours(vec2seq, vec("x", "0")) == []
    assert {"encoder", "decoder"} <= set(labels(fig))
    assert sum(1 for text in encdec.texts if text.get_text().startswith(r"$\mathbf{y}")) == 3


def ops(fig: Figure) -> list[str]:
    """Symbols of the pointwise operation nodes."""
    symbols = {r"$\times$": "x", r"$+$": "+", r"$1-$": "1-"}
    return sorted(symbols[text.get_text()] for text in fig.axes[0].texts
                  if text.get_text() in symbols)


def test_lstm_cell_has_its_states_gates_and_operations(draw):
    fig = draw(figures.lstm_cell)
    found = set(labels(fig))
    states = {vec("c", "t-1"), vec("c", "t"), vec("h", "t-1"), vec("h", "t"), vec("x", "t"),
              vec("y", "t")}
    assert states | {vec(name, "t") for name in "figo"} <= found
    assert {"forget gate", "input gate", "output gate"} <= found
    assert ops(fig) == ["+", "x", "x", "x"]
    assert labels(fig).count(r"$\sigma$") == 3 and labels(fig).count("tanh") == 2


def test_gru_cell_has_one_state_two_gates_and_the_one_minus_z_blend(draw):
    fig = draw(figures.gru_cell)
    found = set(labels(fig))
    assert {vec("h", "t-1"), vec("h", "t"), vec("x", "t"), vec("y", "t")} <= found
    assert {vec(name, "t") for name in "rzg"} <= found and vec("c", "t") not in found
    assert {"update gate", "reset gate"} <= found
    assert ops(fig) == ["+", "1-", "x", "x", "x"]


@pytest.mark.parametrize(
    "dilations, steps, receptive_field",
    [((1, 2, 4, 8), 16, 16), ((1, 2), 8, 4), ((1, 1, 1), 6, 4), ((4,), 3, 1)],
)
def test_wavenet_highlights_the_receptive_field_of_the_last_output(
        draw, dilations, steps, receptive_field):
    fig = draw(figures.wavenet_dilations, dilations=dilations, steps=steps)
    nodes = circles(fig)
    assert len(nodes) == steps * (len(dilations) + 1)
    highlighted_inputs = [node for node in nodes
                          if node.center[1] == 0 and to_hex(node.get_facecolor()) != "#ffffff"]
    assert len(highlighted_inputs) == receptive_field
    assert [label for label in labels(fig) if label.startswith("dilation")] == \
        [f"dilation rate = {d}" for d in dilations]


@pytest.mark.parametrize(
    "text, window_length, shift, expected",
    [
        ("abcdefg", 4, 2, ["abcd", "cdef"]),  # drop_remainder: "efg" is not a window
        ("abcdefgh", 4, 2, ["abcd", "cdef", "efgh"]),
        ("abcde", 2, 1, ["ab", "bc", "cd", "de"]),
        ("abc", 3, 5, ["abc"]),
    ],
)
def test_windows_match_tf_data_window_with_drop_remainder(text, window_length, shift, expected):
    assert figures.windows(text, window_length, shift) == expected


def test_text_windows_draws_every_window_and_the_input_target_split(draw):
    fig = draw(figures.text_windows, "hello world", window_length=4, shift=3)
    found = labels(fig)
    assert [label for label in found if label.startswith("window ")] == \
        ["window 1", "window 2", "window 3"]
    assert {"inputs X", "targets Y", "window_length=4, shift=3"} <= set(found)
    # text + 3 windows of 4 + inputs and targets of 3 characters each
    assert sum(1 for label in found if len(label) == 1) == 11 + 3 * 4 + 2 * 3
    assert found.count("␣") == 1 + 1  # the space in the text and in window 2 ("lo w")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: figures.recurrent_neuron(steps=1), "`steps`"),
        (lambda: figures.recurrent_layer(neurons=9), "`neurons`"),
        (lambda: figures.sequence_shapes(steps=True), "`steps`"),
        (lambda: figures.wavenet_dilations(dilations=()), "`dilations`"),
        (lambda: figures.wavenet_dilations(dilations=(1, 0)), "`dilations`"),
        (lambda: figures.windows("abc", window_length=4, shift=1), "`window_length`"),
        (lambda: figures.windows("abc", window_length=2, shift=0), "`shift`"),
        (lambda: figures.windows("", window_length=1, shift=1), "`text`"),
        (lambda: figures.text_windows("abc", window_length=1, shift=1), "window_length >= 2"),
        (lambda: figures.text_windows("a" * 61, window_length=3, shift=1), "at most 60"),
    ],
)
def test_invalid_arguments_are_named_in_the_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
