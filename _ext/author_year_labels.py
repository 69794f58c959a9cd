"""Sphinx extension: the References page labels each work "Author et al., year", as the text cites it.

sphinxcontrib-bibtex cites author-year in the text (``bibtex_reference_style:
author_year``) but labels the bibliography with pybtex's ``alpha`` labels such as
``[CvMerrienboerG+14]``, which a reader cannot match with "Cho et al. (2014)". This
registers the pybtex formatting style ``author_year`` (``alpha``'s sorting and entry
format, with author-year labels); ``_config.yml`` selects it as ``bibtex_default_style``.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from string import ascii_lowercase
from typing import Any, Iterable, Iterator

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from pybtex.plugin import register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle

STYLE = "author_year"


def _plain(latex: str) -> str:
    """LaTeX name text as plain Unicode: ``Merri{\\"e}nboer`` -> ``Merriënboer``."""
    return re.sub(r"[{}]", "", codecs.decode(latex, "ulatex"))


def author_year(entry: Any) -> str:
    """``Last``, ``Last and Other`` or ``Last et al.``, then ``, year``."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_plain(" ".join(person.prelast_names + person.last_names)) for person in people]
    if not names:
        who = _plain(entry.fields.get("organization", entry.fields.get("title", entry.key)))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels like ``Cho et al., 2014``; works sharing one get ``2014a``, ``2014b``."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        entries = list(sorted_entries)
        labels = [author_year(entry) for entry in entries]
        counts = Counter(labels)
        seen: Counter[str] = Counter()
        for label in labels:
            if counts[label] > 1:
                yield label + ascii_lowercase[seen[label]]
                seen[label] += 1
            else:
                yield label


class AuthorYearStyle(AlphaStyle):
    """``alpha`` (sorted by author, year, title) with author-year labels."""

    default_label_style = STYLE


def setup(app: Any) -> dict[str, Any]:
    register_plugin("pybtex.style.labels", STYLE, AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
