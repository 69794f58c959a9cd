"""Argument checks shared by the companion's public functions, with Keras-style messages."""

from __future__ import annotations

import numpy as np


def integer_at_least(name: str, value: object, minimum: int) -> int:
    """Return `value` as an int, or raise naming argument `name`, what was expected and what was received.

    Raises:
        TypeError: `value` is not an integer (``bool`` included).
        ValueError: `value` is below `minimum`.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Argument `{name}` must be an integer. Received: {name}={value!r}")
    if value < minimum:
        raise ValueError(
            f"Argument `{name}` must be >= {minimum}. Received: {name}={value}"
        )
    return int(value)
