"""companion.ngram: add-one smoothed character n-grams, checked against counting by hand."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from companion.ngram import ngram_cross_entropy


def cross_entropy_by_hand(train: list[int], test: list[int], order: int, vocabulary_size: int) -> float:
    """The definition, with dictionaries: every test id conditioned on the ids before it."""
    grams = Counter(tuple(train[i:i + order]) for i in range(len(train) - order + 1))
    contexts = Counter(tuple(train[i:i + order - 1]) for i in range(len(train) - order + 1))
    stream = train[len(train) - (order - 1):] + test if order > 1 else test
    total = 0.0
    for i in range(order - 1, len(stream)):
        gram = tuple(stream[i - order + 1:i + 1])
        total -= math.log((grams[gram] + 1) / (contexts[gram[:-1]] + vocabulary_size))
    return total / len(test)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_cross_entropy_equals_counting_by_hand(order: int) -> None:
    rng = np.random.default_rng(order)
    train = rng.integers(0, 5, size=300).tolist()
    test = rng.integers(0, 5, size=40).tolist()
    expected = cross_entropy_by_hand(train, test, order, 5)
    assert ngram_cross_entropy(np.array(train), np.array(test), order, 5) == pytest.approx(expected, rel=1e-12)


def test_unseen_contexts_get_the_uniform_probability() -> None:
    # "0 1" (the end of training) was followed once, by "2": p(3 | 0 1) = 1 / 5; the contexts
    # "1 3" and "3 3" were never seen: add-one smoothing gives each character 1/4
    loss = ngram_cross_entropy(np.array([0, 1, 2, 0, 1]), np.array([3, 3, 3]), order=3, vocabulary_size=4)
    assert loss == pytest.approx((math.log(5) + 2 * math.log(4)) / 3)


def test_a_long_context_without_enough_data_does_worse() -> None:
    rng = np.random.default_rng(0)
    train, test = rng.integers(0, 6, size=2000), rng.integers(0, 6, size=500)
    # independent characters: context only spreads the counts thinner
    assert ngram_cross_entropy(train, test, 1, 6) < ngram_cross_entropy(train, test, 4, 6)


def test_more_context_helps_on_a_text_with_structure() -> None:
    text = np.array([0, 1, 2, 3] * 200)
    entropies = [ngram_cross_entropy(text, text[:40], order, 4) for order in (1, 2, 3)]
    assert entropies[0] == pytest.approx(math.log(4), rel=1e-3)
    assert entropies[0] > entropies[1] > entropies[2] * 0.99


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"order": 0}, ValueError, "`order` must be >= 1"),
    ({"order": 2.0}, TypeError, "`order` must be an integer"),
    ({"test_ids": np.array([0, 9])}, ValueError, "`test_ids` must hold ids in [0, 4). Received: ids from 0 to 9"),
    ({"test_ids": np.array([], dtype=int)}, ValueError, "must hold at least 2 and 1 ids. Received: 4 and 0 ids"),
    ({"train_ids": np.array([0.5, 1.0])}, TypeError, "`train_ids` must be a 1-D array of integer ids"),
])
def test_bad_arguments_are_named(kwargs: dict, error: type, words: str) -> None:
    arguments = {"train_ids": np.array([0, 1, 2, 3]), "test_ids": np.array([1, 2]), "order": 2,
                 "vocabulary_size": 4, **kwargs}
    with pytest.raises(error, match=words.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        ngram_cross_entropy(**arguments)
