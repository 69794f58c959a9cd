"""tf.data autotuning on and off, for the time-series chapter's sequence-to-sequence model.

``runtime.configure()`` turns tf.data's autotuning off (``runtime.iterate_without_autotuning``):
Keras reads every batch through a tf.data iterator, NumPy arrays included. This trains the
chapter's model as the chapter compiles it (two SimpleRNN(20) and a TimeDistributed Dense(10);
Adam at 0.01, XLA, 32 batches per call; its data and validation set) from the same seed with
autotuning on and off, alternating which goes first, and prints per setting the fastest
training time, its ratio to the time with autotuning off, the process's CPU time as a share of
the CPUs it may use over that time (below 100 %: a CPU sat idle) and the last training and
validation losses (equal: the batches and their order do not depend on autotuning).

``--cpu N`` runs on CPU N only, with one TensorFlow thread, as each worker of the README's
parallel ``pytest`` runs its kernels on a 2-core machine (``book/conftest.py``).

    python benchmarks/tf_data_autotune.py [--epochs 6] [--repeats 2] [--cpu 0]
"""

from __future__ import annotations

import argparse
import os
import time

SETTINGS = ("autotuning on", "autotuning off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="runs per setting (fastest kept)")
    parser.add_argument("--cpu", type=int, default=None, help="run on this CPU only, one TensorFlow thread")
    args = parser.parse_args()
    if os.environ.get("RNN_BOOK_MAX_STEPS"):
        parser.error("RNN_BOOK_MAX_STEPS is set: runtime.configure() would cap the training; unset it")
    if args.cpu is not None:  # before TensorFlow loads: its thread pools read both
        os.sched_setaffinity(0, [args.cpu])
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = "1"

    from companion import runtime  # first: quietens TensorFlow before it loads

    runtime.configure(op_determinism=False)  # as the chapter: XLA

    import tensorflow as tf

    from companion.series import generate_time_series, seq2seq_targets, split

    untuned = tf.data.Dataset.__iter__
    iterators = {"autotuning on": untuned.__tf_method__, "autotuning off": untuned}  # tf.data's own, ours
    X, Y = seq2seq_targets(generate_time_series(10000, 50 + 10, seed=42), 50, ahead=10)  # as the chapter
    (X_train, X_valid, _), (Y_train, Y_valid, _) = split(X), split(Y)
    runs: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in SETTINGS}
    for repeat in range(args.repeats):
        for name in SETTINGS[::-1] if repeat % 2 else SETTINGS:
            tf.data.Dataset.__iter__ = iterators[name]
            runs[name].append(train(args.epochs, (X_train, Y_train, X_valid, Y_valid)))
    cpus = len(os.sched_getaffinity(0))
    where = f"CPU {args.cpu} only, 1 thread" if args.cpu is not None else f"{cpus} CPUs"
    print(f"sequence-to-sequence SimpleRNN, XLA, 32 batches per call, {args.epochs} epochs, {where}, "
          f"fastest of {args.repeats}")
    fastest = {name: min(results) for name, results in runs.items()}
    for name, (seconds, cpu, loss, val_loss) in fastest.items():
        print(f"  {name:15}: {seconds:5.1f} s  {seconds / fastest['autotuning off'][0]:4.2f}x  "
              f"CPU busy {100 * cpu / (seconds * cpus):3.0f} %  loss {loss!r}  val_loss {val_loss!r}")


def train(epochs: int, data: tuple) -> tuple[float, float, float, float]:
    """(seconds, CPU seconds, last loss, last validation loss) of one training run."""
    import keras

    from companion import runtime
    from companion.series import last_time_step_mse

    X_train, Y_train, X_valid, Y_valid = data
    runtime.set_seeds(42)
    model = keras.Sequential([
        keras.Input(shape=[None, 1]),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(10)),
    ])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  metrics=[last_time_step_mse], jit_compile=True, steps_per_execution=32)
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(X_train, Y_train, epochs=epochs, validation_data=(X_valid, Y_valid), verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return seconds, cpu, history.history["loss"][-1], history.history["val_loss"][-1]


if __name__ == "__main__":
    main()
