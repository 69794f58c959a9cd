"""GRU gates from the weights (companion.inside) against the Keras layers, and the text features."""

from __future__ import annotations

import math
import os

import keras
import numpy as np
import pytest

from companion import data, runtime
from companion.inside import (
    FEATURES,
    after_sentence_end,
    best_units,
    chars_to_newline,
    gate_saturation,
    gru_gates,
    in_word,
    line_position,
    speaker_line,
    text_features,
    trace_char_model,
)
from companion.text import split_chronologically
from companion.train_char_rnn import load_checkpoint

TOLERANCE = 1e-5
needs_corpus = pytest.mark.skipif(not os.environ.get(data.DATA_DIR_ENV_VAR),
                                  reason=f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the "
                                         f"Shakespeare corpus (the tokenizer is fitted on it)")


def random_gru(units: int = 5, features: int = 4, **settings) -> keras.layers.GRU:
    """A built GRU with random kernels and random (non-zero) biases."""
    runtime.set_seeds(7)
    layer = keras.layers.GRU(units, return_sequences=True, bias_initializer="random_normal", **settings)
    layer.build((None, None, features))
    return layer


def inputs(batch: int = 2, steps: int = 7, features: int = 4) -> np.ndarray:
    return np.random.default_rng(3).normal(size=(batch, steps, features)).astype("float32")


def test_states_equal_the_keras_layer_on_random_weights():
    layer, x = random_gru(), inputs()
    trace = gru_gates(layer, x)
    assert trace.h.shape == trace.z.shape == trace.r.shape == (2, 7, 5)
    difference = np.abs(trace.h - layer(x).numpy()).max()
    print(f"random GRU: max |h - Keras| = {difference:.2e}")
    assert difference < TOLERANCE
    assert ((0 < trace.z) & (trace.z < 1)).all() and ((0 < trace.r) & (trace.r < 1)).all()


def test_states_from_an_initial_state_equal_the_keras_layer():
    layer, x = random_gru(), inputs()
    state = np.random.default_rng(4).uniform(-1, 1, size=(2, 5)).astype("float32")
    from_state = gru_gates(layer, x, initial_state=state).h
    assert np.abs(from_state - layer(x, initial_state=[state]).numpy()).max() < TOLERANCE
    assert np.abs(from_state - gru_gates(layer, x).h).max() > 1e-3  # the state was used


def test_one_step_on_tiny_weights_by_hand():
    """units = features = 1: z = 0.75 and r = 0.25 by construction; h by the reset-after equation."""
    layer = keras.layers.GRU(1, return_sequences=True)
    layer.build((None, None, 1))
    x, h0 = 1.0, 2.0
    # pre-activations: z: 0.5 x + b_z + 0.25 h0 + c_z = ln 3; r: -0.5 x + b_r + 0.1 h0 + c_r = -ln 3
    b_z, c_z = math.log(3) - 1.0 - 0.3, 0.3
    b_r, c_r = -math.log(3) + 0.5 - 0.2 - 0.4, 0.4
    layer.set_weights([np.array([[0.5, -0.5, 0.8]]), np.array([[0.25, 0.1, -0.6]]),
                       np.array([[b_z, b_r, 0.1], [c_z, c_r, 0.3]])])
    trace = gru_gates(layer, [[[x]]], initial_state=[[h0]])
    candidate = math.tanh(0.8 * x + 0.1 + 0.25 * (-0.6 * h0 + 0.3))  # r multiplies U_h h0 + c_h (reset after)
    assert trace.z[0, 0, 0] == pytest.approx(0.75, abs=1e-7)
    assert trace.r[0, 0, 0] == pytest.approx(0.25, abs=1e-7)
    assert trace.h[0, 0, 0] == pytest.approx(0.75 * h0 + 0.25 * candidate, abs=1e-7)


def test_a_model_with_dropout_layers_gives_keras_probabilities():
    runtime.set_seeds(11)
    model = keras.Sequential([
        keras.Input((None, 6)),
        keras.layers.GRU(4, return_sequences=True, bias_initializer="random_normal"),
        keras.layers.Dropout(0.5),
        keras.layers.GRU(3, return_sequences=True, bias_initializer="random_normal"),
        keras.layers.Dense(6, activation="softmax"),
    ])
    one_hot = np.eye(6, dtype="float32")[np.random.default_rng(5).integers(0, 6, size=(2, 9))]
    trace = trace_char_model(model, one_hot)
    assert [h.shape for h in trace.h] == [(2, 9, 4), (2, 9, 3)]
    assert [z.shape for z in trace.z] == [r.shape for r in trace.r] == [(2, 9, 4), (2, 9, 3)]
    assert np.abs(trace.probabilities - model.predict(one_hot, verbose=0)).max() < TOLERANCE
    assert np.allclose(trace.probabilities.sum(axis=-1), 1.0)


@pytest.fixture(scope="module")
def checkpoint_trace():
    """The shipped checkpoint on the first 300 held-out characters: (model, one-hot, passage, trace)."""
    runtime.configure()
    checkpoint = load_checkpoint()
    tokenizer = checkpoint.tokenizer
    text = data.fetch(data.SHAKESPEARE).read_text()
    _, held_out = split_chronologically(tokenizer.encode(text))
    passage = tokenizer.decode(held_out[:300])
    one_hot = tokenizer.one_hot([passage]).numpy()
    return checkpoint.model, one_hot, passage, trace_char_model(checkpoint.model, one_hot)


@needs_corpus
def test_checkpoint_states_equal_each_keras_layer(checkpoint_trace):
    model, one_hot, passage, trace = checkpoint_trace
    assert len(passage) >= 200 and "\n" in passage and set(passage) & set(".,;:!?")
    signal, grus = one_hot, [layer for layer in model.layers if isinstance(layer, keras.layers.GRU)]
    assert len(grus) == len(trace.h) == 2
    for index, (layer, h) in enumerate(zip(grus, trace.h, strict=True)):
        signal = layer(signal).numpy()
        difference = np.abs(h - signal).max()
        print(f"checkpoint GRU layer {index + 1}: max |h - Keras| = {difference:.2e}")
        assert difference < TOLERANCE


@needs_corpus
def test_checkpoint_probabilities_equal_predict(checkpoint_trace):
    model, one_hot, _, trace = checkpoint_trace
    difference = np.abs(trace.probabilities - model.predict(one_hot, verbose=0)).max()
    print(f"checkpoint: max |probabilities - predict| = {difference:.2e}")
    assert trace.probabilities.shape == (1, 300, 39)
    assert difference < TOLERANCE


def test_a_layer_that_is_not_a_gru_is_refused():
    dense = keras.layers.Dense(3)
    with pytest.raises(TypeError, match="Argument `layer` must be a keras.layers.GRU. Received: layer of type Dense"):
        gru_gates(dense, inputs())


@pytest.mark.parametrize(("settings", "received"), [
    ({"reset_after": False}, "reset_after=False"),
    ({"activation": "relu"}, "activation='relu'"),
    ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation='hard_sigmoid'"),
    ({"go_backwards": True}, "go_backwards=True"),
])
def test_gru_settings_the_equations_do_not_cover_are_refused(settings, received):
    with pytest.raises(ValueError, match=f"Argument `layer` must be a GRU with reset_after=True.*{received}"):
        gru_gates(random_gru(**settings), inputs())


def test_an_unbuilt_layer_is_refused():
    with pytest.raises(ValueError, match="Argument `layer` must be built"):
        gru_gates(keras.layers.GRU(3), inputs())


@pytest.mark.parametrize(("value", "received"), [
    (np.zeros((7, 4)), r"\(7, 4\)"),
    (np.zeros((2, 7, 3)), r"\(2, 7, 3\)"),
    (np.zeros((2, 0, 4)), r"\(2, 0, 4\)"),
])
def test_inputs_of_the_wrong_shape_are_refused(value, received):
    with pytest.raises(ValueError, match=rf"Argument `inputs` must have shape \[any, any, 4\].*Received: inputs of "
                                         rf"shape {received}"):
        gru_gates(random_gru(), value)


def test_inputs_that_are_not_numbers_are_refused():
    with pytest.raises(TypeError, match="Argument `inputs` must be an array of numbers.*Received: inputs of type str"):
        gru_gates(random_gru(), "abc")


def test_an_initial_state_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"Argument `initial_state` must have shape \[2, 5\].*shape \(5,\)"):
        gru_gates(random_gru(), inputs(), initial_state=np.zeros(5))


def test_models_the_trace_does_not_cover_are_refused():
    one_hot = np.zeros((1, 3, 6))
    no_softmax = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4, return_sequences=True),
                                   keras.layers.Dense(6)])
    last_state_only = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4),
                                        keras.layers.Dense(6, activation="softmax")])
    with pytest.raises(ValueError, match=r"Argument `model` must be GRU layers followed by one softmax Dense.*"
                                         r"\['GRU', 'Dense'\]"):
        trace_char_model(no_softmax, one_hot)
    with pytest.raises(ValueError, match="Argument `model` must have GRU layers with return_sequences=True"):
        trace_char_model(last_state_only, one_hot)
    with pytest.raises(TypeError, match="Argument `model` must be a keras.Model. Received: model of type GRU"):
        trace_char_model(keras.layers.GRU(4), one_hot)


def test_one_hot_of_the_wrong_depth_is_refused():
    model = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4, return_sequences=True),
                              keras.layers.Dense(6, activation="softmax")])
    with pytest.raises(ValueError, match=r"Argument `one_hot` must have shape \[any, any, 6\].*\(1, 3, 5\)"):
        trace_char_model(model, np.zeros((1, 3, 5)))


TEXT = "all:\nno. go!\nx"  # a speaker's line, two sentence ends, a last line without a newline


def test_line_position_and_characters_to_the_newline():
    assert line_position(TEXT).tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 0]
    assert chars_to_newline(TEXT).tolist() == [4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0, 1]


def test_in_word_speaker_line_and_after_a_sentence_end():
    assert in_word(TEXT).tolist() == [1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]
    assert speaker_line(TEXT).tolist() == [1] * 5 + [0] * 9
    assert after_sentence_end(TEXT).tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0]
    assert speaker_line("a:\n\nb: c\nd:").tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1]


def test_text_features_holds_every_feature_per_character():
    features = text_features(TEXT)
    assert tuple(features) == FEATURES
    assert all(values.shape == (len(TEXT),) for values in features.values())
    assert features["speaker_line"].tolist() == speaker_line(TEXT).tolist()


@pytest.mark.parametrize("function", [line_position, chars_to_newline, in_word, speaker_line, after_sentence_end])
def test_features_refuse_what_is_not_a_text(function):
    with pytest.raises(ValueError, match="Argument `text` must contain at least one character"):
        function("")
    with pytest.raises(TypeError, match="Argument `text` must be a string. Received: text of type list"):
        function(["a"])


def test_best_units_finds_the_unit_that_tracks_a_feature():
    rng = np.random.default_rng(0)
    feature = line_position(TEXT)
    states = np.stack([rng.normal(size=len(TEXT)),  # noise
                       1.0 - 2.0 * feature,  # tracks the feature exactly, with the opposite sign
                       feature + rng.normal(scale=3.0, size=len(TEXT)),  # tracks it loosely
                       np.full(len(TEXT), 0.3)], axis=1)  # constant: correlation 0, not NaN
    matches = best_units(states, {"line_position": feature, "in_word": in_word(TEXT)})
    assert matches["line_position"].unit == 1
    assert matches["line_position"].correlation == pytest.approx(-1.0)
    expected = np.corrcoef(states[:, :3].T, in_word(TEXT))[-1, :3]
    assert matches["in_word"].unit == int(np.argmax(np.abs(expected)))
    assert matches["in_word"].correlation == pytest.approx(expected[matches["in_word"].unit])


def test_best_units_refuses_constant_and_misshapen_features():
    states = np.random.default_rng(1).normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"features that vary.*features\['flat'\] constant at 2.0"):
        best_units(states, {"flat": np.full(5, 2.0)})
    with pytest.raises(ValueError, match=r"Argument `features\['short'\]` must have shape \[5\].*shape \(4,\)"):
        best_units(states, {"short": np.arange(4.0)})
    with pytest.raises(ValueError, match=r"Argument `states` must have shape \[any, any\].*shape \(5,\)"):
        best_units(np.zeros(5), {"x": np.arange(5.0)})
    with pytest.raises(TypeError, match="Argument `features` must be a non-empty mapping"):
        best_units(states, {})


def test_gate_saturation_counts_steps_below_and_above_the_bounds():
    z = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.95], [0.01, 0.99]])
    below, above = gate_saturation(z)
    assert below.tolist() == [0.5, 0.0] and above.tolist() == [0.25, 0.5]
    below, above = gate_saturation(z[None])  # [batch, time, units]: the same steps
    assert below.tolist() == [0.5, 0.0] and above.tolist() == [0.25, 0.5]
    with pytest.raises(ValueError, match="Arguments `low` and `high` must satisfy 0 <= low < high <= 1"):
        gate_saturation(z, low=0.9, high=0.1)
    with pytest.raises(ValueError, match=r"Argument `z` must have shape \[..., units\]"):
        gate_saturation(np.zeros((0, 3)))
