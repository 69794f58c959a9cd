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
    """Seed Python, NumPy, TensorFlow and Keras, and make TF ops deterministic.

    Args:
        seed: a non-negative integer.

    After this call, the same code on the same machine gives the same numbers.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(
            f"Argument `seed` must be a non-negative integer. Received: seed={seed!r}"
        )
    import keras
    import numpy as np
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds Python, NumPy and TF
    tf.config.experimental.enable_op_determinism()


def configure(seed: int = DEFAULT_SEED) -> None:
    """Prepare a chapter's kernel: seeds, no progress bars, no library noise.

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
    set_seeds(seed)
