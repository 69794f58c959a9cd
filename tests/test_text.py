"""Character tokenizer and the char-RNN input pipelines (companion.text)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import data
from companion.text import (
    CharTokenizer,
    lecture_window_dataset,
    split_chronologically,
    stateful_dataset,
    stateful_windows,
    window_dataset,
)

# --- tokenizer -------------------------------------------------------------------

def test_ids_ranked_by_frequency_from_one_after_lower_casing():
    tokenizer = CharTokenizer("aBbCcc")  # c: 3, b: 2, a: 1
    assert tokenizer.vocabulary == "cba"
    assert tokenizer.word_index == {"c": 1, "b": 2, "a": 3}
    assert tokenizer.encode("ABC").tolist() == [3, 2, 1]
    assert tokenizer.max_id == 3
    assert tokenizer.document_size == 6


@pytest.mark.parametrize("text, expected", [("xyyx", "xy"), ("yxxy", "yx"), ("ba ab", "ba ")])
def test_ties_keep_the_order_of_first_occurrence(text, expected):
    assert CharTokenizer(text).vocabulary == expected


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_round_trip_and_ranking_on_any_text(text):
    tokenizer = CharTokenizer(text)
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text.lower()
    assert ids.min() >= 1 and ids.max() <= tokenizer.max_id
    counts = [tokenizer.counts[char] for char in tokenizer.vocabulary]
    assert counts == sorted(counts, reverse=True)


def test_one_hot_is_the_lectures_preprocess():
    tokenizer = CharTokenizer("hello world")
    X = tokenizer.one_hot(["hello", "world"]).numpy()
    assert X.shape == (2, 5, tokenizer.max_id)
    np.testing.assert_array_equal(X.argmax(axis=-1) + 1, [tokenizer.encode("hello"), tokenizer.encode("world")])
    np.testing.assert_array_equal(X.sum(axis=-1), np.ones((2, 5)))


def test_tokenizer_errors_name_the_problem():
    with pytest.raises(ValueError, match="at least one character"):
        CharTokenizer("")
    with pytest.raises(TypeError, match="must be a string"):
        CharTokenizer(["abc"])
    tokenizer = CharTokenizer("abc")
    with pytest.raises(ValueError, match=r"never saw: \['x', 'z'\]"):
        tokenizer.encode("azbx")
    with pytest.raises(ValueError, match="from 1 to max_id=3"):
        tokenizer.decode([0, 1])
    with pytest.raises(ValueError, match="1-D sequence of integers"):
        tokenizer.decode([1.0, 2.0])
    with pytest.raises(ValueError, match="one length"):
        tokenizer.one_hot(["ab", "abc"])
    with pytest.raises(TypeError, match="list of strings"):
        tokenizer.one_hot("abc")


@pytest.mark.skipif(not os.environ.get(data.DATA_DIR_ENV_VAR),
                    reason=f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the Shakespeare corpus")
def test_shakespeare_facts_of_the_lecture():
    text = data.fetch(data.SHAKESPEARE).read_text()
    tokenizer = CharTokenizer(text)
    assert tokenizer.max_id == 39
    assert tokenizer.document_size == len(text) == 1_115_394
    assert tokenizer.encode("First").tolist() == [20, 6, 9, 8, 3]


# --- splitting and windows -------------------------------------------------------

def test_chronological_split_keeps_order():
    ids = np.arange(1000)
    train, rest = split_chronologically(ids)
    assert len(train) == 900
    np.testing.assert_array_equal(np.concatenate([train, rest]), ids)
    with pytest.raises(ValueError, match="train_percent"):
        split_chronologically(ids, 100)


def _ids_of(X):
    return X.numpy().argmax(axis=-1)


@pytest.mark.parametrize("shift", [1, 3, 7])
def test_every_window_is_a_slice_and_targets_are_shifted_by_one(shift):
    ids = (np.arange(60) * 7) % 60  # all distinct: an id tells its position
    position = {value: index for index, value in enumerate(ids)}
    n_steps, starts = 5, []
    dataset = window_dataset(ids, 60, n_steps=n_steps, shift=shift, batch_size=4, seed=1)
    assert len(dataset) == sum(1 for _ in dataset)  # Keras knows the length of an epoch
    for X, Y in dataset:
        assert X.shape[1:] == (n_steps, 60) and Y.shape[1:] == (n_steps,)
        for inputs, targets in zip(_ids_of(X), Y.numpy(), strict=True):
            start = position[inputs[0]]
            np.testing.assert_array_equal(inputs, ids[start:start + n_steps])
            np.testing.assert_array_equal(targets, ids[start + 1:start + n_steps + 1])
            starts.append(start)
    assert sorted(starts) == list(range(0, 60 - n_steps, shift))  # each window exactly once
    assert starts != sorted(starts)  # shuffled


def test_shuffle_is_seeded_and_evaluation_order_is_text_order():
    ids = np.arange(200) % 50

    def first_ids(**kwargs):
        return [_ids_of(X)[:, 0].tolist() for X, _ in window_dataset(ids, 50, n_steps=4, shift=4, **kwargs)]

    assert first_ids(seed=3) == first_ids(seed=3)
    assert first_ids(seed=3) != first_ids(seed=4)
    ordered = sum(first_ids(shuffle_buffer=None), [])
    assert ordered == [ids[start] for start in range(0, 196, 4)]


@pytest.mark.parametrize("n_steps, shift, batch_size, shuffle_buffer, seed", [
    (100, 1, 32, 10_000, 42),  # the lecture's pipeline (shipped checkpoint: shift 50, batch 256)
    (100, 100, 256, 10_000, 42),  # cpu profile
    (100, 100, 32, None, 42),  # evaluation: text order
    (7, 3, 5, 50, 1),  # small buffer: windows leave it in a seeded, partly local order
])
def test_window_dataset_matches_the_window_flat_map_pipeline(n_steps, shift, batch_size,
                                                             shuffle_buffer, seed):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 39, size=3_000 if shift == 1 else 30_000)
    new = window_dataset(ids, 39, n_steps=n_steps, shift=shift, batch_size=batch_size,
                         shuffle_buffer=shuffle_buffer, seed=seed)
    old = lecture_window_dataset(ids, 39, n_steps=n_steps, shift=shift, batch_size=batch_size,
                                 shuffle_buffer=shuffle_buffer, seed=seed)
    n_batches = 0
    for (X_new, Y_new), (X_old, Y_old) in zip(new, old, strict=True):
        assert X_new.dtype == X_old.dtype and Y_new.dtype == Y_old.dtype
        np.testing.assert_array_equal(X_new.numpy(), X_old.numpy())
        np.testing.assert_array_equal(Y_new.numpy(), Y_old.numpy())
        n_batches += 1
    assert n_batches == len(new) > 1


def test_window_dataset_errors():
    with pytest.raises(ValueError, match=r"0-based ids in \[0, 4\]"):
        window_dataset(np.array([0, 5]), 5)
    with pytest.raises(ValueError, match="1-D integer array"):
        window_dataset(np.zeros((2, 3), dtype=int), 5)
    with pytest.raises(ValueError, match="fewer than one window"):
        window_dataset(np.zeros(10, dtype=int), 5, n_steps=10)
    with pytest.raises(ValueError, match="`shift` must be >= 1"):
        window_dataset(np.zeros(20, dtype=int), 5, n_steps=4, shift=0)


def test_stateful_rows_continue_the_rows_of_the_previous_batch():
    ids = np.arange(1000)
    windows = stateful_windows(ids, n_steps=10, batch_size=4)  # streams of 250 characters
    assert windows.shape == (24, 4, 11)
    for k in range(24):
        for i in range(4):
            start = i * 250 + k * 10
            np.testing.assert_array_equal(windows[k, i], ids[start:start + 11])
    # the inputs of batch k + 1 start where the inputs of batch k stopped
    np.testing.assert_array_equal(windows[1:, :, 0], windows[:-1, :, -1])


def test_stateful_dataset_has_full_batches_in_text_order():
    ids = np.arange(403) % 40
    batches = list(stateful_dataset(ids, 40, n_steps=8, batch_size=5))
    windows = stateful_windows(ids, n_steps=8, batch_size=5)
    assert len(batches) == len(windows) == 9
    for (X, Y), window in zip(batches, windows, strict=True):
        assert X.shape == (5, 8, 40)
        np.testing.assert_array_equal(_ids_of(X), window[:, :-1])
        np.testing.assert_array_equal(Y.numpy(), window[:, 1:])
    with pytest.raises(ValueError, match="too few for batch_size=32"):
        stateful_windows(ids, n_steps=100, batch_size=32)


# --- pictures of Part 3 (companion.plots) ------------------------------------------

def test_stateful_picture_draws_each_input_character_once_in_its_batch_colour():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from companion.plots import plot_stateful_windows

    windows = stateful_windows(np.array(list("abcdefghijklmnopqrstuvwx")), n_steps=3, batch_size=2)
    fig = plot_stateful_windows(windows)  # 2 rows of 3 batches of 3 input characters
    ax = fig.axes[0]
    drawn = [t.get_text() for t in ax.texts if len(t.get_text()) == 1]
    assert sorted(drawn) == sorted("abcdefghi" + "mnopqrstu")
    assert {t.get_text() for t in ax.texts} >= {"batch 0", "batch 2", "row 0", "row 1"}
    assert len({patch.get_facecolor() for patch in ax.patches}) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="array of characters"):
        plot_stateful_windows(stateful_windows(np.arange(24), n_steps=3, batch_size=2))


def test_distribution_bars_check_their_shapes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from companion.plots import plot_distributions

    fig = plot_distributions({"T = 1": [0.5, 0.5], "T = 2": [0.6, 0.4]}, ["a", " "])
    assert len(fig.axes[0].patches) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match=r"shape \[2\]"):
        plot_distributions({"T = 1": [0.2, 0.3, 0.5]}, ["a", "b"])
