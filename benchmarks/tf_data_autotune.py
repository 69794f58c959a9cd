"""tf.data autotuning on and off, for the time-series chapter's sequence-to-sequence model.

``runtime.configure()`` turns tf.data's autotuning off (``runtime.iterate_without_autotuning``):
Keras reads every batch through a tf.data iterator, NumPy arrays included. This trains the
chapter's model (two SimpleRNN(20), a TimeDistributed Dense(10); XLA, 32 batches per call, the
chapter's validation set) from the same seed with autotuning on and off, interleaved, and prints
per setting the fastest training time, the process's CPU time as a share of that time (below
100 %: the process sat idle) and the last training and validation losses (equal: the batches
and their order do not depend on autotuning).

``--cpu N`` runs on CPU N only, with one TensorFlow thread, as a worker of the README's
parallel ``pytest`` runs its kernels (``book/conftest.py``).

    python benchmarks/tf_data_autotune.py [--epochs 6] [--repeats 2] [--cpu 0]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="runs per setting (fastest kept)")
    parser.add_argument("--cpu", type=int, default=None, help="run on this CPU only, one TensorFlow thread")
    args = parser.parse_args()
    if args.cpu is not None:  # before TensorFlow loads: its thread pools read both
        os.sched_setaffinity(0, [args.cpu])
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = "1"

    import tensorflow as tf

    from companion import runtime
    from companion.series import generate_time_series, seq2seq_targets, split

    runtime.configure(op_determinism=False)  # as the chapter: XLA
    untuned = tf.data.Dataset.__iter__
    tuned = untuned.__tf_method__  # tf.data's own, autotuning on
    X, Y = seq2seq_targets(generate_time_series(10000, 50 + 10, seed=42), 50, ahead=10)  # as the chapter
    (X_train, X_valid, _), (Y_train, Y_valid, _) = split(X), split(Y)
    data = (X_train, Y_train, X_valid, Y_valid)
    runs: dict[str, list[tuple[float, float, float, float]]] = {"autotuning on": [], "autotuning off": []}
    for _ in range(args.repeats):
        for name, iterate in (("autotuning on", tuned), ("autotuning off", untuned)):
            tf.data.Dataset.__iter__ = iterate
            runs[name].append(train(args.epochs, data))
    where = f"CPU {args.cpu} only, 1 thread" if args.cpu is not None else f"{len(os.sched_getaffinity(0))} CPUs"
    print(f"sequence-to-sequence SimpleRNN, XLA, 32 batches per call, {args.epochs} epochs, {where}, "
          f"fastest of {args.repeats}")
    for name, results in runs.items():
        seconds, cpu, loss, val_loss = min(results)
        print(f"  {name:15}: {seconds:5.1f} s  CPU busy {100 * cpu / seconds:3.0f} %  "
              f"loss {loss!r}  val_loss {val_loss!r}")


def train(epochs: int, data: tuple) -> tuple[float, float, float, float]:
    """(seconds, CPU seconds, last loss, last validation loss) of one training run."""
    import keras

    from companion import runtime

    X_train, Y_train, X_valid, Y_valid = data
    runtime.set_seeds(42)
    model = keras.Sequential([
        keras.Input(shape=[None, 1]),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(10)),
    ])
    model.compile(loss="mse", optimizer="adam", jit_compile=True, steps_per_execution=32)
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(X_train, Y_train, epochs=epochs, validation_data=(X_valid, Y_valid), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return seconds, cpu, history.history["loss"][-1], history.history["val_loss"][-1]


if __name__ == "__main__":
    main()
