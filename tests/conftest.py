"""Fixtures shared by the tests: a results folder that records (test_ledger.py, test_storage.py,
test_provenance.py), the shipped char-RNN checkpoint (test_char_rnn_writer.py, test_char_rnn_engine.py),
and the browser tests of the built site (test_site.py, test_readable_pages.py, test_accessibility.py)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

from browser import DESKTOP, PHONE, chromium, serve_site, unavailable

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

    from companion.train_char_rnn import CharCheckpoint


@pytest.fixture
def recording_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh results folder that ``ledger.record`` writes to, for the default profile, uncapped."""
    from companion import storage
    from companion.profiles import MAX_STEPS_ENV_VAR, PROFILE_ENV_VAR

    monkeypatch.setenv(storage.RESULTS_ENV_VAR, str(tmp_path))
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "1")  # these tests check what lands in the file
    monkeypatch.delenv(PROFILE_ENV_VAR, raising=False)
    monkeypatch.delenv(MAX_STEPS_ENV_VAR, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def checkpoint() -> CharCheckpoint:
    """The char-RNN checkpoint the book ships, in Keras (the tokenizer is fitted on the local corpus)."""
    from companion import data, runtime
    from companion.train_char_rnn import load_checkpoint

    if not os.environ.get(data.DATA_DIR_ENV_VAR):
        unavailable(f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the Shakespeare corpus")
    runtime.configure()
    return load_checkpoint()


@pytest.fixture(scope="session")
def origin() -> Iterator[str]:
    """The built site (``_build/html``) served on loopback, as ``http://127.0.0.1:PORT``."""
    with serve_site() as url:
        yield url


class Browsers:
    """One headless Chromium per screen size, started when first asked for, kept for the session."""

    def __init__(self, stack: contextlib.ExitStack, folder: Path) -> None:
        self._stack = stack
        self._folder = folder
        self._drivers: dict[tuple[int, int], Chrome] = {}

    def at(self, width: int, height: int) -> Chrome:
        """The browser whose screen is `width` x `height` CSS pixels."""
        if (width, height) not in self._drivers:
            self._drivers[width, height] = self._stack.enter_context(
                chromium(self._folder / f"{width}x{height}", width=width, height=height))
        return self._drivers[width, height]


@pytest.fixture(scope="session")
def browsers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browsers]:
    with contextlib.ExitStack() as stack:
        yield Browsers(stack, tmp_path_factory.mktemp("chromium"))


class Screen(NamedTuple):
    """A browser and the size of its screen in CSS pixels."""

    driver: Chrome
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@pytest.fixture(scope="session", params=[DESKTOP, PHONE], ids=lambda size: f"{size[0]}x{size[1]}")
def screen(request: pytest.FixtureRequest, browsers: Browsers) -> Screen:
    """The browser of a desktop window (1400 x 900), then of a phone (390 x 844).

    Session-scoped, so pytest runs every test that takes it at one size before the other:
    each size starts one browser.
    """
    return Screen(browsers.at(*request.param), *request.param)
