"""IMDB reviews: the splits, the lecture's TF-only preprocessing, the vocabulary and an id view.

The Large Movie Review Dataset (Maas et al., 2011) holds 25,000 training and
25,000 test reviews, half positive and half negative, one text file each:
``aclImdb/{train,test}/{neg,pos}/<id>_<rating>.txt``. Labels are ``0`` (neg)
and ``1`` (pos).
"""

from __future__ import annotations

import gzip
import tarfile
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import tensorflow as tf

from companion import data
from companion.checks import check_string_batch, integer_at_least

__all__ = ["Vocabulary", "WordIndex", "count_words", "extract_imdb", "load_split", "preprocess"]

CLASS_NAMES = ("neg", "pos")
SPLITS = ("train", "test")
PAD, SOS, UNK = "<pad>", "<sos>", "<unk>"
SOS_ID, UNK_ID = 1, 2  # ids of the id view (0 is <pad>), as keras.datasets.imdb
INDEX_FROM = 3  # id of the word ranked r is r + 3
MAX_CHARS = 300
VOCAB_SIZE = 10_000
NUM_OOV_BUCKETS = 1_000
BATCH_SIZE = 32
DEFAULT_SEED = 42


def extract_imdb(archive: Path | None = None, target: Path | None = None) -> Path:
    """Extract the IMDB archive (once) and return the folder holding ``train/`` and ``test/``.

    Args:
        archive: the ``.tar.gz`` (default: ``data.fetch(data.IMDB)``: local copy,
            cache or download, checksummed).
        target: extraction folder (default: ``<cache>/aclImdb``); an existing one is reused.

    Raises:
        FileNotFoundError: `archive` does not exist.
        ValueError: `archive` is not a readable ``.tar.gz`` file.
    """
    archive = data.fetch(data.IMDB) if archive is None else Path(archive)
    target = data.cache_dir() / "aclImdb" if target is None else Path(target)
    if not target.is_dir() and not archive.is_file():
        raise FileNotFoundError(
            f"IMDB archive {archive} does not exist. Pass the path of aclImdb_v1.tar.gz, "
            f"or call extract_imdb() without `archive` to fetch it (set "
            f"{data.DATA_DIR_ENV_VAR} to a folder holding a local copy)."
        )
    try:
        data.extract_tar(archive, target)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ValueError(
            f"IMDB archive {archive} is corrupt or not a .tar.gz archive ({error}). "
            f"Delete it and fetch it again with companion.data.fetch(companion.data.IMDB)."
        ) from None
    return target / "aclImdb"


def load_split(root: Path, split: str, seed: int | None = DEFAULT_SEED) -> tf.data.Dataset:
    """One split of the extracted data as a dataset of ``(review, label)`` pairs.

    Files are indexed by ``keras.utils.text_dataset_from_directory`` with
    ``class_names=["neg", "pos"]`` and ``shuffle=False``: all ``neg`` files, then
    all ``pos`` files, each in sorted file-name order. With a `seed` the dataset
    is then shuffled once by ``Dataset.shuffle`` over the whole split
    (``reshuffle_each_iteration=False``): the same order at every pass, like
    the pre-shuffled TFDS copy the lecture iterates. The order depends on `seed`
    and on TensorFlow's global seed (``runtime.configure`` sets both to 42).

    Args:
        root: folder holding ``train/`` and ``test/`` (see :func:`extract_imdb`).
        split: ``"train"`` or ``"test"``.
        seed: shuffle seed, or ``None`` for the sorted order (enough for evaluation).

    Returns:
        Unbatched dataset of ``(review: string [], label: int32 [])``.
    """
    if split not in SPLITS:
        raise ValueError(f"Argument `split` must be one of {SPLITS}. Received: split={split!r}")
    folder = Path(root) / split
    missing = [name for name in CLASS_NAMES if not (folder / name).is_dir()]
    if missing:
        raise FileNotFoundError(
            f"{folder} has no {' or '.join(f'{name}/' for name in missing)} folder: expected "
            f"the IMDB layout <root>/{split}/{{neg,pos}}/<id>_<rating>.txt. Pass the folder "
            f"that extract_imdb() returns."
        )
    dataset = keras.utils.text_dataset_from_directory(
        folder, labels="inferred", label_mode="int", class_names=list(CLASS_NAMES),
        batch_size=None, shuffle=False, verbose=False,
    )
    if seed is not None:
        seed = integer_at_least("seed", seed, 0)
        n_reviews = int(dataset.cardinality())
        dataset = dataset.shuffle(n_reviews, seed=seed, reshuffle_each_iteration=False)
    return dataset


def preprocess(X_batch: tf.Tensor, y_batch: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """The lecture's preprocessing, in TensorFlow ops only (usable in ``Dataset.map``).

    Keeps the first 300 bytes of each review, replaces ``<br />`` tags and every
    character outside ``[a-zA-Z']`` by a space, splits on whitespace and pads
    each row with ``b"<pad>"`` to the longest review of the batch.

    Args:
        X_batch: reviews, string ``[batch]``.
        y_batch: labels ``[batch]``, returned unchanged.

    Returns:
        ``(words, y_batch)`` with words a string tensor ``[batch, max_words]``.
    """
    X_batch = check_string_batch("X_batch", X_batch)
    X_batch = tf.strings.substr(X_batch, 0, MAX_CHARS)
    X_batch = tf.strings.regex_replace(X_batch, b"<br\\s*/?>", b" ")
    X_batch = tf.strings.regex_replace(X_batch, b"[^a-zA-Z']", b" ")
    X_batch = tf.strings.split(X_batch)
    return X_batch.to_tensor(default_value=PAD.encode()), y_batch


def _check_reviews(dataset: object) -> tf.data.Dataset:
    spec = getattr(dataset, "element_spec", None)
    if not (isinstance(spec, tuple) and len(spec) == 2 and spec[0].dtype == tf.string
            and spec[0].shape.rank == 0):
        raise TypeError(
            "Argument `dataset` must be an unbatched tf.data.Dataset of (review, label) "
            f"pairs with string reviews, as load_split() returns. Received element_spec: {spec}"
        )
    return dataset


def count_words(dataset: tf.data.Dataset,
                batch_size: int = BATCH_SIZE) -> Counter[bytes]:
    """Count the preprocessed words of `dataset` as the lecture does (padding included).

    Args:
        dataset: unbatched ``(review, label)`` pairs.
        batch_size: reviews per batch; each batch is padded to its longest
            review, so the count of ``b"<pad>"`` depends on it and on the order.

    Returns:
        ``Counter`` of ``bytes`` words.
    """
    dataset = _check_reviews(dataset)
    batch_size = integer_at_least("batch_size", batch_size, 1)
    counts: Counter[bytes] = Counter()
    for X_batch, _ in dataset.batch(batch_size).map(preprocess):
        counts.update(X_batch.numpy().ravel().tolist())
    return counts


class Vocabulary:
    """The truncated vocabulary and its lookup table (word -> id).

    Ids ``0 .. len(words) - 1`` are the known words, ``b"<pad>"`` always at
    id 0 (so that ``Embedding(mask_zero=True)`` masks the padding); any other
    word is hashed into one of `num_oov_buckets` ids after them.

    Attributes:
        words: the known words, ``bytes``, in id order.
        num_oov_buckets: number of ids reserved for unknown words.
        table: the ``tf.lookup.StaticVocabularyTable``.
    """

    def __init__(self, words: Sequence[bytes | str], num_oov_buckets: int = NUM_OOV_BUCKETS):
        if isinstance(words, (str, bytes)) or not isinstance(words, Sequence):
            raise TypeError(f"Argument `words` must be a sequence of words. Received: {words!r}")
        if len(words) < 1:
            raise ValueError(
                "Argument `words` is empty: the vocabulary needs at least one word "
                "(vocab_size >= 1)."
            )
        encoded = tuple(word.encode() if isinstance(word, str) else word for word in words)
        if not all(isinstance(word, bytes) for word in encoded):
            raise TypeError(f"Argument `words` must hold str or bytes. Received: {words!r}")
        if len(set(encoded)) != len(encoded):
            raise ValueError("Argument `words` has duplicates: every word needs one id.")
        self.words = encoded
        self.num_oov_buckets = integer_at_least("num_oov_buckets", num_oov_buckets, 1)
        init = tf.lookup.KeyValueTensorInitializer(
            tf.constant(self.words), tf.range(len(self.words), dtype=tf.int64))
        self.table = tf.lookup.StaticVocabularyTable(init, self.num_oov_buckets)

    @classmethod
    def from_counts(cls, counts: Mapping[bytes, int], vocab_size: int = VOCAB_SIZE,
                    num_oov_buckets: int = NUM_OOV_BUCKETS) -> Vocabulary:
        """``b"<pad>"`` and the ``vocab_size - 1`` most common other words of `counts`.

        When ``<pad>`` is the most common word (as in the lecture) this is
        exactly ``counts.most_common()[:vocab_size]``.
        """
        vocab_size = integer_at_least("vocab_size", vocab_size, 1)
        pad = PAD.encode()
        ranked = [word for word, _ in Counter(counts).most_common() if word != pad]
        return cls([pad, *ranked[:vocab_size - 1]], num_oov_buckets)

    @property
    def size(self) -> int:
        """All ids: known words plus OOV buckets (the ``Embedding``'s ``input_dim``)."""
        return len(self.words) + self.num_oov_buckets

    def encode(self, X_batch: tf.Tensor,
               y_batch: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """Words ``[batch, max_words]`` -> int64 ids: the lecture's ``encode_words``."""
        return self.table.lookup(X_batch), y_batch


def _index_words(texts: tf.Tensor) -> tf.RaggedTensor:
    """Words of the id view: lower-cased, ``<br />`` removed, split on ``[^a-z0-9']``."""
    texts = tf.strings.lower(texts, encoding="utf-8")
    texts = tf.strings.regex_replace(texts, b"<br\\s*/?>", b" ")
    texts = tf.strings.regex_replace(texts, b"[^a-z0-9']", b" ")
    return tf.strings.split(texts)


@dataclass(frozen=True)
class WordIndex:
    """A ``keras.datasets.imdb``-style view: reviews as lists of word ids.

    ``word_index`` ranks words by frequency (1 = most frequent), like
    ``keras.datasets.imdb.get_word_index()``; a review's ids are
    ``[1 (<sos>)] + [rank + 3 ...]``, with 0 = ``<pad>`` and 2 = ``<unk>``.
    """

    word_index: Mapping[str, int]
    _id_to_word: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for word, rank in self.word_index.items():
            if not isinstance(word, str):
                raise TypeError(f"Argument `word_index` must map words (str) to ranks (int >= 1). "
                                f"Received the key {word!r}")
            integer_at_least(f"word_index[{word!r}]", rank, 1)  # the rank of `word`
        id_to_word = {rank + INDEX_FROM: word for word, rank in self.word_index.items()}
        id_to_word.update({0: PAD, SOS_ID: SOS, UNK_ID: UNK})
        object.__setattr__(self, "_id_to_word", id_to_word)

    @classmethod
    def from_reviews(cls, dataset: tf.data.Dataset) -> WordIndex:
        """Rank the words of the (full) reviews in `dataset`; ties in alphabetical order."""
        dataset = _check_reviews(dataset)
        counts: Counter[bytes] = Counter()
        for texts, _ in dataset.batch(1024):
            counts.update(_index_words(texts).flat_values.numpy().tolist())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return cls({word.decode(): rank for rank, (word, _) in enumerate(ranked, start=1)})

    def encode(self, review: str) -> list[int]:
        """``[1] + ids`` of the review's words; unknown words become 2 (``<unk>``)."""
        if not isinstance(review, str):
            raise TypeError(f"Argument `review` must be a string. Received: {review!r}")
        words = [word.decode() for word in _index_words(tf.constant([review]))[0].numpy()]
        return [SOS_ID] + [self.word_index[word] + INDEX_FROM if word in self.word_index
                           else UNK_ID for word in words]

    def decode(self, ids: Sequence[int]) -> str:
        """The words of `ids`, joined by spaces (the lecture's ``id_to_word`` lookup)."""
        unknown = [id_ for id_ in ids if id_ not in self._id_to_word]
        if unknown:
            raise ValueError(
                f"Argument `ids` has ids without a word: {unknown[:5]}. Valid ids are 0..."
                f"{len(self.word_index) + INDEX_FROM - 1}."
            )
        return " ".join(self._id_to_word[id_] for id_ in ids)
