"""Characters per second: the char-RNN page's JavaScript writer vs Python's one-step generator.

Both run the checkpoint the book ships, side by side in one run: the built page
``book/char_rnn.html`` in headless Chromium (``window.charRNN.generate``, opened from
``file://``) and ``companion.generation.OneStepGenerator`` (XLA-compiled TensorFlow).
Then the milliseconds the page's engine (``char_rnn_engine.js``) takes for
``charRNN.trace`` of 1,000 held-out characters and for ``charRNN.connectivity`` over a
window of 200 (the gradient of the prediction after the 200th character with respect to
each of the 200 inputs: the view that follows the pointer; goal: under 100 ms).
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

import numpy as np

from companion import data, runs, runtime
from companion.browser import SITE, chromium
from companion.generation import OneStepGenerator
from companion.text import split_chronologically
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

# Milliseconds of charRNN.trace(arguments[0]) and of charRNN.connectivity(arguments[1], at its
# second-to-last position) (medians of arguments[2] runs).
ENGINE_TIMING = """
const [traced, read, repeats] = arguments;
const done = arguments[arguments.length - 1];
function median(run) {
  run();  // warm-up (JIT)
  const milliseconds = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    milliseconds.push(performance.now() - start);
  }
  milliseconds.sort((a, b) => a - b);
  return milliseconds[Math.floor(repeats / 2)];
}
charRNN.ready.then(() => ({
  trace: median(() => charRNN.trace(traced)),
  connectivity: median(() => charRNN.connectivity(read, read.length - 2)),
})).then(done, (error) => done("failed: " + error));
"""


def held_out_text(n_chars: int) -> str:
    """The first `n_chars` characters of the held-out split (split_chronologically's last 10 %), as written."""
    text = data.fetch(data.SHAKESPEARE).read_text()
    _, held_out = split_chronologically(np.arange(len(text)))
    return text[held_out[0]:held_out[0] + n_chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-chars", type=int, nargs="+", default=[300, 500])
    parser.add_argument("--prompt", default="ROMEO:")
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trace-chars", type=int, default=1000, help="characters charRNN.trace reads")
    parser.add_argument("--window", type=int, default=200,
                        help="characters read before the prediction connectivity explains")
    parser.add_argument("--engine-repeats", type=int, default=7, help="runs of trace and connectivity")
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
        text = held_out_text(max(args.trace_chars, args.window + 1))
        engine = driver.execute_async_script(ENGINE_TIMING, text[:args.trace_chars], text[:args.window + 1],
                                             args.engine_repeats)
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
    if isinstance(engine, str):
        sys.exit(f"The page's engine could not run: {engine}")
    print(f"\nthe page's engine on held-out text, median of {args.engine_repeats} runs:")
    print(f"  trace of {args.trace_chars:,} characters: {engine['trace']:,.1f} ms")
    print(f"  connectivity over {args.window} characters (position {args.window - 1}): "
          f"{engine['connectivity']:,.1f} ms (goal: under 100 ms)")


if __name__ == "__main__":
    main()
