"""One repository URL: ``_config.yml``'s ``repository`` (url and branch) is the only source.

Every GitHub, Colab or Binder link in the README, CONTRIBUTING, binder/ and the chapters
must point at that repository (and, for Colab and Binder launches, at that branch and
a file that exists). A fork changes ``_config.yml`` and these links together.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
URL, BRANCH = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
SLUG = urllib.parse.urlsplit(URL).path.strip("/")
FILES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "binder").iterdir(),
                *(ROOT / "book").glob("*.md"), *(ROOT / "book").glob("*.ipynb")])
LINK = re.compile(r"https?://(?:www\.)?(?:github\.com|colab\.research\.google\.com|mybinder\.org)"
                  r"[^\s)\"'<>`\\]*")
BADGES = ("https://colab.research.google.com/assets/colab-badge.svg",
          "https://mybinder.org/badge_logo.svg")


def wrong(link: str) -> str | None:
    """Why `link` does not match ``_config.yml``'s repository, or None."""
    if link in BADGES:
        return None
    url = urllib.parse.urlsplit(link)
    path = url.path.strip("/")
    if url.netloc.endswith("github.com"):
        return None if path == SLUG or path.startswith(f"{SLUG}/") else f"not {URL}"
    if url.netloc == "colab.research.google.com":
        prefix = f"github/{SLUG}/blob/{BRANCH}/"
        if not path.startswith(prefix):
            return f"not a Colab link to {SLUG} at {BRANCH}"
        target = path.removeprefix(prefix)
    else:  # mybinder.org
        if path != f"v2/gh/{SLUG}/{BRANCH}":
            return f"not a Binder link to {SLUG} at {BRANCH}"
        query = urllib.parse.parse_qs(url.query)
        target = query.get("urlpath", ["lab/tree/"])[0].removeprefix("lab/tree/")
    return None if (ROOT / target).exists() else f"{target!r} is not in the repository"


def test_links_are_found():
    readme = LINK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any("colab.research.google.com/github" in link for link in readme), "no Colab badge"
    assert any("mybinder.org/v2/gh" in link for link in readme), "no Binder badge"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_matches_config(path):
    links = LINK.findall(path.read_text(encoding="utf-8"))
    bad = [f"{link}: {why}" for link in links if (why := wrong(link))]
    assert not bad, f"{path.relative_to(ROOT)} links elsewhere than _config.yml's repository:\n" + \
        "\n".join(bad)


@pytest.mark.parametrize("link, expected", [
    ("https://github.com/someone/fork", "not https://"),
    (f"https://colab.research.google.com/github/{SLUG}/blob/other/book/introduction.ipynb", "Colab"),
    (f"https://mybinder.org/v2/gh/{SLUG}/{BRANCH}?urlpath=lab/tree/book/nope.ipynb", "nope"),
])
def test_a_stray_link_is_caught(link, expected):
    assert expected in (wrong(link) or "")
