"""The ``full`` profile's code paths, with training capped at 2 epochs of 2 batches.

The ``full`` profile (the lecture's settings: windows every character, batches of 32,
50 stateful epochs) needs a GPU to finish, so CI cannot train it; this smoke run
executes its code paths on a CPU: the dataset of every window, batches of 32, the
tables. ``RNN_BOOK_MAX_STEPS=2`` makes ``runtime.configure()`` cap every ``fit`` at
2 epochs of 2 batches and every ``evaluate`` at 2 batches, and compile without XLA
(which would take longer than such a run); a training loop a chapter writes itself runs
``runtime.capped(steps)`` steps (none of the chapters below has one). ``ledger.record``
then prints its line without asserting the band (and never writes ``results/``).

It runs the chapters that run otherwise under ``full`` than under ``cpu``, the profile
nbval runs (:func:`smoke_chapters`): those that read a setting the two profiles set
differently once the cap is applied (``profile.char_window_shift``, ...: a count of epochs
or of batches per epoch becomes 2 in both), and reproducibility, which reads every
profile's settings, provenance and values. The others would run here as nbval runs them,
with fewer steps: the time-series chapters have the same settings in both profiles, stateful_rnn
and sentiment differ only in epochs, the rest have no settings. What a chapter reads from
earlier chapters comes first in ``_toc.yml`` (tests/test_chapter_order.py), the order of a
run that records.

Opt in with ``RNN_BOOK_SMOKE_TEST=1`` (``.ci/run`` does). Each chapter runs from its
``.md`` source in a fresh kernel whose working folder is ``book/`` (the chapters open
``checkpoints/`` relative to it). The chapters run in the order of ``_toc.yml`` and
record into a temporary ``RNN_BOOK_RESULTS_DIR`` (as the GPU workflow records into
``results/full.json``), so a chapter can read what an earlier one stored
(reproducibility tabulates what char_rnn recorded); nothing is written to the repository.

Every exercise solution that contains code runs too, as a cell inserted where the
solution stands, in the chapter's namespace, as nbval runs the solutions of every
chapter under ``cpu`` (book/conftest.py): a name the chapter has reassigned by then
(as ``Y_valid`` in time_series.md once was) fails the run as it would fail a reader's.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import fields, replace
from pathlib import Path

import pytest

from chapters import chapter_code, solution_code, toc_chapters
from companion import ledger
from companion.profiles import MAX_STEPS_ENV_VAR, PROFILE_ENV_VAR, PROFILES, Profile

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
ENABLE_VAR = "RNN_BOOK_SMOKE_TEST"
MAX_STEPS = "2"
CELL_TIMEOUT = 1800  # seconds per cell: a bound far above a capped run's (a chapter takes under a minute)

SETTINGS = tuple(field.name for field in fields(Profile) if field.name not in ("name", "max_steps"))
SHOWS_EVERY_PROFILE = ("reproducibility",)  # every profile's settings, provenance and values
# Counts of epochs and of batches per epoch: the smoke run's cap sets them to min(value, MAX_STEPS)
CAPPED = tuple(name for name in SETTINGS if name.endswith(("_epochs", "_steps_per_epoch")))


def settings_read(chapter: str) -> set[str]:
    """The profile settings that `chapter`'s code cells and exercise solutions read (``profile.<setting>``)."""
    return set(re.findall(r"\bprofile\.(\w+)", chapter_code(chapter))) & set(SETTINGS)


def differing_settings(profiles: dict[str, Profile]) -> set[str]:
    """The settings that `profiles` do not all set to the same value, as the smoke run applies them:
    a count in CAPPED at most MAX_STEPS (``None``, all the batches, becomes MAX_STEPS too)."""
    def applied(profile: Profile, name: str) -> object:
        value = getattr(profile, name)
        return min(int(MAX_STEPS), value if value is not None else int(MAX_STEPS)) if name in CAPPED else value

    return {name for name in SETTINGS if len({applied(profile, name) for profile in profiles.values()}) > 1}


def smoke_chapters(profiles: dict[str, Profile] = PROFILES) -> list[str]:
    """The chapters whose code runs otherwise under the ``full`` profile than under ``cpu``, in the order of
    ``_toc.yml``: those that read a setting that `profiles` set differently, and SHOWS_EVERY_PROFILE."""
    differing = differing_settings(profiles)
    return [chapter for chapter in toc_chapters()
            if settings_read(chapter) & differing or chapter in SHOWS_EVERY_PROFILE]


def with_solutions(notebook: object) -> list[str]:
    """Insert each solution's code as a code cell after the markdown cell that holds it.

    Returns:
        the labels of the inserted solutions, in order.
    """
    import nbformat

    cells, labels = [], []
    for cell in notebook.cells:  # type: ignore[attr-defined]
        cells.append(cell)
        if cell.cell_type == "markdown":
            for label, code in solution_code(cell.source):
                cells.append(nbformat.v4.new_code_cell(code, metadata={"solution": label}))
                labels.append(label)
    notebook.cells = cells  # type: ignore[attr-defined]
    return labels


def printed(notebook: object) -> str:
    """All text the executed cells printed or displayed (stdout, plain and Markdown outputs)."""
    parts = []
    for cell in notebook.cells:  # type: ignore[attr-defined]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                parts.append(output["text"])
            for mime in ("text/plain", "text/markdown"):
                parts.append(output.get("data", {}).get(mime, ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One results folder for the whole run: later chapters read what earlier ones recorded."""
    return tmp_path_factory.mktemp("smoke-results")


def test_settings_are_read_by_chapters_only_as_profile_attributes() -> None:
    # What smoke_chapters() relies on: no other code reads a setting, and a chapter (but
    # SHOWS_EVERY_PROFILE) reads each from `profile = get_profile()`, as `profile.<setting>`.
    setting = re.compile(rf"(\w*)\.({'|'.join(SETTINGS)})\b")
    readers = [path.relative_to(ROOT).as_posix() for folder in ("companion", "tools", "_ext", "benchmarks")
               for path in sorted((ROOT / folder).rglob("*.py"))
               if path.name != "profiles.py" and setting.search(path.read_text(encoding="utf-8"))]
    assert not readers, f"{readers} read a profile setting: smoke_chapters() would not see it"
    for chapter in toc_chapters():
        code = chapter_code(chapter)
        calls = re.findall(r"^(.*)get_profile\(", code, re.M)
        assert set(calls) <= {"profile = "}, f"{chapter} gets its profile as {calls}, not `profile = get_profile()`"
        if chapter not in SHOWS_EVERY_PROFILE:
            holders = {holder for holder, _ in setting.findall(code)}
            assert holders <= {"profile"}, f"{chapter} reads a setting from {holders}, not only from `profile`"


def test_a_setting_the_profiles_set_differently_under_the_cap_brings_its_chapters_into_the_smoke_run() -> None:
    assert settings_read("time_series") == {"timeseries_epochs"}
    assert settings_read("stateful_rnn") == {"stateful_epochs"}
    assert settings_read("sentiment") == {"imdb_epochs"}
    # the lecture's 50 stateful and 5 IMDB epochs become 2 under the cap, as the cpu profile's 2
    assert differing_settings(PROFILES) == {"char_window_shift", "char_batch_size", "char_learning_rate"}
    assert smoke_chapters() == ["char_rnn", "reproducibility"]
    one_epoch = {**PROFILES, "cpu": replace(PROFILES["cpu"], timeseries_epochs=1, imdb_epochs=1)}  # 1 against 2
    assert smoke_chapters(one_epoch) == ["time_series", "training_many_steps", "lstm_gru", "char_rnn",
                                         "sentiment", "reproducibility"]
    char_alike = {**PROFILES, "full": replace(PROFILES["cpu"], name="full", char_epochs=10)}
    assert smoke_chapters(char_alike) == ["reproducibility"]


def test_the_capped_counts_are_only_fits_counts_or_printed() -> None:
    # What CAPPED relies on: a count the cap replaces changes nothing but how long `fit` trains,
    # so each use of one (or of a name it is given) is fit's epochs= or steps_per_epoch=, or text.
    for chapter in toc_chapters():
        code = chapter_code(chapter)
        names = [f"profile.{setting}" for setting in CAPPED]
        alias = rf"(\w+) = profile\.(?:{'|'.join(CAPPED)})"  # EPOCHS = profile.imdb_epochs
        names += re.findall(rf"^{alias}$", code, re.M)
        for name in names:
            for line in code.splitlines():
                used = rf"(?<![\w.]){re.escape(name)}\b"
                if re.search(used, line) and not (re.search(rf"\b(epochs|steps_per_epoch)={used}", line)
                                                 or re.search(rf"\{{{re.escape(name)}\}}", line)  # in an f-string
                                                 or re.fullmatch(alias, line)):
                    raise AssertionError(f"{chapter}: {line.strip()!r} uses {name} otherwise than as fit's "
                                         "epochs= or steps_per_epoch= or in text: add the chapter to the smoke run")


@pytest.mark.skipif(os.environ.get(ENABLE_VAR) != "1",
                    reason=f"smoke run of the full profile (minutes): set {ENABLE_VAR}=1")
# 42 s for its two chapters together in a clean clone's .ci/run at 21c0bbd (book/conftest.py starts it by it)
@pytest.mark.expected_seconds(42)
@pytest.mark.parametrize("chapter", smoke_chapters())
def test_chapter_runs_under_the_full_profile_with_capped_training(chapter, smoke_results,
                                                                  monkeypatch):
    import jupytext
    from nbclient import NotebookClient

    # The kernel inherits this environment.
    monkeypatch.setenv(PROFILE_ENV_VAR, "full")
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, MAX_STEPS)
    monkeypatch.setenv(ledger.RESULTS_ENV_VAR, str(smoke_results))
    monkeypatch.setenv(ledger.RECORD_ENV_VAR, "1")
    notebook = jupytext.read(BOOK / f"{chapter}.md")
    solutions = with_solutions(notebook)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(BOOK)}}).execute()
    text = printed(notebook)
    ran = [cell.metadata["solution"] for cell in notebook.cells
           if "solution" in cell.metadata and cell.get("execution_count")]
    assert ran == solutions, f"{chapter}: solutions {solutions}, executed {ran}"
    if "runtime.configure(" in "".join(cell.source for cell in notebook.cells):
        assert (f"every fit capped at {MAX_STEPS} epochs of {MAX_STEPS} batches, "
                f"every evaluate at {MAX_STEPS} batches, XLA off") in text
    profile_lines = re.findall(r"^profile (\w+)", text, re.M)
    assert set(profile_lines) <= {"full"}, f"{chapter} ran the {profile_lines} profile, not full"
    # Every figure of this chapter went through ledger.record, which ran without a band check.
    expected = [figure.key for figure in ledger.FIGURES if figure.chapter == chapter]
    missing = [key for key in expected if not re.search(rf"^{re.escape(key)}: measured ", text, re.M)]
    assert not missing, f"{chapter} printed no ledger line for {missing}"
    assert text.count(f"band not asserted: {MAX_STEPS_ENV_VAR}={MAX_STEPS}") >= len(expected)
    if expected:  # recorded into the smoke run's folder, not results/
        assert set(expected) <= set(json.loads((smoke_results / "full.json").read_text()))
    if chapter == "char_rnn":  # the shipped checkpoint was loaded and evaluated
        assert "No checkpoint at" not in text
        assert re.search(r"^char\.checkpoint_valid_loss: measured ", text, re.M)
