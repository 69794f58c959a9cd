"""The synthetic series, its splits, its targets and last_time_step_mse."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.series import generate_time_series, last_time_step_mse, next_values_targets, seq2seq_targets, split


def test_shape_dtype_and_range():
    series = generate_time_series(8, 30, seed=0)
    assert series.shape == (8, 30, 1)
    assert series.dtype == np.float32
    assert np.all(np.abs(series) <= 0.5 + 0.2 + 0.05 + 1e-6)


def test_seed_is_deterministic_and_matches_the_lectures_global_seed():
    first = generate_time_series(5, 20, seed=42)
    assert np.array_equal(first, generate_time_series(5, 20, seed=42))
    assert not np.array_equal(first, generate_time_series(5, 20, seed=43))
    np.random.seed(42)
    assert np.array_equal(first, generate_time_series(5, 20))


def test_naive_forecast_reproduces_the_lecture_exactly():
    series = generate_time_series(10000, 51, seed=42)
    _, valid, _ = split(series)
    mse = np.mean(keras.losses.mean_squared_error(valid[:, -1], valid[:, -2]))
    assert f"{mse:.9f}" == "0.020211367"


def test_split_sizes_and_order():
    array = np.arange(10000)
    train, valid, test = split(array)
    assert (len(train), len(valid), len(test)) == (7000, 2000, 1000)
    assert np.array_equal(np.concatenate([train, valid, test]), array)
    assert [len(part) for part in split(np.zeros(6), sizes=(3, 2, 1))] == [3, 2, 1]


@pytest.mark.parametrize("array, sizes", [(np.zeros(9999), (7000, 2000, 1000)), (np.float32(1.0), (1,))])
def test_split_rejects_a_size_mismatch(array, sizes):
    with pytest.raises(ValueError, match="sum\\(sizes\\)"):
        split(array, sizes)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 0, "n_steps": 10}, ValueError, "batch_size` must be >= 1"),
        ({"batch_size": 2, "n_steps": 1}, ValueError, "n_steps` must be >= 2"),
        ({"batch_size": 2.5, "n_steps": 10}, TypeError, "batch_size` must be an integer"),
        ({"batch_size": True, "n_steps": 10}, TypeError, "batch_size` must be an integer"),
        ({"batch_size": 2, "n_steps": "50"}, TypeError, "n_steps` must be an integer"),
    ],
)
def test_generator_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        generate_time_series(**kwargs)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 4), n_steps=st.integers(1, 12), ahead=st.integers(1, 6), extra=st.integers(0, 3))
def test_targets_match_a_brute_force_construction(batch, n_steps, ahead, extra):
    series = np.random.default_rng(0).normal(size=(batch, n_steps + ahead + extra, 1)).astype(np.float32)
    X, Y = next_values_targets(series, n_steps, ahead)
    assert np.array_equal(X, series[:, :n_steps])
    for i in range(batch):
        for k in range(ahead):
            assert Y[i, k] == series[i, n_steps + k, 0]
    X3, Y3 = seq2seq_targets(series, n_steps, ahead)
    assert np.array_equal(X3, X)
    assert Y3.shape == (batch, n_steps, ahead)
    for i in range(batch):
        for t in range(n_steps):
            for k in range(1, ahead + 1):
                assert Y3[i, t, k - 1] == series[i, t + k, 0]
    assert np.array_equal(Y3[:, -1], Y)  # the last step's target is option 2's target


def test_seq2seq_targets_equal_the_lectures_loop():
    series = generate_time_series(6, 60, seed=1)
    Y = np.empty((6, 50, 10))
    for step_ahead in range(1, 10 + 1):
        Y[:, :, step_ahead - 1] = series[:, step_ahead:step_ahead + 50, 0]
    assert np.array_equal(seq2seq_targets(series, 50, 10)[1], Y)


@pytest.mark.parametrize(
    "series, message",
    [
        (np.zeros((3, 20)), "shape \\[batch, time, 1\\]"),
        (np.zeros((3, 20, 2)), "shape \\[batch, time, 1\\]"),
        (np.zeros((3, 20, 1)), "too short"),
    ],
)
def test_targets_reject_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        seq2seq_targets(series, 15, 10)
    with pytest.raises(ValueError, match=message):
        next_values_targets(series, 15, 10)


def test_last_time_step_mse_matches_numpy_and_works_in_compile():
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=(5, 7, 10)).astype(np.float32)
    y_pred = rng.normal(size=(5, 7, 10)).astype(np.float32)
    expected = np.mean((y_true[:, -1] - y_pred[:, -1]) ** 2, axis=-1)
    got = keras.ops.convert_to_numpy(last_time_step_mse(y_true, y_pred))
    np.testing.assert_allclose(got, expected, rtol=1e-6)

    model = keras.Sequential([keras.Input(shape=[7, 1]), keras.layers.Dense(10)])
    model.compile(loss="mse", metrics=[last_time_step_mse])
    X = rng.normal(size=(5, 7, 1)).astype(np.float32)
    _, metric = model.evaluate(X, y_true, verbose=0)
    pred = model.predict(X, verbose=0)
    assert metric == pytest.approx(np.mean((y_true[:, -1] - pred[:, -1]) ** 2), rel=1e-5)
