"""Seeding makes runs repeatable."""

import keras
import numpy as np
import pytest

from companion import runtime
from companion.profiles import MAX_STEPS_ENV_VAR


def test_set_seeds_repeats_numpy_and_keras_draws():
    runtime.set_seeds(7)
    first = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    runtime.set_seeds(7)
    second = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("42", TypeError), (True, TypeError)])
def test_bad_seeds_are_rejected(seed, error):
    with pytest.raises(error, match="Argument `seed` must be"):
        runtime.set_seeds(seed)


def test_cap_steps_limits_fit_epochs_and_batches_and_evaluate_batches():
    model = keras.Sequential([keras.Input(shape=[2]), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    x, y = np.zeros((64, 2)), np.zeros((64, 1))
    seen: list[int] = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    try:
        runtime.cap_steps(3)
        runtime.cap_steps(2)  # a second call replaces the cap, it does not stack wrappers
        history = model.fit(x, y, batch_size=8, epochs=5, validation_data=(x, y), verbose=0,
                            callbacks=[counter])
        assert history.epoch == [0, 1]  # 2 epochs, not 5
        assert seen == [0, 1, 0, 1]  # 2 batches in each of the 2 epochs, not 8
        evaluated: list[int] = []
        model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[keras.callbacks.LambdaCallback(
            on_test_batch_end=lambda batch, logs: evaluated.append(batch))])
        assert evaluated == [0, 1]
        # A model compiled after the cap with 32 batches per call into TensorFlow, as the
        # time-series chapters compile theirs: one call would otherwise train all 8 batches.
        batched = keras.Sequential([keras.Input(shape=[2]), keras.layers.Dense(1)])
        batched.compile(loss="mse", optimizer="sgd", steps_per_execution=32)
        assert batched.steps_per_execution == 2
        batched.fit(x, y, batch_size=8, epochs=5, verbose=0)
        assert int(batched.optimizer.iterations.numpy()) == 4  # 2 epochs of 2 batches
    finally:
        keras.Model.compile = keras.Model.compile.__wrapped_uncapped__
        keras.Model.fit = keras.Model.fit.__wrapped_uncapped__
        keras.Model.evaluate = keras.Model.evaluate.__wrapped_uncapped__
    with pytest.raises(ValueError, match="`max_steps` must be >= 1"):
        runtime.cap_steps(0)
    with pytest.raises(TypeError, match="`max_steps` must be an integer"):
        runtime.cap_steps(2.0)


def test_capped_applies_the_smoke_runs_cap_to_a_loops_steps(monkeypatch):
    monkeypatch.delenv(MAX_STEPS_ENV_VAR, raising=False)
    assert runtime.capped(50) == 50
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, "2")
    assert [runtime.capped(steps) for steps in (50, 2, 1, 0)] == [2, 2, 1, 0]
    with pytest.raises(ValueError, match="steps"):
        runtime.capped(-1)
    with pytest.raises(TypeError, match="steps"):
        runtime.capped(2.0)


def test_compile_without_xla_overrides_jit_compile():
    original = keras.Model.compile
    model = keras.Sequential([keras.Input(shape=[2]), keras.layers.Dense(1)])
    try:
        runtime.compile_without_xla()
        runtime.compile_without_xla()  # idempotent: one wrapper, not two
        assert keras.Model.compile.__wrapped_with_xla__ is original
        model.compile(loss="mse", optimizer="sgd", jit_compile=True)
        assert model.jit_compile is False
        assert model.predict(np.ones((1, 2)), verbose=0).shape == (1, 1)
    finally:
        keras.Model.compile = keras.Model.compile.__wrapped_with_xla__
    assert keras.Model.compile is original
