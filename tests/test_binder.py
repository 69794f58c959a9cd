"""Binder: binder/ follows repo2docker's conventions, and postBuild's commands work.

repo2docker reads only binder/ when it exists; ``environment.yml`` is installed before
the repository is copied in, so it must not install the repository itself (a ``pip:``
entry such as ``-e .`` fails there); ``postBuild`` is an executable script run from the
repository's root afterwards; it installs the course at requirements/lock.txt's versions.
The last test runs postBuild unchanged in a fresh virtual environment on a copy of the
repository, with ``PIP_NO_DEPS=1`` (pip's ``--no-deps``: TensorFlow would take minutes)
and the dev environment's packages visible behind the fresh ones (for
``jupytext_config``), with Jupyter's settings in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import tomllib
import venv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
# What repo2docker reads from binder/ (its "configuration files").
REPO2DOCKER_FILES = {"environment.yml", "requirements.txt", "runtime.txt", "postBuild", "start",
                     "apt.txt", "install.R", "Project.toml", "REQUIRE", "setup.py", "Dockerfile",
                     "default.nix", "DESCRIPTION", "manifest.xml"}


def test_binder_holds_only_repo2docker_files():
    names = {path.name for path in BINDER.iterdir()}
    assert names <= REPO2DOCKER_FILES, f"not repo2docker files: {names - REPO2DOCKER_FILES}"
    assert {"environment.yml", "postBuild"} <= names


def test_environment_pins_the_projects_python_and_does_not_install_the_repository():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    major_minor = python.removeprefix("python=")
    assert f">={major_minor}" in project["requires-python"], (python, project["requires-python"])
    assert not [d for d in env["dependencies"] if isinstance(d, dict)], \
        "a pip: section runs before repo2docker copies the repository in: use postBuild"


def test_postbuild_is_an_executable_script_that_installs_the_course():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable (chmod +x)"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert re.search(r'pip install .*-c requirements/lock\.txt -e "\.\[chapters,lab\]"', text), text


def test_postbuild_succeeds_in_a_fresh_environment(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, course)
    for name in ("companion", "binder", "requirements"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    fresh_site = next((env_dir / "lib").glob("python3.*/site-packages"))
    # The dev environment's packages, behind the fresh ones (for jupytext_config).
    (fresh_site / "dev-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}", PIP_NO_DEPS="1",
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter"))
    done = subprocess.run([str(course / "binder" / "postBuild")], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                            "import companion; print(companion.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()) == course / "companion" / "__init__.py"
    # JupyterLab reads <config dir>/labconfig/ as defaults: .md files open as notebooks.
    settings = json.loads((tmp_path / "jupyter" / "labconfig"
                           / "default_setting_overrides.json").read_text())
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
