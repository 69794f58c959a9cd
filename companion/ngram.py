"""Character n-gram models with add-one smoothing: the baselines a char-RNN must beat.

An n-gram model predicts a character from the ``n - 1`` characters before it, by
counting:

    p(c | context) = (count(context, c) + 1) / (count(context) + V)

where ``V`` is the size of the vocabulary (add-one, or Laplace, smoothing: every
character gets one imaginary occurrence after every context, so no held-out
character has probability 0). Ids are 0-based, as the char-RNN's targets:
``ids: [n]`` with values in ``[0, V)``. The chapter shows this module, so its lines
stay within 88 characters.
"""

from __future__ import annotations

import numpy as np

from companion.checks import integer_at_least

__all__ = ["ngram_cross_entropy"]


def _ids_arg(name: str, ids: object, vocabulary_size: int) -> np.ndarray:
    array = np.asarray(ids)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"Argument `{name}` must be a 1-D array of integer ids. "
                        f"Received: {name} with shape {array.shape} "
                        f"and dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() >= vocabulary_size):
        raise ValueError(f"Argument `{name}` must hold ids in [0, {vocabulary_size}). "
                         f"Received: ids from {array.min()} to {array.max()}")
    return array.astype(np.int64)


def _codes(ids: np.ndarray, order: int, vocabulary_size: int) -> np.ndarray:
    """Each n-gram of `ids` as one integer in base V: ``[len(ids) - order + 1]``."""
    codes = np.zeros(len(ids) - order + 1, dtype=np.int64)
    for offset in range(order):
        codes = codes * vocabulary_size + ids[offset:len(ids) - order + 1 + offset]
    return codes


def _counts(keys: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """How often each of `keys` occurs in `seen` (``[n]`` codes): ``[len(keys)]``."""
    values, counts = np.unique(seen, return_counts=True)
    where = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    return np.where(values[where] == keys, counts[where], 0)


def ngram_cross_entropy(train_ids: object, test_ids: object, order: int,
                        vocabulary_size: int) -> float:
    """Mean negative log-probability, in nats per character, of each of `test_ids`.

    The model is counted on `train_ids` (``[n_train]``). `test_ids` (``[n_test]``)
    is the text that follows it: its first ``order - 1`` characters are conditioned
    on the last characters of `train_ids`.

    Example:
        >>> # after "0", "1" was seen twice in training: p = (2 + 1) / (2 + 3)
        >>> round(ngram_cross_entropy([0, 1, 0, 1, 0], [1], 2, 3), 4)
        0.5108
    """
    integer_at_least("order", order, 1)
    integer_at_least("vocabulary_size", vocabulary_size, 1)
    train = _ids_arg("train_ids", train_ids, vocabulary_size)
    test = _ids_arg("test_ids", test_ids, vocabulary_size)
    if len(train) < order or not len(test):
        raise ValueError(f"Arguments `train_ids` and `test_ids` must hold at least "
                         f"{order} and 1 ids. "
                         f"Received: {len(train)} and {len(test)} ids")
    seen = _codes(train, order, vocabulary_size)  # every n-gram of the training text
    context = train[len(train) - order + 1:]  # empty for unigrams
    asked = _codes(np.concatenate([context, test]), order, vocabulary_size)
    gram_counts = _counts(asked, seen)  # count(context, c)
    # count(context): the n-grams that start with the context
    context_counts = _counts(asked // vocabulary_size, seen // vocabulary_size)
    probabilities = (gram_counts + 1) / (context_counts + vocabulary_size)
    return float(-np.mean(np.log(probabilities)))
