"""Keras defaults vs `jit_compile=True` for the deep SimpleRNN of the time-series chapter.

Trains the same model from the same seed twice in one run and prints both training
times, their ratio and both validation MSEs.

    python benchmarks/timeseries_training.py [--epochs 20]
"""

from __future__ import annotations

import argparse
import time

from companion import runtime

import keras  # noqa: E402  (after companion.runtime, which quietens TensorFlow)

from companion.series import generate_time_series, split  # noqa: E402


def deep_rnn() -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=[None, 1]),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.SimpleRNN(1),
    ])


def train(jit_compile: bool | str, epochs: int, data: tuple) -> tuple[float, float]:
    """Return (seconds, validation MSE) of one training run."""
    X_train, y_train, X_valid, y_valid = data
    runtime.set_seeds(42)
    model = deep_rnn()
    model.compile(loss="mse", optimizer="adam", jit_compile=jit_compile)
    start = time.perf_counter()
    model.fit(X_train, y_train, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    return seconds, model.evaluate(X_valid, y_valid, verbose=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    runtime.configure(op_determinism=False)  # as the chapter: op determinism would disable XLA
    train_set, valid_set, _ = split(generate_time_series(10000, 51, seed=42))
    data = (train_set[:, :50], train_set[:, -1], valid_set[:, :50], valid_set[:, -1])
    default_s, default_mse = train("auto", args.epochs, data)
    xla_s, xla_mse = train(True, args.epochs, data)
    print(f"deep SimpleRNN, {args.epochs} epochs on 7000 series")
    print(f"  Keras default (jit_compile='auto'): {default_s:6.1f} s   valid MSE {default_mse:.5f}")
    print(f"  jit_compile=True (XLA)            : {xla_s:6.1f} s   valid MSE {xla_mse:.5f}")
    print(f"  speed-up: {default_s / xla_s:.2f}x")


if __name__ == "__main__":
    main()
