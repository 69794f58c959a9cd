"""Companion package of the course "Recurrent Neural Networks".

The plumbing the chapters import so that the lesson (models, ``compile``, ``fit``
and results) stays visible in the pages: data access, synthetic series,
the results ledger, run profiles, seeding and plots.
"""

__version__ = "0.1.0"
