"""Symbolic differentiation against SymPy, measured in one run on this machine.

Run: `python bench/bench_diff.py [--repeats N]`. SymPy's cache is cleared before each of its
runs, as a user meets it. calcml's times include its own numeric verification of every result
(central differences), which SymPy does not do.

Cases (the derivatives issue, item 10):
  (a) d/dx of the nested chain sin(cos(exp(sin(...x...)))) at depth 100, 300, 1000, with the
      growth exponent fitted from 100 to 1000;
  (b) d/dx of a sum of 1000 distinct terms c*x**k*sin(a*x+b);
  (c) the gradient of sum_i v_i*tanh(sum_j W_ij*x_j + b_i) + c (20 inputs, 20 hidden) with
      respect to all 441 weights;
  (d) the 10x10 Hessian of a random 200-term quartic in 10 variables;
  (e) compile the gradient of (c) and evaluate it on 10^5 points, against hand-written NumPy;
  (f) parse a 10,000-character expression.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable

import numpy as np
import sympy
from sympy.core.cache import clear_cache

import calcml as cm
from calcml.core.expr import symbol
from calcml.symbolic.derivatives import gradient, hessian
from calcml.symbolic.diff import diff
from calcml.symbolic.parse import parse

CHAIN = ["sin", "cos", "exp", "sin"]


def best_time(fn: Callable[[], object], repeats: int) -> float:
    """The median time of `fn` over `repeats` runs (SymPy's cache cleared before each)."""
    times: list[float] = []
    for _ in range(repeats):
        clear_cache()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired_times(ours: Callable[[], object], theirs: Callable[[], object],
                 repeats: int) -> tuple[float, float]:  # fmt: skip
    """Median times of calcml and SymPy, measured interleaved over the same stretch of time.

    This machine's speed drifts in phases of a second or more (the same computation takes 36 ms
    in one phase and 75 ms in the next). A SymPy run lasts seconds and so averages over phases;
    a calcml run lasts milliseconds and lands in one. So after each SymPy run calcml runs again
    and again for as long as that SymPy run took: both medians then cover the same phases.
    SymPy's cache is cleared before each of its runs, as a user meets it; the garbage collector
    stays on for both.
    """
    mine: list[float] = []
    peer: list[float] = []
    for _ in range(repeats):
        peer.append(best_time(theirs, 1))
        until = time.perf_counter() + peer[-1]
        while True:
            mine.append(best_time(ours, 1))
            if time.perf_counter() >= until:
                break
    return statistics.median(mine), statistics.median(peer)


def sum_terms(n: int = 1000, seed: int = 0) -> list[str]:
    rnd = random.Random(seed)
    terms = []
    for k in range(n):
        c, a, b = rnd.randint(1, 9), rnd.randint(1, 9), rnd.randint(-9, 9)
        terms.append(f"{c}*x**{k}*sin({a}*x + {b})")
    return terms


def sum_text(n: int = 1000, seed: int = 0) -> str:
    return " + ".join(sum_terms(n, seed))


def network_text(n_in: int = 20, n_hidden: int = 20) -> tuple[str, list[str]]:
    weights: list[str] = []
    hidden = []
    for i in range(n_hidden):
        inner = " + ".join(f"W{i}_{j}*x{j}" for j in range(n_in))
        hidden.append(f"v{i}*tanh({inner} + b{i})")
        weights += [f"W{i}_{j}" for j in range(n_in)] + [f"b{i}", f"v{i}"]
    return " + ".join(hidden) + " + c", [*weights, "c"]


def quartic_text(n_terms: int = 200, n_vars: int = 10, seed: int = 1) -> str:
    rnd = random.Random(seed)
    terms = []
    for _ in range(n_terms):
        powers = [0] * n_vars
        for _ in range(4):
            powers[rnd.randrange(n_vars)] += 1
        mono = "*".join(f"y{v}**{p}" for v, p in enumerate(powers) if p)
        terms.append(f"{rnd.randint(-9, 9) or 1}*{mono}")
    return " + ".join(terms)


def sympy_expr(text: str) -> sympy.Expr:
    return sympy.sympify(text)


def row(name: str, ours: float, theirs: float) -> None:
    print(f"{name:<44} calcml {ours * 1e3:10.2f} ms   sympy {theirs * 1e3:10.2f} ms   "
          f"ratio {theirs / ours:8.1f}x")  # fmt: skip


def _sympy_chain(depth: int, out: multiprocessing.Queue) -> None:
    sys.setrecursionlimit(100_000)
    sx = sympy.Symbol("x")
    e = sx
    for i in range(depth):
        e = getattr(sympy, CHAIN[i % 4])(e)
    clear_cache()
    t0 = time.perf_counter()
    sympy.diff(e, sx)
    out.put(time.perf_counter() - t0)


def sympy_chain_time(depth: int, limit: float) -> float | None:
    """SymPy's time in a child process, or None when it passed `limit` seconds and was stopped."""
    out: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_sympy_chain, args=(depth, out))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        return None
    return out.get()


def bench_chain(repeats: int, limit: float) -> None:
    times = {}
    x = symbol("x")
    for depth in (100, 300, 1000):
        ours_e = x  # built, not parsed: deeper than the parser's nesting limit
        for i in range(depth):
            ours_e = cm.PRIMITIVES[CHAIN[i % 4]](ours_e)
        diff(ours_e, x)  # one warm-up run: the first NumPy check of a size allocates its arrays
        ours = best_time(lambda e=ours_e: diff(e, x), max(repeats, 15))
        times[depth] = ours
        theirs = sympy_chain_time(depth, limit)
        if theirs is None:
            print(f"{f'(a) nested chain, depth {depth}':<44} calcml {ours * 1e3:10.2f} ms   "
                  f"sympy > {limit:.0f} s (stopped)   ratio > {limit / ours:.0f}x")
        else:
            row(f"(a) nested chain, depth {depth}", ours, theirs)
    exponent = math.log(times[1000] / times[100]) / math.log(10)
    print(f"    growth exponent of calcml from depth 100 to 1000: {exponent:.2f}")


def bench_sum(repeats: int) -> None:
    text = sum_text()
    ours_e, theirs_e = parse(text), sympy_expr(text)
    ours, theirs = paired_times(lambda: diff(ours_e, "x"),
                                lambda: sympy.diff(theirs_e, sympy.Symbol("x")), repeats)
    row("(b) sum of 1000 terms c*x^k*sin(ax+b)", ours, theirs)


def bench_network(repeats: int) -> None:
    text, weights = network_text()
    ours_e, theirs_e = parse(text), sympy_expr(text)
    ours_w = [symbol(w) for w in weights]
    theirs_w = [sympy.Symbol(w) for w in weights]
    ours, theirs = paired_times(lambda: gradient(ours_e, ours_w),
                                lambda: [sympy.diff(theirs_e, w) for w in theirs_w], repeats)
    row("(c) gradient of a 20-20-1 network (441)", ours, theirs)


def bench_hessian(repeats: int) -> None:
    text = quartic_text()
    ours_e, theirs_e = parse(text), sympy_expr(text)
    names = [f"y{i}" for i in range(10)]
    ours, theirs = paired_times(lambda: hessian(ours_e, names),
                                lambda: sympy.hessian(theirs_e, sympy.symbols(names)), repeats)
    row("(d) 10x10 Hessian of a 200-term quartic", ours, theirs)


def bench_compiled(repeats: int, n_points: int = 100_000) -> None:
    text, weights = network_text()
    f = parse(text)
    grads = gradient(f, weights)
    inputs = [f"x{j}" for j in range(20)]
    rng = np.random.default_rng(0)
    W, b, v = rng.normal(size=(20, 20)) * 0.3, rng.normal(size=20), rng.normal(size=20)
    X = rng.normal(size=(n_points, 20))
    values = dict(zip(weights, [*W.ravel(), *[0.0] * 0], strict=False))
    for i in range(20):
        values[f"b{i}"], values[f"v{i}"] = b[i], v[i]
        for j in range(20):
            values[f"W{i}_{j}"] = W[i, j]
    values["c"] = 0.5
    fast = cm.compile(grads, [*inputs, *weights])
    args = [X[:, j] for j in range(20)] + [values[w] for w in weights]

    def by_hand():
        h = np.tanh(X @ W.T + b)
        dv = h
        db = v * (1 - h * h)
        dw = db[:, :, None] * X[:, None, :]
        return dw, db, dv

    ours = best_time(lambda: fast(*args), repeats)
    hand = best_time(by_hand, repeats)
    got, want = fast(*args), by_hand()
    assert np.allclose(got[weights.index("W3_7")], want[0][:, 3, 7])
    assert np.allclose(got[weights.index("b5")], want[1][:, 5])
    print(f"{'(e) compiled gradient of (c), 1e5 points':<44} calcml {ours * 1e3:10.2f} ms   "
          f"NumPy by hand {hand * 1e3:8.2f} ms   ratio {ours / hand:6.1f}x slower")


def bench_parse(repeats: int) -> None:
    terms = sum_terms(1000)
    text = ""
    for term in terms:
        if len(text) >= 10_000:
            break
        text = f"{text} + {term}" if text else term
    from sympy.parsing.sympy_parser import parse_expr

    ours, theirs = paired_times(lambda: parse(text), lambda: parse_expr(text), repeats)
    row(f"(f) parse {len(text):,} characters", ours, theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120, help="seconds SymPy may take on (a)")
    parser.add_argument("--only", default="abcdef", help="which cases to run, e.g. 'bd'")
    args = parser.parse_args()
    repeats = args.repeats
    print(f"calcml vs SymPy {sympy.__version__}: medians; {repeats} SymPy runs, calcml run "
          "interleaved for as long (see paired_times)\n")
    diff(parse("sin(x)*exp(x)"), "x")  # warm up: first-call imports are not differentiation
    diff(parse("+".join(f"sin({k}*x)" for k in range(1, 80))), "x")  # and the NumPy check's
    cases = {"a": lambda: bench_chain(repeats, args.limit), "b": bench_sum, "c": bench_network,
             "d": bench_hessian, "e": bench_compiled, "f": bench_parse}  # fmt: skip
    for case in args.only:
        cases[case]() if case == "a" else cases[case](repeats)


if __name__ == "__main__":
    # SymPy recurses over expression depth: give it room, on a thread with a large stack.
    sys.setrecursionlimit(100_000)
    threading.stack_size(1 << 29)
    worker = threading.Thread(target=main)
    worker.start()
    worker.join()
