"""The offline TF Hub module builder and the Keras 3 hub layer, on a tiny fake embedding."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_hub

from companion import (
    hub,
    runtime,  # noqa: F401  (quiet TensorFlow before it loads)
)

WORDS = ["the", "good", "bad", "movie", "café"]
VECTORS = np.random.RandomState(0).normal(size=(len(WORDS), 3)).astype(np.float32)
ROW = dict(zip(WORDS, VECTORS, strict=True))


@pytest.fixture(scope="module")
def handle(tmp_path_factory) -> str:
    return str(hub.build_text_embedding_module(VECTORS, WORDS, tmp_path_factory.mktemp("m") / "tiny"))


def test_module_combines_known_word_vectors_with_sqrtn(handle):
    layer = hub.HubTextEmbedding(handle)
    out = layer(tf.constant(["Good movie!", "BAD", "zzz unknown", "the good, the bad", "Café"]))
    assert out.shape == (5, 3) and out.dtype == tf.float32
    expected = np.stack([
        (ROW["good"] + ROW["movie"]) / np.sqrt(2),
        ROW["bad"],
        np.zeros(3),
        (2 * ROW["the"] + ROW["good"] + ROW["bad"]) / 2,
        ROW["café"],
    ])
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


def test_module_loads_through_tensorflow_hub_and_is_deterministic(handle):
    sentences = tf.constant(["a good movie", "the bad"])
    module = tensorflow_hub.load(handle)
    first = module(sentences).numpy()
    np.testing.assert_array_equal(module(sentences).numpy(), first)
    np.testing.assert_array_equal(hub.HubTextEmbedding(handle)(sentences).numpy(), first)


def test_module_folder_has_the_words_as_an_asset(handle):
    tokens = (tf.io.gfile.join(handle, "assets", hub.TOKENS_FILE))
    assert tf.io.gfile.GFile(tokens).read().splitlines() == WORDS


def test_builder_reuses_an_existing_module(handle, tmp_path):
    before = tf.io.gfile.stat(f"{handle}/saved_model.pb").mtime_nsec
    assert str(hub.build_text_embedding_module(VECTORS[:1], WORDS[:1], handle)) == handle
    assert tf.io.gfile.stat(f"{handle}/saved_model.pb").mtime_nsec == before
    target = hub.build_text_embedding_module(VECTORS, WORDS, tmp_path / "again")
    assert [path.name for path in tmp_path.iterdir()] == ["again"]  # no staging folder left
    assert (target / "saved_model.pb").is_file()


@pytest.mark.parametrize("embeddings, words, message", [
    (VECTORS[0], WORDS[:1], "2-D array"),
    (VECTORS, WORDS[:2], "one word per row"),
    (VECTORS[:2], ["a", "a"], "duplicates"),
    (VECTORS[:2], ["a", "b\nc"], "without line breaks"),
    (VECTORS[:1].astype(int), ["a"], "finite floats"),
])
def test_builder_rejects_bad_vectors(tmp_path, embeddings, words, message):
    with pytest.raises(ValueError, match=message):
        hub.build_text_embedding_module(embeddings, words, tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_layer_is_frozen_by_default_and_trains_in_a_keras_3_model(handle):
    layer = hub.HubTextEmbedding(handle)
    assert layer.trainable_weights == []
    assert [tuple(w.shape) for w in layer.non_trainable_weights] == [VECTORS.shape]
    model = keras.Sequential([keras.Input(shape=[], dtype="string"), layer,
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(tf.constant(["good movie", "bad movie"]), np.array([1.0, 0.0]), epochs=1, verbose=0)
    np.testing.assert_array_equal(layer.non_trainable_weights[0].numpy(), VECTORS)
    assert model.predict(tf.constant(["good", "bad", "the"]), verbose=0).shape == (3, 1)


def test_layer_config_round_trip(handle):
    layer = hub.HubTextEmbedding(handle, name="glove")
    config = layer.get_config()
    assert config["handle"] == handle and "filepath" not in config and not config["trainable"]
    clone = hub.HubTextEmbedding.from_config(config, safe_mode=False)
    sentences = tf.constant(["good movie"])
    np.testing.assert_array_equal(clone(sentences).numpy(), layer(sentences).numpy())


@pytest.mark.parametrize("value, error, message", [
    ([], ValueError, "empty"),
    (tf.constant([1, 2]), TypeError, "must hold strings"),
    (tf.constant("one sentence"), ValueError, "1-D batch"),
])
def test_layer_rejects_bad_input(handle, value, error, message):
    with pytest.raises(error, match=message):
        hub.HubTextEmbedding(handle)(value)


def test_layer_rejects_a_handle_without_a_module(tmp_path):
    with pytest.raises(ValueError, match="holds no SavedModel"):
        hub.HubTextEmbedding(str(tmp_path))
    with pytest.raises(TypeError, match="`handle`"):
        hub.HubTextEmbedding(42)


def test_load_glove_reads_the_packaged_vectors():
    embeddings, words = hub.load_glove()
    assert embeddings.shape == (400_000, 50) and embeddings.dtype == np.float32
    assert len(words) == 400_000 and words[:4] == ["the", ",", ".", "of"]
