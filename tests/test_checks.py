"""The companion's argument checks: TypeError for a wrong type, ValueError for a wrong value."""

import subprocess
import sys

import numpy as np
import pytest

from companion import checks


@pytest.mark.parametrize("value, expected", [(3, 3), (np.int64(1), 1), (10**12, 10**12)])
def test_integers_pass_as_int(value, expected):
    result = checks.integer_at_least("n", value, 1)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, r"Argument `n` must be >= 1. Received: n=0"),
    (2.0, TypeError, r"Argument `n` must be an integer. Received: n=2.0"),
    (True, TypeError, r"must be an integer. Received: n=True"),
    ("3", TypeError, r"Received: n='3'"),
    (None, TypeError, r"Received: n=None"),
])
def test_integer_at_least_one_rule(value, error, message):
    with pytest.raises(error, match=message):
        checks.integer_at_least("n", value, 1)


def test_integer_in_checks_both_ends():
    assert checks.integer_in("neurons", 8, 2, 8) == 8
    with pytest.raises(ValueError, match=r"`neurons` must be in \[2, 8\]. Received: neurons=9"):
        checks.integer_in("neurons", 9, 2, 8)
    with pytest.raises(ValueError, match=r"`neurons` must be >= 2"):
        checks.integer_in("neurons", 1, 2, 8)
    with pytest.raises(TypeError, match="`neurons` must be an integer"):
        checks.integer_in("neurons", 4.0, 2, 8)


def test_integers_at_least_takes_a_non_empty_sequence():
    assert checks.integers_at_least("rates", [1, np.int32(2), 4], 1) == (1, 2, 4)
    assert checks.integers_at_least("rates", np.array([1, 2]), 1) == (1, 2)
    for values in (4, "1248", None):
        with pytest.raises(TypeError, match="`rates` must be a sequence of integers"):
            checks.integers_at_least("rates", values, 1)
    with pytest.raises(TypeError, match="`rates` must hold integers. Received: rates=\\(1, 2.0\\)"):
        checks.integers_at_least("rates", (1, 2.0), 1)
    with pytest.raises(ValueError, match="`rates` must hold at least one integer"):
        checks.integers_at_least("rates", (), 1)
    with pytest.raises(ValueError, match="`rates` must hold integers >= 1. Received: rates=\\(1, 0\\)"):
        checks.integers_at_least("rates", (1, 0), 1)


@pytest.mark.parametrize("value, error, message", [
    ([], ValueError, "`texts` is empty"),
    ([1, 2], TypeError, "`texts` must hold strings"),
    ("one text", ValueError, "`texts` must be a 1-D batch of strings"),
    ([["a"], ["b"]], ValueError, "1-D batch"),
    ([object()], TypeError, "`texts` must be a 1-D batch of strings"),
])
def test_check_string_batch(value, error, message):
    with pytest.raises(error, match=message):
        checks.check_string_batch("texts", value)


def test_check_string_batch_returns_a_string_tensor():
    assert checks.check_string_batch("texts", ["a", "bc"]).numpy().tolist() == [b"a", b"bc"]


def test_the_hub_layer_does_not_load_the_imdb_module():
    code = "import sys, companion.hub; print('companion.imdb' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
