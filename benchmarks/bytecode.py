"""Process start-up with the install's byte-code against compiling every module from source.

`.ci/run`'s set-up lets pip byte-compile what it installs. Where ``PYTHONDONTWRITEBYTECODE=1``
is set (as on the 2-core CI machine), Python never stores what it compiles on import, so without
the install's ``.pyc`` files every process (each chapter's kernel, each subprocess of a test)
compiles TensorFlow and the rest again. This runs each command below in a subprocess, both ways,
alternating which goes first, and prints the fastest wall time of each and their ratio:

- with the install's byte-code: ``PYTHONDONTWRITEBYTECODE=1``;
- from source: the same, and ``PYTHONPYCACHEPREFIX`` set to an empty folder, where Python then
  looks for byte-code instead of the ``__pycache__`` folders beside the sources (what an install
  with ``pip install --no-compile`` leaves). Kernels started by the command inherit both.

The commands: ``import tensorflow`` (each kernel and pytest worker does it), and nbval on three
short chapters in one process (``pytest -n 0``: three kernels).

    python benchmarks/bytecode.py [--repeats 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
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


def installed_with_bytecode() -> bool:
    """Whether TensorFlow's own ``__init__`` has its ``.pyc`` beside it (pip compiled the install)."""
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or spec.origin is None:
        return False
    return Path(importlib.util.cache_from_source(spec.origin)).is_file()


def seconds(command: list[str], environ: dict[str, str]) -> float:
    """Wall time of `command` run from the root in `environ`; fails if it fails."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environ, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="runs per command and setting (fastest kept)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"argument --repeats: expected a count of at least 1, received {args.repeats}")
    if not installed_with_bytecode():
        parser.error("TensorFlow was installed without byte-code (pip install --no-compile): both settings "
                     "would compile from source; reinstall without --no-compile")
    with tempfile.TemporaryDirectory(prefix="rnn-book-no-bytecode-") as empty:
        base = {key: value for key, value in os.environ.items() if key != "PYTHONPYCACHEPREFIX"}
        environs = {SETTINGS[0]: {**base, "PYTHONDONTWRITEBYTECODE": "1"},
                    SETTINGS[1]: {**base, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}}
        runs: dict[tuple[str, str], list[float]] = {}
        for name, command in COMMANDS.items():
            for repeat in range(args.repeats):
                for setting in SETTINGS[::-1] if repeat % 2 else SETTINGS:
                    runs.setdefault((name, setting), []).append(seconds(command, environs[setting]))
        assert not any(Path(empty).iterdir()), "byte-code was written into the empty prefix"
    print(f"fastest of {args.repeats}, {len(os.sched_getaffinity(0))} CPUs, PYTHONDONTWRITEBYTECODE=1")
    for name in COMMANDS:
        kept, source = (min(runs[name, setting]) for setting in SETTINGS)
        print(f"  {name:<26} {SETTINGS[0]}: {kept:6.1f} s   {SETTINGS[1]}: {source:6.1f} s   "
              f"ratio {kept / source:.2f}")


if __name__ == "__main__":
    main()
