"""Sphinx extension: the References page labels each work "Author et al., year", as the text cites it.

sphinxcontrib-bibtex cites author-year in the text (its ``author_year`` referencing
style) but labels the bibliography with pybtex's ``alpha`` labels such as
``[CvMerrienboerG+14]``, which a reader cannot match with "Cho et al. (2014)". This
registers the pybtex formatting style ``author_year`` (``alpha``'s sorting and entry
format, with author-year labels); ``_config.yml`` selects it as ``bibtex_default_style``.
Two works by the same authors in the same year are labelled ``2013a`` and ``2013b``, and
the referencing style ``author_year_labels`` (``bibtex_reference_style``) cites them so
in the text too: "Mikolov et al., 2013a", where sphinxcontrib-bibtex's ``author_year``
prints "Mikolov et al., 2013" twice.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Any

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import node
from sphinxcontrib.bibtex import plugin as bibtex_plugin
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference

STYLE = "author_year"
REFERENCE_STYLE = "author_year_labels"


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


@node
def label_year(children: list[Any], data: dict[str, Any]) -> Text:
    """The year of the entry's label, with its letter: ``2013a`` of ``Mikolov et al., 2013a``."""
    assert not children
    return Text(data["formatted_entry"].label.rpartition(", ")[2])


@dataclass
class LabelYearParentheticalStyle(BasicAuthorYearParentheticalReferenceStyle):
    """``{cite:p}``: "(Mikolov et al., 2013a)", the year as the References page labels it."""

    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[join(sep=self.author_year_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name), label_year]],
            post_text,
        ]


@dataclass
class LabelYearTextualStyle(BasicAuthorYearTextualReferenceStyle):
    """``{cite:t}``: "Mikolov et al. (2013a)", the year as the References page labels it."""

    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[self.bracket.left,
                 join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                     pre_text, reference[label_year], post_text],
                 self.bracket.right],
        ]


@dataclass
class AuthorYearLabelsReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year`` whose ``p`` and ``t`` roles cite the label's year."""

    def __post_init__(self) -> None:
        super().__post_init__()
        for style in (
            LabelYearParentheticalStyle(
                bracket=self.bracket_parenthetical, person=self.person,
                author_year_sep=self.author_year_sep, pre_text_sep=self.pre_text_sep,
                post_text_sep=self.post_text_sep),
            LabelYearTextualStyle(
                bracket=self.bracket_textual, person=self.person,
                text_reference_sep=self.text_reference_sep, pre_text_sep=self.pre_text_sep,
                post_text_sep=self.post_text_sep),
        ):
            self.role_style.update((role, style) for role in style.role_names())


def setup(app: Any) -> dict[str, Any]:
    register_plugin("pybtex.style.labels", STYLE, AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
    bibtex_plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE,
                                  AuthorYearLabelsReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
