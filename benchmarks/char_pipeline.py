"""Characters per second: what the char-RNN input pipeline delivers vs what training consumes.

For each setting (batch size, window shift) it measures, in one run:

- the pipeline alone (``window_dataset`` iterated without a model),
- the lecture's pipeline alone (``dataset.window`` + ``flat_map``, one small dataset per
  window; ``companion.text.lecture_window_dataset``, which ``tests/test_text.py`` checks gives the
  same batches),
- training on batches already in memory (the model's own speed),
- training on the pipeline itself (what the chapter does).

The pipeline is not the bottleneck when it delivers more than training consumes
and training on it is as fast as training from memory.

    RNN_BOOK_DATA_DIR=../shared/data python benchmarks/char_pipeline.py [--steps 40]
"""

from __future__ import annotations

import argparse

import tensorflow as tf

from companion import data, runs, runtime
from companion.text import (
    N_STEPS,
    CharTokenizer,
    lecture_window_dataset,
    split_chronologically,
    window_dataset,
)
from companion.train_char_rnn import build_char_model

SETTINGS = ((32, 1), (256, 50), (256, 100))  # (batch size, shift): the lecture's, the checkpoint's, cpu


def pipeline_rate(dataset: tf.data.Dataset, steps: int, batch_size: int) -> float:
    iterator = iter(dataset)
    next(iterator)  # fills the shuffle buffer
    with runs.timer() as clock:
        for _ in range(steps):
            next(iterator)
    return steps * batch_size * N_STEPS / clock.seconds


def training_rate(dataset: tf.data.Dataset, steps: int, batch_size: int, max_id: int) -> float:
    runtime.set_seeds(42)
    model = build_char_model(max_id)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(dataset, steps_per_epoch=3, epochs=1, verbose=0)  # warm-up: tracing
    with runs.timer() as clock:
        model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps * batch_size * N_STEPS / clock.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="batches per measurement")
    args = parser.parse_args()
    runtime.configure()
    shakespeare = data.fetch(data.SHAKESPEARE).read_text()
    tokenizer = CharTokenizer(shakespeare)
    train_ids, _ = split_chronologically(tokenizer.encode(shakespeare) - 1)
    print(f"characters per second, {args.steps} batches of {N_STEPS}-step windows each")
    print(f"{'batch':>6}{'shift':>6}{'lecture':>11}{'pipeline':>12}{'training':>10}"
          f"{'on pipeline':>13}{'pipeline / lecture':>20}{'pipeline / training':>21}")
    for batch_size, shift in SETTINGS:
        def make(shift: int = shift, batch_size: int = batch_size) -> tf.data.Dataset:
            return window_dataset(train_ids, tokenizer.max_id, shift=shift,
                                  batch_size=batch_size).repeat()

        delivered = pipeline_rate(make(), args.steps, batch_size)
        lecture = pipeline_rate(
            lecture_window_dataset(train_ids, tokenizer.max_id, shift=shift, batch_size=batch_size).repeat(),
            args.steps, batch_size)
        in_memory = make().take(8).cache().repeat()
        consumed = training_rate(in_memory, args.steps, batch_size, tokenizer.max_id)
        end_to_end = training_rate(make(), args.steps, batch_size, tokenizer.max_id)
        print(f"{batch_size:6}{shift:6}{lecture:11,.0f}{delivered:12,.0f}{consumed:10,.0f}"
              f"{end_to_end:13,.0f}{delivered / lecture:19.1f}x{delivered / consumed:20.1f}x")


if __name__ == "__main__":
    main()
