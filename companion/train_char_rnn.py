"""The course's character-level model, and the script that trains the checkpoint the book ships.

Both chapters on text generation build their models with :func:`build_char_model`
(and show its source), so the shipped weights fit them by construction.
Reproduce the checkpoint's first run (about 15 minutes on a 2-core CPU)::

    RNN_BOOK_DATA_DIR=../shared/data python -m companion.train_char_rnn --out book/checkpoints/char_rnn

then continue it with ``--resume`` runs, each command as recorded in
``<out>.json`` (``stages``, oldest first: batch size, learning rate, seed).

It writes ``<out>.weights.h5`` (the weights), ``<out>.csv`` (loss and val_loss
per epoch) and ``<out>.json`` (command, settings, duration, final losses,
versions, earlier runs and the totals). After retraining, export the weights
for the page's live writer: ``python -m companion.export_char_rnn``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from companion import data, runtime
from companion.checks import integer_at_least
from companion.text import N_STEPS, CharTokenizer, split_chronologically, window_dataset

__all__ = ["DEFAULT_CHECKPOINT", "CharCheckpoint", "build_char_model", "checkpoint_prefix", "load_checkpoint",
           "main", "read_log", "train"]

DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "book" / "checkpoints" / "char_rnn"
WEIGHTS_SUFFIX = ".weights.h5"
CHECKPOINT_FILES = (WEIGHTS_SUFFIX, ".json", ".csv")  # weights, metadata (<out>.json), per-epoch log
EPOCHS = 12
BATCH_SIZE = 256  # chosen for CPU throughput: 2-3 times the characters per second of batch 32
SHIFT = 50
LEARNING_RATE = 0.005
DROPOUT = 0.2


def build_char_model(max_id: int, batch_size: int | None = None, stateful: bool = False,
                     dropout: float = DROPOUT) -> keras.Sequential:
    """Two GRU(128) layers and a softmax over the characters at every time step.

    Args:
        max_id: number of distinct characters: the one-hot input depth and the
            number of output classes.
        batch_size: a fixed batch size, required by a stateful model; ``None``
            accepts any batch size.
        stateful: keep each GRU's final states as its initial states for the
            next batch (reset them with ``layer.reset_state()``).
        dropout: the fraction of each GRU's inputs dropped while training (it
            has no effect on predictions; the weights are the same for any rate).

    Returns:
        An uncompiled model mapping ``[batch, time, max_id]`` one-hot characters
        to ``[batch, time, max_id]`` next-character probabilities.
    """
    max_id = integer_at_least("max_id", max_id, 2)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(
            f"Argument `dropout` must be in [0, 1). Received: dropout={dropout!r}"
        )
    if stateful and batch_size is None:
        raise ValueError(
            "A stateful model needs a fixed batch size: one state per row of the "
            "batch. "
            "Pass batch_size=... (e.g. 32). Received: batch_size=None, stateful=True"
        )
    return keras.Sequential([
        keras.Input(batch_shape=(batch_size, None, max_id)),
        keras.layers.GRU(128, return_sequences=True, dropout=dropout,
                         stateful=stateful),
        keras.layers.GRU(128, return_sequences=True, dropout=dropout,
                         stateful=stateful),
        keras.layers.Dense(max_id, activation="softmax"),  # acts at every time step
    ])


def checkpoint_prefix(checkpoint: Path | str, argument: str = "checkpoint") -> Path:
    """`checkpoint` as a path prefix (``book/checkpoints/char_rnn``), checking its three files exist.

    Accepts the prefix or the ``.weights.h5`` file itself. `argument` is the name the
    caller's reader typed it as (e.g. ``"out"`` for :func:`train`).

    Raises:
        FileNotFoundError: ``<prefix>.weights.h5``, ``.json`` or ``.csv`` is missing.
    """
    text = str(checkpoint)
    prefix = Path(text.removesuffix(WEIGHTS_SUFFIX))
    missing = [f"{prefix}{suffix}" for suffix in CHECKPOINT_FILES if not Path(f"{prefix}{suffix}").is_file()]
    if missing:
        raise FileNotFoundError(
            f"Argument `{argument}` must name a checkpoint written by companion.train_char_rnn "
            f"(a path prefix such as 'book/checkpoints/char_rnn', with .weights.h5, .json and .csv). "
            f"Received: {argument}={text!r}; missing: {missing}."
        )
    return prefix


def read_log(prefix: Path | str) -> dict[str, np.ndarray]:
    """The per-epoch log ``<prefix>.csv`` (Keras' CSVLogger) by column: ``epoch``, ``loss``, ``val_loss``: [epochs]."""
    with open(f"{prefix}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0]) if rows else []
    return {column: np.array([float(row[column]) for row in rows]) for column in columns}


@dataclass(frozen=True)
class CharCheckpoint:
    """A loaded checkpoint: the model with its weights, its tokenizer, what training recorded.

    Attributes:
        model: the uncompiled :func:`build_char_model` with the checkpoint's weights.
        tokenizer: the tokenizer whose ids the model was trained on.
        meta: ``<prefix>.json``: command, settings, seconds, final losses, versions,
            earlier ``stages`` (oldest first) and the ``total`` of all stages.
        log: ``<prefix>.csv`` by column (:func:`read_log`), one value per epoch.
        prefix: the checkpoint's path prefix.
    """

    model: keras.Sequential
    tokenizer: CharTokenizer
    meta: dict[str, Any]
    log: dict[str, np.ndarray]
    prefix: Path

    @property
    def epochs(self) -> int:
        """Epochs trained, all stages included: the rows of the log."""
        return len(self.log["loss"])

    @property
    def weights_file(self) -> Path:
        return Path(f"{self.prefix}{WEIGHTS_SUFFIX}")


def load_checkpoint(checkpoint: Path | str = DEFAULT_CHECKPOINT, tokenizer: CharTokenizer | None = None,
                    dropout: float = DROPOUT) -> CharCheckpoint:
    """Load a checkpoint written by :func:`train`: the model, its tokenizer, its metadata and log.

    Args:
        checkpoint: the path prefix (or the ``.weights.h5`` file); default: the checkpoint the book ships.
        tokenizer: the tokenizer fitted on Shakespeare; ``None`` fits it (reads the corpus
            with :func:`companion.data.fetch`).
        dropout: the GRUs' dropout while training on (predictions do not depend on it).

    Raises:
        FileNotFoundError: a file of the checkpoint is missing.
        ValueError: `tokenizer` has another number of characters than the model was trained on.
    """
    prefix = checkpoint_prefix(checkpoint)
    if tokenizer is None:
        tokenizer = CharTokenizer(data.fetch(data.SHAKESPEARE).read_text())
    model = build_char_model(tokenizer.max_id, dropout=dropout)
    try:
        model.load_weights(f"{prefix}{WEIGHTS_SUFFIX}")
    except ValueError as error:
        raise ValueError(
            f"The weights in {prefix}{WEIGHTS_SUFFIX} do not fit a model for max_id={tokenizer.max_id} "
            f"characters: pass the tokenizer fitted on the Shakespeare text ({error})"
        ) from None
    meta = json.loads(Path(f"{prefix}.json").read_text())
    return CharCheckpoint(model, tokenizer, meta, read_log(prefix), prefix)


def train(out: Path, *, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, shift: int = SHIFT,
          learning_rate: float = LEARNING_RATE, seed: int = runtime.DEFAULT_SEED,
          command: str = "", resume: bool = False, dropout: float = DROPOUT) -> dict[str, Any]:
    """Train on the first 90 % of Shakespeare, validate on the rest, save to `out`.*

    `command` is the command line recorded in ``<out>.json``. With `resume`,
    training starts from ``<out>.weights.h5`` (a fresh optimizer), numbers its
    epochs after those already in ``<out>.csv``, appends to that log and keeps
    the earlier stages in ``<out>.json``.

    Returns:
        The metadata also written to ``<out>.json``.
    """
    runtime.set_seeds(seed)
    if resume:  # the files of the earlier run, checked before the corpus is read
        checkpoint_prefix(out, argument="out")
    shakespeare = data.fetch(data.SHAKESPEARE).read_text()
    tokenizer = CharTokenizer(shakespeare)
    train_ids, valid_ids = split_chronologically(tokenizer.encode(shakespeare) - 1)
    train_set = window_dataset(train_ids, tokenizer.max_id, shift=shift, batch_size=batch_size, seed=seed)
    valid_set = window_dataset(valid_ids, tokenizer.max_id, shift=N_STEPS, batch_size=batch_size,
                               shuffle_buffer=None)
    earlier: list[dict[str, Any]] = []  # the stages this run continues, oldest first
    initial_epoch = 0
    if resume:
        checkpoint = load_checkpoint(out, tokenizer, dropout=dropout)
        model = checkpoint.model
        previous = dict(checkpoint.meta)
        earlier = previous.pop("stages", [])
        earlier.append(previous)
        initial_epoch = checkpoint.epochs
    else:
        model = build_char_model(tokenizer.max_id, dropout=dropout)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=learning_rate))
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    history = model.fit(train_set, initial_epoch=initial_epoch, epochs=initial_epoch + epochs,
                        validation_data=valid_set, verbose=2,
                        callbacks=[keras.callbacks.CSVLogger(f"{out}.csv", append=resume)])
    seconds = time.perf_counter() - start
    weights_only = build_char_model(tokenizer.max_id)  # uncompiled: no optimizer state in the file
    weights_only.set_weights(model.get_weights())
    weights_only.save_weights(f"{out}.weights.h5")
    meta: dict[str, Any] = {
        "command": command,
        "settings": {"epochs": epochs, "batch_size": batch_size, "shift": shift, "n_steps": N_STEPS,
                     "seed": seed, "dropout": dropout,
                     "optimizer": f"Adam(learning_rate={learning_rate:g})",
                     "train_chars": int(len(train_ids)), "valid_chars": int(len(valid_ids))},
        "seconds": round(seconds),
        "final": {key: round(values[-1], 4) for key, values in history.history.items()},
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
    }
    if earlier:
        meta["stages"] = earlier  # the runs this one resumed from, oldest first
    meta["total"] = {  # the whole training, all stages included
        "epochs": initial_epoch + epochs,
        "seconds": sum(int(stage["seconds"]) for stage in earlier) + meta["seconds"],
    }
    Path(f"{out}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True,
                        help="path prefix of the outputs, e.g. book/checkpoints/char_rnn")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--shift", type=int, default=SHIFT)
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    parser.add_argument("--seed", type=int, default=runtime.DEFAULT_SEED)
    parser.add_argument("--dropout", type=float, default=DROPOUT,
                        help="input dropout of both GRU layers while training")
    parser.add_argument("--resume", action="store_true",
                        help="continue from <out>.weights.h5 and append to <out>.csv")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    command = "python -m companion.train_char_rnn " + shlex.join(argv)
    meta = train(args.out, epochs=args.epochs, batch_size=args.batch_size, shift=args.shift,
                 learning_rate=args.learning_rate, seed=args.seed, command=command, resume=args.resume,
                 dropout=args.dropout)
    print(json.dumps(meta["final"]))


if __name__ == "__main__":
    main()
