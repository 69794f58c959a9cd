"""The LN cell, the NumPy reference steps and the receptive-field helper."""

import keras
import numpy as np
import pytest

from companion import cells
from companion.convolutions import receptive_field

BATCH, STEPS, FEATURES, UNITS = 3, 6, 2, 4


@pytest.fixture()
def inputs() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(BATCH, STEPS, FEATURES)).astype("float32")


def ln_model(units: int = UNITS) -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=[None, FEATURES]),
        keras.layers.RNN(cells.LNSimpleRNNCell(units), return_sequences=True),
        keras.layers.Dense(1),
    ])


# --- LNSimpleRNNCell -----------------------------------------------------------------


def test_ln_cell_sizes_and_output_shapes(inputs):
    cell = cells.LNSimpleRNNCell(UNITS)
    assert (cell.state_size, cell.output_size) == (UNITS, UNITS)
    sequences = keras.layers.RNN(cell, return_sequences=True)(inputs)
    last, state = keras.layers.RNN(cells.LNSimpleRNNCell(UNITS), return_state=True)(inputs)
    assert tuple(sequences.shape) == (BATCH, STEPS, UNITS)
    assert tuple(last.shape) == tuple(state.shape) == (BATCH, UNITS)


def test_ln_cell_initial_state_is_zeros():
    (state,) = cells.LNSimpleRNNCell(UNITS).get_initial_state(batch_size=5)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(state), np.zeros((5, UNITS)))


def test_ln_cell_computes_activation_of_layer_norm_of_simple_rnn_step(inputs):
    layer = keras.layers.RNN(cells.LNSimpleRNNCell(UNITS, activation="relu"), return_sequences=True)
    layer(inputs)  # build
    kernel, recurrent_kernel, bias, _, _ = layer.get_weights()
    # make the normalisation's scale and shift matter, then recompute by hand
    gamma, beta = np.linspace(0.5, 2.0, UNITS), np.linspace(-0.3, 0.3, UNITS)
    layer.set_weights([kernel, recurrent_kernel, bias, gamma, beta])
    outputs = keras.ops.convert_to_numpy(layer(inputs))
    epsilon = layer.cell.layer_norm.epsilon
    h = np.zeros((BATCH, UNITS))
    for t in range(STEPS):
        z = cells.simple_rnn_step(inputs[:, t], h, kernel, recurrent_kernel, bias, activation=lambda a: a)
        normed = (z - z.mean(-1, keepdims=True)) / np.sqrt(z.var(-1, keepdims=True) + epsilon)
        h = np.maximum(gamma * normed + beta, 0.0)
        np.testing.assert_allclose(outputs[:, t], h, atol=1e-5)


def test_ln_cell_state_is_normalised_whatever_the_input_scale(inputs):
    layer = keras.layers.RNN(cells.LNSimpleRNNCell(UNITS, activation=None), return_sequences=True)
    outputs = keras.ops.convert_to_numpy(layer(1000.0 * inputs))
    np.testing.assert_allclose(outputs.mean(axis=-1), 0.0, atol=1e-4)
    np.testing.assert_allclose(outputs.std(axis=-1), 1.0, atol=1e-2)


def test_ln_cell_config_round_trip():
    cell = cells.LNSimpleRNNCell(7, activation="relu", name="ln")
    config = keras.saving.serialize_keras_object(cell)
    clone = keras.saving.deserialize_keras_object(config)
    assert isinstance(clone, cells.LNSimpleRNNCell)
    assert (clone.units, clone.name, clone.activation) == (7, "ln", keras.activations.relu)


def test_saved_model_with_ln_cell_reloads_with_its_weights(tmp_path, inputs):
    model = ln_model()
    expected = keras.ops.convert_to_numpy(model(inputs))
    path = tmp_path / "ln.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded.layers[0].cell, cells.LNSimpleRNNCell)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(reloaded(inputs)), expected, atol=1e-6)
    fresh = keras.ops.convert_to_numpy(ln_model()(inputs))
    assert not np.allclose(fresh, expected)  # the match above comes from the loaded weights


def test_ln_cell_trains_inside_rnn_with_xla(inputs):
    keras.utils.set_random_seed(0)  # the same initial weights whatever ran before
    model = ln_model()
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.05), jit_compile=True)
    targets = inputs[..., :1].cumsum(axis=1) / 3
    history = model.fit(inputs, targets, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize("units, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("20", TypeError),
                                          (True, TypeError), (None, TypeError)])
def test_ln_cell_rejects_bad_units(units, error):
    with pytest.raises(error, match=f"Argument `units` must be .*Received: units={units!r}"):
        cells.LNSimpleRNNCell(units)


def test_ln_cell_rejects_a_whole_sequence_and_says_to_wrap_it(inputs):
    with pytest.raises(ValueError, match=r"keras.layers.RNN\(LNSimpleRNNCell"):
        cells.LNSimpleRNNCell(UNITS).build(inputs.shape)


# --- NumPy reference steps against Keras, on random weights ---------------------------


def random_weights(layer: keras.layers.Layer, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize(
    ("layer", "step", "n_states", "options"),
    [
        (keras.layers.SimpleRNN, cells.simple_rnn_step, 1, {}),
        (keras.layers.LSTM, cells.lstm_step, 2, {}),
        (keras.layers.GRU, cells.gru_step, 1, {}),
        (keras.layers.GRU, cells.gru_step, 1, {"reset_after": False}),
    ],
    ids=["simple_rnn", "lstm", "gru", "gru_reset_before"],
)
def test_numpy_steps_reproduce_keras_layers(inputs, layer, step, n_states, options):
    keras_layer = layer(UNITS, return_sequences=True, **options)
    keras_layer(inputs)  # build
    weights = random_weights(keras_layer)
    expected = keras.ops.convert_to_numpy(keras_layer(inputs))
    states = [np.zeros((BATCH, UNITS))] * n_states
    outputs = cells.unroll(step, inputs, states, weights, **options)
    assert outputs.shape == (BATCH, STEPS, UNITS)
    np.testing.assert_allclose(outputs, expected, atol=1e-5)


def test_gru_variants_differ(inputs):
    """reset_after changes the function, so the check above tells the two apart."""
    rng = np.random.default_rng(2)
    kernel = rng.normal(size=(FEATURES, 3 * UNITS))
    recurrent = rng.normal(size=(UNITS, 3 * UNITS))
    bias = rng.normal(size=(2, 3 * UNITS))
    h = rng.normal(size=(BATCH, UNITS))
    after = cells.gru_step(inputs[:, 0], h, kernel, recurrent, bias)
    before = cells.gru_step(inputs[:, 0], h, kernel, recurrent, bias[0], reset_after=False)
    assert not np.allclose(after, before)


def test_lstm_step_rejects_a_kernel_of_the_wrong_layer(inputs):
    rng = np.random.default_rng(0)
    gru_kernel, gru_recurrent = rng.normal(size=(FEATURES, 3 * UNITS)), rng.normal(size=(UNITS, 3 * UNITS))
    h = c = np.zeros((BATCH, UNITS))
    with pytest.raises(ValueError, match=r"`kernel` must have shape \(2, 16\)"):
        cells.lstm_step(inputs[:, 0], h, c, gru_kernel, gru_recurrent, np.zeros(4 * UNITS))


def test_gru_step_rejects_bias_of_the_other_variant(inputs):
    rng = np.random.default_rng(0)
    kernel, recurrent = rng.normal(size=(FEATURES, 3 * UNITS)), rng.normal(size=(UNITS, 3 * UNITS))
    with pytest.raises(ValueError, match="reset_after=True"):
        cells.gru_step(inputs[:, 0], np.zeros((BATCH, UNITS)), kernel, recurrent, np.zeros(3 * UNITS))


def test_steps_reject_wrong_ranks(inputs):
    kernel, recurrent = np.zeros((FEATURES, UNITS)), np.zeros((UNITS, UNITS))
    with pytest.raises(ValueError, match="`x` must be a 2D array"):
        cells.simple_rnn_step(inputs, np.zeros((BATCH, UNITS)), kernel, recurrent, np.zeros(UNITS))
    with pytest.raises(ValueError, match="States must have shape"):
        cells.simple_rnn_step(inputs[:, 0], np.zeros((BATCH + 1, UNITS)), kernel, recurrent, np.zeros(UNITS))
    with pytest.raises(ValueError, match=r"`inputs` must have shape \[batch, time, features\]"):
        cells.unroll(cells.simple_rnn_step, inputs[:, 0], [np.zeros((BATCH, UNITS))],
                     [kernel, recurrent, np.zeros(UNITS)])


# --- receptive field -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kernel_size", "rates", "expected"),
    [(2, (1, 2, 4, 8) * 2, 31), (2, (1, 2, 4, 8), 16), (4, (1,), 4), (3, (1, 1, 1), 7), (1, (5,), 1)],
)
def test_receptive_field(kernel_size, rates, expected):
    assert receptive_field(kernel_size, rates) == expected


def test_receptive_field_matches_how_far_a_causal_stack_looks_back():
    """Perturb input step t: the last output changes only if t is inside the field."""
    rates = (1, 2, 4)
    model = keras.Sequential([keras.Input(shape=[20, 1])] + [
        keras.layers.Conv1D(1, kernel_size=2, padding="causal", dilation_rate=rate,
                            kernel_initializer="ones") for rate in rates
    ])
    base = keras.ops.convert_to_numpy(model(np.zeros((1, 20, 1))))[0, -1, 0]
    seen = []
    for t in range(20):
        x = np.zeros((1, 20, 1))
        x[0, t] = 1.0
        seen.append(keras.ops.convert_to_numpy(model(x))[0, -1, 0] != base)
    assert sum(seen) == receptive_field(2, rates) == 8
    assert all(seen[-8:])


@pytest.mark.parametrize(
    ("kernel_size", "rates", "error", "message"),
    [
        (0, (1, 2), ValueError, "`kernel_size` must be >= 1. Received: kernel_size=0"),
        (2.0, (1, 2), TypeError, "`kernel_size` must be an integer. Received: kernel_size=2.0"),
        (2, (), ValueError, "`dilation_rates` must hold at least one integer"),
        (2, (1, 0), ValueError, "`dilation_rates` must hold integers >= 1"),
        (2, (1, 2.0), TypeError, "`dilation_rates` must hold integers"),
        (2, 4, TypeError, "`dilation_rates` must be a sequence"),
        (2, "1248", TypeError, "`dilation_rates` must be a sequence"),
    ],
)
def test_receptive_field_rejects_bad_input(kernel_size, rates, error, message):
    with pytest.raises(error, match=message):
        receptive_field(kernel_size, rates)
