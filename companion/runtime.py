"""Quiet, deterministic TensorFlow runs: seeding and log levels in one call.

Import this module *before* TensorFlow or Keras: it lowers TensorFlow's C++ log
level, which only takes effect if set before TensorFlow loads.
"""

from __future__ import annotations

import logging
import os
import random
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

DEFAULT_SEED = 42


def set_seeds(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy, TensorFlow and Keras.

    Args:
        seed: a non-negative integer.

    Call it before building each model: the same code on the same machine then
    draws the same initial weights, shuffles and dropout masks.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(
            f"Argument `seed` must be a non-negative integer. Received: seed={seed!r}"
        )
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds Python, NumPy and TF


def configure(seed: int = DEFAULT_SEED, op_determinism: bool = True) -> None:
    """Prepare a chapter's kernel: seeds, no progress bars, no library noise.

    Args:
        seed: passed to :func:`set_seeds`.
        op_determinism: make every TensorFlow op deterministic
            (``tf.config.experimental.enable_op_determinism``). It also keeps
            XLA from compiling ``jit_compile=True`` models, so chapters that rely
            on XLA for speed pass ``False``: on a CPU, XLA and Keras' recurrent
            layers still repeat their results run after run, at most in
            the last digits (which the ledger's bands absorb).

    Progress bars are switched off (``keras.utils.disable_interactive_logging``)
    so that stored notebook outputs carry no timings; chapters show learning
    curves as plots instead.
    """
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module="keras")
    keras.utils.disable_interactive_logging()
    if op_determinism:
        tf.config.experimental.enable_op_determinism()
    set_seeds(seed)
