"""The integration benchmark's verifier: is an answer's derivative the integrand, and how big is it.

An answer is right when its derivative equals the integrand. Many Rubi integrands are real only on
part of the line (sqrt(x - 2), log(-x), asin(x)), and an answer written for that part, say with
log(x - 2), is judged on the wrong branch when x is drawn only from (0.1, 0.9). So x is drawn from
several intervals on both sides of 0 and compared only where the integrand is real and finite; when
no drawn real point qualifies, complex points are the fallback. Parameters are positive reals.

Size is the leaf count: the number of nodes of the SymPy expression tree, counted the same way for
an answer and for Rubi's optimal answer; a ratio of at most 2 is Abbasi's grade A criterion.

The planted-error controls differentiate deliberately wrong answers (Rubi's answer times 1.001
plus x, and Rubi's answer with its sign flipped); the benchmark reports how many it rejected.

    >>> rec = {"id": "t", "integrand": "1/sqrt(x - 2)", "var": "x", "params": []}
    >>> check(rec, "2*sqrt(x - 2)")[0], check(rec, "-2*sqrt(x - 2)")[0]
    ('ok', 'wrong')
"""

from __future__ import annotations

import random
from typing import Any

RTOL = 1e-7
# both sides of 0, near it and away from it; the first two cover the suite's usual (0.1, 0.9)
INTERVALS = [(0.05, 0.3), (0.3, 0.9), (-0.3, -0.05), (-0.9, -0.3), (1.1, 3.0), (-3.0, -1.1),
             (3.0, 9.0), (-9.0, -3.0)]  # fmt: skip
POINTS_PER_INTERVAL = 3
NEEDED = 2  # usable points for a verdict of "ok"


def sympy_env(rec: dict[str, Any]) -> dict[str, Any]:
    """Names for parsing Rubi's syntax: parameters positive, `E` Euler's number, `I` imaginary."""
    import sympy

    env: dict[str, Any] = {p: sympy.Symbol(p, positive=True) for p in rec["params"]}
    env.update({rec["var"]: sympy.Symbol(rec["var"]), "E": sympy.E, "I": sympy.I, "pi": sympy.pi})
    return env


def leaf_count(expr: Any) -> int:
    """Nodes of the SymPy tree (atoms and operations alike).

    >>> import sympy
    >>> leaf_count(sympy.sympify("2*log(x) + 1"))
    6
    """
    import sympy

    return sum(1 for _ in sympy.preorder_traversal(expr))


def check(rec: dict[str, Any], answer: Any, env: dict | None = None) -> tuple[str, float]:
    """("ok" | "wrong" | "unverified", size / Rubi's size or nan); `answer`: text or SymPy."""
    import sympy

    env = env or sympy_env(rec)
    big_f = sympy.parse_expr(answer, local_dict=env) if isinstance(answer, str) else answer
    f = sympy.parse_expr(rec["integrand"], local_dict=sympy_env(rec))
    verdict = _verdict(rec, f, big_f)
    ratio = float("nan")
    if verdict == "ok" and rec.get("antiderivative"):
        optimal = sympy.parse_expr(rec["antiderivative"], local_dict=sympy_env(rec))
        ratio = leaf_count(big_f) / max(1, leaf_count(optimal))
    return verdict, ratio


def controls(rec: dict[str, Any]) -> tuple[str, int]:
    """The verdict on Rubi's own answer, and how many of the two planted errors were rejected."""
    import sympy

    env = sympy_env(rec)
    f = sympy.parse_expr(rec["integrand"], local_dict=env)
    ref = sympy.parse_expr(rec["antiderivative"], local_dict=env)
    x = env[rec["var"]]
    planted = [ref * sympy.Rational(1001, 1000) + x, -ref]
    return _verdict(rec, f, ref), sum(_verdict(rec, f, p) == "wrong" for p in planted)


def _verdict(rec: dict[str, Any], f: Any, big_f: Any) -> str:
    import mpmath
    import sympy

    env = sympy_env(rec)
    x, params = env[rec["var"]], [env[p] for p in rec["params"]]
    if big_f.free_symbols - {x, *params}:
        return "wrong"
    # at real points |u| = sqrt(u^2) and sign(u) = u/sqrt(u^2): forms the mpmath printer reads
    real_forms = {sympy.Abs: lambda u: sympy.sqrt(u**2), sympy.sign: lambda u: u / sympy.sqrt(u**2)}
    for old_f, new_f in real_forms.items():
        big_f, f = big_f.replace(old_f, new_f), f.replace(old_f, new_f)
    derivative = sympy.lambdify([x, *params], sympy.diff(big_f, x), "mpmath")
    integrand = sympy.lambdify([x, *params], f, "mpmath")
    rng = random.Random(rec["id"])
    mpmath.mp.dps = 30
    real = _compare(derivative, integrand, _points(rng, INTERVALS, len(params), True), True)
    if real[0] == "wrong" or real[1] >= NEEDED:
        return "wrong" if real[0] == "wrong" else "ok"
    if real[2]:  # real somewhere, but rarely: more points from the intervals where it was real
        more = _compare(derivative, integrand, _points(rng, real[2], len(params), True, 8), True)
        if more[0] == "wrong" or real[1] + more[1] >= NEEDED:
            return "wrong" if more[0] == "wrong" else "ok"
        return "unverified"  # no complex shortcut for an integrand that is real somewhere
    cplx = _compare(derivative, integrand, _points(rng, INTERVALS, len(params), False), False)
    return cplx[0] if cplx[0] == "wrong" or cplx[1] < NEEDED else "ok"


def _compare(derivative: Any, integrand: Any, points: list[tuple[tuple[float, float], list[Any]]],
             real: bool) -> tuple[str, int, list[tuple[float, float]]]:
    """("wrong" or "", usable points, intervals that gave one) over the points given."""
    usable, live = 0, []
    for interval, point in points:
        pair = _evaluate(derivative, integrand, point)
        if pair is None or (real and not _is_real(pair[1])):
            continue
        usable += 1
        live.append(interval)
        if abs(pair[0] - pair[1]) > RTOL * (1 + abs(pair[1])):
            return "wrong", usable, live
    return "", usable, sorted(set(live))


def _points(rng: random.Random, intervals: list[tuple[float, float]], n_params: int, real: bool,
            per: int = POINTS_PER_INTERVAL) -> list[tuple[tuple[float, float], list[Any]]]:
    import mpmath

    out = []
    for lo, hi in intervals:
        for _ in range(per):
            x = mpmath.mpf(rng.uniform(lo, hi))
            if not real:
                x = mpmath.mpc(x, rng.uniform(0.2, 1.5))
            out.append(((lo, hi), [x] + [mpmath.mpf(rng.uniform(0.5, 2)) for _ in range(n_params)]))
    return out


def _evaluate(derivative: Any, integrand: Any, point: list[Any]) -> tuple[complex, complex] | None:
    try:
        d, v = complex(derivative(*point)), complex(integrand(*point))
    except (ValueError, ZeroDivisionError, TypeError, OverflowError, ArithmeticError):
        return None
    return (d, v) if _finite(d) and _finite(v) else None


def _is_real(z: complex) -> bool:
    return abs(z.imag) <= 1e-20 * max(1.0, abs(z.real))


def _finite(z: complex) -> bool:
    return z == z and abs(z) != float("inf")
