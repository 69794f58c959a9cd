"""Every value and band a stored chapter output prints equals what the ledger and results/ hold now.

The site shows the outputs stored in ``book/*.ipynb``; nbval re-executes the chapters
but compares measured values only through the ledger's bands. So a chapter executed
before a band changed, or a table printed from an older ``results/cpu.json``, could
show numbers nothing else holds. This test reads the stored outputs (no kernel) and
checks, against ``companion.ledger`` and ``results/cpu.json`` / ``cpu-runs.json``:

- every ledger line ``key: measured X | reported R | accepted RULE | VERDICT``;
- every ledger table (reported/accepted/measured), sources table and run table,
  regenerated from the current ledger and results and compared line by line;
- every glued value (``ledger.glue_measured``) and the ranking lines of the run log;
- the provenance lines (``ledger.measured_on``: where each profile's values were measured).

After a change that moves values, re-execute the chapters with ``RNN_BOOK_RECORD=1``
(CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import ledger, runs, storage

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
PROFILE = "cpu"  # the stored outputs are the cpu profile's (CI executes it)

LEDGER_LINE = re.compile(r"^(?P<key>[a-z_]+\.[a-z_0-9]+): measured (?P<measured>\S+) \| reported "
                         r"(?P<reported>.+?) \| accepted (?P<rule>.+) \| (?P<verdict>[\w ]+)$")
RANKING_LINE = re.compile(r"^(?P<name>.+?)\s+validation MSE (?P<mse>\S+)\s+(?P<params>\d+) parameters"
                          r"\s+(?P<seconds>\S+) s of training$")
LEDGER_HEADER = re.compile(r"^\| (value|figure) \| reported \| accepted \|")
SOURCES_HEADER = re.compile(r"^\| (value|figure) \| reported in \| notes \|")
RUNS_HEADER = "| rank | model |"
PROVENANCE_ITEM = re.compile(r"^- \*\*(?P<profile>[a-z]+)\*\*[ :]")


@pytest.fixture(autouse=True)
def repository_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read results/ of the repository, as the chapters did, never another folder."""
    monkeypatch.delenv(storage.RESULTS_ENV_VAR, raising=False)
    monkeypatch.delenv(storage.RECORD_ENV_VAR, raising=False)
    monkeypatch.setattr(storage, "_SESSION", {})  # values of this process are not results/
    monkeypatch.setattr(storage, "_SESSION_SECTIONS", {})


def stored_results() -> dict[str, float]:
    assert storage.results_dir() == ROOT / "results"
    return ledger.load_results(PROFILE)


def outputs(notebook: Path) -> Iterator[tuple[int, dict]]:
    """(cell index, output) of every code cell's stored outputs."""
    for index, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        for output in cell.get("outputs", []):
            yield index, output


def texts(output: dict, mime: str) -> str:
    if output.get("output_type") == "stream":
        return "".join(output["text"]) if mime == "text/plain" else ""
    value = output.get("data", {}).get(mime, "")
    return "".join(value) if isinstance(value, list) else value


def tables(text: str) -> list[list[str]]:
    """The Markdown tables in `text`: runs of consecutive lines that start with ``|``."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line.rstrip())
        elif current:
            found.append(current)
            current = []
    return found


def cells_of(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split(" | ")]


def ledger_keys(table: list[str]) -> list[str]:
    by_description = {figure.description: figure.key for figure in ledger.FIGURES}
    keys = []
    for row in table[2:]:
        description = cells_of(row)[0]
        keys.append(by_description.get(description, f"<no figure described as {description!r}>"))
    return keys


def problems_in(notebook: Path) -> list[str]:
    results = stored_results()
    problems: list[str] = []
    for index, output in outputs(notebook):
        where = f"{notebook.name} cell {index}"
        for line in texts(output, "text/plain").splitlines():
            if match := LEDGER_LINE.match(line.strip()):
                problems += check_ledger_line(match, results, where)
            elif match := RANKING_LINE.match(line.strip()):
                problems += check_ranking_line(match, where)
        for table in tables(texts(output, "text/markdown")):
            problems += check_table(table, where)
        items = [line for line in texts(output, "text/markdown").splitlines() if PROVENANCE_ITEM.match(line)]
        if items:
            problems += check_provenance(items, where)
        scrap = output.get("metadata", {}).get("scrapbook", {})
        if scrap:
            problems += check_glue(scrap["name"], output, results, where)
    return problems


def check_ledger_line(match: re.Match, results: dict[str, float], where: str) -> list[str]:
    key = match["key"]
    if key not in ledger.LEDGER:
        return [f"{where}: ledger line for unknown key {key!r}"]
    figure = ledger.LEDGER[key]
    problems = []
    if match["rule"] != figure.accepted.rule:
        problems.append(f"{where}: {key} prints 'accepted {match['rule']}', the ledger's band is "
                        f"'{figure.accepted.rule}'")
    if match["reported"] != figure.reported_text:
        problems.append(f"{where}: {key} prints 'reported {match['reported']}', the ledger holds "
                        f"{figure.reported_text}")
    verdict = ledger.Check(figure, results[key], PROFILE).verdict if key in results else None
    if verdict is not None and match["verdict"] != verdict:
        problems.append(f"{where}: {key} prints '{match['verdict']}', the ledger's verdict is '{verdict}'")
    if key not in results:
        problems.append(f"{where}: {key} is printed but results/{PROFILE}.json has no value for it")
    elif match["measured"] != f"{results[key]:.6g}":
        problems.append(f"{where}: {key} prints 'measured {match['measured']}', results/{PROFILE}.json "
                        f"holds {results[key]:.6g}")
    return problems


def check_ranking_line(match: re.Match, where: str) -> list[str]:
    run = runs.load(PROFILE).get(match["name"].strip())
    if run is None:
        return [f"{where}: run {match['name'].strip()!r} is printed but not in results/{PROFILE}-runs.json"]
    expected = (f"{run.mse:.4f}", str(run.params), f"{run.seconds:.1f}")
    printed = (match["mse"], match["params"], match["seconds"])
    if printed != expected:
        return [f"{where}: run {match['name'].strip()!r} prints (MSE, parameters, seconds) {printed}, "
                f"results/{PROFILE}-runs.json holds {expected}"]
    return []


def check_table(table: list[str], where: str) -> list[str]:
    if LEDGER_HEADER.match(table[0]):
        expected = ledger.markdown_table(ledger_keys(table)).splitlines() \
            if all(key in ledger.LEDGER for key in ledger_keys(table)) else None
        kind = "ledger table"
    elif SOURCES_HEADER.match(table[0]):
        keys = [m.group(1) if (m := re.search(r"\(`([^`]+)`,", row)) else "?" for row in table[2:]]
        expected = ledger.sources_table(keys).splitlines() \
            if all(key in ledger.LEDGER for key in keys) else None
        kind = "sources table"
    elif table[0].startswith(RUNS_HEADER):
        names = [cells_of(row)[1] for row in table[2:]]
        expected = runs.markdown_table(names, PROFILE).splitlines()
        kind = "run table"
    else:
        return []
    if expected is None:
        return [f"{where}: {kind} has a row no ledger figure matches:\n  " + "\n  ".join(table)]
    if table != expected:
        diff = [f"  stored: {old}\n  now:    {new}" for old, new in zip(table, expected, strict=False) if old != new]
        return [f"{where}: {kind} differs from what the ledger and results/ give now:\n" + "\n".join(diff)]
    return []


def check_provenance(items: list[str], where: str) -> list[str]:
    profiles = list(dict.fromkeys(PROVENANCE_ITEM.match(item)["profile"] for item in items))
    expected = [line for name in profiles for line in ledger.measured_on(name)]
    if items != expected:
        return [f"{where}: provenance differs from results/:\n  stored: " + "\n          ".join(items)
                + "\n  now:    " + "\n          ".join(expected)]
    return []


def check_glue(name: str, output: dict, results: dict[str, float], where: str) -> list[str]:
    keys = [key for key in ledger.LEDGER if ledger.glue_key(key) == name]
    if not keys:
        return []
    value = output["data"].get("application/papermill.record/text/plain")
    if keys[0] not in results or value != repr(results[keys[0]]):
        return [f"{where}: glued {name} = {value}, results/{PROFILE}.json holds {results.get(keys[0])}"]
    return []


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_stored_outputs_print_the_current_ledger_and_results(notebook):
    problems = problems_in(notebook)
    assert not problems, "\n".join(problems)


def test_the_checks_find_every_kind_of_printed_value():
    """The patterns above must match what the companion prints (else this test checks nothing)."""
    line = ledger.Check(ledger.LEDGER["ts.naive"], 0.0202113669, PROFILE).line()
    assert LEDGER_LINE.match(line)["rule"] == ledger.LEDGER["ts.naive"].accepted.rule
    corrected = ledger.Check(ledger.LEDGER["ts.naive_10"], 0.2569741, PROFILE).line()
    assert LEDGER_LINE.match(corrected).group("reported", "verdict") == ("0.223, corrected 0.25697", "corrected")
    assert LEDGER_HEADER.match(ledger.markdown_table(["ts.naive"]).splitlines()[0])
    assert SOURCES_HEADER.match(ledger.sources_table(["ts.naive"]).splitlines()[0])
    assert runs.markdown_table([], PROFILE).startswith(RUNS_HEADER)
    assert all(PROVENANCE_ITEM.match(item) for item in ledger.measured_on(PROFILE) + ledger.measured_on("full"))
    assert RANKING_LINE.match(f"{'LSTM':22} validation MSE 0.0095   5250 parameters    95.9 s of training")
    stored = "".join(json.dumps(json.loads(path.read_text())) for path in CHAPTERS)
    assert "measured" in stored and "| rank | model |" in stored and "scrapbook" in stored


def test_a_stale_band_is_reported(tmp_path):
    figure = ledger.LEDGER["stateful.valid_loss"]
    rule = figure.accepted.rule
    stale = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "stream", "name": "stdout",
         "text": ["stateful.valid_loss: measured 2.00014 | reported - | accepted in [9, 10] | as expected\n"]},
        {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": [
            ledger.markdown_table(["stateful.valid_loss"]).replace(rule, "in [9, 10]")]}},
    ]}]}
    path = tmp_path / "stale.ipynb"
    path.write_text(json.dumps(stale))
    problems = problems_in(path)
    assert any("accepted in [9, 10]" in problem and rule in problem for problem in problems)
    assert any("ledger table differs" in problem for problem in problems)


def test_stale_provenance_is_reported(tmp_path):
    stale = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "execute_result", "metadata": {}, "execution_count": 1, "data": {"text/markdown": [
            "- **cpu**: measured 2020-01-01 at commit 0000000 with Python 3.8.0, TensorFlow 2.0.0, Keras 2.3.0 and "
            "NumPy 1.18.0, on a toaster (1 CPUs, 1 TensorFlow thread)"]}},
    ]}]}
    path = tmp_path / "stale.ipynb"
    path.write_text(json.dumps(stale))
    [problem] = problems_in(path)
    assert "provenance differs" in problem and ledger.measured_on(PROFILE)[0] in problem
