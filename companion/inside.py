"""Inside the char-RNN: its GRU gates computed from the weights, text features, and the units that track them.

Keras returns a GRU's states ``h`` but not its gates. :func:`gru_gates` recomputes,
in NumPy float64 from the layer's own weights, the equations of Keras 3's GRU cell
with ``reset_after=True`` (``keras/src/layers/rnn/gru.py``; kernel columns in gate
order z, r, h; ``bias[0]`` for the inputs, ``bias[1]`` for the state)::

    z_t = sigmoid(x_t W_z + b_z + h_{t-1} U_z + c_z)           # update gate: how much of h_{t-1} is kept
    r_t = sigmoid(x_t W_r + b_r + h_{t-1} U_r + c_r)           # reset gate
    g_t = tanh(x_t W_h + b_h + r_t * (h_{t-1} U_h + c_h))      # candidate state
    h_t = z_t * h_{t-1} + (1 - z_t) * g_t

:func:`trace_char_model` runs it layer by layer through the course's char model
(``companion.train_char_rnn.build_char_model``) and adds the next-character
probabilities. The feature functions map a text to one number per character, and
:func:`best_units` finds, per feature, the unit whose state correlates most with it
(:func:`best_layer_units`: over all layers). :func:`write_page_data` stores those units
and a passage for the chapter's interactive views (``results/<profile>-inside.json``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import keras
import numpy as np

from companion import storage

__all__ = [
    "FEATURES", "FEATURE_LABELS", "PAGE_DATA_SUFFIX", "PASSAGE_CHARS", "CharTrace", "GateTrace", "LayerUnit",
    "UnitMatch", "after_sentence_end", "best_layer_units", "best_units", "chars_to_newline", "gate_saturation",
    "gru_gates", "in_word", "line_position", "page_data", "speaker_line", "text_features", "trace_char_model",
    "whole_lines", "write_page_data",
]

SENTENCE_ENDS = ".!?"


class GateTrace(NamedTuple):
    """One GRU layer over a batch of sequences, each ``[batch, time, units]`` float64."""

    h: np.ndarray  # the states the layer outputs (return_sequences=True)
    z: np.ndarray  # update gate: the share of h_{t-1} kept in h_t
    r: np.ndarray  # reset gate: the share of h_{t-1} U_h + c_h that enters the candidate


class CharTrace(NamedTuple):
    """The char model over a batch: lists over its GRU layers of ``[batch, time, units]``, float64."""

    h: list[np.ndarray]
    z: list[np.ndarray]
    r: list[np.ndarray]
    probabilities: np.ndarray  # [batch, time, classes]: the next-character distribution after each step


class UnitMatch(NamedTuple):
    """The unit whose state correlates most with a feature, and that Pearson correlation (signed)."""

    unit: int
    correlation: float


class LayerUnit(NamedTuple):
    """A unit of a stack of layers: its layer (1 for the first), its index in the layer (from 0), its correlation."""

    layer: int
    unit: int
    correlation: float


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _float_array(name: str, value: object, shape: tuple[int | None, ...], meaning: str) -> np.ndarray:
    """`value` as float64 of `shape` (``None``: any size >= 1), or an error naming argument `name`."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"Argument `{name}` must be an array of numbers {meaning}. Received: {name} of type {type(value).__name__}"
        ) from None
    fits = array.ndim == len(shape) and all(
        size >= 1 if expected is None else size == expected for size, expected in zip(array.shape, shape, strict=True))
    if not fits:
        wanted = ", ".join("any" if size is None else str(size) for size in shape)
        raise ValueError(
            f"Argument `{name}` must have shape [{wanted}] {meaning}. Received: {name} of shape {array.shape}"
        )
    return array


def _gru_cell(layer: object, name: str = "layer") -> keras.layers.GRUCell:
    """The cell of `layer` if :func:`gru_gates` computes what it does, else an error naming `name`."""
    if not isinstance(layer, keras.layers.GRU):
        raise TypeError(
            f"Argument `{name}` must be a keras.layers.GRU. Received: {name} of type {type(layer).__name__}")
    cell = layer.cell
    problems = []
    if not cell.reset_after:
        problems.append("reset_after=False (the reset gate acts before the recurrent kernel)")
    if cell.activation is not keras.activations.tanh:
        problems.append(f"activation={getattr(cell.activation, '__name__', cell.activation)!r}")
    if cell.recurrent_activation is not keras.activations.sigmoid:
        problems.append(
            f"recurrent_activation={getattr(cell.recurrent_activation, '__name__', cell.recurrent_activation)!r}")
    if layer.go_backwards:
        problems.append("go_backwards=True")
    if problems:
        raise ValueError(
            f"Argument `{name}` must be a GRU with reset_after=True, activation='tanh', "
            f"recurrent_activation='sigmoid' and go_backwards=False (Keras 3's defaults). "
            f"Received: layer {layer.name!r} with {', '.join(problems)}"
        )
    if not layer.built:
        raise ValueError(
            f"Argument `{name}` must be built (have weights): call it on inputs or build its model first. "
            f"Received: layer {layer.name!r}, not built"
        )
    return cell


def gru_gates(layer: keras.layers.GRU, inputs: object, initial_state: object = None) -> GateTrace:
    """The update gate, reset gate and state of a Keras GRU at every step, from its weights.

    Computes the module's equations in float64 (Keras computes in float32: ``h``
    equals the layer's ``return_sequences=True`` output to about 1e-6). Dropout is
    inactive, as at inference; a stateful layer's stored states are not read.

    Args:
        layer: a built ``keras.layers.GRU`` with ``reset_after=True``, tanh and sigmoid.
        inputs: ``[batch, time, features]``, ``features`` = the layer's input size.
        initial_state: ``[batch, units]``; ``None``: zeros, as Keras starts.

    Returns:
        ``GateTrace(h, z, r)``, each ``[batch, time, units]``.
    """
    cell = _gru_cell(layer)
    kernel = np.asarray(cell.kernel.numpy(), dtype=np.float64)  # [features, 3 * units]: z, r, h
    recurrent_kernel = np.asarray(cell.recurrent_kernel.numpy(), dtype=np.float64)  # [units, 3 * units]
    units = cell.units
    bias = (np.asarray(cell.bias.numpy(), dtype=np.float64) if cell.use_bias
            else np.zeros((2, 3 * units)))  # [2, 3 * units]: input bias, recurrent bias
    x = _float_array("inputs", inputs, (None, None, kernel.shape[0]), f"(batch, time, the {kernel.shape[0]} "
                     f"input features of layer {layer.name!r})")
    batch, steps, _ = x.shape
    if initial_state is None:
        state = np.zeros((batch, units))
    else:
        state = _float_array("initial_state", initial_state, (batch, units),
                             f"(one state of the {units} units for each of the {batch} sequences of `inputs`)")
    projected = x @ kernel + bias[0]  # [batch, time, 3 * units]
    h, z, r = (np.empty((batch, steps, units)) for _ in range(3))
    for t in range(steps):
        inner = state @ recurrent_kernel + bias[1]  # [batch, 3 * units]
        z[:, t] = _sigmoid(projected[:, t, :units] + inner[:, :units])
        r[:, t] = _sigmoid(projected[:, t, units:2 * units] + inner[:, units:2 * units])
        candidate = np.tanh(projected[:, t, 2 * units:] + r[:, t] * inner[:, 2 * units:])
        state = z[:, t] * state + (1.0 - z[:, t]) * candidate
        h[:, t] = state
    return GateTrace(h, z, r)


def trace_char_model(model: keras.Model, one_hot: object) -> CharTrace:
    """Every GRU layer's states and gates, and the next-character probabilities, of a char model.

    The model is :func:`companion.train_char_rnn.build_char_model`'s shape: GRU layers
    with ``return_sequences=True`` (Dropout layers between them are skipped: inactive at
    inference), then one softmax ``Dense`` layer. Everything comes from the weights
    (:func:`gru_gates`, then the softmax of the Dense layer applied to the last ``h``).

    Args:
        model: the char model, built (e.g. by ``load_checkpoint``).
        one_hot: ``[batch, time, max_id]`` one-hot characters (``CharTokenizer.one_hot``).

    Returns:
        ``CharTrace(h, z, r, probabilities)``: lists over the GRU layers of ``[batch, time, units]``,
        and ``[batch, time, max_id]``, which equals ``model.predict(one_hot)`` to about 1e-6.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"Argument `model` must be a keras.Model. Received: model of type {type(model).__name__}")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.Dropout)]
    grus, dense = layers[:-1], layers[-1] if layers else None
    if (not grus or not isinstance(dense, keras.layers.Dense) or not dense.use_bias
            or dense.activation is not keras.activations.softmax):
        raise ValueError(
            f"Argument `model` must be GRU layers followed by one softmax Dense layer (Dropout layers allowed), "
            f"as build_char_model makes it. Received: model {model.name!r} with layers "
            f"{[type(layer).__name__ for layer in model.layers]}"
        )
    for layer in grus:
        _gru_cell(layer, name="model")
        if not layer.return_sequences:
            raise ValueError(
                f"Argument `model` must have GRU layers with return_sequences=True (one prediction per step). "
                f"Received: layer {layer.name!r} with return_sequences=False"
            )
    features = grus[0].cell.kernel.shape[0]
    signal = _float_array("one_hot", one_hot, (None, None, features),
                          f"(batch, time, the {features} characters model {model.name!r} reads)")
    trace = CharTrace([], [], [], np.empty(0))
    for layer in grus:
        h, z, r = gru_gates(layer, signal)
        trace.h.append(h)
        trace.z.append(z)
        trace.r.append(r)
        signal = h
    kernel = np.asarray(dense.kernel.numpy(), dtype=np.float64)
    bias = np.asarray(dense.bias.numpy(), dtype=np.float64)
    return trace._replace(probabilities=_softmax(signal @ kernel + bias))


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"Argument `text` must be a string. Received: text of type {type(text).__name__}")
    if not text:
        raise ValueError("Argument `text` must contain at least one character. Received: ''")
    return text


def _lines(text: str) -> list[str]:
    """`text` cut after each newline (only ``\\n``): each line keeps its newline (the last one may have none)."""
    pieces = _check_text(text).split("\n")
    return [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def line_position(text: str) -> np.ndarray:
    """Per character ``[len(text)]``: its index within its line (0 for a line's first; a newline ends its line).

    Example:
        >>> line_position("ab\\ncd").tolist()
        [0.0, 1.0, 2.0, 0.0, 1.0]
    """
    return np.concatenate([np.arange(len(line), dtype=np.float64) for line in _lines(text)])


def chars_to_newline(text: str) -> np.ndarray:
    """Per character ``[len(text)]``: characters left until the next newline (0 on it; the text's end counts as one).

    Example:
        >>> chars_to_newline("ab\\ncd").tolist()
        [2.0, 1.0, 0.0, 2.0, 1.0]
    """
    lines = _lines(text)
    ends = [len(line) - 1 if line.endswith("\n") else len(line) for line in lines]
    return np.concatenate([end - np.arange(len(line), dtype=np.float64) for line, end in zip(lines, ends, strict=True)])


def in_word(text: str) -> np.ndarray:
    """Per character ``[len(text)]``: 1 for a letter (``str.isalpha``), 0 for a space, newline, digit or punctuation.

    Example:
        >>> in_word("a b.").tolist()
        [1.0, 0.0, 1.0, 0.0]
    """
    return np.array([char.isalpha() for char in _check_text(text)], dtype=np.float64)


def speaker_line(text: str) -> np.ndarray:
    """Per character ``[len(text)]``: 1 on a line that ends with ``:`` (a speaker's name; its newline included).

    Example:
        >>> speaker_line("all:\\nno").tolist()
        [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    """
    return np.concatenate([np.full(len(line), float(line.rstrip("\n").endswith(":"))) for line in _lines(text)])


def after_sentence_end(text: str) -> np.ndarray:
    """Per character ``[len(text)]``: 1 where the character before it is ``.``, ``!`` or ``?``.

    Example:
        >>> after_sentence_end("no. so?\\n").tolist()
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    """
    text = _check_text(text)
    return np.array([0.0] + [float(char in SENTENCE_ENDS) for char in text[:-1]])


_FEATURE_FUNCTIONS = {"line_position": line_position, "chars_to_newline": chars_to_newline, "in_word": in_word,
                      "speaker_line": speaker_line, "after_sentence_end": after_sentence_end}
FEATURES = tuple(_FEATURE_FUNCTIONS)  # the names text_features returns, in order
FEATURE_LABELS = {"line_position": "position in the line", "chars_to_newline": "characters to the newline",
                  "in_word": "inside a word", "speaker_line": "speaker's name line",
                  "after_sentence_end": "just after . ! or ?"}  # for readers: tables, figures, the page


def text_features(text: str) -> dict[str, np.ndarray]:
    """All the features of :data:`FEATURES`, by name, each ``[len(text)]``."""
    return {name: function(text) for name, function in _FEATURE_FUNCTIONS.items()}


def best_units(states: object, features: Mapping[str, object]) -> dict[str, UnitMatch]:
    """Per feature, the unit with the largest absolute Pearson correlation with it, and that correlation.

    A unit whose state is constant correlates 0 with everything; ties go to the lower unit.

    Args:
        states: ``[time, units]``, e.g. one sequence of a layer's ``h`` (``trace.h[layer][0]``).
        features: ``{name: [time]}``, e.g. :func:`text_features` of the text read.

    Returns:
        ``{name: UnitMatch(unit, correlation)}`` in the order of `features`.
    """
    states = _float_array("states", states, (None, None), "(time, units)")
    if not isinstance(features, Mapping) or not features:
        raise TypeError(
            f"Argument `features` must be a non-empty mapping {{name: [time]}}, e.g. text_features(text). "
            f"Received: features={features!r}"
        )
    centred = states - states.mean(axis=0)
    scale = np.sqrt((centred ** 2).sum(axis=0))  # [units]
    matches = {}
    for name, values in features.items():
        raw = _float_array(f"features[{name!r}]", values, (len(states),), "(one value per step of `states`)")
        feature = raw - raw.mean()
        norm = np.sqrt(feature @ feature)
        if norm == 0.0:
            raise ValueError(
                f"Argument `features` must hold features that vary: a constant has no correlation. "
                f"Received: features[{name!r}] constant at {float(raw[0])!r}"
            )
        correlations = np.divide(feature @ centred, norm * scale, out=np.zeros(len(scale)), where=scale > 0)
        unit = int(np.argmax(np.abs(correlations)))
        matches[name] = UnitMatch(unit, float(correlations[unit]))
    return matches


def best_layer_units(states: Sequence[object], features: Mapping[str, object]) -> dict[str, LayerUnit]:
    """Per feature, the unit of all layers with the largest absolute correlation (:func:`best_units` per layer).

    Ties go to the lower layer, then to the lower unit.

    Args:
        states: one ``[time, units]`` array per layer, e.g. ``[h[0] for h in trace.h]``.
        features: ``{name: [time]}``, e.g. :func:`text_features` of the text read.

    Returns:
        ``{name: LayerUnit(layer, unit, correlation)}`` in the order of `features`, layers numbered from 1.
    """
    if isinstance(states, np.ndarray) or not isinstance(states, Sequence) or not states:
        raise TypeError(
            f"Argument `states` must be a non-empty list with one [time, units] array per layer. "
            f"Received: states of type {type(states).__name__}"
            + (f" and shape {states.shape}" if isinstance(states, np.ndarray) else ""))
    per_layer = [best_units(layer_states, features) for layer_states in states]
    best = {}
    for name in features:
        layer = max(range(len(per_layer)), key=lambda index: (abs(per_layer[index][name].correlation), -index))
        best[name] = LayerUnit(layer + 1, *per_layer[layer][name])
    return best


def gate_saturation(z: object, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the share of steps with the gate below `low` and above `high` (the 2015 paper's scatter).

    Args:
        z: gate values ``[..., units]`` (e.g. ``trace.z[layer]``: ``[batch, time, units]``); all leading axes are steps.

    Returns:
        ``(below, above)``, each ``[units]`` in [0, 1].
    """
    if not 0.0 <= low < high <= 1.0:
        raise ValueError(f"Arguments `low` and `high` must satisfy 0 <= low < high <= 1. Received: low={low!r}, "
                         f"high={high!r}")
    try:
        values = np.asarray(z, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"Argument `z` must be an array of gate values. Received: z of type {type(z).__name__}") from None
    if values.ndim < 1 or values.size == 0:
        raise ValueError(f"Argument `z` must have shape [..., units] with at least one step. Received: z of shape "
                         f"{values.shape}")
    steps = values.reshape(-1, values.shape[-1])
    return (steps < low).mean(axis=0), (steps > high).mean(axis=0)


PAGE_DATA_SUFFIX = "-inside"  # results/<profile>-inside.json: what the chapter's interactive views read
PASSAGE_CHARS = (300, 600)  # the page's passage: at least, at most this many characters


def whole_lines(text: str, start: int, min_chars: int = PASSAGE_CHARS[0], max_chars: int = PASSAGE_CHARS[1]) -> str:
    """The whole lines of `text` from the first line start at or after `start`, at least `min_chars` in all.

    A line start is index 0 or the index after a newline; the passage ends with a newline.

    Example:
        >>> whole_lines("ab\\ncd\\nef\\n", 1, min_chars=2, max_chars=5)
        'cd\\n'

    Raises:
        ValueError: no such passage of at most `max_chars` characters (a long line, or the end of `text`).
    """
    text = _check_text(text)
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < len(text):
        raise ValueError(f"Argument `start` must be an integer index into `text` (0 to {len(text) - 1}). "
                         f"Received: start={start!r}")
    if start == 0 or text[start - 1] == "\n":
        first = start
    else:
        newline = text.find("\n", start)
        first = newline + 1 if newline >= 0 else len(text)  # no newline after `start`: no line starts there
    end = first
    while end - first < min_chars and (newline := text.find("\n", end)) >= 0:
        end = newline + 1
    passage = text[first:end]
    if not min_chars <= len(passage) <= max_chars or not passage.endswith("\n"):
        raise ValueError(
            f"Argument `text` has no passage of whole lines of {min_chars} to {max_chars} characters from index "
            f"{start}. Received: {len(passage)} characters from index {first}: {passage[:60]!r}...")
    return passage


def page_data(passage: str, units: Mapping[str, LayerUnit]) -> dict[str, object]:
    """What the chapter's interactive views read: a passage and the best unit of every feature.

    Args:
        passage: held-out text of :data:`PASSAGE_CHARS` characters, whole lines (:func:`whole_lines`).
        units: ``{feature: LayerUnit}`` for every name of :data:`FEATURES` (:func:`best_layer_units`).

    Returns:
        ``{"passage": str, "units": [{"feature", "label", "layer", "unit", "correlation"}, ...]}``, the units in
        :data:`FEATURES` order, correlations rounded to 3 decimals.
    """
    low, high = PASSAGE_CHARS
    wanted = f"a text of {low} to {high} characters that ends with a newline (whole lines: see whole_lines)"
    if not isinstance(passage, str):
        raise TypeError(f"Argument `passage` must be {wanted}. Received: passage of type {type(passage).__name__}")
    if not low <= len(passage) <= high or not passage.endswith("\n"):
        raise ValueError(f"Argument `passage` must be {wanted}. Received: {len(passage)} characters ending with "
                         f"{passage[-1:]!r}")
    wanted = f"map each feature of {list(FEATURES)} to a LayerUnit (best_layer_units)"
    if not isinstance(units, Mapping):
        raise TypeError(f"Argument `units` must {wanted}. Received: units of type {type(units).__name__}")
    if set(units) != set(FEATURES):
        raise ValueError(f"Argument `units` must {wanted}. Received: the features {sorted(units)}")
    rows = []
    for feature in FEATURES:
        match = units[feature]
        layer, unit, correlation = match if isinstance(match, tuple) and len(match) == 3 else (None, None, None)
        fits = (all(isinstance(index, int) and not isinstance(index, bool) for index in (layer, unit))
                and isinstance(correlation, (int, float)) and math.isfinite(correlation)
                and layer >= 1 and unit >= 0 and abs(correlation) <= 1.0)
        if not fits:
            raise ValueError(f"Argument `units[{feature!r}]` must be a LayerUnit(layer >= 1, unit >= 0, "
                             f"correlation in [-1, 1]). Received: {match!r}")
        rows.append({"feature": feature, "label": FEATURE_LABELS[feature], "layer": layer, "unit": unit,
                     "correlation": round(float(correlation), 3)})
    return {"passage": passage, "units": rows}


def write_page_data(passage: str, units: Mapping[str, LayerUnit]) -> dict[str, object]:
    """:func:`page_data`, written to ``results/<profile>-inside.json`` when :func:`companion.storage.recording`.

    The file is replaced atomically (:func:`companion.storage.write_json`); the views embed it when the book is
    built. Not recording (tests, readers' runs), nothing is written.

    Returns:
        The data, written or not.
    """
    data = page_data(passage, units)
    if storage.recording():
        storage.write_json(storage.results_path(None, PAGE_DATA_SUFFIX), data)
    return data
