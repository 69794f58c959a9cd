"""Loading the char-RNN checkpoint: one helper for the chapter, the export, the benchmarks and the tests."""

import json
import shutil

import numpy as np
import pytest

from companion.text import CharTokenizer
from companion.train_char_rnn import DEFAULT_CHECKPOINT, load_checkpoint, read_log, train

EXPORTED = DEFAULT_CHECKPOINT.parent / "char_rnn.web.js"


@pytest.fixture(scope="module")
def tokenizer() -> CharTokenizer:
    """The Shakespeare tokenizer, rebuilt from the vocabulary the export stores in class order."""
    text = EXPORTED.read_text()
    vocabulary = json.loads(text[text.index("= ") + 2:-2])["manifest"]["vocabulary"]
    return CharTokenizer("".join(vocabulary))  # one of each: ties keep this order


def test_the_shipped_checkpoint_loads_with_its_log_and_metadata(tokenizer):
    checkpoint = load_checkpoint(tokenizer=tokenizer)
    meta = json.loads(DEFAULT_CHECKPOINT.with_suffix(".json").read_text())
    assert checkpoint.meta == meta and checkpoint.tokenizer is tokenizer
    assert checkpoint.epochs == meta["total"]["epochs"]  # the log has one row per epoch of every stage
    assert checkpoint.log["epoch"].tolist() == list(range(checkpoint.epochs))
    assert round(checkpoint.log["val_loss"][-1], 4) == meta["final"]["val_loss"]
    assert checkpoint.weights_file == DEFAULT_CHECKPOINT.parent / "char_rnn.weights.h5"
    # trained weights: "first citize" goes on with "n" (an untrained model: about 1/39 for every character)
    probabilities = checkpoint.model.predict(tokenizer.one_hot(["first citize"]), verbose=0)[0, -1]
    assert probabilities[tokenizer.encode("n")[0] - 1] > 0.9


def test_the_weights_file_names_the_checkpoint_too(tokenizer):
    checkpoint = load_checkpoint(f"{DEFAULT_CHECKPOINT}.weights.h5", tokenizer)
    assert checkpoint.prefix == DEFAULT_CHECKPOINT


def test_a_missing_file_or_a_wrong_tokenizer_is_named(tmp_path, tokenizer):
    prefix = tmp_path / "char_rnn"
    for suffix in (".weights.h5", ".json"):
        shutil.copy(f"{DEFAULT_CHECKPOINT}{suffix}", f"{prefix}{suffix}")
    with pytest.raises(FileNotFoundError, match=r"Argument `checkpoint` .* missing: \['.*char_rnn\.csv'\]"):
        load_checkpoint(prefix, tokenizer)
    shutil.copy(f"{DEFAULT_CHECKPOINT}.csv", f"{prefix}.csv")
    assert load_checkpoint(prefix, tokenizer).epochs == read_log(DEFAULT_CHECKPOINT)["loss"].size
    with pytest.raises(ValueError, match=r"do not fit a model for max_id=3 characters"):
        load_checkpoint(prefix, CharTokenizer("abc"))


def test_read_log_returns_the_columns_of_the_csv(tmp_path):
    (tmp_path / "run.csv").write_text("epoch,loss,val_loss\n0,2.5,2.25\n1,2.0,1.75\n")
    log = read_log(tmp_path / "run")
    assert list(log) == ["epoch", "loss", "val_loss"]
    np.testing.assert_array_equal(log["val_loss"], [2.25, 1.75])


def test_train_takes_keyword_arguments_and_resume_needs_an_earlier_run(tmp_path):
    with pytest.raises(TypeError, match="positional"):
        train(tmp_path / "x", 1)  # type: ignore[misc]
    with pytest.raises(FileNotFoundError, match=r"Argument `out` must name a checkpoint .* missing: \[.*x\.weights"):
        train(tmp_path / "x", resume=True)
