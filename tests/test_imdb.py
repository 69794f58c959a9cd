"""IMDB: loading, the lecture's preprocessing, the vocabulary and the id view, on tiny data."""

from __future__ import annotations

import io
import tarfile
from collections import Counter
from pathlib import Path

import pytest
import tensorflow as tf

from companion import (
    imdb,
    runtime,  # noqa: F401  (quiet TensorFlow before it loads)
)

PAD = b"<pad>"

REVIEWS = {
    ("train", "neg", "0_2.txt"): "Bad. Boring<br />and long.",
    ("train", "neg", "1_1.txt"): "the worst film",
    ("train", "pos", "0_9.txt"): "A great film!",
    ("train", "pos", "1_10.txt"): "Loved it, the best film",
    ("test", "neg", "0_3.txt"): "not good",
    ("test", "pos", "0_8.txt"): "good",
}


def write_folder(root: Path, reviews: dict = REVIEWS) -> Path:
    for (split, label, name), text in reviews.items():
        path = root / split / label / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def reviews_dataset(texts: list[str], labels: list[int] | None = None) -> tf.data.Dataset:
    labels = [0] * len(texts) if labels is None else labels
    return tf.data.Dataset.from_tensor_slices((texts, labels))


# --- loading -------------------------------------------------------------------


def test_load_split_labels_and_sorted_order(tmp_path):
    root = write_folder(tmp_path)
    pairs = [(text.numpy().decode(), int(label)) for text, label in
             imdb.load_split(root, "train", seed=None)]
    assert pairs == [("Bad. Boring<br />and long.", 0), ("the worst film", 0),
                     ("A great film!", 1), ("Loved it, the best film", 1)]


def test_load_split_seeded_order_is_fixed_across_passes_and_loads(tmp_path):
    root = write_folder(tmp_path)
    dataset = imdb.load_split(root, "train", seed=7)
    first = [text.numpy() for text, _ in dataset]
    assert [text.numpy() for text, _ in dataset] == first
    assert [text.numpy() for text, _ in imdb.load_split(root, "train", seed=7)] == first
    assert sorted(first) == sorted(text.encode() for (split, _, _), text in REVIEWS.items()
                                   if split == "train")


def test_load_split_rejects_a_folder_without_the_split(tmp_path):
    write_folder(tmp_path, {("train", "neg", "0_1.txt"): "x"})
    with pytest.raises(FileNotFoundError, match=r"test.*no neg/ or pos/ folder"):
        imdb.load_split(tmp_path, "test")
    with pytest.raises(FileNotFoundError, match="no pos/ folder"):
        imdb.load_split(tmp_path, "train")
    with pytest.raises(ValueError, match="`split` must be one of"):
        imdb.load_split(tmp_path, "unsup")


def make_archive(path: Path, reviews: dict = REVIEWS) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for (split, label, name), text in reviews.items():
            payload = text.encode()
            info = tarfile.TarInfo(f"aclImdb/{split}/{label}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


def test_extract_imdb_returns_the_folder_with_the_splits(tmp_path):
    archive = make_archive(tmp_path / "aclImdb_v1.tar.gz")
    root = imdb.extract_imdb(archive, tmp_path / "cache" / "aclImdb")
    assert (root / "train" / "pos" / "1_10.txt").read_text() == "Loved it, the best film"
    labels = [int(label) for _, label in imdb.load_split(root, "test", seed=None)]
    assert labels == [0, 1]


def test_extract_imdb_missing_archive(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        imdb.extract_imdb(tmp_path / "nope.tar.gz", tmp_path / "out")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_extract_imdb_corrupt_archive(tmp_path, damage):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    if damage == "garbage":
        archive.write_bytes(b"this is not a tar.gz archive" * 10)
    else:
        payload = make_archive(tmp_path / "good.tar.gz").read_bytes()
        archive.write_bytes(payload[: len(payload) // 2])
    with pytest.raises(ValueError, match="corrupt or not a .tar.gz"):
        imdb.extract_imdb(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- preprocessing ---------------------------------------------------------------


def test_preprocess_matches_hand_computed_words():
    words, labels = imdb.preprocess(
        tf.constant(["I<br />loved it! Don't miss, 10/10.", "Bad<br/>film", "ok<br>"]),
        tf.constant([1, 0, 1]))
    assert words.numpy().tolist() == [
        [b"I", b"loved", b"it", b"Don't", b"miss"],
        [b"Bad", b"film", PAD, PAD, PAD],
        [b"ok", PAD, PAD, PAD, PAD],
    ]
    assert labels.numpy().tolist() == [1, 0, 1]


def test_preprocess_keeps_the_first_300_characters():
    words, _ = imdb.preprocess(tf.constant(["ab " * 150]), tf.constant([0]))  # 450 characters
    assert words.shape == (1, 100)  # "ab " x 100 = 300 characters


def test_preprocess_works_inside_dataset_map():
    dataset = reviews_dataset(["one two", "three"]).batch(2).map(imdb.preprocess)
    words, _ = next(iter(dataset))
    assert words.numpy().tolist() == [[b"one", b"two"], [b"three", PAD]]


@pytest.mark.parametrize("value, error, message", [
    ([], ValueError, "empty"),
    ([1, 2], TypeError, "must hold strings"),
    ("a single review", ValueError, "1-D batch"),
    ([["a"], ["b"]], ValueError, "1-D batch"),
])
def test_preprocess_rejects_bad_input(value, error, message):
    with pytest.raises(error, match=message):
        imdb.preprocess(value, None)


# --- vocabulary ----------------------------------------------------------------


def test_count_words_counts_padding_per_batch():
    dataset = reviews_dataset(["The cat", "the dog sat"])
    assert imdb.count_words(dataset, batch_size=2) == Counter(
        {b"The": 1, b"cat": 1, b"the": 1, b"dog": 1, b"sat": 1, PAD: 1})
    assert PAD not in imdb.count_words(dataset, batch_size=1)


def test_count_words_rejects_a_batched_dataset():
    with pytest.raises(TypeError, match="unbatched"):
        imdb.count_words(reviews_dataset(["a"]).batch(1))


def test_vocabulary_truncates_with_pad_first_and_looks_up_words():
    counts = Counter({b"the": 50, PAD: 40, b"a": 30, b"movie": 20, b"rare": 1})
    vocab = imdb.Vocabulary.from_counts(counts, vocab_size=3, num_oov_buckets=5)
    assert vocab.words == (PAD, b"the", b"a")
    assert vocab.size == 8
    ids = vocab.table.lookup(tf.constant([[b"the", b"a", PAD, b"movie", b"rare", b"movie"]]))
    known, oov = ids.numpy()[0, :3].tolist(), ids.numpy()[0, 3:].tolist()
    assert known == [1, 2, 0]
    assert all(3 <= id_ < 8 for id_ in oov) and oov[0] == oov[2]


def test_vocabulary_puts_pad_first_even_without_padding():
    vocab = imdb.Vocabulary.from_counts(Counter({b"the": 3, b"a": 2}), vocab_size=2)
    assert vocab.words == (PAD, b"the")


def test_vocabulary_encode_maps_words_and_keeps_labels():
    vocab = imdb.Vocabulary(["<pad>", "good", "bad"], num_oov_buckets=1)
    dataset = reviews_dataset(["good good", "bad"], [1, 0]).batch(2).map(imdb.preprocess)
    ids, labels = next(iter(dataset.map(vocab.encode)))
    assert ids.numpy().tolist() == [[1, 1], [2, 0]]
    assert labels.numpy().tolist() == [1, 0]


@pytest.mark.parametrize("vocab_size", [0, -3])
def test_vocabulary_size_must_be_positive(vocab_size):
    with pytest.raises(ValueError, match="vocab_size"):
        imdb.Vocabulary.from_counts(Counter({b"a": 1}), vocab_size=vocab_size)


def test_vocabulary_rejects_empty_or_duplicate_words():
    with pytest.raises(ValueError, match="at least one word"):
        imdb.Vocabulary([])
    with pytest.raises(ValueError, match="duplicates"):
        imdb.Vocabulary(["a", b"a"])
    with pytest.raises(ValueError, match="num_oov_buckets"):
        imdb.Vocabulary(["a"], num_oov_buckets=0)


# --- id view ---------------------------------------------------------------------


def test_word_index_ranks_by_frequency_then_alphabetically():
    index = imdb.WordIndex.from_reviews(reviews_dataset(["The film, the END.", "film<br />b"]))
    assert index.word_index == {"film": 1, "the": 2, "b": 3, "end": 4}


def test_word_index_round_trip_and_unknown_words():
    index = imdb.WordIndex.from_reviews(reviews_dataset(["this film was great", "this film"]))
    assert index.word_index == {"film": 1, "this": 2, "great": 3, "was": 4}
    ids = index.encode("This FILM was great!")
    assert ids == [1, 2 + 3, 1 + 3, 4 + 3, 3 + 3]
    assert index.decode(ids) == "<sos> this film was great"
    assert index.decode(index.encode("this was awful")) == "<sos> this was <unk>"
    assert index.decode([0, 0]) == "<pad> <pad>"


def test_word_index_rejects_bad_input():
    index = imdb.WordIndex({"a": 1})
    with pytest.raises(ValueError, match="without a word"):
        index.decode([1, 5])
    with pytest.raises(TypeError, match="`review` must be a string"):
        index.encode(b"bytes")
    with pytest.raises(ValueError, match=r"Argument `word_index\['a'\]` must be >= 1"):
        imdb.WordIndex({"a": 0})
    with pytest.raises(TypeError, match=r"Argument `word_index\['a'\]` must be an integer"):
        imdb.WordIndex({"a": 1.0})
    with pytest.raises(TypeError, match="must map words \\(str\\) to ranks"):
        imdb.WordIndex({b"a": 1})
