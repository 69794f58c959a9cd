"""Characters per second: the char-RNN page's JavaScript writer vs Python's one-step generator.

Both run the checkpoint the book ships, side by side in one run: the built page
``book/char_rnn.html`` in headless Chromium (``window.charRNN.generate``, opened from
``file://``) and ``companion.generation.OneStepGenerator`` (XLA-compiled TensorFlow).
Each figure is the median of a few runs after a warm-up. Needs a built site and the
Shakespeare corpus:

    jupyter-book build . && RNN_BOOK_DATA_DIR=../shared/data python benchmarks/browser_generation.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from companion import runs, runtime
from companion.browser import SITE, chromium
from companion.generation import OneStepGenerator
from companion.train_char_rnn import load_checkpoint

PAGE = SITE / "book" / "char_rnn.html"

# Seconds the page takes to write arguments[0] characters (median of arguments[3] runs).
PAGE_TIMING = """
const [nChars, prompt, temperature, repeats] = arguments;
const done = arguments[arguments.length - 1];
charRNN.ready.then(() => {
  charRNN.generate(prompt, {nChars: 50, temperature: temperature, seed: 0});  // warm-up (JIT)
  const seconds = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    charRNN.generate(prompt, {nChars: nChars, temperature: temperature, seed: 42 + i});
    seconds.push((performance.now() - start) / 1000);
  }
  seconds.sort((a, b) => a - b);
  done(seconds[Math.floor(repeats / 2)]);
}, (error) => done("failed: " + error));
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-chars", type=int, nargs="+", default=[300, 500])
    parser.add_argument("--prompt", default="ROMEO:")
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not PAGE.is_file():
        sys.exit(f"No built page at {PAGE}: run `jupyter-book build .` first.")
    runtime.configure()
    checkpoint = load_checkpoint()  # the one the book ships
    generator = OneStepGenerator(checkpoint.model, checkpoint.tokenizer)
    generator.complete_text(args.prompt, 2, seed=0)  # warm-up: traces and compiles the step
    python_seconds = {}
    for n_chars in args.n_chars:
        times = []
        for i in range(args.repeats):
            with runs.timer() as clock:
                generator.complete_text(args.prompt, n_chars, args.temperature, seed=42 + i)
            times.append(clock.seconds)
        python_seconds[n_chars] = statistics.median(times)
    with tempfile.TemporaryDirectory() as profile, chromium(Path(profile)) as driver:
        driver.get(PAGE.resolve().as_uri())
        page_seconds = {n: driver.execute_async_script(PAGE_TIMING, n, args.prompt, args.temperature,
                                                       args.repeats) for n in args.n_chars}
        version = driver.capabilities.get("browserVersion", "?")
    print(f"characters per second after {args.prompt!r}, temperature {args.temperature}, "
          f"median of {args.repeats} runs (Chromium {version}, headless)")
    print(f"{'characters':>10}  {'page (JavaScript)':>18}  {'OneStepGenerator':>17}  {'ratio':>6}")
    for n_chars in args.n_chars:
        page, python = page_seconds[n_chars], python_seconds[n_chars]
        if isinstance(page, str):
            sys.exit(f"The page could not write: {page}")
        print(f"{n_chars:>10}  {n_chars / page:>12,.0f} ch/s  {n_chars / python:>11,.0f} ch/s  "
              f"{python / page:>5.1f}x")


if __name__ == "__main__":
    main()
