"""SymPy as an independent oracle for tests (never imported by calcml itself)."""

from __future__ import annotations

import math

import sympy

LOCALS = {
    "sigmoid": lambda t: 1 / (1 + sympy.exp(-t)),
    "softplus": lambda t: sympy.log(1 + sympy.exp(t)),
    "relu": lambda t: sympy.Max(0, t),
    "heaviside": lambda t: sympy.Heaviside(t, 0),
    "abs": sympy.Abs,
    "lgamma": sympy.loggamma,
    "trigamma": lambda t: sympy.polygamma(1, t),
    **{f"polygamma{n}": (lambda t, n=n: sympy.polygamma(n, t)) for n in range(2, 12)},
    "log1p": lambda t: sympy.log(1 + t),
    "expm1": lambda t: sympy.exp(t) - 1,
    "log2": lambda t: sympy.log(t, 2),
    "log10": lambda t: sympy.log(t, 10),
    "exp2": lambda t: 2**t,
    "logit": lambda t: sympy.log(t / (1 - t)),
    "sinc": lambda t: sympy.sinc(sympy.pi * t),  # NumPy's sinc is SymPy's at πt
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "E": sympy.E,
    "pi": sympy.pi,
}


def to_sympy(expr) -> sympy.Expr:
    """calcml's Python-syntax printout, read by SymPy (trusted test strings only)."""
    names = {s.name: sympy.Symbol(s.name, real=True) for s in expr.free_symbols}
    return sympy.sympify(str(expr), locals={**LOCALS, **names})


def values_agree(ours, theirs: sympy.Expr, points: list[dict[str, float]], rtol=1e-7) -> int:
    """How many points both are finite at; raises AssertionError on a disagreement."""
    checked = 0
    for env in points:
        try:
            a = float(ours.evaluate(**env)) if hasattr(ours, "evaluate") else float(ours)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        subs = {sympy.Symbol(k, real=True): v for k, v in env.items()}
        try:
            b = complex(theirs.evalf(30, subs=subs))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if not (math.isfinite(a) and math.isfinite(b.real)) or abs(b.imag) > 1e-9 * (1 + abs(b)):
            continue
        assert abs(a - b.real) <= rtol * (1 + abs(b.real)), (env, a, b.real)
        checked += 1
    return checked
