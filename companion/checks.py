"""Argument checks shared by the companion's public functions, with Keras-style messages.

One rule: a value of the wrong type raises ``TypeError``, a value of the right type
outside what the function accepts raises ``ValueError``; both name the argument,
what was expected and what was received.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["check_string_batch", "integer_at_least", "integer_in", "integers_at_least"]


def integer_at_least(name: str, value: object, minimum: int) -> int:
    """Return `value` as an int, or raise naming argument `name`, what was expected and what was received.

    Raises:
        TypeError: `value` is not an integer (``bool`` included).
        ValueError: `value` is below `minimum`.

    Example:
        >>> integer_at_least("units", 3, 1)
        3
        >>> integer_at_least("units", 0, 1)
        Traceback (most recent call last):
        ...
        ValueError: Argument `units` must be >= 1. Received: units=0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Argument `{name}` must be an integer. Received: {name}={value!r}")
    if value < minimum:
        raise ValueError(
            f"Argument `{name}` must be >= {minimum}. Received: {name}={value}"
        )
    return int(value)


def integer_in(name: str, value: object, minimum: int, maximum: int) -> int:
    """Return `value` as an int in ``[minimum, maximum]``, or raise as :func:`integer_at_least`.

    Raises:
        TypeError: `value` is not an integer.
        ValueError: `value` is outside ``[minimum, maximum]``.
    """
    value = integer_at_least(name, value, minimum)
    if value > maximum:
        raise ValueError(f"Argument `{name}` must be in [{minimum}, {maximum}]. Received: {name}={value}")
    return value


def integers_at_least(name: str, values: object, minimum: int) -> tuple[int, ...]:
    """Return `values` (a non-empty sequence of integers, each >= `minimum`) as a tuple of ints.

    Raises:
        TypeError: `values` is not a sequence (a string is not one), or holds a non-integer.
        ValueError: `values` is empty or holds a value below `minimum`.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"Argument `{name}` must be a sequence of integers, e.g. (1, 2, 4, 8). "
                        f"Received: {name}={values!r}")
    if len(values) == 0:
        raise ValueError(f"Argument `{name}` must hold at least one integer. Received: {name}={values!r}")
    wrong_type = [value for value in values if isinstance(value, bool) or not isinstance(value, (int, np.integer))]
    if wrong_type:
        raise TypeError(f"Argument `{name}` must hold integers. Received: {name}={values!r}")
    too_small = [value for value in values if value < minimum]
    if too_small:
        raise ValueError(f"Argument `{name}` must hold integers >= {minimum}. Received: {name}={values!r}")
    return tuple(int(value) for value in values)


def check_string_batch(name: str, value: object) -> tf.Tensor:
    """`value` as a non-empty 1-D string tensor ``[batch]``, or a Keras-style error.

    Raises:
        TypeError: `value` is not a tensor-like of strings.
        ValueError: `value` is not 1-D, or empty.
    """
    import tensorflow as tf

    try:
        tensor = tf.convert_to_tensor(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"Argument `{name}` must be a 1-D batch of strings. Received: {value!r}"
        ) from None
    if tensor.shape.rank != 1:
        raise ValueError(
            f"Argument `{name}` must be a 1-D batch of strings [batch]. Received shape "
            f"{tensor.shape}, e.g. tf.constant([\"first text\", \"second text\"])."
        )
    if tensor.shape[0] == 0:
        raise ValueError(f"Argument `{name}` is empty: pass at least one string.")
    if tensor.dtype != tf.string:
        raise TypeError(
            f"Argument `{name}` must hold strings. Received dtype {tensor.dtype.name}."
        )
    return tensor
