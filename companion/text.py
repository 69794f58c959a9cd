"""Character-level text: a tokenizer and the tf.data pipelines that feed char-RNNs.

Ids follow the lecture: :class:`CharTokenizer` numbers characters from 1 (the
most frequent), as Keras 2's ``Tokenizer(char_level=True)`` did, and the models
work on ``id - 1``, so class ``k`` of a softmax over ``max_id`` characters is
character ``k + 1``. The pipelines take those 0-based ids.

Shapes: a text of ``n`` characters encodes to ``[n]``; batches of windows are
``X: [batch, n_steps, max_id]`` (one-hot) and ``Y: [batch, n_steps]`` (the
0-based id of the character after each input character).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import tensorflow as tf

from companion.checks import integer_at_least

__all__ = [
    "N_STEPS", "CharTokenizer", "lecture_window_dataset", "split_chronologically", "stateful_dataset",
    "stateful_windows", "window_dataset"
]

N_STEPS = 100
SHUFFLE_BUFFER = 10_000
TRAIN_PERCENT = 90


def _text_arg(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"Argument `{name}` must be a string. Received: {name} of type {type(value).__name__}"
        )
    if not value:
        raise ValueError(f"Argument `{name}` must contain at least one character. Received: ''")
    return value


class CharTokenizer:
    """Maps characters to ids ranked by frequency, from 1, after lower-casing.

    The semantics of Keras 2's ``Tokenizer(char_level=True)`` fitted on one
    text (gone in Keras 3): every character is kept (no filters), upper case is
    folded into lower case, the most frequent character gets id 1, the next id
    2, and so on. Ties keep the order in which the characters first appear in
    the text (a stable sort of the counts, as Keras 2 did), so the ids are a
    deterministic function of the text.

    Args:
        text: the text to fit on (non-empty).

    Example:
        >>> tokenizer = CharTokenizer("abbccc")
        >>> tokenizer.encode("cab").tolist()
        [1, 3, 2]
        >>> tokenizer.decode([1, 3, 2])
        'cab'
    """

    def __init__(self, text: str) -> None:
        text = _text_arg("text", text).lower()
        counts = Counter(text)  # insertion order = order of first occurrence
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)  # stable
        self.vocabulary: str = "".join(char for char, _ in ranked)
        self.word_index: dict[str, int] = {char: i + 1 for i, char in enumerate(self.vocabulary)}
        self.counts: dict[str, int] = dict(ranked)
        self.document_size: int = len(text)

    @property
    def max_id(self) -> int:
        """Number of distinct characters (ids run from 1 to ``max_id``)."""
        return len(self.vocabulary)

    def encode(self, text: str) -> np.ndarray:
        """Ids of the characters of `text` (lower-cased), int32 of shape ``[len(text)]``.

        Raises:
            ValueError: `text` is empty or holds characters the tokenizer never saw.
        """
        text = _text_arg("text", text).lower()
        unknown = sorted(set(text) - self.word_index.keys())
        if unknown:
            raise ValueError(
                f"Argument `text` contains characters the tokenizer never saw: {unknown}. "
                f"Known characters: {self.vocabulary!r}. Remove or replace them, or fit the "
                f"tokenizer on a text that contains them."
            )
        return np.array([self.word_index[char] for char in text], dtype=np.int32)

    def decode(self, ids: Iterable[int] | np.ndarray) -> str:
        """The text of `ids` (1 to ``max_id``), one character per id, nothing between."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(
                f"Argument `ids` must be a 1-D sequence of integers. Received shape "
                f"{ids.shape} and dtype {ids.dtype}."
            )
        bad = ids[(ids < 1) | (ids > self.max_id)]
        if bad.size:
            raise ValueError(
                f"Argument `ids` must hold ids from 1 to max_id={self.max_id}. Received "
                f"{sorted(set(bad.tolist()))[:10]}. Models predict class id - 1: add 1 first."
            )
        return "".join(self.vocabulary[i - 1] for i in ids.tolist())

    def one_hot(self, texts: Sequence[str]) -> tf.Tensor:
        """The lecture's ``preprocess``: texts of equal length -> ``[batch, time, max_id]``.

        Character ``id`` becomes the one-hot vector of class ``id - 1``.
        """
        if (isinstance(texts, str) or not isinstance(texts, Sequence) or not texts
                or not all(isinstance(text, str) for text in texts)):
            raise TypeError(
                f"Argument `texts` must be a non-empty list of strings (e.g. ['How are yo']). "
                f"Received: {texts!r}"
            )
        lengths = sorted({len(text) for text in texts})
        if len(lengths) != 1:
            raise ValueError(
                f"Argument `texts` must hold strings of one length (they form one batch). "
                f"Received lengths {lengths}."
            )
        ids = np.stack([self.encode(text) for text in texts]) - 1
        return tf.one_hot(ids, self.max_id)

    def __repr__(self) -> str:
        return f"CharTokenizer(max_id={self.max_id}, document_size={self.document_size})"


def split_chronologically(
    ids: np.ndarray, train_percent: int = TRAIN_PERCENT
) -> tuple[np.ndarray, np.ndarray]:
    """The first `train_percent` % of `ids` ``[n]`` for training, the rest after it.

    ``train_size = len(ids) * train_percent // 100``, as in the lecture (90 %).
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"Argument `ids` must be 1-D. Received shape {ids.shape}.")
    train_percent = integer_at_least("train_percent", train_percent, 1)
    if train_percent > 99:
        raise ValueError(
            f"Argument `train_percent` must be in [1, 99]. Received: train_percent={train_percent}"
        )
    train_size = len(ids) * train_percent // 100
    return ids[:train_size], ids[train_size:]


def _check_ids(ids: object, max_id: int) -> np.ndarray:
    max_id = integer_at_least("max_id", max_id, 1)
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"Argument `ids` must be a 1-D integer array of 0-based ids (tokenizer ids - 1). "
            f"Received shape {ids.shape} and dtype {ids.dtype}."
        )
    if ids.size and (ids.min() < 0 or ids.max() >= max_id):
        raise ValueError(
            f"Argument `ids` must hold 0-based ids in [0, {max_id - 1}] (max_id={max_id}). "
            f"Received values from {ids.min()} to {ids.max()}: did you forget the - 1?"
        )
    return ids


def _inputs_and_targets(max_id: int):
    def split_window(windows: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        # [batch, n_steps + 1] -> X one-hot [batch, n_steps, max_id], Y [batch, n_steps]
        return tf.one_hot(windows[:, :-1], depth=max_id), windows[:, 1:]

    return split_window


def window_dataset(
    ids: np.ndarray,
    max_id: int,
    n_steps: int = N_STEPS,
    shift: int = 1,
    batch_size: int = 32,
    shuffle_buffer: int | None = SHUFFLE_BUFFER,
    seed: int | None = 42,
) -> tf.data.Dataset:
    """Windows of ``n_steps + 1`` characters: shuffled, batched, split, one-hot encoded.

    Window ``k`` is ``ids[k * shift : k * shift + n_steps + 1]``; its first
    ``n_steps`` characters are the inputs and its last ``n_steps`` the targets
    (the same text shifted by one character).

    Args:
        ids: 0-based character ids ``[n]`` (tokenizer ids - 1).
        max_id: number of distinct characters (depth of the one-hot vectors).
        n_steps: time steps per window: how far back gradients flow
            (truncated backpropagation through time).
        shift: characters between the starts of successive windows.
        batch_size: windows per batch (the last batch may be smaller).
        shuffle_buffer: size of the shuffle buffer; ``None`` keeps text order
            (for evaluation).
        seed: seed of the shuffle (the order is the same on every run).

    Returns:
        A dataset of ``(X [batch, n_steps, max_id] float32, Y [batch, n_steps] int)``.
    """
    ids = _check_ids(ids, max_id)
    n_steps = integer_at_least("n_steps", n_steps, 1)
    shift = integer_at_least("shift", shift, 1)
    batch_size = integer_at_least("batch_size", batch_size, 1)
    window_length = n_steps + 1  # target = input shifted one character ahead
    if len(ids) < window_length:
        raise ValueError(
            f"Argument `ids` holds {len(ids)} characters, fewer than one window of "
            f"n_steps + 1 = {window_length}. Use a longer text or a smaller n_steps."
        )
    n_windows = (len(ids) - window_length) // shift + 1
    # A window is known by its start: shuffle and batch the starts (cheap
    # integers), then cut a whole batch of windows out of the text at once.
    dataset = tf.data.Dataset.range(n_windows)  # known length: Keras knows an epoch
    if shuffle_buffer is not None:
        shuffle_buffer = integer_at_least("shuffle_buffer", shuffle_buffer, 1)
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    dataset = dataset.batch(batch_size)
    text = tf.constant(ids)
    offsets = tf.range(window_length, dtype=tf.int64)

    # [batch] -> [batch, n_steps + 1]
    def cut_windows(window_indices: tf.Tensor) -> tf.Tensor:
        return tf.gather(text, window_indices[:, tf.newaxis] * shift + offsets)

    dataset = dataset.map(cut_windows, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.map(_inputs_and_targets(max_id),
                          num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def lecture_window_dataset(
    ids: np.ndarray,
    max_id: int,
    n_steps: int = N_STEPS,
    shift: int = 1,
    batch_size: int = 32,
    shuffle_buffer: int | None = SHUFFLE_BUFFER,
    seed: int | None = 42,
) -> tf.data.Dataset:
    """The lecture's pipeline: ``window`` + ``flat_map`` (one small dataset per window), then the same steps.

    A reference, as the NumPy cells of :mod:`companion.cells` are: it yields the same
    batches as :func:`window_dataset` (``tests/test_text.py`` checks it), which cuts
    whole batches out of the text instead and is the one the chapters use;
    ``benchmarks/char_pipeline.py`` times the two. Arguments as :func:`window_dataset`
    (`shuffle_buffer` ``None`` keeps text order, `seed` seeds the shuffle).

    Returns:
        A dataset of ``(X [batch, n_steps, max_id] float32, Y [batch, n_steps] int)``.
    """
    ids = _check_ids(ids, max_id)
    window_length = integer_at_least("n_steps", n_steps, 1) + 1
    dataset = tf.data.Dataset.from_tensor_slices(ids)
    dataset = dataset.window(window_length, shift=integer_at_least("shift", shift, 1), drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_length))
    if shuffle_buffer is not None:
        dataset = dataset.shuffle(integer_at_least("shuffle_buffer", shuffle_buffer, 1), seed=seed)
    dataset = dataset.batch(integer_at_least("batch_size", batch_size, 1))
    dataset = dataset.map(lambda windows: (windows[:, :-1], windows[:, 1:]))
    dataset = dataset.map(lambda X_batch, Y_batch: (tf.one_hot(X_batch, depth=max_id), Y_batch))
    return dataset.prefetch(1)


def stateful_windows(ids: np.ndarray, n_steps: int = N_STEPS,
                     batch_size: int = 32) -> np.ndarray:
    """The stateful layout: ``[n_batches, batch_size, n_steps + 1]`` windows.

    The text is cut into `batch_size` contiguous streams of equal length (the
    last ``len(ids) % batch_size`` characters are dropped) and each stream into
    consecutive windows whose inputs do not overlap (the characters after a
    stream's last whole window are dropped too, up to ``n_steps - 1`` per
    stream): row ``i`` of batch ``k + 1``
    starts where row ``i`` of batch ``k`` stopped, so a stateful RNN's final
    state for one batch is the right initial state for the next.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"Argument `ids` must be 1-D. Received shape {ids.shape}.")
    n_steps = integer_at_least("n_steps", n_steps, 1)
    batch_size = integer_at_least("batch_size", batch_size, 1)
    stream_length = len(ids) // batch_size
    n_batches = (stream_length - 1) // n_steps
    if n_batches < 1:
        raise ValueError(
            f"Argument `ids` holds {len(ids)} characters: too few for "
            f"batch_size={batch_size} streams of at least n_steps + 1 = {n_steps + 1} "
            f"characters. Use a longer text, a smaller batch_size or a smaller n_steps."
        )
    streams = ids[: batch_size * stream_length].reshape(batch_size, stream_length)
    windows = np.lib.stride_tricks.sliding_window_view(streams, n_steps + 1, axis=1)
    return np.ascontiguousarray(windows[:, ::n_steps][:, :n_batches].transpose(1, 0, 2))


def stateful_dataset(
    ids: np.ndarray, max_id: int, n_steps: int = N_STEPS, batch_size: int = 32
) -> tf.data.Dataset:
    """Batches for a stateful RNN: :func:`stateful_windows`, split and one-hot encoded.

    Every batch has exactly `batch_size` rows (a stateful model's batch size is
    fixed) and batches come in text order (never shuffled).

    Returns:
        A dataset of ``(X [batch_size, n_steps, max_id], Y [batch_size, n_steps])``.
    """
    windows = stateful_windows(_check_ids(ids, max_id), n_steps, batch_size)
    dataset = tf.data.Dataset.from_tensor_slices(windows)
    dataset = dataset.map(_inputs_and_targets(max_id),
                          num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
