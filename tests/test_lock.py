"""requirements/lock.txt: the exact versions the results were measured with, within pyproject.toml's ranges.

pyproject.toml keeps ranges (a package users install); the lock pins every package that
``pip install -e ".[dev]"`` brings, for the Python and platform its header names (uv's
``--python-version`` and ``--python-platform``). ``.ci/run``, Binder and the README install
with ``-c requirements/lock.txt``; the weekly workflow installs without it. ``benchmarks/bytecode.py
--install`` times ``.ci/run``'s install with the same command.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
CI_INSTALL = 'pip install --quiet -c requirements/lock.txt -e ".[dev]"'  # .ci/run's set-up
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def locked(text: str) -> dict[str, Version]:
    """``{canonical name: version}`` of the ``name==version`` lines of a lock's `text`."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)
    return {canonicalize_name(name): Version(version) for name, version in pins}


def target(text: str) -> dict[str, str]:
    """The marker environment of the Python and platform the lock's header names."""
    python = re.search(r"--python-version (3\.\d+\.\d+)", text)
    platform = re.search(r"--python-platform (x86_64)-manylinux", text)
    assert python and platform, "the lock's header must name --python-version X.Y.Z and an x86_64 manylinux platform"
    full = python.group(1)
    return {"python_version": full.rsplit(".", 1)[0], "python_full_version": full, "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": platform.group(1), "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def applies(requirement: Requirement, environment: dict[str, str], extras: frozenset[str]) -> bool:
    """Whether `requirement` is needed in `environment` when its parent is installed with `extras`."""
    marker = requirement.marker
    return marker is None or any(marker.evaluate({**environment, "extra": extra}) for extra in {"", *extras})


def project_requirements(extras: tuple[str, ...] = ("dev",)) -> list[Requirement]:
    """The project's dependencies and those of its `extras`, its own extras expanded (``[chapters,lab]``)."""
    requirements, todo, seen = [Requirement(r) for r in PROJECT["dependencies"]], list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in map(Requirement, PROJECT["optional-dependencies"][extra]):
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                todo.extend(requirement.extras)
            else:
                requirements.append(requirement)
    return requirements


LOCK_TEXT = LOCK.read_text(encoding="utf-8")
PINS = locked(LOCK_TEXT)
ENVIRONMENT = target(LOCK_TEXT)


def _installed_at_lock(name: str) -> bool:
    try:
        return Version(metadata.version(name)) == PINS[name]
    except metadata.PackageNotFoundError:
        return False


def test_the_lock_pins_tensorflow_keras_and_numpy():
    assert {"tensorflow", "keras", "numpy"} <= PINS.keys()


def test_every_requirement_of_pyproject_is_pinned_within_its_range():
    problems = []
    for requirement in project_requirements():
        if not applies(requirement, ENVIRONMENT, frozenset()):
            continue
        pin = PINS.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement}: not in the lock")
        elif not requirement.specifier.contains(pin, prereleases=True):
            problems.append(f"{requirement}: the lock pins {pin}")
    assert not problems, "requirements/lock.txt does not satisfy pyproject.toml (regenerate it: " \
        "CONTRIBUTING.md, 'The lock'):\n" + "\n".join(problems)


def test_the_lock_holds_every_dependency_of_the_dev_extras():
    """Walks the dependencies from pyproject.toml down, reading each package's own requirements from
    its installed metadata where the installed version is the locked one (CI installs the lock)."""
    problems, walked, unread = [], set(), set()
    todo = [(r, "pyproject.toml") for r in project_requirements()]
    while todo:
        requirement, parent = todo.pop()
        name, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        pin = PINS.get(name)
        if pin is None:
            problems.append(f"{requirement} (needed by {parent}): not in the lock")
            continue
        if not requirement.specifier.contains(pin, prereleases=True):
            problems.append(f"{requirement} (needed by {parent}): the lock pins {pin}")
        if not _installed_at_lock(name):
            unread.add(name)  # its requirements at the locked version are not on this machine
            continue
        if (name, extras) in walked:
            continue
        walked.add((name, extras))
        todo.extend((dependency, f"{name} {pin}") for dependency in map(Requirement, metadata.requires(name) or [])
                    if applies(dependency, ENVIRONMENT, extras))
    if not walked:
        pytest.skip("no package is installed at its locked version (install with -c requirements/lock.txt)")
    assert not problems, "requirements/lock.txt misses dependencies (regenerate it: CONTRIBUTING.md, " \
        "'The lock'):\n" + "\n".join(problems)
    if not unread:  # every package needed was read at its locked version: nothing else may be pinned
        unused = sorted(set(PINS) - {name for name, _ in walked})
        assert not unused, f"requirements/lock.txt pins packages nothing needs: {unused}"


@pytest.mark.parametrize("install", [
    (".ci/run", CI_INSTALL),
    ("binder/postBuild", '-c requirements/lock.txt -e ".[chapters,lab]"'),
    ("README.md", 'pip install -c requirements/lock.txt -e ".[dev]"'),
], ids=lambda install: install[0])
def test_ci_binder_and_the_readme_install_with_the_lock(install):
    path, command = install
    assert command in (ROOT / path).read_text(encoding="utf-8"), f"{path} does not install with the lock"


def test_the_install_benchmark_replays_cis_locked_install() -> None:
    """benchmarks/bytecode.py --install times `.ci/run`'s install (CI_INSTALL): its command must stay the same."""
    spec = importlib.util.spec_from_file_location("bytecode", ROOT / "benchmarks" / "bytecode.py")
    assert spec is not None and spec.loader is not None, "cannot load benchmarks/bytecode.py"
    bytecode = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bytecode)
    expected = ["-m", *shlex.split(CI_INSTALL)]
    assert bytecode.INSTALL == expected, (f"benchmarks/bytecode.py's INSTALL should be {expected} (.ci/run installs "
                                          f"with {CI_INSTALL!r}); it is {bytecode.INSTALL}")
