"""Arithmetic of stacked 1D convolutions (Conv1D before a GRU, WaveNet)."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def receptive_field(kernel_size: int, dilation_rates: Sequence[int]) -> int:
    """Number of input steps one output of stacked stride-1 convolutions sees.

    Each layer with kernel size ``k`` and dilation ``d`` reaches ``(k - 1) d``
    steps further back, so the field is ``1 + (k - 1) * sum(dilation_rates)``.

    Args:
        kernel_size: kernel size shared by the layers (>= 1).
        dilation_rates: one positive dilation rate per layer, bottom first.

    Returns:
        The receptive field in time steps, e.g. 31 for kernel 2 and
        ``(1, 2, 4, 8) * 2`` (WaveNet as in the lecture).
    """
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)) or kernel_size < 1:
        raise ValueError(
            f"Argument `kernel_size` must be a positive integer. Received: kernel_size={kernel_size!r}"
        )
    if isinstance(dilation_rates, (str, bytes)) or not isinstance(dilation_rates, Sequence):
        raise TypeError(
            "Argument `dilation_rates` must be a sequence of positive integers, one per layer, "
            f"e.g. (1, 2, 4, 8). Received: dilation_rates={dilation_rates!r}"
        )
    bad = [rate for rate in dilation_rates
           if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate < 1]
    if not dilation_rates or bad:
        raise ValueError(
            "Argument `dilation_rates` must hold at least one positive integer (one per layer). "
            f"Received: dilation_rates={tuple(dilation_rates)!r}"
        )
    return 1 + (int(kernel_size) - 1) * int(sum(dilation_rates))
