"""Backpropagation through time for a SimpleRNN, by hand in NumPy.

A SimpleRNN layer (tanh) followed by a linear readout at every step (a ``Dense``
layer), trained with the mean squared error: the forecasting model of the
time-series chapters, with one recurrent layer. The forward pass keeps every state;
the backward pass walks the steps in reverse and carries ``dL/dh`` from each step to
the one before. With a window ``k`` it stops carrying it at the edge of every window
of ``k`` steps (truncated BPTT); the forward pass is unchanged. Shapes: ``X`` is
``[batch, time, features]``, states ``[batch, units]``; weights are in the order
``layer.get_weights()`` returns them (``W_x`` ``[features, units]``, ``W_h``
``[units, units]``, ``b`` ``[units]``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["rnn_forward", "mse_readout", "rnn_backward"]

Array = np.ndarray


def _check_shapes(X: Array, W_x: Array, W_h: Array, b: Array) -> None:
    """Raise a ValueError naming the argument whose shape does not fit the others."""
    if np.ndim(X) != 3:
        raise ValueError("Argument `X` must be 3D, [batch, time, features]. "
                         f"Received shape {np.shape(X)}.")
    units = np.shape(W_h)[0] if np.ndim(W_h) == 2 else None
    expected = {"W_x": (X.shape[2], units), "W_h": (units, units), "b": (units,)}
    for name, value in (("W_x", W_x), ("W_h", W_h), ("b", b)):
        if units is None or np.shape(value) != expected[name]:
            raise ValueError(
                f"Argument `{name}` must have shape {expected[name]} for inputs of "
                f"{X.shape[2]} features and a square W_h. Received shape {np.shape(value)}. "
                "Pass a SimpleRNN layer's weights in the order get_weights() returns them."
            )


def rnn_forward(X: Array, W_x: Array, W_h: Array, b: Array) -> Array:
    """States ``H`` ``[batch, time + 1, units]``; ``H[:, 0]`` is the zero state."""
    _check_shapes(X, W_x, W_h, b)
    batch, steps, _ = X.shape
    H = np.zeros((batch, steps + 1, W_h.shape[0]))
    for t in range(steps):
        H[:, t + 1] = np.tanh(X[:, t] @ W_x + H[:, t] @ W_h + b)
    return H


def mse_readout(H: Array, W_out: Array, b_out: Array,
                Y: Array) -> tuple[float, Array, Array, Array]:
    """Loss of ``Y_hat = h W_out + b_out`` at every step, and its gradients.

    Returns:
        the MSE over all of ``Y`` ``[batch, time, outputs]``; ``dH`` ``[batch, time,
        units]``, the gradient reaching each state directly from its own output;
        ``dW_out`` and ``db_out``.
    """
    states = H[:, 1:]
    error = states @ W_out + b_out - Y
    dY_hat = 2 * error / Y.size                     # d mean(error^2) / d Y_hat
    dW_out = np.einsum("btu,bto->uo", states, dY_hat)
    return np.mean(error**2), dY_hat @ W_out.T, dW_out, dY_hat.sum(axis=(0, 1))


def rnn_backward(X: Array, H: Array, dH: Array, W_h: Array,
                 k: int | None = None) -> tuple[Array, Array, Array, Array]:
    """Gradients ``dW_x, dW_h, db`` and ``dL/dh`` per step, by BPTT over windows of `k`.

    Args:
        X: the inputs; H: the states of :func:`rnn_forward`; dH: the gradient
            reaching each state from its own output ``[batch, time, units]``.
        k: window length: no gradient flows from step ``j k + 1`` back to step
            ``j k``. ``None`` (or the number of steps) is full BPTT.

    Returns:
        ``dW_x``, ``dW_h``, ``db`` and ``delta`` ``[batch, time, units]``, the
        whole gradient reaching each state (through its output and later steps).
    """
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))
                          or k < 1):
        raise ValueError("Argument `k` (the truncation window, in steps) must be a "
                         f"positive integer or None. Received: k={k!r}")
    units = len(W_h)
    dW_x, dW_h, db = np.zeros((X.shape[2], units)), np.zeros_like(W_h), np.zeros(units)
    delta = np.zeros_like(dH)
    dh_later = np.zeros_like(H[:, 0])               # dL/dh(t) through h(t+1)
    for t in range(X.shape[1], 0, -1):              # t = T, ..., 1; H[:, t] is h(t)
        if k is not None and t % k == 0:
            dh_later = np.zeros_like(dh_later)      # window edge: cut the gradient
        delta[:, t - 1] = dH[:, t - 1] + dh_later   # all of dL/dh(t)
        da = delta[:, t - 1] * (1 - H[:, t] ** 2)   # through tanh: tanh' = 1 - h^2
        dW_x += X[:, t - 1].T @ da
        dW_h += H[:, t - 1].T @ da
        db += da.sum(axis=0)
        dh_later = da @ W_h.T                       # dL/dh(t-1) through h(t)
    return dW_x, dW_h, db, delta
