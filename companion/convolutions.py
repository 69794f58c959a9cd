"""Arithmetic of stacked 1D convolutions (Conv1D before a GRU, WaveNet)."""

from __future__ import annotations

from collections.abc import Sequence

from companion.checks import integer_at_least, integers_at_least

__all__ = ["receptive_field"]


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
    kernel_size = integer_at_least("kernel_size", kernel_size, 1)
    rates = integers_at_least("dilation_rates", dilation_rates, 1)
    return 1 + (kernel_size - 1) * sum(rates)
