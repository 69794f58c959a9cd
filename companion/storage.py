"""Where measured values are kept: ``results/<profile>.json`` files, locked, merged and written atomically.

Values are kept in this process always (so a chapter's own tables show what it
just measured), and written to ``results/`` only when ``RNN_BOOK_RECORD=1`` (a
maintainer refreshing the results, see CONTRIBUTING.md): running the tests never
modifies tracked files. Writers that run at the same time (chapters executed in
parallel) each lock the folder, re-read the file, merge their keys and replace it
atomically, so no writer loses another's keys. :mod:`companion.ledger` (figures)
and :mod:`companion.runs` (training runs) store through this module.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from companion.profiles import Profile, get_profile, max_steps

__all__ = [
    "RECORD_ENV_VAR",
    "RESULTS_ENV_VAR",
    "read_json",
    "recording",
    "results_dir",
    "results_path",
    "update_json",
    "write_json",
]

RESULTS_ENV_VAR = "RNN_BOOK_RESULTS_DIR"
RECORD_ENV_VAR = "RNN_BOOK_RECORD"

# Values this process measured, by results file: they shadow the file's values, so a
# chapter's tables show its own fresh measurements whether or not it records them.
_SESSION: dict[Path, dict[str, object]] = {}
# Sections (objects nested under one top-level key, merged key by key) this process wrote, by file.
_SESSION_SECTIONS: dict[Path, dict[str, dict[str, object]]] = {}


def results_dir() -> Path:
    """Folder of ``<profile>.json`` result files (``RNN_BOOK_RESULTS_DIR`` or ``results/``)."""
    override = os.environ.get(RESULTS_ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "results"


def results_path(profile: Profile | str | None = None, suffix: str = "") -> Path:
    """The results file of `profile` (default: ``RNN_BOOK_PROFILE``): ``<results_dir>/<name><suffix>.json``.

    Args:
        profile: a :class:`~companion.profiles.Profile`, a profile name, or ``None``.
        suffix: ``""`` for the ledger's values, ``"-runs"`` for the run log.
    """
    name = profile.name if isinstance(profile, Profile) else get_profile(profile).name
    return results_dir() / f"{name}{suffix}.json"


def recording() -> bool:
    """Whether measured values go to ``results/`` (``RNN_BOOK_RECORD=1``), not only to this process.

    A smoke run (``RNN_BOOK_MAX_STEPS`` set) records only into a folder named by
    ``RNN_BOOK_RESULTS_DIR``, never into the repository's ``results/``: its values
    mean nothing, but later chapters read what earlier ones stored.
    """
    value = os.environ.get(RECORD_ENV_VAR, "").strip()
    if value not in ("", "0", "1"):
        raise ValueError(
            f"Environment variable {RECORD_ENV_VAR} must be 1 (store measured values in "
            f"results/) or 0/unset (keep them in this process only). Received: {value!r}"
        )
    return value == "1" and (max_steps() is None or bool(os.environ.get(RESULTS_ENV_VAR)))


def read_json(path: Path) -> dict[str, object]:
    """The JSON object stored at `path` (empty if there is none), with this process's updates."""
    stored = json.loads(path.read_text()) if path.exists() else {}
    merged = {**stored, **_SESSION.get(path.resolve(), {})}
    for section, updates in _SESSION_SECTIONS.get(path.resolve(), {}).items():
        merged[section] = {**stored.get(section, {}), **updates}
    return merged


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (``flock`` on the directory: no lock file to commit)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def update_json(path: Path, updates: dict[str, object], sort_keys: bool = False, section: str | None = None) -> None:
    """Merge `updates` into the JSON object at `path`: in this process, and on disk if :func:`recording`.

    On disk, under a lock on the folder, the file is read again, merged with
    `updates` and replaced atomically, so concurrent writers (other chapters, other
    processes) keep each other's keys. With `section`, `updates` are merged into the
    object stored under that top-level key instead (e.g. ``"provenance"``), keeping its
    other keys. `sort_keys` sorts the top-level keys, sections after plain values.
    """
    if section is None:
        _SESSION.setdefault(path.resolve(), {}).update(updates)
    else:
        _SESSION_SECTIONS.setdefault(path.resolve(), {}).setdefault(section, {}).update(updates)
    if not recording():
        return
    with _locked(path.parent):
        stored = json.loads(path.read_text()) if path.exists() else {}
        if section is None:
            stored.update(updates)
        else:
            stored[section] = {**stored.get(section, {}), **updates}
        if sort_keys:
            stored = dict(sorted(stored.items(), key=lambda item: (isinstance(item[1], dict), item[0])))
        write_json(path, stored)


def write_json(path: Path, data: dict[str, object]) -> None:
    """Write `data` to `path` as indented JSON, atomically: a reader sees the old file or the new one.

    The text goes to a temporary file in the same folder, which then replaces `path`;
    if anything fails, the temporary file is removed and `path` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
