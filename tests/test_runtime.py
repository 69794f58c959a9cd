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
    methods = {name: getattr(keras.Model, name) for name in ("compile", "fit", "evaluate")}
    try:
        runtime.cap_steps(1)
        runtime.cap_steps(2)  # a second call replaces the cap (1 would win if wrappers stacked)
        assert all(getattr(keras.Model, name).__keras_method__ is method for name, method in methods.items())
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
        for name, method in methods.items():
            setattr(keras.Model, name, method)
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
        assert keras.Model.compile.__keras_method__ is original
        model.compile(loss="mse", optimizer="sgd", jit_compile=True)
        assert model.jit_compile is False
        assert model.predict(np.ones((1, 2)), verbose=0).shape == (1, 1)
    finally:
        keras.Model.compile = keras.Model.compile.__keras_method__
    assert keras.Model.compile is original


def test_a_second_smoke_run_configure_wraps_keras_once(monkeypatch):
    import tensorflow as tf

    methods = {name: getattr(keras.Model, name) for name in ("compile", "fit", "evaluate")}
    iterate = tf.data.Dataset.__iter__
    interactive = keras.utils.is_interactive_logging_enabled()
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, "2")
    try:
        runtime.configure(op_determinism=False)
        runtime.configure(op_determinism=False)  # a chapter's cell run twice
        for name, method in methods.items():
            wrapper = getattr(keras.Model, name)
            assert wrapper.__keras_method__ is method, name  # one layer around Keras' own
        assert list(keras.Model.compile.__adjustments__) == ["cap", "xla off"]
        assert tf.data.Dataset.__iter__.__tf_method__ is getattr(iterate, "__tf_method__", iterate)
        model = keras.Sequential([keras.Input(shape=[2]), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="sgd", jit_compile=True, steps_per_execution=32)
        assert (model.jit_compile, model.steps_per_execution) == (False, 2)  # both still apply
    finally:
        for name, method in methods.items():
            setattr(keras.Model, name, method)
        tf.data.Dataset.__iter__ = iterate
        if interactive:
            keras.utils.enable_interactive_logging()


def test_iterators_run_without_autotuning_and_yield_the_same_batches():
    import tensorflow as tf

    original = tf.data.Dataset.__iter__
    seen: list[tf.data.Options] = []

    def recording(dataset):  # stands for tf.data's own: what options does it receive?
        seen.append(dataset.options())
        return original(dataset)

    def two_epochs() -> list[list[int]]:  # a seeded shuffle draws a new order each epoch
        dataset = tf.data.Dataset.range(10).shuffle(10, seed=1).batch(3)
        return [batch.numpy().tolist() for _ in range(2) for batch in dataset]

    expected = two_epochs()
    try:
        tf.data.Dataset.__iter__ = recording
        runtime.iterate_without_autotuning()
        runtime.iterate_without_autotuning()  # idempotent: one wrapper, not two
        assert tf.data.Dataset.__iter__.__tf_method__ is recording
        assert two_epochs() == expected
        assert [options.autotune.enabled for options in seen] == [False, False]
        model = keras.Sequential([keras.Input(shape=[2]), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        before_fit = len(seen)
        model.fit(np.zeros((8, 2)), np.zeros((8, 1)), batch_size=4, epochs=1, verbose=0)
        assert len(seen) > before_fit  # Keras reads NumPy arrays through tf.data too ...
        assert all(options.autotune.enabled is False for options in seen[before_fit:])  # ... untuned
    finally:
        tf.data.Dataset.__iter__ = original
