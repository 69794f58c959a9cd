"""Companion package of the course "Recurrent Neural Networks".

The plumbing the chapters import so that the lesson (models, ``compile``, ``fit``
and results) stays visible in the pages: data access, synthetic series,
the results ledger, run profiles, seeding and plots.

Importing the package (any of its modules) sets TensorFlow's environment defaults;
a value already in the environment wins. TensorFlow reads them when it loads, so
they quieten it only if a companion import comes first; nothing else depends on
the order of imports.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logs: fatal ones only
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"
