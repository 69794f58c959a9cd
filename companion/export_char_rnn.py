"""Export the char-RNN checkpoint for the browser: one static script with its weights and vocabulary.

The book's page "Generating text with a character-level RNN" runs the checkpoint in
plain JavaScript (``_ext/char_rnn_writer``). A page opened from ``file://`` may not
``fetch`` anything, so the weights travel as a script that the page loads with a
``<script>`` tag: it assigns one object to ``window.charRNNWeights``::

    {"manifest": {...}, "weights": "<base64 of little-endian float32 arrays>"}

The manifest holds the format name, the checkpoint's file name, SHA-256 and held-out
loss, the vocabulary in class order (class ``k`` is tokenizer id ``k + 1``), and for
each layer its class, settings and the shape and byte offset of each array. The arrays
are float32, as in the checkpoint, so the page computes what Keras computes (to about
1e-7). The file is a deterministic function of the checkpoint and the corpus.
Re-export after every new checkpoint, from the repository's root::

    RNN_BOOK_DATA_DIR=../shared/data python -m companion.export_char_rnn

(defaults: ``--checkpoint book/checkpoints/char_rnn --out book/checkpoints/char_rnn.web.js``).
``tests/test_char_rnn_export.py`` fails while the exported file is stale.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

import keras
import numpy as np

from companion import runtime
from companion.train_char_rnn import DEFAULT_CHECKPOINT, load_checkpoint

__all__ = ["FORMAT", "MAX_BYTES", "export", "layer_entries", "main", "web_script"]

FORMAT = "rnn-course/char-rnn-web/1"
GLOBAL_NAME = "charRNNWeights"
MAX_BYTES = 1_000_000
HEADER = ("// The course's char-RNN for the browser. Written by `python -m companion.export_char_rnn`:"
          " do not edit.\n")


def layer_entries(model: keras.Model) -> tuple[list[dict[str, object]], list[np.ndarray]]:
    """The manifest's description of `model`'s layers and their arrays, in order.

    Only what the page's JavaScript computes is accepted: ``GRU`` layers (``reset_after=True``,
    tanh and sigmoid, with biases) followed by one softmax ``Dense`` layer.

    Returns:
        The layer entries (offsets counted from 0) and the float32 arrays in the same order.
    """
    entries: list[dict[str, object]] = []
    arrays: list[np.ndarray] = []
    offset = 0
    for index, layer in enumerate(model.layers):
        last = index == len(model.layers) - 1
        if isinstance(layer, keras.layers.GRU) and not last:
            cell = layer.cell
            supported = (cell.reset_after and cell.use_bias and cell.activation is keras.activations.tanh
                         and cell.recurrent_activation is keras.activations.sigmoid)
            entry: dict[str, object] = {
                "name": f"gru_{index + 1}", "class": "GRU", "units": int(cell.units),
                "reset_after": True, "gate_order": ["z", "r", "h"],
                "activation": "tanh", "recurrent_activation": "sigmoid"}
            names: tuple[str, ...] = ("kernel", "recurrent_kernel", "bias")
        elif isinstance(layer, keras.layers.Dense) and last:
            supported = layer.use_bias and layer.activation is keras.activations.softmax
            entry = {"name": "dense", "class": "Dense", "units": int(layer.units), "activation": "softmax"}
            names = ("kernel", "bias")
        else:
            supported = False
        if not supported:
            raise ValueError(
                f"Layer {layer.name!r} ({type(layer).__name__}) of model {model.name!r} cannot be "
                f"exported: the page computes GRU layers (reset_after=True, tanh, sigmoid, biases) "
                f"followed by one softmax Dense layer, as build_char_model makes them."
            )
        tensors = {}
        for name, variable in zip(names, layer.weights, strict=True):
            array = np.asarray(variable.numpy(), dtype="<f4")
            tensors[name] = {"shape": list(array.shape), "offset": offset}
            offset += array.nbytes
            arrays.append(array)
        entry["weights"] = tensors
        entries.append(entry)
    return entries, arrays


def web_script(model: keras.Model, vocabulary: str, checkpoint: dict[str, object]) -> bytes:
    """The exported script: ``window.charRNNWeights = {"manifest": ..., "weights": ...};``.

    Args:
        model: the char-RNN (``build_char_model``) with the checkpoint's weights.
        vocabulary: the characters in class order (``CharTokenizer.vocabulary``).
        checkpoint: what the manifest tells about the checkpoint (file, sha256, val_loss, epochs).

    Returns:
        UTF-8 bytes, the same for the same inputs.
    """
    if not isinstance(vocabulary, str) or len(vocabulary) != len(set(vocabulary)):
        raise ValueError(
            f"Argument `vocabulary` must be a string of distinct characters (CharTokenizer.vocabulary). "
            f"Received: {vocabulary!r}"
        )
    entries, arrays = layer_entries(model)
    n_outputs = entries[-1]["units"]
    if n_outputs != len(vocabulary):
        raise ValueError(
            f"Model {model.name!r} outputs {n_outputs} classes but the vocabulary has "
            f"{len(vocabulary)} characters. Use the tokenizer the model was trained with."
        )
    blob = b"".join(array.tobytes() for array in arrays)
    manifest = {
        "format": FORMAT,
        "checkpoint": checkpoint,
        "vocabulary": list(vocabulary),
        "dtype": "float32",
        "byte_order": "little",
        "bytes": len(blob),
        "layers": entries,
    }
    payload = json.dumps({"manifest": manifest, "weights": base64.b64encode(blob).decode("ascii")},
                         ensure_ascii=True, separators=(",", ":"))
    return (HEADER + f"window.{GLOBAL_NAME} = {payload};\n").encode("utf-8")


def export(checkpoint: Path | str = DEFAULT_CHECKPOINT, out: Path | str | None = None) -> Path:
    """Write the browser's copy of `checkpoint` to `out` (default ``<checkpoint>.web.js``).

    Needs the Shakespeare corpus (the vocabulary is the tokenizer's, fitted on it).

    Raises:
        FileNotFoundError: a checkpoint file is missing.
        ValueError: `out` does not end in ``.js``, or the export would exceed MAX_BYTES.

    Returns:
        The path written.
    """
    if out is not None and Path(out).suffix != ".js":
        raise ValueError(
            f"Argument `out` must be a .js file (the page loads it with a <script> tag, which also "
            f"works from file://). Received: out={str(out)!r}"
        )
    loaded = load_checkpoint(checkpoint)
    out = Path(f"{loaded.prefix}.web.js") if out is None else Path(out)
    weights_file = loaded.weights_file
    script = web_script(loaded.model, loaded.tokenizer.vocabulary, {
        "file": weights_file.name,
        "sha256": hashlib.sha256(weights_file.read_bytes()).hexdigest(),
        "val_loss": loaded.meta["final"]["val_loss"],
        "epochs": loaded.epochs,
    })
    if len(script) > MAX_BYTES:
        raise ValueError(
            f"The export of {weights_file} would take {len(script):,} bytes, more than MAX_BYTES="
            f"{MAX_BYTES:,} (the page loads it on every visit). Export a smaller model."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(script)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT,
                        help=f"checkpoint prefix or .weights.h5 file (default: {DEFAULT_CHECKPOINT})")
    parser.add_argument("--out", type=Path, default=None,
                        help="the .js file to write (default: <checkpoint>.web.js)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    runtime.configure()
    try:
        out = export(args.checkpoint, args.out)
    except (FileNotFoundError, ValueError) as error:
        parser.error(str(error))
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
