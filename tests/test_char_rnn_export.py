"""The browser's copy of the char-RNN checkpoint (companion.export_char_rnn), decoded here on its own."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import keras
import numpy as np
import pytest

from companion import (
    data,
    runtime,  # before Keras
)
from companion.export_char_rnn import MAX_BYTES, export, main, web_script
from companion.text import CharTokenizer
from companion.train_char_rnn import build_char_model, load_checkpoint

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINT = ROOT / "book" / "checkpoints" / "char_rnn"
EXPORTED = ROOT / "book" / "checkpoints" / "char_rnn.web.js"
needs_corpus = pytest.mark.skipif(not os.environ.get(data.DATA_DIR_ENV_VAR),
                                  reason=f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the "
                                         f"Shakespeare corpus (the vocabulary is fitted on it)")


def decode(script: bytes) -> tuple[dict, list[np.ndarray]]:
    """The manifest and the arrays (in manifest order) of an exported script, parsed independently."""
    text = script.decode("utf-8")
    assignment = "window.charRNNWeights = "
    start = text.index(assignment) + len(assignment)
    assert text.endswith(";\n")
    exported = json.loads(text[start:-2])
    manifest, blob = exported["manifest"], base64.b64decode(exported["weights"], validate=True)
    assert manifest["dtype"] == "float32" and manifest["byte_order"] == "little"
    assert len(blob) == manifest["bytes"]
    arrays, end = [], 0
    for layer in manifest["layers"]:
        for spec in layer["weights"].values():
            assert spec["offset"] == end, "arrays must be packed in order"
            count = int(np.prod(spec["shape"]))
            arrays.append(np.frombuffer(blob, "<f4", count, spec["offset"]).reshape(spec["shape"]))
            end = spec["offset"] + 4 * count
    assert end == len(blob)
    return manifest, arrays


@pytest.fixture(scope="module")
def committed() -> tuple[dict, list[np.ndarray]]:
    return decode(EXPORTED.read_bytes())


def test_export_is_under_the_size_limit():
    assert EXPORTED.stat().st_size < MAX_BYTES == 1_000_000


def test_committed_export_holds_the_checkpoints_weights_exactly(committed):
    manifest, arrays = committed
    weights_file = Path(f"{CHECKPOINT}.weights.h5")
    assert manifest["checkpoint"]["sha256"] == hashlib.sha256(weights_file.read_bytes()).hexdigest(), \
        "the checkpoint changed: re-export with `python -m companion.export_char_rnn`"
    model = load_checkpoint(CHECKPOINT, CharTokenizer("".join(manifest["vocabulary"]))).model
    expected = [variable.numpy() for variable in model.weights]
    assert [a.shape for a in arrays] == [e.shape for e in expected]
    for array, weights in zip(arrays, expected, strict=True):
        np.testing.assert_array_equal(array, weights)
    assert [layer["class"] for layer in manifest["layers"]] == ["GRU", "GRU", "Dense"]
    assert all(layer["gate_order"] == ["z", "r", "h"] and layer["reset_after"]
               for layer in manifest["layers"][:2])
    meta = json.loads(Path(f"{CHECKPOINT}.json").read_text())
    assert manifest["checkpoint"]["val_loss"] == meta["final"]["val_loss"]


@needs_corpus
def test_vocabulary_is_the_tokenizers_in_class_order(committed):
    manifest, _ = committed
    tokenizer = CharTokenizer(data.fetch(data.SHAKESPEARE).read_text())
    assert "".join(manifest["vocabulary"]) == tokenizer.vocabulary
    assert all(len(char) == 1 for char in manifest["vocabulary"])
    # class k is tokenizer id k + 1, as the chapter's one_hot and decode use it
    assert tokenizer.decode([manifest["vocabulary"].index("u") + 1]) == "u"


@needs_corpus
def test_a_fresh_export_equals_the_committed_file(tmp_path):
    out = export(CHECKPOINT, tmp_path / "char_rnn.web.js")
    assert out.read_bytes() == EXPORTED.read_bytes(), \
        "book/checkpoints/char_rnn.web.js is stale: run `python -m companion.export_char_rnn`"


def test_bad_arguments_get_clear_errors(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match=r"Argument `checkpoint`.*missing.*nowhere\.weights\.h5"):
        export(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"Argument `out` must be a \.js file.*x\.json"):
        export(CHECKPOINT, tmp_path / "x.json")
    with pytest.raises(SystemExit) as exit_info:
        main(["--checkpoint", str(tmp_path / "nowhere")])
    assert exit_info.value.code == 2 and "Argument `checkpoint`" in capsys.readouterr().err


def test_only_what_the_page_computes_is_exported():
    runtime.set_seeds(0)
    model = build_char_model(3)
    with pytest.raises(ValueError, match="outputs 3 classes but the vocabulary has 2"):
        web_script(model, "ab", {})
    with pytest.raises(ValueError, match="distinct characters"):
        web_script(model, "aab", {})
    lstm = keras.Sequential([keras.Input((None, 3)), keras.layers.LSTM(4, return_sequences=True),
                             keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(ValueError, match=r"cannot be exported.*GRU layers \(reset_after=True"):
        web_script(lstm, "abc", {})
    _, arrays = decode(web_script(model, "abc", {}))
    for array, variable in zip(arrays, model.weights, strict=True):
        np.testing.assert_array_equal(array, variable.numpy())
