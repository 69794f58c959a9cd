"""Prose quotes measured values through glue or ``results/``, never as typed copies.

A value a chapter measures is stored in ``results/<profile>.json`` (and, for the
time-series models, ``results/<profile>-runs.json``) and changes whenever the chapters
are re-executed. Typed into a page's prose, its copy goes stale without a test noticing:
the reproducibility page quoted ``ts.wavenet`` as 0.00860 while ``results/cpu.json``
held 0.008883. So the markdown cells of ``book/*.md`` (code cells and fenced code
excluded, directives such as ``{solution}`` included; inline code and maths, such as
$\\sigma(1) \\approx 0.73$, are derivations, not quotes) must not contain

- a stored measured value as the text would print it: rounded to 2 to 6 significant
  digits, or as a percentage;
- a decimal number typed within a few words after a ledger key (```ts.wavenet```):
  that is a quoted measurement, whether or not it is still stored.

Quote measured values with ``{glue:text}`` (``ledger.glue_measured``). Values the
lecture or its notebook reported (``Figure.reported``, an erratum's ``Figure.corrected``)
and band limits may be typed:
they quote the sources and the ledger, not a run. Counts (integers) are not checked:
they are exact, and ``imdb.count_the`` is the lecture's own number.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jupytext
import pytest

from companion import ledger, runs, storage
from companion.profiles import PROFILES

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("*.md"))
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\S*)")  # ``` or ~~~ (code or directive), ::: (directive)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+\1")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.DOTALL)
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:\s?%)?(?![\w]|\.\d)")
DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+(?![\w]|\.\d)")
KEY = re.compile("`(" + "|".join(re.escape(key) for key in ledger.LEDGER) + ")`")
KEY_REACH = 60  # characters after a ledger key, within its sentence, in which a typed number quotes its value
SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")


def significant(value: float, digits: int) -> str:
    """`value` rounded to `digits` significant digits, in positional notation (``0.00888``)."""
    decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
    return f"{round(value, decimals):.{decimals}f}"


def printed_forms(value: float) -> set[str]:
    """How prose would show `value`: 2 to 6 significant digits, and as a percentage if below 1.

    Forms of fewer than three digits (``1.5``, ``76%``) are left out: too common to mean this value.
    """
    if value == 0:
        return set()
    forms = {significant(value, digits) for digits in range(2, 7)}
    if 0 < abs(value) < 1:
        forms |= {f"{100 * value:.{decimals}f}%" for decimals in range(0, 3)}
    return {form for form in forms if sum(ch.isdigit() for ch in form) >= 3}


def measured_values(results: Path = ROOT / "results") -> dict[str, float]:
    """Stored measured values that are not counts, by name: ledger keys and run-log models.

    Read through the companion's own readers (which skip the files' provenance), for every profile.
    """
    values: dict[str, float] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(storage.RESULTS_ENV_VAR, str(results))
        for profile in PROFILES:
            for name, value in ledger.load_results(profile).items():
                values[f"{profile}: {name}"] = value
            for name, run in runs.load(profile).items():
                values[f"{profile}-runs: {name}"] = run.mse
    return {name: value for name, value in values.items() if not float(value).is_integer()}


def quoted_sources(figures: tuple[ledger.Figure, ...] = ledger.FIGURES) -> set[str]:
    """Printed forms of what `figures`' sources reported and of their bands' limits: typing these is fine."""
    allowed: set[str] = set()
    for figure in figures:
        band = figure.accepted  # the band resolved against the reported (or corrected) value
        for number in (band.low, band.high, figure.reported, figure.corrected):
            if number is not None and not float(number).is_integer():
                allowed |= printed_forms(number) | {f"{number:g}"}
    return allowed


def prose(path: Path) -> list[str]:
    """The markdown cells of the chapter at `path`, without fenced code (directives' contents are kept)."""
    texts = []
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "markdown":
            continue
        kept: list[str] = []
        fences: list[tuple[str, bool]] = []  # open fences, innermost last: (marker, holds code)
        for line in cell.source.splitlines():
            fence = FENCE.match(line)
            closes = bool(fence and fences and not fence.group(2) and fence.group(1)[0] == fences[-1][0][0]
                          and len(fence.group(1)) >= len(fences[-1][0]))
            if closes:
                fences.pop()
            elif fences and fences[-1][1]:
                continue  # inside a code block
            elif fence:
                fences.append((fence.group(1), not fence.group(2).startswith("{")))
            else:
                kept.append(line)
        texts.append("\n".join(kept))
    return texts


def typed_values(text: str, forms: dict[str, str], allowed: set[str]) -> list[str]:
    """Typed copies of stored values in `text` (`forms` maps a printed form to its value's name)."""
    numbers = NUMBER.findall(MATH.sub(" ", INLINE_CODE.sub(" ", text)))
    return [f"{number} ({forms[number.replace(' ', '')]})" for number in numbers
            if number.replace(" ", "") in forms and number.replace(" ", "") not in allowed]


def quoted_after_keys(text: str) -> list[str]:
    """Decimal numbers typed after a ledger key (within `KEY_REACH` characters, its sentence and
    before the next key) that are not that figure's reported value or band limits."""
    found = []
    matches = list(KEY.finditer(text))
    for index, match in enumerate(matches):
        end = min(match.end() + KEY_REACH, matches[index + 1].start() if index + 1 < len(matches) else len(text))
        window = SENTENCE_END.split(text[match.end():end], maxsplit=1)[0]
        allowed = quoted_sources((ledger.LEDGER[match.group(1)],))
        for number in DECIMAL.findall(INLINE_CODE.sub(" ", window)):
            if number not in allowed:
                found.append(f"{number} after `{match.group(1)}`")
    return found


def offences(path: Path, values: dict[str, float]) -> list[str]:
    """Every typed measured value in the prose of `path`."""
    forms = {form: name for name, value in values.items() for form in printed_forms(value)}
    allowed = quoted_sources()
    found: list[str] = []
    for text in prose(path):
        found += typed_values(text, forms, allowed) + quoted_after_keys(text)
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_prose_quotes_no_typed_measured_value(path):
    found = offences(path, measured_values())
    assert not found, (
        f"book/{path.name} types measured values in its prose: {', '.join(found)}. Quote them with "
        "{glue:text} (ledger.glue_measured, or myst_nb.glue of a value read from results/), so that "
        "the page shows what the run stored."
    )


def test_printed_forms():
    assert {"0.0089", "0.00888", "0.008883", "0.0088830"} <= printed_forms(0.008883033)
    assert {"0.76", "0.758", "75.8%", "75.80%"} <= printed_forms(0.7580000162)
    assert "76%" not in printed_forms(0.7580000162)
    assert {"1.49", "1.494"} <= printed_forms(1.4940245) and "1.5" not in printed_forms(1.4940245)


def test_a_typed_value_is_caught(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "cpu.json").write_text(json.dumps({"ts.wavenet": 0.008883032947778702}))
    (results / "cpu-runs.json").write_text(json.dumps({"GRU": {"mse": 0.00851526, "params": 4110,
                                                               "seconds": 46.9}}))
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\nWaveNet scored 0.00888 (GRU: 0.0085), `ts.seq2seq` came out 0.00555.\n"
        "The lecture's 0.0072, 2020, 48 epochs and {glue:text}`ts_wavenet:.4f` are fine.\n\n"
        "```python\nprint(0.00888)\n```\n\n````{solution} x\nIt measured 0.00852.\n```\n0.00888\n```\n````\n",
        encoding="utf-8")
    found = offences(page, measured_values(results))
    assert found == ["0.00888 (cpu: ts.wavenet)", "0.0085 (cpu-runs: GRU)", "0.00555 after `ts.seq2seq`",
                     "0.00852 (cpu-runs: GRU)"]
