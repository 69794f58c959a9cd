"""Fixtures shared by the browser tests of the built site (test_site.py, test_readable_pages.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from browser import serve_site


@pytest.fixture(scope="session")
def origin() -> Iterator[str]:
    """The built site (``_build/html``) served on loopback, as ``http://127.0.0.1:PORT``."""
    with serve_site() as url:
        yield url
