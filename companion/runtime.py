"""Quiet, seeded TensorFlow runs (repeatable on one machine): seeding and log levels in one call.

Importing it (like any companion module) before TensorFlow keeps TensorFlow's C++ logs quiet:
``companion/__init__.py`` sets the environment defaults that TensorFlow reads when it loads.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import random
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from companion.checks import integer_at_least

__all__ = ["DEFAULT_SEED", "cap_steps", "capped", "compile_without_xla", "configure", "iterate_without_autotuning",
           "native_stderr_silenced", "set_seeds"]

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
    curves as plots instead. ``tf.data`` iterators run without autotuning
    (:func:`iterate_without_autotuning`): the same batches, less idle time.
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
        iterate_without_autotuning()
        tf.constant(0.0).numpy()  # starts the runtime, which logs once more
    from companion.profiles import get_profile

    cap = get_profile().max_steps
    if cap is not None:  # a smoke run (RNN_BOOK_MAX_STEPS): say so in the output
        cap_steps(cap)
        compile_without_xla()
        print(f"smoke run: every fit capped at {cap} epochs of {cap} batches, "
              f"every evaluate at {cap} batches, XLA off")


def iterate_without_autotuning() -> None:
    """Make every iterator that ``iter(dataset)`` creates run with ``tf.data``'s autotuning off.

    Keras' ``fit``, ``evaluate`` and ``predict`` read their batches through such an
    iterator, NumPy arrays included, as does a ``for`` loop over a dataset in Python.
    The batches and their order do not depend on autotuning; the time does: on one CPU
    (as each worker of the README's parallel ``pytest`` runs on a 2-core machine),
    training with it on left the CPU idle part of the time. ``benchmarks/tf_data_autotune.py``
    measures both settings. A dataset's own ``autotune.enabled`` setting is overridden.
    Idempotent.
    """
    import tensorflow as tf

    dataset = tf.data.Dataset
    iterate = getattr(dataset.__iter__, "__tf_method__", dataset.__iter__)

    @functools.wraps(iterate)
    def iterate_untuned(self: Any) -> Any:
        options = tf.data.Options()
        options.autotune.enabled = False
        return iterate(self.with_options(options))

    iterate_untuned.__tf_method__ = iterate  # type: ignore[attr-defined]
    dataset.__iter__ = iterate_untuned  # type: ignore[method-assign]


def compile_without_xla() -> None:
    """Make every ``keras.Model.compile`` use ``jit_compile=False``. Idempotent.

    For smoke runs, where a model trains a few batches: compiling it with XLA takes
    longer than the run. On one CPU, the smoke runs of ``time_series`` and
    ``training_many_steps`` took 54 and 158 s with the chapters' XLA, against 27 to 31 s
    and 47 to 54 s without. The `cpu` profile's run still compiles the chapters' models
    with XLA.
    """
    _override("compile", "xla off", lambda kwargs: kwargs.update(jit_compile=False))


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

    def cap(kwargs: dict[str, Any], name: str, default: int | None) -> None:
        value = kwargs.get(name, default)
        kwargs[name] = max_steps if value is None else min(value, max_steps)

    def cap_fit(kwargs: dict[str, Any]) -> None:
        cap(kwargs, "epochs", 1)
        cap(kwargs, "steps_per_epoch", None)
        cap(kwargs, "validation_steps", None)

    _override("compile", "cap", lambda kwargs: cap(kwargs, "steps_per_execution", 1))
    _override("fit", "cap", cap_fit)
    _override("evaluate", "cap", lambda kwargs: cap(kwargs, "steps", None))


def _override(method: str, name: str, adjust: Callable[[dict[str, Any]], None]) -> None:
    """Make ``keras.Model.<method>`` call ``adjust(kwargs)`` on its keyword arguments first.

    Overrides compose: each has a `name`, and the one wrapper around Keras' own method
    applies them all, in the order they were first made; a second override with the same
    `name` replaces the first. So :func:`configure` can run twice in one kernel without
    stacking wrappers. Keras' own method stays at ``keras.Model.<method>.__keras_method__``.
    """
    import keras

    current = getattr(keras.Model, method)
    keras_method = getattr(current, "__keras_method__", current)
    adjustments = {**getattr(current, "__adjustments__", {}), name: adjust}

    @functools.wraps(keras_method)
    def adjusted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        for adjustment in adjustments.values():
            adjustment(kwargs)
        return keras_method(self, *args, **kwargs)

    adjusted.__keras_method__ = keras_method  # type: ignore[attr-defined]
    adjusted.__adjustments__ = adjustments  # type: ignore[attr-defined]
    setattr(keras.Model, method, adjusted)
