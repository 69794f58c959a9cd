"""Keras defaults vs tuned settings (XLA, steps per execution, a larger batch) for the chapter's deep SimpleRNN.

Trains the same model from the same seed, with the chapter's validation set, in one run with:

- Keras defaults (``jit_compile="auto"``, which leaves XLA off on a CPU-only machine),
- ``unroll=True`` (the 50 steps are fixed, so Keras unrolls the recurrence),
- ``jit_compile=True`` (XLA) with the lecture's batches of 32, one batch per call into TensorFlow,
- the same with ``steps_per_execution=32`` (32 batches per call): what the chapters use,
  faster, and its validation MSE equals the previous setting's,
- the tuned setting, XLA and 32 batches per call with batches of ``--batch-size``
  (64 unless given: half as many steps), for a reader who does not need the lecture's
  exact numbers.

XLA and ``unroll=True`` together are left out: compiling the unrolled graph took longer
than the training it saves (0.18x the defaults' speed over 3 epochs on a 2-core CPU).
It prints each training time, its speed-up over the defaults and the validation MSE of
every run. Each setting is trained ``--repeats`` times, interleaved, and its fastest run
is kept (other programs share the machine).

    python benchmarks/timeseries_training.py [--epochs 20] [--repeats 2] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import time

import keras

from companion import runtime
from companion.series import generate_time_series, split

SETTINGS = {  # name: (jit_compile, unroll, batches per call, tuned batch size?)
    "Keras defaults (jit_compile='auto')": ("auto", False, 1, False),
    "unroll=True": ("auto", True, 1, False),
    "XLA, batch 32": (True, False, 1, False),
    "XLA, batch 32, 32 per call (the chapters')": (True, False, 32, False),
    "tuned: XLA, 32 per call, larger batch": (True, False, 32, True),
}


def deep_rnn(unroll: bool, n_steps: int = 50) -> keras.Model:
    """The chapter's deep RNN; `unroll` needs the fixed length `n_steps` in the input shape."""
    return keras.Sequential([
        keras.Input(shape=[n_steps if unroll else None, 1]),
        keras.layers.SimpleRNN(20, return_sequences=True, unroll=unroll),
        keras.layers.SimpleRNN(20, return_sequences=True, unroll=unroll),
        keras.layers.SimpleRNN(1, unroll=unroll),
    ])


def train(jit_compile: bool | str, unroll: bool, steps_per_execution: int, epochs: int, data: tuple,
          batch_size: int = 32) -> tuple[float, float]:
    """Return (seconds, validation MSE) of one training run."""
    X_train, y_train, X_valid, y_valid = data
    runtime.set_seeds(42)
    model = deep_rnn(unroll)
    model.compile(loss="mse", optimizer="adam", jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    start = time.perf_counter()
    model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size,
              validation_data=(X_valid, y_valid), verbose=0)  # as the chapter trains it
    seconds = time.perf_counter() - start
    return seconds, model.evaluate(X_valid, y_valid, verbose=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2, help="runs per setting (fastest kept)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size of the XLA runs")
    args = parser.parse_args()
    runtime.configure(op_determinism=False)  # as the chapter: op determinism would disable XLA
    train_set, valid_set, _ = split(generate_time_series(10000, 51, seed=42))
    data = (train_set[:, :50], train_set[:, -1], valid_set[:, :50], valid_set[:, -1])
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in SETTINGS}
    for _ in range(args.repeats):
        for name, (jit_compile, unroll, steps, tuned) in SETTINGS.items():
            batch_size = args.batch_size if tuned else 32
            runs[name].append(train(jit_compile, unroll, steps, args.epochs, data, batch_size))
    default_s = min(seconds for seconds, _ in runs[next(iter(SETTINGS))])
    print(f"deep SimpleRNN, {args.epochs} epochs on 7000 series, fastest of {args.repeats} runs; "
          f"XLA batch size {args.batch_size}")
    for name, results in runs.items():
        seconds = min(s for s, _ in results)
        mses = "  ".join(f"{mse:.5f}" for _, mse in results)
        print(f"  {name:40}: {seconds:6.1f} s  speed-up {default_s / seconds:4.2f}x  "
              f"valid MSE {mses}")


if __name__ == "__main__":
    main()
