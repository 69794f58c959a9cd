"""Processes run with the install's byte-code against compiling the installed modules from source.

`.ci/run`'s set-up lets pip byte-compile what it installs. Where ``PYTHONDONTWRITEBYTECODE=1``
is set (as on the 2-core CI machine), Python never stores what it compiles on import, so without
the install's ``.pyc`` files every process (each chapter's kernel, each subprocess of a test)
compiles TensorFlow and the rest again. This runs each command below in a subprocess, both ways,
alternating which goes first, and prints the fastest wall time of each and their ratio:

- with the install's byte-code: ``PYTHONDONTWRITEBYTECODE=1``;
- from source: the same, and ``PYTHONPYCACHEPREFIX`` set to a folder where Python then looks for
  byte-code instead of the ``__pycache__`` folders beside the sources. It holds only the standard
  library's byte-code (compiled into it first, without the interpreter's own site-packages, as the
  interpreter's install has it), so the venv's packages compile from source, as after
  ``pip install --no-compile``. Kernels started by the command inherit both.

The commands: ``import tensorflow`` (each kernel and pytest worker does it), and nbval on three
short chapters in one process (``pytest -n 0``: three kernels).

``--install`` instead times two ways to get the byte-code, each into a new virtual environment from
pip's cache (as `.ci/run`'s set-up, lock included): pip compiling as it installs (what `.ci/run` does),
and ``pip install --no-compile`` followed by ``python -m compileall -j 0`` (on every CPU).

    python benchmarks/bytecode.py [--repeats 2] [--install]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "import tensorflow": [sys.executable, "-c", "import tensorflow"],
    "nbval, 3 short chapters": [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                                "book/introduction.ipynb", "book/reproducibility.ipynb",
                                "book/recurrent_neurons.ipynb"],
}
SETTINGS = ("with the install's byte-code", "from source")
INSTALL = ["-m", "pip", "install", "--quiet", "-c", "requirements/lock.txt", "-e", ".[dev]"]
INSTALLS = ("pip compiles", "--no-compile, then compileall -j 0")


def in_turn(options: tuple[str, ...], repeat: int) -> tuple[str, ...]:
    """`options` in order on even repeats, reversed on odd ones, so that none always runs first."""
    return options[::-1] if repeat % 2 else options


def installed_with_bytecode() -> bool:
    """Whether TensorFlow's own ``__init__`` has its ``.pyc`` in the ``__pycache__`` beside it (pip
    compiled it, or an import wrote it)."""
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or spec.origin is None:
        return False
    source = Path(spec.origin)
    return (source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc").is_file()


def seconds(command: list[str], environ: dict[str, str]) -> float:
    """Wall time of `command` run from the root in `environ`; raises RuntimeError, with the end of its
    output, if it fails."""
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with code {run.returncode}:\n"
                           f"{(run.stdout + run.stderr)[-2000:]}")
    return time.perf_counter() - started


def files_in(folder: str) -> set[Path]:
    """The files under `folder`, at any depth."""
    return {path for path in Path(folder).rglob("*") if path.is_file()}


def install_seconds(folder: Path, install: str) -> float:
    """Wall time of `.ci/run`'s install into a new virtual environment in `folder` (removed afterwards), in
    the way `install` (one of INSTALLS) names; fails if it leaves TensorFlow without its byte-code."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    environ = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPYCACHEPREFIX")}
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], env=environ, check=True)
    started = time.perf_counter()
    if install == INSTALLS[0]:
        subprocess.run([python, *INSTALL], cwd=ROOT, env=environ, check=True)
    else:
        subprocess.run([python, *INSTALL, "--no-compile"], cwd=ROOT, env=environ, check=True)
        purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                 env=environ, check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run([python, "-m", "compileall", "-q", "-j", "0", purelib], env=environ, check=True,
                       stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    check = "import bytecode; print(bytecode.installed_with_bytecode())"  # this file, in the new environment
    compiled = subprocess.run([python, "-c", check], cwd=Path(__file__).parent, env=environ, check=True,
                              capture_output=True, text=True)
    shutil.rmtree(venv)
    if compiled.stdout.strip() != "True":
        raise RuntimeError(f"{install}: the install left TensorFlow without byte-code")
    return elapsed


def compare_installs(repeats: int) -> None:
    """Prints the fastest wall time of each way in INSTALLS over `repeats` installs, alternating."""
    runs: dict[str, list[float]] = {install: [] for install in INSTALLS}
    with tempfile.TemporaryDirectory(prefix="rnn-book-install-") as folder:
        for repeat in range(repeats):
            for install in in_turn(INSTALLS, repeat):
                runs[install].append(install_seconds(Path(folder), install))
    fastest = {install: min(times) for install, times in runs.items()}
    print(f"install from pip's cache, fastest of {repeats}, {len(os.sched_getaffinity(0))} CPUs")
    for install, seconds_taken in fastest.items():
        print(f"  {install:<34} {seconds_taken:6.1f} s   ratio {seconds_taken / fastest[INSTALLS[0]]:.2f}")


def compare_commands(repeats: int) -> None:
    """Prints the fastest wall time of each of COMMANDS under each of SETTINGS over `repeats` runs,
    alternating, and their ratio."""
    with tempfile.TemporaryDirectory(prefix="rnn-book-stdlib-bytecode-") as prefix:
        subprocess.run([sys.executable, "-X", f"pycache_prefix={prefix}", "-m", "compileall", "-q", "-j", "0",
                        "-x", r"[/\\]site-packages[/\\]", sysconfig.get_path("stdlib")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # a few of its tests fail to compile
        stdlib_os = Path(prefix + os.path.dirname(os.__file__)) / f"os.{sys.implementation.cache_tag}.pyc"
        if not stdlib_os.is_file():  # under a prefix, a module's .pyc mirrors its folder, no __pycache__
            raise RuntimeError(f"compileall left no byte-code of the standard library in {prefix}")
        stdlib = files_in(prefix)
        base = {key: value for key, value in os.environ.items() if key != "PYTHONPYCACHEPREFIX"}
        environs = {SETTINGS[0]: {**base, "PYTHONDONTWRITEBYTECODE": "1"},
                    SETTINGS[1]: {**base, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": prefix}}
        runs: dict[tuple[str, str], list[float]] = {}
        for name, command in COMMANDS.items():
            for repeat in range(repeats):
                for setting in in_turn(SETTINGS, repeat):
                    runs.setdefault((name, setting), []).append(seconds(command, environs[setting]))
        if files_in(prefix) != stdlib:
            raise RuntimeError(f"byte-code was written into {prefix} during the runs: "
                               f"{sorted(files_in(prefix) - stdlib)[:5]}")
    print(f"fastest of {repeats}, {len(os.sched_getaffinity(0))} CPUs, PYTHONDONTWRITEBYTECODE=1")
    for name in COMMANDS:
        kept, source = (min(runs[name, setting]) for setting in SETTINGS)
        print(f"  {name:<26} {SETTINGS[0]}: {kept:6.1f} s   {SETTINGS[1]}: {source:6.1f} s   "
              f"ratio {kept / source:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="runs per command and setting (fastest kept)")
    parser.add_argument("--install", action="store_true", help="time the two ways to install the byte-code")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"argument --repeats: expected a count of at least 1, received {args.repeats}")
    if args.install:
        compare_installs(args.repeats)
        return
    if not installed_with_bytecode():
        parser.error("TensorFlow was installed without byte-code (pip install --no-compile): both settings "
                     "would compile from source; reinstall without --no-compile")
    compare_commands(args.repeats)


if __name__ == "__main__":
    main()
