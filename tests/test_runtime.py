"""Seeding makes runs repeatable."""

import keras
import numpy as np
import pytest

from companion import runtime


def test_set_seeds_repeats_numpy_and_keras_draws():
    runtime.set_seeds(7)
    first = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    runtime.set_seeds(7)
    second = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        runtime.set_seeds(seed)
