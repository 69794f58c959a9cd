"""The lecture's diagrams (companion.figures): content, determinism, size, and what they compute.

A diagram draws an equation. :class:`Wiring` reads back what a diagram draws (which node
feeds which) from its artists, and the tests compare the formula each output computes
with the chapter's equations.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.text import Annotation

from companion import figures

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


# --- Reading a diagram's wiring -------------------------------------------------------
# A wire is a drawn line, or the shaft of an arrow, in the direction its signal flows (the
# drawing functions draw every polyline that way; an arrow head marks its end). A wire
# starts at a node (a circle or a box: the node's output), at a terminal label such as
# h_(t-1), or on another wire (a tap: it carries that wire's signal at that point). It
# ends at a node (an input), at a terminal (an output), or on another wire (the signals
# join there, as x_(t) joins h_(t-1) on the bus). Lines that only cross are not connected.

TOL = 0.03  # drawing units: how close an end must be to what it touches
LABEL_TOL = 0.2  # drawing units: how close an end must be to a terminal label's box
OPS = {r"$\times$": "*", r"$+$": "+", r"$1-$": "1-"}


@dataclass(frozen=True)
class Node:
    kind: str  # "*", "+", "1-", a box's label ("tanh", "$\\sigma$"), "cell", "layer" or "terminal"
    x: float
    y: float
    name: str = ""  # a terminal's or a gate's name


def _segments(points: list[tuple[float, float]]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return list(itertools.pairwise(points))


def _on_segment(p, a, b) -> float | None:
    """Distance along a-b of p's projection if p lies on the segment a-b, else None."""
    (px, py), (ax_, ay), (bx, by) = p, a, b
    length = math.hypot(bx - ax_, by - ay)
    if length == 0:
        return None
    along = ((px - ax_) * (bx - ax_) + (py - ay) * (by - ay)) / length
    across = abs((px - ax_) * (by - ay) - (py - ay) * (bx - ax_)) / length
    return along if across <= TOL and -TOL <= along <= length + TOL else None


class Wiring:
    """Which node feeds which in one axes of a diagram, read from its lines, arrows and shapes.

    Args:
        ax: the axes of the diagram (drawn, so that labels have a size).
        terminals: terminal label text -> its name in formulas, e.g. ``{vec("h", "t-1"): "h(t-1)"}``.
        gates: gate name text -> its name in formulas; a box is named after the nearest one.
    """

    def __init__(self, ax: Axes, terminals: dict[str, str], gates: dict[str, str] | None = None):
        renderer = ax.figure.canvas.get_renderer()
        to_data = ax.transData.inverted()
        texts = [text for text in ax.texts if not isinstance(text, Annotation)]
        self.wires: list[list[tuple[float, float]]] = [
            list(map(tuple, line.get_xydata())) for line in ax.lines if len(line.get_xydata()) > 1]
        self.wires += [[tuple(text.xyann), tuple(text.xy)] for text in ax.texts
                       if isinstance(text, Annotation) and text.arrow_patch is not None]
        self.nodes: list[tuple[Node, object]] = []  # (node, patch)
        for patch in ax.patches:
            if isinstance(patch, Circle):
                center = patch.center
            elif isinstance(patch, FancyBboxPatch):
                center = (patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2)
            else:
                continue
            label = next((text.get_text() for text in texts if
                          math.dist(text.get_position(), center) < TOL), "")
            kind = OPS.get(label, label) or ("cell" if isinstance(patch, Circle) else "layer")
            self.nodes.append((Node(kind, *center), patch))
        for text, name in (gates or {}).items():
            label = next(label for label in texts if label.get_text() == text)
            index = min(range(len(self.nodes)), key=lambda i: math.dist(
                (self.nodes[i][0].x, self.nodes[i][0].y), label.get_position()))
            node, patch = self.nodes[index]
            self.nodes[index] = (Node(node.kind, node.x, node.y, name), patch)
        self.terminals = [(Node("terminal", *text.get_position(), terminals[text.get_text()]),
                           text.get_window_extent(renderer).transformed(to_data))
                          for text in texts if text.get_text() in terminals]

    def node_at(self, point) -> Node | None:
        """The node or terminal `point` touches: a circle (inside or on its edge), a box's edge, a label."""
        x, y = point
        for node, patch in self.nodes:
            if isinstance(patch, Circle):
                if math.dist(point, patch.center) <= patch.radius + TOL:
                    return node
            else:
                x0, y0 = patch.get_x(), patch.get_y()
                x1, y1 = x0 + patch.get_width(), y0 + patch.get_height()
                inside = x0 - TOL <= x <= x1 + TOL and y0 - TOL <= y <= y1 + TOL
                if inside and min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) <= TOL:
                    return node
        for node, box in self.terminals:
            if box.x0 - LABEL_TOL <= x <= box.x1 + LABEL_TOL and box.y0 - LABEL_TOL <= y <= box.y1 + LABEL_TOL:
                return node
        return None

    def _position(self, point, wire: list) -> float | None:
        """Distance along `wire` at which `point` lies on it, or None."""
        travelled = 0.0
        for a, b in _segments(wire):
            along = _on_segment(point, a, b)
            if along is not None:
                return travelled + along
            travelled += math.dist(a, b)
        return None

    def _signal(self, index: int, position: float, seen: frozenset = frozenset()) -> set[Node]:
        """The nodes whose outputs reach wire `index` by `position` (its start, and wires joining it)."""
        if index in seen:
            return set()
        seen = seen | {index}
        wire = self.wires[index]
        start = self.node_at(wire[0])
        found = {start} if start is not None else set()
        for other, points in enumerate(self.wires):
            if other == index:
                continue
            if start is None and (at := self._position(wire[0], points)) is not None:
                found |= self._signal(other, at, seen)  # a tap
            if self.node_at(points[-1]) is None and (at := self._position(points[-1], wire)) is not None \
                    and at <= position + TOL:
                found |= self._signal(other, math.inf, seen)  # a junction upstream
        return found

    def inputs(self, node: Node) -> set[Node]:
        """The nodes (or terminals) whose outputs reach `node`."""
        return {source for index, wire in enumerate(self.wires) if self.node_at(wire[-1]) == node
                for source in self._signal(index, math.inf)}

    def formula(self, node: Node, path: frozenset = frozenset()) -> str:
        """What `node` computes, e.g. ``*(h(t-1),z)``; a named gate or a terminal is its name.

        ``loop`` stands for a node's own output fed back to it.
        """
        if node in path:
            return "loop"
        if node.name and node.kind != "terminal" or node.kind == "terminal" and not self.inputs(node):
            return node.name
        args = sorted(self.formula(source, path | {node}) for source in self.inputs(node))
        return args[0] if node.kind == "terminal" and len(args) == 1 else f"{node.kind}({','.join(args)})"

    def output(self, name: str) -> list[str]:
        """The formula each terminal called `name` receives (one per label drawn)."""
        return [self.formula(node) for node, _ in self.terminals if node.name == name]

    def gate(self, name: str) -> Node:
        return next(node for node, _ in self.nodes if node.name == name)


def f(op: str, *args: str) -> str:
    """The formula `op` applied to `args`, written as :meth:`Wiring.formula` writes it."""
    return f"{op}({','.join(sorted(args))})"


def wiring(fig: Figure, terminals: dict[str, str], gates: dict[str, str] | None = None,
           ax: Axes | None = None) -> Wiring:
    fig.canvas.draw()
    return Wiring(ax or fig.axes[0], terminals, gates)


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


def unrolled(kind: str, inputs: list[str]) -> str:
    """The formula of the last output of a chain of `kind` cells reading `inputs` in order."""
    formula = ""
    for name in inputs:
        formula = f(kind, name, formula) if formula else f(kind, name)
    return formula


@pytest.mark.parametrize("function, kind", [(figures.recurrent_neuron, "cell"),
                                            (figures.recurrent_layer, "layer")])
def test_recurrent_cells_feed_their_output_back_and_unroll_into_a_chain(draw, function, kind):
    """Equations (1) and (2): y_(t) is computed from x_(t) and y_(t-1), with the same weights."""
    fig = draw(function, steps=3)
    names = {vec(v, step): f"{v}({step})" for v in "xy" for step in ("t-2", "t-1", "t")}
    circuit = wiring(fig, names)
    folded, chain = circuit.output("y(t)")  # the folded cell is drawn first
    assert folded == f(kind, "loop", "x(t)")
    assert chain == unrolled(kind, ["x(t-2)", "x(t-1)", "x(t)"])
    assert circuit.output("y(t-1)") == [unrolled(kind, ["x(t-2)", "x(t-1)"])]


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


def test_sequence_shapes_wire_each_step_to_the_previous_one(draw):
    fig = draw(figures.sequence_shapes, steps=4)
    names = {vec(v, str(step)): f"{v}{step}" for v in "xy" for step in range(4)}
    names[r"$\mathbf{x}$"] = "x"
    seq2seq, seq2vec, vec2seq, encdec = (wiring(fig, names, ax=ax) for ax in fig.axes)
    for circuit in (seq2seq, seq2vec):
        assert [circuit.output(f"y{t}") for t in range(4)] == \
            [[unrolled("cell", [f"x{step}" for step in range(t + 1)])] for t in range(4)]
    assert [vec2seq.output(f"y{t}") for t in range(4)] == \
        [[unrolled("cell", ["x"] * (t + 1))] for t in range(4)]
    # the decoder reads nothing but the encoder's last state, then its own previous one
    encoded = unrolled("cell", ["x0", "x1", "x2"])
    assert [encdec.output(f"y{t}") for t in range(3)] == \
        [[f("cell", encoded)], [f("cell", f("cell", encoded))], [f("cell", f("cell", f("cell", encoded)))]]


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


def test_lstm_cell_computes_equations_3_to_8(draw):
    fig = draw(figures.lstm_cell)
    names = {vec("c", "t-1"): "c(t-1)", vec("h", "t-1"): "h(t-1)", vec("x", "t"): "x(t)",
             vec("c", "t"): "c(t)", vec("h", "t"): "h(t)", vec("y", "t"): "y(t)"}
    circuit = wiring(fig, names, {vec(gate, "t"): gate for gate in "figo"})
    for gate in "figo":  # (3)-(6): every layer reads x_(t) and h_(t-1)
        assert {source.name for source in circuit.inputs(circuit.gate(gate))} == {"x(t)", "h(t-1)"}
    c_t = f("+", f("*", "f", "c(t-1)"), f("*", "i", "g"))  # (7)
    assert circuit.output("c(t)") == [c_t]
    h_t = f("*", "o", f("tanh", c_t))  # (8)
    assert circuit.output("h(t)") == [h_t] and circuit.output("y(t)") == [h_t]


GRU_NAMES = {vec("h", "t-1"): "h(t-1)", vec("x", "t"): "x(t)", vec("h", "t"): "h(t)",
             vec("y", "t"): "y(t)"}


def test_gru_cell_computes_its_equations(draw):
    """The GRU equations of lstm_gru.md: the reset gate scales h_(t-1), not z * h_(t-1)."""
    circuit = wiring(draw(figures.gru_cell), GRU_NAMES, {vec(gate, "t"): gate for gate in "zrg"})
    for gate in "zr":
        assert {source.name for source in circuit.inputs(circuit.gate(gate))} == {"x(t)", "h(t-1)"}
    assert sorted(circuit.formula(source) for source in circuit.inputs(circuit.gate("g"))) == \
        sorted(["x(t)", f("*", "r", "h(t-1)")])
    h_t = f("+", f("*", "z", "h(t-1)"), f("*", f("1-", "z"), "g"))
    assert circuit.output("h(t)") == [h_t] and circuit.output("y(t)") == [h_t]


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


@pytest.mark.parametrize("dilations, steps", [((1, 2, 4, 8), 16), ((1, 3), 7)])
def test_wavenet_nodes_read_the_node_below_and_the_one_a_dilation_earlier(draw, dilations, steps):
    circuit = wiring(draw(figures.wavenet_dilations, dilations=dilations, steps=steps), {})
    nodes = {(round(node.x), round(node.y)): node for node, _ in circuit.nodes}
    assert len(nodes) == steps * (len(dilations) + 1)
    for level, dilation in enumerate(dilations, start=1):
        for t in range(steps):
            expected = {(source, level - 1) for source in (t - dilation, t) if source >= 0}
            assert {(round(node.x), round(node.y)) for node in circuit.inputs(nodes[t, level])} \
                == expected, (t, level)


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


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: figures.sequence_shapes(steps=True), "`steps` must be an integer. Received: steps=True"),
        (lambda: figures.recurrent_layer(neurons=3.0), "`neurons` must be an integer"),
        (lambda: figures.wavenet_dilations(dilations=(1, 2.0)), "`dilations` must hold integers"),
        (lambda: figures.windows(b"abc", window_length=2, shift=1), "`text` must be a string"),
    ],
)
def test_arguments_of_the_wrong_type_raise_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call()
