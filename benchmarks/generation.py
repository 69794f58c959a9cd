"""The lecture's ``complete_text`` vs the one-step generator, side by side in one run.

Same model (the checkpoint the book ships), same prompt, same temperature, same
seed: prints both times, their ratio and the fraction of identical characters.

    RNN_BOOK_DATA_DIR=../shared/data python benchmarks/generation.py [--n-chars 500]
"""

from __future__ import annotations

import argparse

from companion import runs, runtime
from companion.generation import OneStepGenerator, complete_text
from companion.train_char_rnn import load_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-chars", type=int, default=500)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--prompt", default="t")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    runtime.configure()
    checkpoint = load_checkpoint()  # the one the book ships
    model, tokenizer = checkpoint.model, checkpoint.tokenizer
    generator = OneStepGenerator(model, tokenizer)
    generator.complete_text(args.prompt, 2, seed=0)  # warm-up: traces the step function
    complete_text(model, tokenizer, args.prompt, 2, seed=0)  # warm-up: builds predict
    kwargs = dict(n_chars=args.n_chars, temperature=args.temperature, seed=args.seed)
    with runs.timer() as fast_clock:
        fast = generator.complete_text(args.prompt, **kwargs)
    with runs.timer() as slow_clock:
        slow = complete_text(model, tokenizer, args.prompt, **kwargs)
    same = sum(a == b for a, b in zip(fast, slow, strict=True)) / len(slow)
    first_difference = next((i for i, (a, b) in enumerate(zip(fast, slow, strict=True)) if a != b), None)
    print(f"{args.n_chars} characters after {args.prompt!r}, temperature {args.temperature}, "
          f"seed {args.seed}")
    print(f"lecture's complete_text : {slow_clock.seconds:8.2f} s "
          f"({1000 * slow_clock.seconds / args.n_chars:.1f} ms per character)")
    print(f"one-step generator      : {fast_clock.seconds:8.2f} s "
          f"({1000 * fast_clock.seconds / args.n_chars:.2f} ms per character)")
    print(f"speed-up                : {slow_clock.seconds / fast_clock.seconds:8.0f}x")
    print(f"identical characters    : {same:.1%}"
          + ("" if first_difference is None else f" (first difference at {first_difference})"))


if __name__ == "__main__":
    main()
