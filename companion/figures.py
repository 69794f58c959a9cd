"""Diagrams the lecture shows as pictures, drawn with matplotlib.

Each function returns a new :class:`matplotlib.figure.Figure` (made with
``pyplot``, like :mod:`companion.plots`, so a chapter shows it with
``plt.show()``). Nothing is random: the same call draws the same picture. Like the plots,
a diagram is at most :data:`companion.plots.MAX_WIDTH` inches wide at ``DPI``, so the page
shows it at its own size, where its smallest text (8 pt) is 11 px. Every line is drawn in
the direction its signal flows, which lets ``tests/test_figures.py`` read back the formula
a diagram computes.

Which chapter shows which diagram:

- ``recurrent_neurons``: :func:`recurrent_neuron`, :func:`recurrent_layer`,
  :func:`sequence_shapes`;
- ``lstm_gru``: :func:`lstm_cell`, :func:`gru_cell`, :func:`wavenet_dilations`;
- ``char_rnn``: :func:`text_windows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.patheffects import AbstractPathEffect, withStroke

from companion.checks import integer_at_least, integer_in, integers_at_least
from companion.plots import DPI, MAX_WIDTH

__all__ = [
    "INK", "MUTED", "SEQUENCE_SHAPES", "gru_cell", "lstm_cell", "recurrent_layer", "recurrent_neuron",
    "sequence_shapes", "text_windows", "wavenet_dilations", "windows"
]

Point = tuple[float, float]

INK = "#1f3b57"
MUTED = "#86909c"  # ignored outputs, unused connections: 3.2:1 against white
NOTE = "#5f6b78"  # annotations (gate names, "time"): 5.4:1 against white, for 8-9 pt text
NEURON = "#cfe2f3"
LAYER = "#d9ead3"
GATE = "#fce5cd"
STATE = "#f4cccc"
NEURON_RADIUS = 0.28
IN_Y, CELL_Y, OUT_Y = 0.0, 1.2, 2.4  # rows of an unrolled chain


def _frame(ax: Axes, xlim: Point, ylim: Point) -> None:
    """Data limits in drawing units, equal scales, no axis lines."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _canvas(xlim: Point, ylim: Point, scale: float = 0.6) -> tuple[Figure, Axes]:
    """A figure whose one axes fills it, `scale` inches per drawing unit (less if wider than MAX_WIDTH)."""
    scale = min(scale, MAX_WIDTH / (xlim[1] - xlim[0]))
    fig = plt.figure(figsize=((xlim[1] - xlim[0]) * scale, (ylim[1] - ylim[0]) * scale), dpi=DPI)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    _frame(ax, xlim, ylim)
    return fig, ax


def _text(ax: Axes, xy: Point, text: str, *, size: float = 10, color: str = INK,
          ha: str = "center") -> None:
    ax.text(*xy, text, ha=ha, va="center", fontsize=size, color=color)


def _arrow(ax: Axes, points: Sequence[Point], *, color: str = INK, bridge: bool = False) -> None:
    """A polyline through `points` (in the signal's direction), with an arrow head at the last one.

    With `bridge`, a white margin along the arrow cuts the lines it crosses: a crossing
    where the two signals do not meet.
    """
    *body, end = points
    effects: list[AbstractPathEffect] = [withStroke(linewidth=6, foreground="white")] if bridge else []
    if len(body) > 1:
        xs, ys = zip(*body, strict=True)
        ax.plot(xs, ys, color=color, linewidth=1.2, solid_capstyle="round", path_effects=effects,
                zorder=2.5 if bridge else 2)
    arrow = ax.annotate("", xy=end, xytext=body[-1],
                        arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.2,
                                    "shrinkA": 0, "shrinkB": 0, "mutation_scale": 11})
    if arrow.arrow_patch is not None:
        arrow.arrow_patch.set_path_effects(effects)


def _circle(ax: Axes, center: Point, radius: float, *, face: str = NEURON, label: str = "",
            size: float = 10) -> None:
    ax.add_patch(Circle(center, radius, facecolor=face, edgecolor=INK, linewidth=1.2, zorder=3))
    if label:
        ax.text(*center, label, ha="center", va="center", fontsize=size, color=INK, zorder=4)


def _box(ax: Axes, center: Point, width: float, height: float, *, face: str,
         label: str = "", size: float = 10, zorder: float = 3) -> None:
    x, y = center
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                                edgecolor=INK, linewidth=1.2, zorder=zorder))
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=size, color=INK, zorder=4)


def _op(ax: Axes, center: Point, symbol: str) -> None:
    """A pointwise operation node: ``"x"`` (multiply), ``"+"`` (add) or ``"1-"``."""
    label = {"x": r"$\times$", "+": r"$+$", "1-": r"$1-$"}[symbol]
    _circle(ax, center, 0.22, face="white", label=label, size=10 if symbol != "1-" else 8)


def _vec(name: str, step: str) -> str:
    """Mathtext for a bold vector at a time step, e.g. ``x_(t-1)``."""
    return rf"$\mathbf{{{name}}}_{{({step})}}$"


def _step(offset: int) -> str:
    """``t``, ``t-1``, ... for an offset of 0, 1, ... steps back."""
    return "t" if offset == 0 else f"t-{offset}"


# A cell drawer draws one cell of a chain centred at x and returns its half width and height.
CellDrawer = Callable[[Axes, float], Point]


def _neuron_cell(face: str = NEURON) -> CellDrawer:
    def draw(ax: Axes, x: float) -> Point:
        _circle(ax, (x, CELL_Y), NEURON_RADIUS, face=face)
        return NEURON_RADIUS, NEURON_RADIUS

    return draw


def _layer_width(neurons: int) -> float:
    return 0.32 * neurons + 0.1


def _layer_cell(neurons: int) -> CellDrawer:
    width, height = _layer_width(neurons), 0.5

    def draw(ax: Axes, x: float) -> Point:
        _box(ax, (x, CELL_Y), width, height, face=LAYER)
        left = x - width / 2 + 0.21
        for index in range(neurons):
            _circle(ax, (left + 0.32 * index, CELL_Y), 0.12)
        return width / 2, height / 2

    return draw


def _chain(ax: Axes, xs: Sequence[float], cells: Sequence[CellDrawer],
           inputs: Sequence[str | None], outputs: Sequence[str | None],
           grey_inputs: Sequence[bool] = (), grey_outputs: Sequence[bool] = ()) -> None:
    """Cells at `xs` linked left to right, inputs below and outputs above (``None``: none).

    Inputs flagged in `grey_inputs` (zeros) and outputs flagged in `grey_outputs`
    (ignored) are drawn in grey.
    """
    grey_inputs = list(grey_inputs) or [False] * len(xs)
    grey_outputs = list(grey_outputs) or [False] * len(xs)
    previous_edge: float | None = None
    for x, cell, source, target, grey_in, grey_out in zip(
            xs, cells, inputs, outputs, grey_inputs, grey_outputs, strict=True):
        half_w, half_h = cell(ax, x)
        if source is not None:
            colour = MUTED if grey_in else INK
            _text(ax, (x, IN_Y), source, color=colour)
            _arrow(ax, [(x, IN_Y + 0.22), (x, CELL_Y - half_h)], color=colour)
        if target is not None:
            colour = MUTED if grey_out else INK
            _arrow(ax, [(x, CELL_Y + half_h), (x, OUT_Y - 0.22)], color=colour)
            _text(ax, (x, OUT_Y), target, color=colour)
        if previous_edge is not None:
            _arrow(ax, [(previous_edge, CELL_Y), (x - half_w, CELL_Y)])
        previous_edge = x + half_w


def _time_axis(ax: Axes, x_start: float, x_end: float) -> None:
    _arrow(ax, [(x_start, IN_Y - 0.45), (x_end, IN_Y - 0.45)], color=MUTED)
    _text(ax, (x_end + 0.1, IN_Y - 0.45), "time", color=NOTE, ha="left", size=9)


def _folded(ax: Axes, x: float, half_w: float, half_h: float, source: str, target: str,
            weights: tuple[str, str] | None = None) -> None:
    """Input, output and the feedback loop of a folded (not unrolled) recurrent cell."""
    _text(ax, (x, IN_Y), source)
    _arrow(ax, [(x, IN_Y + 0.22), (x, CELL_Y - half_h)])
    _arrow(ax, [(x, CELL_Y + half_h), (x, OUT_Y - 0.22)])
    _text(ax, (x, OUT_Y), target)
    loop_x, loop_y = x + half_w + 0.35, CELL_Y + half_h + 0.35
    _arrow(ax, [(x, loop_y), (loop_x, loop_y), (loop_x, CELL_Y), (x + half_w, CELL_Y)])
    if weights is not None:
        _text(ax, (x - 0.12, (IN_Y + CELL_Y - half_h) / 2 + 0.1), weights[0], ha="right", size=9)
        _text(ax, (loop_x + 0.08, (loop_y + CELL_Y) / 2), weights[1], ha="left", size=9)


def _check_steps(steps: object) -> int:
    return integer_at_least("steps", steps, 2)


def recurrent_neuron(steps: int = 4) -> Figure:
    """One recurrent neuron (left) and the same neuron unrolled over `steps` time steps.

    The folded neuron feeds its output back to itself; unrolled, each copy receives
    ``x_(t)`` and the previous copy's output ``y_(t-1)``.
    """
    steps = _check_steps(steps)
    xs = [2.3 + 1.2 * index for index in range(steps)]
    fig, ax = _canvas((-0.1, xs[-1] + 0.9), (IN_Y - 0.7, OUT_Y + 0.3))
    _circle(ax, (0.5, CELL_Y), NEURON_RADIUS)
    _folded(ax, 0.5, NEURON_RADIUS, NEURON_RADIUS, _vec("x", "t"), _vec("y", "t"))
    _text(ax, (1.55, CELL_Y), "=", size=20)
    offsets = range(steps - 1, -1, -1)
    _chain(ax, xs, [_neuron_cell()] * steps, [_vec("x", _step(k)) for k in offsets],
           [_vec("y", _step(k)) for k in offsets])
    _time_axis(ax, xs[0], xs[-1])
    return fig


def recurrent_layer(steps: int = 3, neurons: int = 5) -> Figure:
    """A layer of `neurons` recurrent neurons (left) and the layer unrolled over `steps` steps.

    Inputs and outputs are vectors; the weights ``W_x`` (inputs) and ``W_y``
    (previous outputs) of equation (2) label the folded layer.
    """
    steps = _check_steps(steps)
    neurons = integer_in("neurons", neurons, 2, 8)
    cell = _layer_cell(neurons)
    half_w = _layer_width(neurons) / 2
    x0 = half_w + 0.5
    equals = x0 + half_w + 0.85
    xs = [equals + 0.55 + half_w + (2 * half_w + 0.6) * index for index in range(steps)]
    fig, ax = _canvas((-0.1, xs[-1] + half_w + 0.7), (IN_Y - 0.7, OUT_Y + 0.3))
    cell(ax, x0)
    _folded(ax, x0, half_w, 0.25, _vec("x", "t"), _vec("y", "t"),
            weights=(r"$\mathbf{W}_x$", r"$\mathbf{W}_y$"))
    _text(ax, (equals, CELL_Y), "=", size=20)
    offsets = range(steps - 1, -1, -1)
    _chain(ax, xs, [cell] * steps, [_vec("x", _step(k)) for k in offsets],
           [_vec("y", _step(k)) for k in offsets])
    _time_axis(ax, xs[0], xs[-1])
    return fig


SEQUENCE_SHAPES = ("sequence-to-sequence", "sequence-to-vector", "vector-to-sequence",
                   "encoder-decoder")


def sequence_shapes(steps: int = 4) -> Figure:
    """The four input/output shapes of an RNN, one panel each (titles: :data:`SEQUENCE_SHAPES`).

    Grey outputs are computed but ignored. The vector-to-sequence panel feeds
    the same vector ``x`` at every step (Keras: ``RepeatVector``). The
    encoder-decoder panel chains a sequence-to-vector encoder (blue) and a
    vector-to-sequence decoder (red).
    """
    steps = _check_steps(steps)
    half = steps // 2 + 1  # encoder and decoder steps
    xs_pair = [0.4 + 0.8 * index for index in range(2 * half)]
    xlim, ylim = (0.0, max(steps + 0.2, xs_pair[-1] + 0.4)), (IN_Y - 0.35, OUT_Y + 0.3)
    scale = 0.62
    fig, axes = plt.subplots(2, 2, figsize=(2 * xlim[1] * scale + 0.4,
                                            2 * ((ylim[1] - ylim[0]) * scale + 0.4) + 0.2), dpi=DPI)
    xs = [0.6 + index for index in range(steps)]
    inputs: list[str | None] = [_vec("x", str(index)) for index in range(steps)]
    outputs: list[str | None] = [_vec("y", str(index)) for index in range(steps)]
    first_only = [False] + [True] * (steps - 1)
    panels: tuple[tuple[list[str | None], Sequence[bool], Sequence[bool]], ...] = (
        (inputs, (), ()),
        (inputs, (), first_only[::-1]),
        ([r"$\mathbf{x}$"] * steps, (), ()),  # the same vector at every step
    )
    for ax, (panel_inputs, grey_in, grey_out) in zip(axes.flat, panels, strict=False):  # 3 of 4 panels
        _chain(ax, xs, [_neuron_cell()] * steps, panel_inputs, outputs, grey_in, grey_out)
    pair = axes[1, 1]
    _chain(pair, xs_pair, [_neuron_cell()] * half + [_neuron_cell(STATE)] * half,
           inputs[:half] + [None] * half, [None] * half + outputs[:half])
    _text(pair, (sum(xs_pair[:half]) / half, OUT_Y), "encoder", size=9, color=NOTE)
    _text(pair, (sum(xs_pair[half:]) / half, IN_Y), "decoder", size=9, color=NOTE)
    for ax, title in zip(axes.flat, SEQUENCE_SHAPES, strict=True):
        ax.set_title(title, fontsize=10, color=INK)
        _frame(ax, xlim, ylim)
    fig.text(0.5, 0.01, "grey: ignored outputs", ha="center", fontsize=8,
             color=NOTE)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _gate_layer(ax: Axes, center: Point, activation: str, name: str) -> None:
    """A fully connected layer with its activation, and the name of its output."""
    label = r"$\sigma$" if activation == "sigmoid" else "tanh"
    _box(ax, center, 0.62, 0.4, face=GATE, label=label, size=9)
    _text(ax, (center[0] + 0.12, center[1] + 0.42), name, ha="left", size=9)


def lstm_cell() -> Figure:
    """The LSTM cell: long-term state ``c``, short-term state ``h`` and three gates.

    ``f``, ``i`` and ``o`` (logistic) control what is forgotten from ``c_(t-1)``,
    what of ``g`` (tanh) is added, and what of ``tanh(c_(t))`` is output as ``h_(t)``.
    """
    fig, ax = _canvas((-0.1, 10.2), (-0.6, 5.6))
    _box(ax, (5.0, 3.0), 7.4, 4.9, face="#f7f9fb", zorder=0.5)
    top, bus = 4.8, 1.0
    forget, add = (3.0, top), (5.2, top)
    input_mul, output_mul, squash = (5.2, 3.55), (7.4, 2.6), (7.4, 3.75)
    layers = {"f": 3.0, "i": 4.2, "g": 5.2, "o": 6.4}
    # long-term state
    _text(ax, (0.0, top), _vec("c", "t-1"), ha="left")
    _arrow(ax, [(0.75, top), (forget[0] - 0.22, top)])
    _arrow(ax, [(forget[0] + 0.22, top), (add[0] - 0.22, top)])
    _arrow(ax, [(add[0] + 0.22, top), (9.3, top)])
    _text(ax, (9.35, top), _vec("c", "t"), ha="left")
    _arrow(ax, [(squash[0], top), (squash[0], squash[1] + 0.2)])
    _box(ax, squash, 0.62, 0.4, face="white", label="tanh", size=9)
    _arrow(ax, [(squash[0], squash[1] - 0.2), (output_mul[0], output_mul[1] + 0.22)])
    # inputs: h_(t-1) and x_(t) feed the four layers
    _text(ax, (0.0, bus), _vec("h", "t-1"), ha="left")
    _text(ax, (1.9, -0.35), _vec("x", "t"))
    ax.plot([0.75, layers["o"]], [bus, bus], color=INK, linewidth=1.2)
    ax.plot([1.9, 1.9], [-0.1, bus], color=INK, linewidth=1.2)
    for name, x in layers.items():
        _arrow(ax, [(x, bus), (x, 1.8)])
        _gate_layer(ax, (x, 2.0), "tanh" if name == "g" else "sigmoid", _vec(name, "t"))
    # gates
    _arrow(ax, [(layers["f"], 2.2), (forget[0], forget[1] - 0.22)])
    _arrow(ax, [(layers["i"], 2.2), (layers["i"], input_mul[1]), (input_mul[0] - 0.22,
                                                                    input_mul[1])])
    _arrow(ax, [(layers["g"], 2.2), (input_mul[0], input_mul[1] - 0.22)])
    _arrow(ax, [(input_mul[0], input_mul[1] + 0.22), (add[0], add[1] - 0.22)])
    _arrow(ax, [(layers["o"], 2.2), (layers["o"], output_mul[1]), (output_mul[0] - 0.22,
                                                                     output_mul[1])])
    for center, symbol in ((forget, "x"), (add, "+"), (input_mul, "x"), (output_mul, "x")):
        _op(ax, center, symbol)
    # outputs: y_(t) = h_(t)
    _arrow(ax, [(output_mul[0] + 0.22, output_mul[1]), (9.3, output_mul[1])])
    _text(ax, (9.35, output_mul[1]), _vec("y", "t"), ha="left")
    _arrow(ax, [(8.4, output_mul[1]), (8.4, bus), (9.3, bus)])
    _text(ax, (9.35, bus), _vec("h", "t"), ha="left")
    for xy, name in (((forget[0] - 0.3, top + 0.4), "forget gate"),
                     ((input_mul[0] + 0.3, input_mul[1] + 0.05), "input gate"),
                     ((output_mul[0] - 0.2, output_mul[1] - 0.45), "output gate")):
        _text(ax, xy, name, size=8, color=NOTE, ha="left")
    return fig


def gru_cell() -> Figure:
    """The GRU cell: one state ``h`` (also the output), an update gate ``z`` and a reset gate ``r``.

    ``h_(t) = z * h_(t-1) + (1 - z) * g``, where ``g`` (tanh) sees ``x_(t)`` and
    ``r * h_(t-1)``: the reset gate's multiplication taps ``h_(t-1)`` where it enters the
    cell, before the update gate's. Its output crosses the update gate's line without
    meeting it (a bridge).
    """
    fig, ax = _canvas((-0.1, 10.2), (-0.6, 5.9))
    _box(ax, (5.0, 3.0), 7.4, 4.9, face="#f7f9fb", zorder=0.5)
    top, bus, x_line, drop, x_in = 4.8, 1.25, 0.85, 1.6, 2.1
    layers = {"r": 2.7, "z": 4.1, "g": 6.4}
    keep, add, reset = (layers["z"], top), (layers["g"], top), (layers["r"], 3.2)
    flip, blend = (5.2, 3.9), (layers["g"], 3.9)
    # state: h_(t) = z * h_(t-1) + (1 - z) * g, also the output y_(t)
    _text(ax, (0.0, top), _vec("h", "t-1"), ha="left")
    _arrow(ax, [(0.75, top), (keep[0] - 0.22, top)])
    _arrow(ax, [(keep[0] + 0.22, top), (add[0] - 0.22, top)])
    _arrow(ax, [(add[0] + 0.22, top), (9.3, top)])
    _text(ax, (9.35, top), _vec("h", "t"), ha="left")
    _arrow(ax, [(8.3, top), (8.3, 5.65)])
    _text(ax, (8.45, 5.6), _vec("y", "t"), ha="left")
    # inputs: h_(t-1) drops to the bus, where x_(t) joins it: [h_(t-1), x_(t)] feed r and z
    ax.plot([drop, drop, layers["z"]], [top, bus, bus], color=INK, linewidth=1.2)
    _text(ax, (x_in, -0.35), _vec("x", "t"))
    ax.plot([x_in, x_in], [-0.1, bus], color=INK, linewidth=1.2)
    _arrow(ax, [(x_in, x_line), (layers["g"], x_line), (layers["g"], 1.8)])
    for name, x in layers.items():
        if name != "g":
            _arrow(ax, [(x, bus), (x, 1.8)])
        _gate_layer(ax, (x, 2.0), "tanh" if name == "g" else "sigmoid", _vec(name, "t"))
    # reset: r * h_(t-1), from h_(t-1) before x_(t) joins it, into g
    _arrow(ax, [(drop, reset[1]), (reset[0] - 0.22, reset[1])])
    _arrow(ax, [(layers["r"], 2.2), (reset[0], reset[1] - 0.22)])
    _arrow(ax, [(reset[0] + 0.22, reset[1]), (5.7, reset[1]), (5.7, 2.0), (layers["g"] - 0.31, 2.0)])
    # update: z keeps z * h_(t-1), and 1 - z of g fills the rest
    _arrow(ax, [(layers["z"], 2.2), (keep[0], keep[1] - 0.22)], bridge=True)
    _arrow(ax, [(layers["z"], flip[1]), (flip[0] - 0.22, flip[1])])
    _arrow(ax, [(flip[0] + 0.22, flip[1]), (blend[0] - 0.22, blend[1])])
    _arrow(ax, [(layers["g"], 2.2), (blend[0], blend[1] - 0.22)])
    _arrow(ax, [(blend[0], blend[1] + 0.22), (add[0], add[1] - 0.22)])
    for center, symbol in ((keep, "x"), (add, "+"), (reset, "x"), (blend, "x"), (flip, "1-")):
        _op(ax, center, symbol)
    for xy, name in (((keep[0] - 0.3, top + 0.4), "update gate"),
                     ((reset[0] + 0.25, reset[1] + 0.32), "reset gate")):
        _text(ax, xy, name, size=8, color=NOTE, ha="left")
    return fig


def wavenet_dilations(dilations: Sequence[int] = (1, 2, 4, 8), steps: int = 16) -> Figure:
    """Stacked causal convolutions with kernel size 2 and the given dilation rates.

    Every node combines the node below it and the one ``dilation`` steps earlier;
    the connections that reach the last output are drawn in dark ink, showing a
    receptive field of ``1 + sum(dilations)`` inputs.
    """
    steps = _check_steps(steps)
    dilations = integers_at_least("dilations", dilations, 1)
    fig, ax = _canvas((-1.9, steps + 2.9), (-0.4, len(dilations) + 0.4), scale=0.42)
    # which nodes feed the last output: walk down from the top
    reached = [{steps - 1}]
    for dilation in reversed(dilations):
        reached.append({t for node in reached[-1] for t in (node, node - dilation) if t >= 0})
    reached.reverse()  # reached[level] for level 0 (input) .. len(dilations) (output)
    for level, dilation in enumerate(dilations, start=1):
        for t in range(steps):
            for source in (t - dilation, t):
                if source < 0:
                    continue
                active = t in reached[level] and source in reached[level - 1]
                ax.plot([source, t], [level - 1, level], color=INK if active else MUTED,
                        linewidth=1.3 if active else 0.6, zorder=1 if not active else 2)
        _text(ax, (steps - 0.3, level - 0.5), f"dilation rate = {dilation}", ha="left", size=9)
    for level in range(len(dilations) + 1):
        for t in range(steps):
            reached_face = STATE if level == len(dilations) else NEURON
            face = reached_face if t in reached[level] else "white"
            ax.add_patch(Circle((t, level), 0.16, facecolor=face, edgecolor=INK,
                                linewidth=0.8, zorder=3))
    _text(ax, (-0.5, 0), "input", ha="right", size=9)
    _text(ax, (-0.5, len(dilations)), "output", ha="right", size=9)
    return fig


def windows(text: str, window_length: int, shift: int) -> list[str]:
    """The windows ``tf.data.Dataset.window(window_length, shift, drop_remainder=True)`` makes.

    Example:
        >>> windows("abcdefg", window_length=4, shift=2)
        ['abcd', 'cdef']
    """
    if not isinstance(text, str):
        raise TypeError(f"Argument `text` must be a string. Received: text of type {type(text).__name__}")
    if not text:
        raise ValueError("Argument `text` must be a non-empty string. Received: ''")
    window_length = integer_at_least("window_length", window_length, 1)
    shift = integer_at_least("shift", shift, 1)
    if window_length > len(text):
        raise ValueError(
            f"Argument `window_length` ({window_length}) is longer than the text "
            f"({len(text)} characters): no full window fits. Use a shorter window."
        )
    return [text[start:start + window_length]
            for start in range(0, len(text) - window_length + 1, shift)]


MAX_TEXT = 60


def text_windows(text: str = "to be or not to be", window_length: int = 6,
                 shift: int = 3) -> Figure:
    """Windows of `window_length` characters every `shift` characters, and one window's split.

    The bottom rows show how a window becomes a training pair: the inputs are its
    first ``window_length - 1`` characters, the targets the same characters
    shifted one step ahead (``windows[:, :-1]`` and ``windows[:, 1:]``).
    """
    rows = windows(text, window_length, shift)
    if window_length < 2 or len(text) > MAX_TEXT:
        raise ValueError(
            f"Expected window_length >= 2 (inputs and targets need one character each) and a "
            f"text of at most {MAX_TEXT} characters (the figure shows every one). Received: "
            f"window_length={window_length}, a text of {len(text)} characters."
        )
    split = -len(rows) - 1.5
    fig, ax = _canvas((-3.0, len(text)), (split - 1.6, 1.5), scale=0.34)

    def cells(y: float, start: int, chars: str, face: str) -> None:
        for offset, char in enumerate(chars):
            _box(ax, (start + offset, y), 0.9, 0.8, face=face, label=char.replace(" ", "␣"),
                 size=9)

    cells(0, 0, text, "white")
    _text(ax, (-0.7, 0), "text", ha="right", size=9)
    for index, window in enumerate(rows, start=1):
        cells(-index, (index - 1) * shift, window, NEURON)
        _text(ax, (-0.7, -index), f"window {index}", ha="right", size=9)
    cells(split, 0, rows[0][:-1], LAYER)
    cells(split - 1, 1, rows[0][1:], STATE)
    _text(ax, (-0.7, split), "inputs X", ha="right", size=9)
    _text(ax, (-0.7, split - 1), "targets Y", ha="right", size=9)
    _text(ax, (len(text) / 2 - 1.5, 1.0), f"window_length={window_length}, shift={shift}")
    return fig
