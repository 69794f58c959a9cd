"""_ext/unique_scripts.py: a page lists each script once (Sphinx 7.4 repeats some)."""

from sphinx.builders.html._assets import _JavaScript

from unique_scripts import unique  # _ext/ (pyproject.toml: pytest's pythonpath)


def test_an_inline_script_added_as_none_and_as_empty_is_kept_once():
    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript("_static/doctools.js", priority=200),
               _JavaScript(None, body=body, priority=500),
               _JavaScript("_static/sphinx-thebe.js", priority=500),
               _JavaScript("", body=body, priority=500)]
    assert unique(scripts) == scripts[:3]


def test_scripts_that_differ_in_body_priority_or_file_are_all_kept():
    scripts = [_JavaScript(None, body="let a = 1;"), _JavaScript(None, body="let b = 2;"),
               _JavaScript(None, body="let a = 1;", priority=800),
               _JavaScript("_static/a.js"), _JavaScript("_static/b.js")]
    assert unique(scripts) == scripts
