"""Data access: local copy > cache > download, checksums, atomic writes, safe extraction."""

import hashlib
import io
import os
import tarfile

import pytest

from companion import data

CONTENT = b"To be, or not to be, that is the question.\n" * 100


def remote(content: bytes = CONTENT, **kwargs) -> data.RemoteFile:
    return data.RemoteFile(name="corpus.txt", url="https://example.invalid/corpus.txt",
                           sha256=hashlib.sha256(content).hexdigest(), **kwargs)


class FakeOpener:
    """Serves `payload` for any URL, counting calls; can fail halfway through."""

    def __init__(self, payload: bytes, fail_after: int | None = None):
        self.payload, self.fail_after, self.calls = payload, fail_after, 0

    def __call__(self, url: str):
        self.calls += 1
        opener = self

        class Response(io.BytesIO):
            def read(self, size=-1):
                if opener.fail_after is not None and self.tell() >= opener.fail_after:
                    raise ConnectionResetError("connection lost")
                return super().read(min(size, 100) if size and size > 0 else 100)

        return Response(self.payload)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_DIR_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
    return tmp_path


def test_download_is_verified_cached_and_reused(isolated):
    opener = FakeOpener(CONTENT)
    path = data.fetch(remote(), opener=opener)
    assert path == isolated / "cache" / "corpus.txt" and path.read_bytes() == CONTENT
    assert data.fetch(remote(), opener=opener) == path
    assert opener.calls == 1


def test_local_copy_wins_and_is_not_copied(isolated, monkeypatch):
    local = isolated / "shared"
    local.mkdir()
    (local / "corpus.txt").write_bytes(CONTENT)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(local))
    opener = FakeOpener(b"never used")
    assert data.fetch(remote(), opener=opener) == local / "corpus.txt"
    assert opener.calls == 0 and not (isolated / "cache").exists()


def test_local_copy_under_another_name_with_an_accepted_checksum(isolated, monkeypatch):
    repack = b"same reviews, other bytes"
    local = isolated / "shared"
    local.mkdir()
    (local / "repack.tar.gz").write_bytes(repack)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(local))
    spec = remote(local_names=("repack.tar.gz",), accepted_sha256=(hashlib.sha256(repack).hexdigest(),))
    assert data.fetch(spec, opener=FakeOpener(b"")) == local / "repack.tar.gz"


def test_corrupted_local_copy_is_an_error_that_says_what_to_do(isolated, monkeypatch):
    local = isolated / "shared"
    local.mkdir()
    (local / "corpus.txt").write_bytes(CONTENT[:-1])
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(local))
    with pytest.raises(data.ChecksumError, match="Replace it with an intact copy"):
        data.fetch(remote(), opener=FakeOpener(CONTENT))


def test_data_dir_that_is_not_a_folder(isolated, monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(isolated / "missing"))
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        data.fetch(remote(), opener=FakeOpener(CONTENT))


def test_corrupted_cache_entry_is_never_used(isolated):
    cached = isolated / "cache" / "corpus.txt"
    cached.parent.mkdir()
    cached.write_bytes(b"half a file")
    opener = FakeOpener(CONTENT)
    assert data.fetch(remote(), opener=opener).read_bytes() == CONTENT
    assert opener.calls == 1


def test_bad_download_leaves_nothing_behind(isolated):
    with pytest.raises(data.ChecksumError, match="was discarded"):
        data.fetch(remote(), opener=FakeOpener(CONTENT + b"tampered"))
    assert list((isolated / "cache").iterdir()) == []


def test_interrupted_download_leaves_nothing_behind(isolated):
    with pytest.raises(ConnectionResetError):
        data.fetch(remote(), opener=FakeOpener(CONTENT, fail_after=1000))
    assert list((isolated / "cache").iterdir()) == []
    assert data.fetch(remote(), opener=FakeOpener(CONTENT)).read_bytes() == CONTENT


def test_offline_without_a_copy(monkeypatch):
    monkeypatch.setenv(data.OFFLINE_ENV_VAR, "1")
    with pytest.raises(FileNotFoundError, match="forbids downloading"):
        data.fetch(remote(), opener=FakeOpener(CONTENT))


def test_fetch_rejects_a_non_remote_file():
    with pytest.raises(TypeError, match="RemoteFile"):
        data.fetch("shakespeare.txt")


def test_registered_files_have_sha256_checksums():
    for spec in (data.SHAKESPEARE, data.IMDB):
        assert spec.url.startswith("https://")
        assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in spec.checksums)


def make_tar(path, members: dict[str, bytes], links: dict[str, str] | None = None):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return path


def test_extract_tar(tmp_path):
    archive = make_tar(tmp_path / "ok.tar.gz", {"top/a.txt": b"a", "top/sub/b.txt": b"b"})
    target = data.extract_tar(archive, tmp_path / "out")
    assert (target / "top" / "sub" / "b.txt").read_bytes() == b"b"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_an_extraction_another_process_finished_first_is_kept(tmp_path, monkeypatch):
    archive = make_tar(tmp_path / "ok.tar.gz", {"top/a.txt": b"a"})
    target = tmp_path / "out"
    replace = os.replace

    def finished_elsewhere(source, destination):  # the other process renames its copy just before this one
        (target / "top").mkdir(parents=True)
        (target / "top" / "a.txt").write_bytes(b"theirs")
        replace(source, destination)

    monkeypatch.setattr(data.os, "replace", finished_elsewhere)
    assert data.extract_tar(archive, target) == target
    assert (target / "top" / "a.txt").read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.tar.gz", "out"]  # no staging folder left


@pytest.mark.parametrize(
    "members, links, message",
    [
        ({"../evil.txt": b"x"}, {}, "outside the target folder"),
        ({"/tmp/evil.txt": b"x"}, {}, "outside the target folder"),
        ({"top/a.txt": b"a"}, {"top/link": "../../etc/passwd"}, "links to"),
    ],
)
def test_unsafe_archives_are_rejected_and_nothing_is_written(tmp_path, members, links, message):
    archive = make_tar(tmp_path / "bad.tar.gz", members, links)
    with pytest.raises(data.UnsafeArchiveError, match=message):
        data.extract_tar(archive, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar.gz"]


def test_extract_tar_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.extract_tar(tmp_path / "missing.tar.gz", tmp_path / "out")
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(tarfile.ReadError):
        data.extract_tar(tmp_path / "junk.tar.gz", tmp_path / "out")
    assert not (tmp_path / "out").exists()
