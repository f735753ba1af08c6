"""Benchmark `calcml.symbolic.parse` against SymPy's `parse_expr` on a 10,000-character input.

Run: `.venv/bin/python bench/bench_parse.py [--repeats N] [--length CHARS]`. Both parsers read the
same Python-syntax text (a sum of polynomial, rational and function terms in x, y, z) and build
their expressions (SymPy with its default transformations, calcml into canonical nodes). Timings
are medians over repeats, the two parsers run round-robin inside each repeat so a busy machine
slows both alike. The target: calcml at least 5x faster. Also shown: the one-time cost of
building calcml's LALR tables (paid by the first parse in a process) and LaTeX input.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

from sympy.parsing.sympy_parser import parse_expr

from calcml.symbolic.parse import parse

TARGET_RATIO = 5.0


def expression(length: int, seed: int = 0) -> str:
    """A reproducible sum of varied terms, cut at a term boundary near `length` characters."""
    rng = random.Random(seed)
    functions = ["sin", "cos", "exp", "log", "tanh", "sqrt", "atan"]
    terms: list[str] = []
    size = 0
    while True:
        a, b, c = rng.randint(2, 99), rng.randint(2, 9), rng.randint(1, 9)
        v, w = rng.choice("xyz"), rng.choice("xyz")
        f = rng.choice(functions)
        term = rng.choice([
            f"{a}*{v}**{b}", f"{a}*{f}({v} + {c})", f"{v}*{w}/({a} + {v}**2)",
            f"{a}*{v}*{f}({c}*{w})", f"({v} - {c})**{b}/{a}", f"{f}({v}**2 + {w})/{a}",
        ])  # fmt: skip
        if size + len(term) + 3 > length:
            return " + ".join(terms)
        terms.append(term)
        size += len(term) + 3


def median_seconds(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--length", type=int, default=10_000)
    args = ap.parse_args()

    text = expression(args.length)
    start = time.perf_counter()
    parse("x")
    cold_text = time.perf_counter() - start
    start = time.perf_counter()
    parse("x", latex=True)
    cold_latex = time.perf_counter() - start

    ours = parse(text)
    latex = ours.latex()
    times = median_seconds(
        {"calcml": lambda: parse(text), "sympy": lambda: parse_expr(text),
         "calcml LaTeX": lambda: parse(latex)},
        args.repeats,
    )  # fmt: skip
    ratio = times["sympy"] / times["calcml"]

    print(f"input: {len(text):,} characters of Python syntax, {len(ours.args)} terms after parsing")
    print(f"calcml parse       {times['calcml'] * 1e3:9.1f} ms  (median of {args.repeats})")
    print(f"sympy parse_expr   {times['sympy'] * 1e3:9.1f} ms")
    print(f"ratio sympy/calcml {ratio:9.1f} x   (target >= {TARGET_RATIO:g} x)")
    print(f"calcml LaTeX       {times['calcml LaTeX'] * 1e3:9.1f} ms  ({len(latex):,} characters, "
          "the LaTeX printout of the same expression)")  # fmt: skip
    print(f"grammar tables     {cold_text * 1e3:9.1f} ms text, {cold_latex * 1e3:.1f} ms LaTeX "
          "(once per process)")  # fmt: skip
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
