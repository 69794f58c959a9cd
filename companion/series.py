"""The lecture's synthetic time series, its splits and its forecasting targets.

Shapes follow Keras' convention for sequences: ``[batch, time, features]``.
"""

from __future__ import annotations

import keras
import numpy as np

from companion.checks import integer_at_least

__all__ = ["generate_time_series", "last_time_step_mse", "next_values_targets", "seq2seq_targets", "split"]

SPLIT_SIZES = (7000, 2000, 1000)


def generate_time_series(batch_size: int, n_steps: int,
                         seed: int | None = None) -> np.ndarray:
    """Sums of two sine waves with random frequencies and phases, plus noise.

    For each series, ``freq1, freq2, offset1, offset2 ~ U(0, 1)`` and, on
    ``t = linspace(0, 1, n_steps)``::

        x = 0.5 sin((t - offset1)(10 freq1 + 10))
          + 0.2 sin((t - offset2)(20 freq2 + 20)) + 0.1 (U(0, 1) - 0.5)

    Args:
        batch_size: number of series (>= 1).
        n_steps: length of each series (>= 2).
        seed: with a seed, draws from ``np.random.RandomState(seed)``, which
            equals the lecture's ``np.random.seed(seed)`` run; ``None`` draws
            from NumPy's global generator (and advances it).

    Returns:
        float32 array of shape ``[batch_size, n_steps, 1]``.
    """
    batch_size = integer_at_least("batch_size", batch_size, 1)
    n_steps = integer_at_least("n_steps", n_steps, 2)
    rng = np.random if seed is None else np.random.RandomState(seed)
    freq1, freq2, offset1, offset2 = rng.rand(4, batch_size, 1)
    time = np.linspace(0, 1, n_steps)
    series = 0.5 * np.sin((time - offset1) * (freq1 * 10 + 10))
    series += 0.2 * np.sin((time - offset2) * (freq2 * 20 + 20))
    series += 0.1 * (rng.rand(batch_size, n_steps) - 0.5)
    return series[..., np.newaxis].astype(np.float32)


def split(array: np.ndarray, sizes: tuple[int, ...] = SPLIT_SIZES) -> tuple[np.ndarray, ...]:
    """Cut `array` along its first axis into consecutive parts of `sizes`.

    The lecture's split of 10,000 series is ``(7000, 2000, 1000)``: train,
    validation, test.
    """
    array = np.asarray(array)
    if array.ndim == 0 or sum(sizes) != len(array) or min(sizes) < 0:
        raise ValueError(
            f"Expected an array whose first axis has sum(sizes)={sum(sizes)} rows "
            f"(sizes={sizes}). Received shape {array.shape}."
        )
    bounds = np.cumsum((0, *sizes))
    return tuple(array[start:stop] for start, stop in zip(bounds[:-1], bounds[1:], strict=True))


def _check_series(series: np.ndarray, n_steps: int, ahead: int) -> np.ndarray:
    series = np.asarray(series)
    if series.ndim != 3 or series.shape[-1] != 1:
        raise ValueError(
            "Argument `series` must have shape [batch, time, 1]. "
            f"Received shape {series.shape}."
        )
    n_steps = integer_at_least("n_steps", n_steps, 1)
    ahead = integer_at_least("ahead", ahead, 1)
    if series.shape[1] < n_steps + ahead:
        raise ValueError(
            f"Series of {series.shape[1]} steps are too short for n_steps={n_steps} "
            f"inputs and ahead={ahead} targets: generate n_steps + ahead steps."
        )
    return series


def next_values_targets(series: np.ndarray, n_steps: int, ahead: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and the `ahead` values that follow them (option 2: seq-to-vector).

    Args:
        series: ``[batch, time, 1]`` with ``time >= n_steps + ahead``.

    Returns:
        ``X`` of shape ``[batch, n_steps, 1]`` and ``Y`` of shape ``[batch, ahead]``
        with ``Y[:, k] = series[:, n_steps + k, 0]``.
    """
    series = _check_series(series, n_steps, ahead)
    return series[:, :n_steps], series[:, n_steps:n_steps + ahead, 0]


def seq2seq_targets(series: np.ndarray, n_steps: int, ahead: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and, at every time step, the `ahead` values after it (option 3).

    Args:
        series: ``[batch, time, 1]`` with ``time >= n_steps + ahead``.

    Returns:
        ``X`` of shape ``[batch, n_steps, 1]`` and ``Y`` of shape
        ``[batch, n_steps, ahead]`` with ``Y[:, t, k - 1] = series[:, t + k, 0]``
        for ``k = 1..ahead``.
    """
    series = _check_series(series, n_steps, ahead)
    values = series[:, 1:n_steps + ahead, 0]
    windows = np.lib.stride_tricks.sliding_window_view(values, ahead, axis=1)
    return series[:, :n_steps], np.ascontiguousarray(windows[:, :n_steps])


@keras.saving.register_keras_serializable(package="companion")
def last_time_step_mse(y_true, y_pred):
    """MSE of the last time step only: the 10-step forecast made after all inputs.

    Args:
        y_true, y_pred: ``[batch, time, ahead]``.

    Returns:
        ``[batch]``: per-series mean over the ``ahead`` values at ``t = -1``.
    """
    return keras.ops.mean(keras.ops.square(y_true[:, -1] - y_pred[:, -1]), axis=-1)
