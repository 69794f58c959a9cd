"""Backpropagation through time by hand (companion.bptt) against TensorFlow's gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from companion import (
    bptt,
    runtime,  # noqa: F401  (quiet TensorFlow before it loads)
)

BATCH, STEPS, FEATURES, UNITS, OUTPUTS = 4, 12, 2, 5, 3


def relative_difference(mine: np.ndarray, reference: np.ndarray) -> float:
    return float(np.abs(mine - reference).max() / np.abs(reference).max())


@pytest.fixture()
def problem() -> dict[str, np.ndarray]:
    """Random inputs, targets and weights (scale 0.5: no saturated units), float64."""
    rng = np.random.default_rng(0)
    return {
        "X": rng.normal(size=(BATCH, STEPS, FEATURES)), "Y": rng.normal(size=(BATCH, STEPS, OUTPUTS)),
        "W_x": rng.normal(scale=0.5, size=(FEATURES, UNITS)), "W_h": rng.normal(scale=0.5, size=(UNITS, UNITS)),
        "b": rng.normal(scale=0.5, size=UNITS), "W_out": rng.normal(size=(UNITS, OUTPUTS)),
        "b_out": rng.normal(size=OUTPUTS),
    }


def by_hand(p: dict[str, np.ndarray], k: int | None = None) -> tuple[float, list[np.ndarray], np.ndarray]:
    """Loss, gradients [W_x, W_h, b, W_out, b_out] and delta = dL/dh(t), from companion.bptt."""
    H = bptt.rnn_forward(p["X"], p["W_x"], p["W_h"], p["b"])
    loss, dH, dW_out, db_out = bptt.mse_readout(H, p["W_out"], p["b_out"], p["Y"])
    dW_x, dW_h, db, delta = bptt.rnn_backward(p["X"], H, dH, p["W_h"], k=k)
    return loss, [dW_x, dW_h, db, dW_out, db_out], delta


def keras_layers(p: dict[str, np.ndarray]) -> tuple[keras.layers.SimpleRNN, keras.layers.Dense]:
    rnn = keras.layers.SimpleRNN(UNITS, return_sequences=True, return_state=True, dtype="float64")
    readout = keras.layers.Dense(OUTPUTS, dtype="float64")
    rnn.build((None, None, FEATURES))
    readout.build((None, None, UNITS))
    rnn.set_weights([p["W_x"], p["W_h"], p["b"]])
    readout.set_weights([p["W_out"], p["b_out"]])
    return rnn, readout


def by_tensorflow(p: dict[str, np.ndarray], k: int | None = None) -> tuple[float, list[np.ndarray]]:
    """The same loss and gradients by tf.GradientTape; with `k`, the state is cut every k steps."""
    rnn, readout = keras_layers(p)
    k = k or STEPS
    with tf.GradientTape() as tape:
        state, outputs = tf.zeros((BATCH, UNITS), dtype="float64"), []
        for start in range(0, STEPS, k):
            sequence, state = rnn(p["X"][:, start:start + k], initial_state=tf.stop_gradient(state))
            outputs.append(sequence)
        loss = tf.reduce_mean((readout(tf.concat(outputs, axis=1)) - p["Y"]) ** 2)
    gradients = tape.gradient(loss, rnn.trainable_weights + readout.trainable_weights)
    return float(loss), [gradient.numpy() for gradient in gradients]


def test_forward_pass_is_keras_simple_rnn(problem):
    rnn, _ = keras_layers(problem)
    H = bptt.rnn_forward(problem["X"], problem["W_x"], problem["W_h"], problem["b"])
    sequence, _ = rnn(problem["X"])
    assert H.shape == (BATCH, STEPS + 1, UNITS)
    assert np.all(H[:, 0] == 0)
    np.testing.assert_allclose(H[:, 1:], sequence.numpy(), rtol=1e-12, atol=1e-14)


def test_hand_gradients_equal_tensorflows(problem):
    loss, mine, _ = by_hand(problem)
    tf_loss, reference = by_tensorflow(problem)
    assert loss == pytest.approx(tf_loss, rel=1e-12)
    assert max(relative_difference(a, b) for a, b in zip(mine, reference, strict=True)) < 1e-10


@pytest.mark.parametrize("k", [1, 3, 5])
def test_truncated_gradients_equal_tensorflows_with_the_state_cut_every_k_steps(problem, k):
    _, mine, _ = by_hand(problem, k=k)
    _, reference = by_tensorflow(problem, k=k)
    assert max(relative_difference(a, b) for a, b in zip(mine, reference, strict=True)) < 1e-10


def test_truncation_at_the_sequence_length_is_full_bptt_and_k_1_is_not(problem):
    _, full, full_delta = by_hand(problem)
    _, whole, whole_delta = by_hand(problem, k=STEPS)
    _, one_step, one_delta = by_hand(problem, k=1)
    for a, b in zip(full + [full_delta], whole + [whole_delta], strict=True):
        np.testing.assert_array_equal(a, b)
    assert relative_difference(one_step[1], full[1]) > 0.01  # dW_h loses every product of Jacobians
    np.testing.assert_array_equal(one_step[3], full[3])      # the readout's gradient does not flow through time
    np.testing.assert_array_equal(one_delta[:, -1], full_delta[:, -1])  # the last state has nothing after it


def test_delta_is_the_whole_gradient_reaching_each_state(problem):
    """dL/dh(t) from TensorFlow: run steps 1..t, feed h(t) as a watched tensor into the rest."""
    _, _, delta = by_hand(problem)
    rnn, readout = keras_layers(problem)
    for t in (1, STEPS // 2, STEPS):
        first, h_t = rnn(problem["X"][:, :t])
        h_t = tf.constant(h_t)
        with tf.GradientTape() as tape:
            tape.watch(h_t)
            pieces = [tf.constant(first[:, :t - 1]), h_t[:, None]]
            if t < STEPS:
                pieces.append(rnn(problem["X"][:, t:], initial_state=h_t)[0])
            loss = tf.reduce_mean((readout(tf.concat(pieces, axis=1)) - problem["Y"]) ** 2)
        assert relative_difference(delta[:, t - 1], tape.gradient(loss, h_t).numpy()) < 1e-10


@pytest.mark.parametrize("k", [0, -2, 1.5, True, "3"])
def test_a_bad_window_names_k(problem, k):
    H = bptt.rnn_forward(problem["X"], problem["W_x"], problem["W_h"], problem["b"])
    with pytest.raises(ValueError, match="Argument `k`.*Received: k="):
        bptt.rnn_backward(problem["X"], H, np.zeros((BATCH, STEPS, UNITS)), problem["W_h"], k=k)


@pytest.mark.parametrize("name, shape", [("X", (BATCH, STEPS)), ("W_x", (FEATURES + 1, UNITS)),
                                         ("W_h", (UNITS, UNITS + 1)), ("b", (UNITS + 1,))])
def test_shapes_that_do_not_fit_name_the_argument(problem, name, shape):
    problem[name] = np.zeros(shape)
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received shape"):
        bptt.rnn_forward(problem["X"], problem["W_x"], problem["W_h"], problem["b"])
