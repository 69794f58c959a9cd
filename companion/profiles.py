"""Run profiles: how much training a chapter does.

``cpu`` (the default, what CI runs) keeps every chapter within minutes on a
2-core CPU; ``full`` runs the lecture's exact settings and is meant for GPU
runners. Choose with the environment variable ``RNN_BOOK_PROFILE``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

__all__ = ["DEFAULT_PROFILE", "MAX_STEPS_ENV_VAR", "PROFILE_ENV_VAR", "PROFILES", "Profile", "get_profile", "max_steps"]

PROFILE_ENV_VAR = "RNN_BOOK_PROFILE"
DEFAULT_PROFILE = "cpu"
MAX_STEPS_ENV_VAR = "RNN_BOOK_MAX_STEPS"


@dataclass(frozen=True)
class Profile:
    """Training settings of one profile.

    Attributes:
        name: ``"cpu"`` or ``"full"``.
        timeseries_epochs: epochs of every time-series model (the parts "Basics of RNNs" and
            "More advanced cells").
        char_window_shift: shift between successive Shakespeare training windows.
        char_epochs: epochs of the stateless character model.
        char_steps_per_epoch: batches per epoch of the character models
            (``None``: the whole dataset).
        char_batch_size: batch size of the stateless character model.
        char_learning_rate: Adam's learning rate for it (larger batches take larger steps).
        stateful_epochs: epochs of the stateful character model.
        imdb_epochs: epochs of the IMDB sentiment models.
        max_steps: ``None``, or a cap on the epochs of every ``fit`` and on the
            batches of every epoch, validation and evaluation (``RNN_BOOK_MAX_STEPS``,
            for smoke runs of a profile's code paths: :func:`companion.runtime.configure`
            applies it to every model).
    """

    name: str
    timeseries_epochs: int
    char_window_shift: int
    char_epochs: int
    char_steps_per_epoch: int | None
    char_batch_size: int
    char_learning_rate: float
    stateful_epochs: int
    imdb_epochs: int
    max_steps: int | None = None


PROFILES: dict[str, Profile] = {
    "cpu": Profile(
        name="cpu",
        timeseries_epochs=20,
        char_window_shift=100,  # non-overlapping windows: about 40 batches of 256 per epoch
        char_epochs=4,
        char_steps_per_epoch=None,
        char_batch_size=256,  # for CPU throughput (the lecture's is 32)
        char_learning_rate=0.005,  # as the shipped checkpoint (companion/train_char_rnn.py)
        stateful_epochs=2,
        imdb_epochs=2,  # the GRU overfits: test accuracy 0.76, 0.76, 0.74 after epochs 1-3
    ),
    "full": Profile(
        name="full",
        timeseries_epochs=20,
        char_window_shift=1,
        char_epochs=10,
        char_steps_per_epoch=None,
        char_batch_size=32,
        char_learning_rate=0.001,  # Adam's default: the lecture's optimizer="adam"
        stateful_epochs=50,
        imdb_epochs=5,  # the lecture's
    ),
}


def get_profile(name: str | None = None) -> Profile:
    """Return the profile called `name`, or the one ``RNN_BOOK_PROFILE`` names.

    Args:
        name: ``"cpu"``, ``"full"`` or ``None`` (read the environment; default
            ``"cpu"``). Case and surrounding spaces are ignored.
    """
    source = "argument `name`"
    if name is None:
        name = os.environ.get(PROFILE_ENV_VAR, DEFAULT_PROFILE)
        source = f"environment variable {PROFILE_ENV_VAR}"
    if not isinstance(name, str):
        raise TypeError(f"Profile name must be a string. Received: {name!r}")
    key = name.strip().lower() or DEFAULT_PROFILE
    if key not in PROFILES:
        raise ValueError(
            f"Unknown profile {name!r} (from {source}). Expected one of "
            f"{sorted(PROFILES)}: set {PROFILE_ENV_VAR}=cpu for CI-sized runs "
            f"or {PROFILE_ENV_VAR}=full for the lecture's settings."
        )
    return replace(PROFILES[key], max_steps=max_steps())


def max_steps() -> int | None:
    """The cap ``RNN_BOOK_MAX_STEPS`` puts on epochs and batches (``None``: unset, no cap)."""
    value = os.environ.get(MAX_STEPS_ENV_VAR, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"Environment variable {MAX_STEPS_ENV_VAR} must be a positive integer (epochs "
            f"and batches per epoch in a smoke run) or unset. Received: {value!r}"
        )
    return int(value)
