"""The Python-level LNSimpleRNNCell vs Keras' SimpleRNN, side by side in one run.

Trains the sequence-to-sequence model of the time-series chapters with plain
``SimpleRNN`` layers and with ``RNN(LNSimpleRNNCell)`` layers, and prints the
seconds per epoch (after a warm-up epoch that traces and compiles) and their
ratio in three settings:

1. Keras' default (``jit_compile="auto"``: no XLA on a CPU-only machine);
2. ``jit_compile=True`` after ``runtime.configure()``: Keras silently falls back
   to no XLA while TensorFlow's op determinism is enabled (which
   ``runtime.configure()`` does by default), so this row matches row 1;
3. ``jit_compile=True`` with op determinism switched off: XLA really compiles.

The last column says whether the compiled model used XLA (``model.jit_compile``).

    python benchmarks/ln_cell.py [--epochs 3]
"""

from __future__ import annotations

import argparse

import keras

from companion import runs, runtime
from companion.cells import LNSimpleRNNCell
from companion.series import generate_time_series, seq2seq_targets, split


def seq2seq(cell: str) -> keras.Model:
    def recurrent() -> keras.layers.Layer:
        if cell == "plain":
            return keras.layers.SimpleRNN(20, return_sequences=True)
        return keras.layers.RNN(LNSimpleRNNCell(20), return_sequences=True)

    return keras.Sequential([keras.Input(shape=[None, 1]), recurrent(), recurrent(),
                             keras.layers.TimeDistributed(keras.layers.Dense(10))])


def seconds_per_epoch(cell: str, setting: str, epochs: int, X, Y) -> tuple[float, bool]:
    """Mean seconds per epoch after a warm-up epoch, and whether XLA was used."""
    runtime.set_seeds(42)
    if setting == "xla, determinism off":
        from tensorflow.python.framework import config

        config.disable_op_determinism()
    model = seq2seq(cell)
    model.compile(loss="mse", optimizer="adam", jit_compile=setting != "Keras default")
    model.fit(X, Y, epochs=1, verbose=0)  # warm-up: tracing (and XLA compilation)
    with runs.timer() as clock:
        model.fit(X, Y, epochs=epochs, verbose=0)
    return clock.seconds / epochs, bool(model.jit_compile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    runtime.configure()
    X, Y = seq2seq_targets(generate_time_series(10000, 60, seed=42), 50)
    X_train, Y_train = split(X)[0], split(Y)[0]
    settings = ("Keras default", "jit_compile=True", "xla, determinism off")
    print(f"seconds per epoch on 7000 series of 50 steps (mean of {args.epochs} after a warm-up)")
    print(f"{'':24}{'SimpleRNN':>10}{'LN cell':>10}{'LN / plain':>12}{'XLA used':>10}")
    for setting in settings:
        plain, xla_plain = seconds_per_epoch("plain", setting, args.epochs, X_train, Y_train)
        ln, xla_ln = seconds_per_epoch("ln", setting, args.epochs, X_train, Y_train)
        print(f"{setting:24}{plain:10.2f}{ln:10.2f}{ln / plain:11.2f}x{str(xla_plain and xla_ln):>10}",
              flush=True)


if __name__ == "__main__":
    main()
