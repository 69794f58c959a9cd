"""Text generation: the lecture's functions and the one-step generator (companion.generation)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from companion import runtime
from companion.generation import OneStepGenerator, complete_text, next_char, sampling_distribution
from companion.text import CharTokenizer
from companion.train_char_rnn import build_char_model

TOKENIZER = CharTokenizer("to be, or not to be: that is the question.")


def small_model(layer=keras.layers.GRU, batch_size=None, stateful=False, seed=0,
                time_distributed=False) -> keras.Model:
    """A random two-layer model over TOKENIZER's characters (untrained: outputs are varied)."""
    runtime.set_seeds(seed)
    head = keras.layers.Dense(TOKENIZER.max_id, activation="softmax")
    return keras.Sequential([
        keras.Input(batch_shape=(batch_size, None, TOKENIZER.max_id)),
        layer(8, return_sequences=True, stateful=stateful),
        keras.layers.Dropout(0.5),
        layer(8, return_sequences=True, stateful=stateful),
        keras.layers.TimeDistributed(head) if time_distributed else head,
    ])


@pytest.fixture(scope="module")
def model():
    return small_model()


@pytest.mark.parametrize("layer, time_distributed", [
    (keras.layers.GRU, False), (keras.layers.LSTM, True), (keras.layers.SimpleRNN, False)])
def test_carried_states_give_the_probabilities_of_reading_the_whole_text(layer, time_distributed):
    model = small_model(layer, time_distributed=time_distributed)
    generator = OneStepGenerator(model, TOKENIZER)
    for text in ("not to be", "t"):
        probas, _, _ = generator.read(text)
        expected = model(TOKENIZER.one_hot([text]), training=False)[:, -1]
        np.testing.assert_allclose(probas.numpy(), expected.numpy(), atol=1e-6)


def test_one_step_generator_writes_the_lectures_text_for_the_same_seed(model):
    slow = complete_text(model, TOKENIZER, "to", n_chars=25, temperature=1.5, seed=7)
    fast = OneStepGenerator(model, TOKENIZER).complete_text("to", n_chars=25, temperature=1.5, seed=7)
    assert fast == slow
    assert len(fast) == 27 and fast.startswith("to")


def test_sampling_is_reproducible_and_depends_on_the_seed(model):
    generator = OneStepGenerator(model, TOKENIZER)
    assert generator.complete_text("be", 40, seed=1) == generator.complete_text("be", 40, seed=1)
    assert generator.complete_text("be", 40, seed=1) != generator.complete_text("be", 40, seed=2)
    assert generator.complete_text("be", 0) == "be"


def test_low_temperature_picks_the_likeliest_character(model):
    probas = model.predict(TOKENIZER.one_hot(["question"]), verbose=0)[0, -1]
    likeliest = TOKENIZER.decode([probas.argmax() + 1])
    generator = OneStepGenerator(model, TOKENIZER)
    for seed in range(3):
        assert next_char(model, TOKENIZER, "question", temperature=1e-6) == likeliest
        assert generator.complete_text("question", 1, temperature=1e-6, seed=seed) == "question" + likeliest


def test_sampling_distribution_sharpens_below_one_and_flattens_above():
    probas = np.array([0.6, 0.3, 0.1])
    np.testing.assert_allclose(sampling_distribution(probas, 1), probas)
    cold, hot = sampling_distribution(probas, 0.2), sampling_distribution(probas, 5)
    np.testing.assert_allclose([cold.sum(), hot.sum()], [1, 1])
    assert cold[0] > 0.95 and np.all(np.diff(cold) < 0)
    assert hot.max() - hot.min() < probas.max() - probas.min() and np.all(np.diff(hot) < 0)
    np.testing.assert_allclose(sampling_distribution(probas, 0.5), probas**2 / np.sum(probas**2))


def test_stateful_model_generates_like_its_stateless_twin():
    stateful = small_model(batch_size=3, stateful=True, seed=5)
    twin = small_model(seed=6)
    twin.set_weights(stateful.get_weights())
    kwargs = dict(n_chars=20, temperature=1, seed=3)
    assert (OneStepGenerator(stateful, TOKENIZER).complete_text("to", **kwargs)
            == OneStepGenerator(twin, TOKENIZER).complete_text("to", **kwargs))
    assert not any(np.any(state.numpy()) for layer in stateful.layers[::2] for state in layer.states)


def test_generation_errors(model):
    generator = OneStepGenerator(model, TOKENIZER)
    for temperature in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="`temperature` must be a finite number > 0"):
            generator.complete_text("to", 5, temperature=temperature)
        with pytest.raises(ValueError, match="`temperature` must be a finite number > 0"):
            next_char(model, TOKENIZER, "to", temperature=temperature)
    with pytest.raises(ValueError, match="`n_chars` must be >= 0"):
        complete_text(model, TOKENIZER, "to", n_chars=-1)
    with pytest.raises(TypeError, match="`n_chars` must be an integer"):
        generator.complete_text("to", 2.5)
    with pytest.raises(ValueError, match=r"never saw: \['z'\]"):
        generator.complete_text("zoo", 5)
    with pytest.raises(ValueError, match="at least one character"):
        complete_text(model, TOKENIZER, "", 5)
    other = CharTokenizer("abc")
    for make in (lambda: OneStepGenerator(model, other), lambda: complete_text(model, other, "a", 1)):
        with pytest.raises(ValueError, match=r"expected \[batch, time, 3\].*max_id=3"):
            make()
    conv = keras.Sequential([keras.Input(shape=(None, TOKENIZER.max_id)),
                             keras.layers.Conv1D(TOKENIZER.max_id, 2, padding="causal")])
    with pytest.raises(ValueError, match="cannot run one time step at a time"):
        OneStepGenerator(conv, TOKENIZER)


def test_build_char_model_is_the_lectures_architecture():
    model = build_char_model(39)
    assert [type(layer).__name__ for layer in model.layers] == ["GRU", "GRU", "Dense"]
    assert model.outputs[0].shape == (None, None, 39)
    assert model.count_params() == 3 * (39 * 128 + 128 * 128 + 2 * 128) + 3 * (2 * 128 * 128 + 2 * 128) \
        + 128 * 39 + 39
    assert build_char_model(39, batch_size=32, stateful=True).layers[0].stateful
    with pytest.raises(ValueError, match="fixed batch size"):
        build_char_model(39, stateful=True)


def test_build_char_model_dropout_changes_training_only():
    with_dropout, without = build_char_model(39), build_char_model(39, dropout=0.0)
    assert [layer.dropout for layer in with_dropout.layers[:2]] == [0.2, 0.2]
    assert [layer.dropout for layer in without.layers[:2]] == [0.0, 0.0]
    without.set_weights(with_dropout.get_weights())  # same weights fit either rate
    x = np.eye(39, dtype="float32")[None, :5]
    np.testing.assert_allclose(without(x, training=False), with_dropout(x, training=False),
                               atol=1e-6)
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\). Received"):
            build_char_model(39, dropout=bad)
