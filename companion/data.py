"""Data access: local copy, then cache, then the real URL, always checksummed.

A file is resolved in this order:

1. ``RNN_BOOK_DATA_DIR`` (a folder of local copies, as ``../shared/data``),
2. the cache (``RNN_BOOK_CACHE_DIR``, default ``~/.cache/rnn-book``),
3. a download from the dataset's URL into the cache.

Every file is checked against its SHA-256 before use. A download is written to
a temporary file in the cache folder and renamed into place only once its
checksum matches, so an interrupted or corrupted download never becomes a
cached file. Archives are extracted with :func:`extract_tar`, which rejects
members that would land outside the target folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

__all__ = [
    "CACHE_DIR_ENV_VAR", "DATA_DIR_ENV_VAR", "IMDB", "OFFLINE_ENV_VAR", "SHAKESPEARE", "ChecksumError", "RemoteFile",
    "UnsafeArchiveError", "cache_dir", "extract_tar", "fetch", "sha256sum"
]

DATA_DIR_ENV_VAR = "RNN_BOOK_DATA_DIR"
CACHE_DIR_ENV_VAR = "RNN_BOOK_CACHE_DIR"
OFFLINE_ENV_VAR = "RNN_BOOK_OFFLINE"
CHUNK_SIZE = 1 << 20

Opener = Callable[[str], BinaryIO]


class ChecksumError(ValueError):
    """A file's SHA-256 does not match any accepted checksum."""


class UnsafeArchiveError(ValueError):
    """An archive member would be written outside the extraction folder."""


@dataclass(frozen=True)
class RemoteFile:
    """A file the course downloads.

    Attributes:
        name: the cache file name, e.g. ``"shakespeare.txt"``.
        url: where it is published.
        sha256: checksum of the published bytes.
        local_names: other names a local copy may have in ``RNN_BOOK_DATA_DIR``.
        accepted_sha256: checksums of known-good copies that differ in bytes
            from the published one (e.g. a repack), accepted as well.
    """

    name: str
    url: str
    sha256: str
    local_names: tuple[str, ...] = ()
    accepted_sha256: tuple[str, ...] = ()

    @property
    def checksums(self) -> tuple[str, ...]:
        return (self.sha256, *self.accepted_sha256)


SHAKESPEARE = RemoteFile(
    name="shakespeare.txt",
    url="https://homl.info/shakespeare",
    sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
)

IMDB = RemoteFile(
    name="aclImdb_v1.tar.gz",
    url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
    local_names=("aclImdb_v1_labelled.tar.gz",),
    # The labelled-only repack in ../shared/data (same layout, no train/unsup).
    accepted_sha256=("83a9c6b433babfb477204e9fb274da298a1c68b74bdf9e1924c067e1bb30b103",),
)


def sha256sum(path: Path) -> str:
    """Hex SHA-256 of the file at `path`, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_dir() -> Path:
    """The download cache (``RNN_BOOK_CACHE_DIR`` or ``~/.cache/rnn-book``)."""
    override = os.environ.get(CACHE_DIR_ENV_VAR)
    return Path(override) if override else Path.home() / ".cache" / "rnn-book"


def _local_copy(remote: RemoteFile) -> Path | None:
    folder = os.environ.get(DATA_DIR_ENV_VAR)
    if not folder:
        return None
    if not Path(folder).is_dir():
        raise FileNotFoundError(
            f"{DATA_DIR_ENV_VAR}={folder!r} is not a folder. Point it at a folder "
            f"of local copies (e.g. ../shared/data) or unset it to download."
        )
    for name in (remote.name, *remote.local_names):
        candidate = Path(folder) / name
        if candidate.is_file():
            digest = sha256sum(candidate)
            if digest not in remote.checksums:
                raise ChecksumError(
                    f"Local copy {candidate} has SHA-256 {digest}, expected one of "
                    f"{list(remote.checksums)}. Replace it with an intact copy or "
                    f"unset {DATA_DIR_ENV_VAR} to download {remote.url}."
                )
            return candidate
    return None


def _download(remote: RemoteFile, target: Path, opener: Opener) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, opener(remote.url) as response:
            for chunk in iter(lambda: response.read(CHUNK_SIZE), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() not in remote.checksums:
            raise ChecksumError(
                f"Download of {remote.url} has SHA-256 {digest.hexdigest()}, expected "
                f"{remote.sha256}. The file was discarded; try again, or place an "
                f"intact copy named {remote.name} in {DATA_DIR_ENV_VAR}."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def fetch(remote: RemoteFile, opener: Opener = urllib.request.urlopen) -> Path:
    """Return a verified local path to `remote`, downloading it if needed.

    Args:
        remote: the file to resolve, e.g. :data:`SHAKESPEARE` or :data:`IMDB`.
        opener: opens a URL for binary reading (tests pass a fake one).

    Raises:
        ChecksumError: a local copy or a download does not match its checksum.
        FileNotFoundError: no copy anywhere and ``RNN_BOOK_OFFLINE`` is set.
    """
    if not isinstance(remote, RemoteFile):
        raise TypeError(f"Argument `remote` must be a RemoteFile. Received: {remote!r}")
    local = _local_copy(remote)
    if local is not None:
        return local
    cached = cache_dir() / remote.name
    if cached.is_file():
        if sha256sum(cached) in remote.checksums:
            return cached
        cached.unlink()  # corrupted cache entry: never used, fetched again
    if os.environ.get(OFFLINE_ENV_VAR):
        raise FileNotFoundError(
            f"{remote.name} is not in {DATA_DIR_ENV_VAR} or the cache ({cache_dir()}) "
            f"and {OFFLINE_ENV_VAR} forbids downloading {remote.url}. Set "
            f"{DATA_DIR_ENV_VAR} to a folder holding a copy."
        )
    _download(remote, cached, opener)
    return cached


def _check_member(member: tarfile.TarInfo, root: Path) -> None:
    path = PurePosixPath(member.name)
    destination = (root / member.name).resolve()
    if path.is_absolute() or ".." in path.parts or not destination.is_relative_to(root):
        raise UnsafeArchiveError(
            f"Archive member {member.name!r} would be written outside the target "
            f"folder. Refusing to extract; the archive is not trustworthy."
        )
    if member.issym() or member.islnk():
        link = (destination.parent / member.linkname).resolve()
        if PurePosixPath(member.linkname).is_absolute() or not link.is_relative_to(root):
            raise UnsafeArchiveError(
                f"Archive member {member.name!r} links to {member.linkname!r}, outside "
                f"the target folder. Refusing to extract."
            )
    elif not (member.isfile() or member.isdir()):
        raise UnsafeArchiveError(
            f"Archive member {member.name!r} is a device or FIFO. Refusing to extract."
        )


def extract_tar(archive: Path, target: Path) -> Path:
    """Extract `archive` into `target` safely and atomically; return `target`.

    Every member is checked before anything is written. Extraction happens in a
    temporary sibling folder renamed to `target` at the end, so `target` either
    holds the whole archive or does not exist. An existing `target` is reused, also one
    that another process finished while this one extracted.

    Raises:
        UnsafeArchiveError: a member escapes `target` or is a special file.
        tarfile.ReadError: `archive` is not a readable tar archive.
    """
    archive, target = Path(archive), Path(target)
    if target.is_dir():
        return target
    if not archive.is_file():
        raise FileNotFoundError(f"Archive {archive} does not exist.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    try:
        with tarfile.open(archive) as tar:
            root = staging.resolve()
            members = tar.getmembers()
            for member in members:
                _check_member(member, root)
            tar.extractall(staging, members=members, filter="data")
        try:
            os.replace(staging, target)
        except OSError:
            if not target.is_dir():
                raise
            # another process (a parallel test worker) finished the same extraction first: keep its folder
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target
