"""_ext/author_year_labels.py and _ext/exercise_numbers.py: reference labels and exercise numbers."""

from pybtex.database import parse_string

from author_year_labels import AuthorYearLabelStyle, author_year  # _ext/ (pytest's pythonpath)
from exercise_numbers import renumber

BIB = r"""
@article{one, author = {Hochreiter, Sepp}, title = {A}, year = {1991}}
@article{two, author = {Hochreiter, Sepp and Schmidhuber, J{\"u}rgen}, title = {B}, year = {1997}}
@inproceedings{many, author = {Cho, Kyunghyun and van Merri{\"e}nboer, Bart and Bengio, Yoshua},
               title = {C}, year = {2014}}
@misc{same1, author = {Cho, Kyunghyun and Gulcehre, Caglar and Bengio, Yoshua}, title = {D}, year = {2014}}
@misc{nobody, title = {Keras}, organization = {The Keras team}, year = {2015}}
"""


def entries():
    return parse_string(BIB, "bibtex").entries


def test_labels_read_as_the_text_cites():
    bib = entries()
    assert author_year(bib["one"]) == "Hochreiter, 1991"
    assert author_year(bib["two"]) == "Hochreiter and Schmidhuber, 1997"
    assert author_year(bib["many"]) == "Cho et al., 2014"
    assert author_year(bib["nobody"]) == "The Keras team, 2015"


def test_latex_in_names_becomes_plain_text():
    bib = parse_string(r"@misc{x, author = {van Merri{\"e}nboer, Bart}, year = {2014}}", "bibtex")
    assert author_year(bib.entries["x"]) == "van Merriënboer, 2014"


def test_works_sharing_a_label_get_letters():
    bib = entries()
    labels = list(AuthorYearLabelStyle().format_labels([bib["many"], bib["one"], bib["same1"]]))
    assert labels == ["Cho et al., 2014a", "Hochreiter, 1991", "Cho et al., 2014b"]


def test_exercises_are_renumbered_from_one_on_each_page_in_page_order():
    fignumbers = {
        "book/time_series": {"exercise": {"ex-b": (5,), "ex-a": (4,), "ex-c": (6,)},
                             "figure": {"fig": (9,)}},
        "book/lstm_gru": {"exercise": {"ex-x": (7,)}},
        "book/introduction": {"figure": {"f": (1,)}},
        "book/references": {"exercise": {"ex-y": (1,)}},
    }
    assert renumber(fignumbers) == ["book/time_series", "book/lstm_gru"]
    assert fignumbers["book/time_series"]["exercise"] == {"ex-a": (1,), "ex-b": (2,), "ex-c": (3,)}
    assert fignumbers["book/time_series"]["figure"] == {"fig": (9,)}  # other kinds untouched
    assert fignumbers["book/lstm_gru"]["exercise"] == {"ex-x": (1,)}
    assert renumber(fignumbers) == []  # already numbered per page
