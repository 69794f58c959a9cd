"""Quiet, seeded TensorFlow runs (repeatable on one machine): seeding and log levels in one call.

Importing it (like any companion module) before TensorFlow keeps TensorFlow's C++ logs quiet:
``companion/__init__.py`` sets the environment defaults that TensorFlow reads when it loads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sys
import warnings
from collections.abc import Iterator

from companion.checks import integer_at_least

__all__ = ["DEFAULT_SEED", "cap_steps", "capped", "compile_without_xla", "configure", "native_stderr_silenced",
           "set_seeds"]

DEFAULT_SEED = 42


def set_seeds(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy, TensorFlow and Keras.

    Args:
        seed: a non-negative integer.

    Call it before building each model: the same code on the same machine then
    draws the same initial weights, shuffles and dropout masks (another CPU
    type draws the same ones, but learned values still move: see configure).
    """
    seed = integer_at_least("seed", seed, 0)
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds Python, NumPy and TF


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 (what C++ libraries write to) to the null device meanwhile.

    TensorFlow's C++ code logs through absl before ``TF_CPP_MIN_LOG_LEVEL`` applies
    ("All log messages before absl::InitializeLog() ...", "Could not find cuda
    drivers"); Jupyter kernels copy descriptor 2 into the notebook's outputs.
    Python's own ``sys.stderr`` is flushed first; exceptions pass through.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (e.g. some embedded interpreters): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def configure(seed: int = DEFAULT_SEED, op_determinism: bool = True) -> None:
    """Prepare a chapter's kernel: seeds, no progress bars, no library noise.

    Args:
        seed: passed to :func:`set_seeds`.
        op_determinism: make every TensorFlow op deterministic
            (``tf.config.experimental.enable_op_determinism``). It also keeps
            XLA from compiling ``jit_compile=True`` models, so chapters that rely
            on XLA for speed pass ``False``: XLA and Keras' recurrent layers
            still repeat their results on the same machine. On another CPU
            type learned values move, because kernel choice and float
            summation order differ by CPU; the ledger's bands absorb that.

    Progress bars are switched off (``keras.utils.disable_interactive_logging``)
    so that stored notebook outputs carry no timings; chapters show learning
    curves as plots instead.
    """
    with native_stderr_silenced():  # TensorFlow's C++ start-up lines (absl, CUDA probe)
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel(logging.ERROR)
        logging.getLogger("absl").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", category=UserWarning, module="keras")
        keras.utils.disable_interactive_logging()
        if op_determinism:
            tf.config.experimental.enable_op_determinism()
        set_seeds(seed)
        tf.constant(0.0).numpy()  # starts the runtime, which logs once more
    from companion.profiles import get_profile

    cap = get_profile().max_steps
    if cap is not None:  # a smoke run (RNN_BOOK_MAX_STEPS): say so in the output
        cap_steps(cap)
        compile_without_xla()
        print(f"smoke run: every fit capped at {cap} epochs of {cap} batches, "
              f"every evaluate at {cap} batches, XLA off")


def compile_without_xla() -> None:
    """Make every ``keras.Model.compile`` use ``jit_compile=False``. Idempotent.

    For smoke runs, where a model trains a few batches: compiling it with XLA would
    take longer than the run (about 20 s per time-series model on a 2-core CPU, against
    seconds without). The `cpu` profile's run still compiles the chapters' models with
    XLA.
    """
    import keras

    compile_ = getattr(keras.Model.compile, "__wrapped_with_xla__", keras.Model.compile)

    def compile_no_xla(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["jit_compile"] = False
        return compile_(self, *args, **kwargs)

    compile_no_xla.__wrapped_with_xla__ = compile_  # type: ignore[attr-defined]
    keras.Model.compile = compile_no_xla  # type: ignore[method-assign]


def capped(steps: int) -> int:
    """`steps`, or the smoke run's cap (``RNN_BOOK_MAX_STEPS``) where that is smaller.

    For a training loop a chapter writes itself, which :func:`cap_steps` cannot reach:
    ``range(runtime.capped(50))`` runs 50 steps, and 2 under ``RNN_BOOK_MAX_STEPS=2``.
    The same cap as ``fit``'s, from :func:`companion.profiles.max_steps`.
    """
    steps = integer_at_least("steps", steps, 0)
    from companion.profiles import max_steps

    cap = max_steps()
    return steps if cap is None else min(steps, cap)


def cap_steps(max_steps: int) -> None:
    """Make every ``keras.Model.fit`` run at most `max_steps` epochs of at most
    `max_steps` batches, and every ``evaluate`` at most `max_steps` batches.

    For smoke runs (``RNN_BOOK_MAX_STEPS``, applied by :func:`configure`): the
    chapters' code paths run, with any profile, in seconds. Caps ``epochs``,
    ``steps_per_epoch`` and ``validation_steps`` of ``fit``, ``steps`` of
    ``evaluate``, and ``steps_per_execution`` of every later ``compile`` (one call
    into TensorFlow trains up to that many batches, past ``steps_per_epoch``); a
    smaller value given by the chapter is kept; ``predict`` is untouched. Idempotent.
    """
    max_steps = integer_at_least("max_steps", max_steps, 1)
    import keras

    def capped(value: int | None) -> int:
        return max_steps if value is None else min(value, max_steps)

    model = keras.Model
    compile_ = getattr(model.compile, "__wrapped_uncapped__", model.compile)
    fit = getattr(model.fit, "__wrapped_uncapped__", model.fit)
    evaluate = getattr(model.evaluate, "__wrapped_uncapped__", model.evaluate)

    def capped_compile(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["steps_per_execution"] = capped(kwargs.get("steps_per_execution", 1))
        return compile_(self, *args, **kwargs)

    def capped_fit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["epochs"] = capped(kwargs.get("epochs", 1))
        kwargs["steps_per_epoch"] = capped(kwargs.get("steps_per_epoch"))
        kwargs["validation_steps"] = capped(kwargs.get("validation_steps"))
        return fit(self, *args, **kwargs)

    def capped_evaluate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["steps"] = capped(kwargs.get("steps"))
        return evaluate(self, *args, **kwargs)

    capped_compile.__wrapped_uncapped__ = compile_  # type: ignore[attr-defined]
    capped_fit.__wrapped_uncapped__ = fit  # type: ignore[attr-defined]
    capped_evaluate.__wrapped_uncapped__ = evaluate  # type: ignore[attr-defined]
    model.compile = capped_compile  # type: ignore[method-assign]
    model.fit = capped_fit  # type: ignore[method-assign]
    model.evaluate = capped_evaluate  # type: ignore[method-assign]
