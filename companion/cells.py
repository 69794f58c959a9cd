"""Recurrent cells of Part 2: a layer-normalised SimpleRNN cell and NumPy references.

:class:`LNSimpleRNNCell` is a Keras 3 cell (use it inside ``keras.layers.RNN``).
The NumPy step functions compute one time step of Keras' SimpleRNN, LSTM and GRU
cells from the layers' own weights, so the chapters and tests can check the
equations against Keras. Shapes: ``x`` is ``[batch, features]``, states are
``[batch, units]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np

from companion.checks import integer_at_least

__all__ = ["LNSimpleRNNCell", "gru_step", "lstm_step", "sigmoid", "simple_rnn_step", "unroll"]

Array = np.ndarray


def _check_units(units: object) -> int:
    return integer_at_least("units", units, 1)  # the size of the state


@keras.saving.register_keras_serializable(package="companion")
class LNSimpleRNNCell(keras.layers.Layer):
    """A SimpleRNN cell with Layer Normalization before its activation.

    At each step: ``h = activation(LayerNorm(x W + h_prev U + b))``. The
    normalisation runs over the `units` features of each example separately, so
    it behaves the same at every time step and for any batch size.

    Args:
        units: size of the state and of the output (>= 1).
        activation: applied after the normalisation (default ``"tanh"``).
        **kwargs: passed to ``keras.layers.Layer`` (e.g. ``name``).

    Call arguments:
        inputs: ``[batch, features]``, one time step.
        states: a list holding the previous output ``[batch, units]``.

    Returns:
        ``(output, [output])`` with ``output`` of shape ``[batch, units]``.

    Example:
        ``keras.layers.RNN(LNSimpleRNNCell(20), return_sequences=True)`` maps
        ``[batch, time, features]`` to ``[batch, time, 20]``.
    """

    def __init__(self, units: int, activation: str | Callable = "tanh",
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = _check_units(units)
        self.state_size = self.units
        self.output_size = self.units
        self.activation = keras.activations.get(activation)
        self.simple_rnn_cell = keras.layers.SimpleRNNCell(self.units, activation=None)
        self.layer_norm = keras.layers.LayerNormalization()

    def build(self, input_shape: tuple) -> None:
        if len(input_shape) != 2:
            raise ValueError(
                "LNSimpleRNNCell processes one time step of shape (batch, features). "
                f"Received input shape {tuple(input_shape)}. To process sequences "
                "of shape (batch, time, features), wrap the cell: "
                "keras.layers.RNN(LNSimpleRNNCell(units))."
            )
        self.simple_rnn_cell.build(input_shape)
        self.layer_norm.build((input_shape[0], self.units))

    def call(self, inputs, states):
        outputs, _ = self.simple_rnn_cell(inputs, states)
        outputs = self.activation(self.layer_norm(outputs))
        return outputs, [outputs]

    def get_initial_state(self, batch_size=None) -> list:
        """Zeros of shape ``[batch_size, units]``: the state before the first step."""
        return [keras.ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
        }


# --- NumPy reference steps -------------------------------------------------------


def sigmoid(z: Array) -> Array:
    """The logistic function ``1 / (1 + exp(-z))``."""
    return 1.0 / (1.0 + np.exp(-z))


def _check_step(x: Array, states: Sequence[Array], kernel: Array, recurrent_kernel: Array,
                gates: int) -> int:
    """Check shapes of one step; return `units`."""
    for name, value, ndim in (("x", x, 2), ("kernel", kernel, 2),
                              ("recurrent_kernel", recurrent_kernel, 2)):
        if np.ndim(value) != ndim:
            raise ValueError(
                f"Argument `{name}` must be a {ndim}D array. Received shape {np.shape(value)}."
            )
    units = recurrent_kernel.shape[0]
    expected = {"kernel": (x.shape[1], gates * units),
                "recurrent_kernel": (units, gates * units)}
    for name, value in (("kernel", kernel), ("recurrent_kernel", recurrent_kernel)):
        if value.shape != expected[name]:
            raise ValueError(
                f"Argument `{name}` must have shape {expected[name]} for inputs of "
                f"{x.shape[1]} features and {units} units with {gates} gate block(s). "
                f"Received shape {value.shape}. Pass the weights of the matching Keras "
                "layer in the order layer.get_weights() returns them."
            )
    for state in states:
        if np.shape(state) != (x.shape[0], units):
            raise ValueError(
                f"States must have shape (batch, units) = {(x.shape[0], units)}. "
                f"Received shape {np.shape(state)}."
            )
    return units


def simple_rnn_step(x: Array, h: Array, kernel: Array, recurrent_kernel: Array, bias: Array,
                    activation: Callable[[Array], Array] = np.tanh) -> Array:
    """One step of ``keras.layers.SimpleRNN``: ``activation(x W_x + h W_h + b)``.

    Args:
        x: ``[batch, features]``; h: ``[batch, units]``; kernel ``[features, units]``,
        recurrent_kernel ``[units, units]``, bias ``[units]`` (``layer.get_weights()``).

    Returns:
        The new state (and output) ``[batch, units]``.
    """
    _check_step(x, [h], kernel, recurrent_kernel, gates=1)
    return activation(x @ kernel + h @ recurrent_kernel + bias)


def lstm_step(x: Array, h: Array, c: Array, kernel: Array, recurrent_kernel: Array,
              bias: Array) -> tuple[Array, Array]:
    """One step of ``keras.layers.LSTM``: equations (3)-(8) of the lecture.

    Keras stores the four layers side by side in the order input gate ``i``,
    forget gate ``f``, main layer ``g`` (Keras calls it ``c``), output gate ``o``:
    kernel ``[features, 4 units]``, recurrent_kernel ``[units, 4 units]``,
    bias ``[4 units]``.

    Args:
        x: ``[batch, features]``; h, c: short- and long-term states ``[batch, units]``.

    Returns:
        ``(h, c)``, the new states; ``h`` is also the output ``y``.
    """
    units = _check_step(x, [h, c], kernel, recurrent_kernel, gates=4)
    z = x @ kernel + h @ recurrent_kernel + bias
    i = sigmoid(z[:, :units])                  # (3) input gate
    f = sigmoid(z[:, units:2 * units])         # (4) forget gate
    g = np.tanh(z[:, 2 * units:3 * units])     # (6) main layer
    o = sigmoid(z[:, 3 * units:])              # (5) output gate
    c = f * c + i * g                          # (7) forget some, add some
    h = o * np.tanh(c)                         # (8) read part of the long-term state
    return h, c


def gru_step(x: Array, h: Array, kernel: Array, recurrent_kernel: Array, bias: Array,
             reset_after: bool = True) -> Array:
    """One step of ``keras.layers.GRU``: update ``z``, reset ``r``, candidate ``g``.

    Blocks are in the order ``z, r, g``. With ``reset_after=True`` (Keras' default)
    bias is ``[2, 3 units]`` (input and recurrent biases) and the reset gate
    multiplies ``h W_hg + b_hg``; with ``reset_after=False`` (Cho et al. 2014) bias
    is ``[3 units]`` and the reset gate multiplies ``h`` before ``W_hg``.

    Returns:
        The new state (and output) ``[batch, units]``: ``z h + (1 - z) g``.
    """
    units = _check_step(x, [h], kernel, recurrent_kernel, gates=3)
    expected = (2, 3 * units) if reset_after else (3 * units,)
    if np.shape(bias) != expected:
        raise ValueError(
            f"Argument `bias` must have shape {expected} when "
            f"reset_after={reset_after}. Received shape {np.shape(bias)}. "
            f"Use the same reset_after as the Keras layer."
        )
    if reset_after:
        input_bias, recurrent_bias = bias
    else:
        input_bias, recurrent_bias = bias, np.zeros(3 * units)
    x_z, x_r, x_g = np.split(x @ kernel + input_bias, 3, axis=1)
    h_z, h_r, h_g = np.split(h @ recurrent_kernel + recurrent_bias, 3, axis=1)
    z = sigmoid(x_z + h_z)                     # update gate
    r = sigmoid(x_r + h_r)                     # reset gate
    if reset_after:                            # Keras' default (as cuDNN)
        g = np.tanh(x_g + r * h_g)
    else:                                      # Cho et al. 2014
        g = np.tanh(x_g + (r * h) @ recurrent_kernel[:, 2 * units:])
    return z * h + (1 - z) * g


def unroll(step: Callable[..., Array | tuple[Array, ...]], inputs: Array,
           states: Sequence[Array], weights: Sequence[Array], **options) -> Array:
    """Run `step` over the time axis of `inputs` ``[batch, time, features]``.

    Args:
        step: one of :func:`simple_rnn_step`, :func:`lstm_step`, :func:`gru_step`.
        states: initial states, each ``[batch, units]`` (one for SimpleRNN/GRU,
            ``[h, c]`` for the LSTM).
        weights: ``layer.get_weights()`` of the matching Keras layer.
        **options: extra keyword arguments of `step` (e.g. ``reset_after``).

    Returns:
        The outputs at every step, ``[batch, time, units]``.
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 3:
        raise ValueError(
            "Argument `inputs` must have shape [batch, time, features]. "
            f"Received shape {inputs.shape}."
        )
    states = list(states)
    outputs = []
    for t in range(inputs.shape[1]):
        new = step(inputs[:, t], *states, *weights, **options)
        states = list(new) if isinstance(new, tuple) else [new]
        outputs.append(states[0])
    return np.stack(outputs, axis=1)
