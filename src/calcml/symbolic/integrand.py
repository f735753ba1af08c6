"""Reading an integrand before it is integrated numerically: where it must be split, and how.

Plain QUADPACK never samples a narrow spike or a far-off peak, and it cannot prove a pole
divergent; so `quadrature` (and `definite`, for the poles of an antiderivative) first reads the
expression: the functions whose real roots are poles (denominators, logarithm arguments), kinks
and jumps (abs/sign/heaviside/relu arguments) or peaks (critical points of exponents and
denominators); those roots inside the range, exactly for polynomials (flint) and otherwise by
scanning a grid; an oscillatory factor `sin(ωx + φ)` for QUADPACK's weighted rules; and a float
root as the exact number it likely is, so a symbolic limit can be taken there.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.optimize import brentq

from calcml.core.evaluate import Program
from calcml.core.expr import PI, Apply, Expr, Mul, Number, Pow, Symbol, mul, number
from calcml.core.registry import COS, SIN
from calcml.symbolic.diff import diff

#: Grid size used to look for roots and peaks.
SCAN_POINTS = 4001


def features(f: Expr, x: Symbol) -> dict[str, list[Expr]]:
    """Functions whose roots matter: poles (denominators, log arguments), kinks, peaks."""
    out: dict[str, list[Expr]] = {"pole": [], "kink": [], "peak": []}
    for n in f.walk():
        if not n.has(x):
            continue
        if isinstance(n, Pow) and isinstance(n.exp, Number) and n.exp.value < 0:
            out["pole"].append(n.base)
            out["peak"].append(diff(n.base, x, verify=False))
        elif isinstance(n, Pow) and not (isinstance(n.exp, Number) and n.exp.value > 0 and
                                         Fraction(n.exp.value).denominator == 1):  # fmt: skip
            out["kink"].append(n.base)
        elif isinstance(n, Apply):
            name = n.prim.name
            out["peak"].append(n.arg)  # a step or spike of f(u) sits where u = 0 (sigmoid, sech)
            if name in ("log", "log2", "log10", "coth", "csch"):
                out["pole"].append(n.arg)
            elif name == "log1p":
                out["pole"].append(1 + n.arg)
            elif name in ("tan", "sec"):
                out["pole"].append(COS(n.arg))
            elif name in ("cot", "csc"):
                out["pole"].append(SIN(n.arg))
            elif name in ("abs", "sign", "heaviside", "relu"):
                out["kink"].append(n.arg)
            elif name == "exp":
                out["peak"].append(diff(n.arg, x, verify=False))
    return out


def scan_grid(lo: float, hi: float) -> np.ndarray:
    """The scan grid over (lo, hi), ends left out; an infinite range is spaced by asinh."""
    if math.isinf(lo) or math.isinf(hi):
        s_lo = -40.0 if math.isinf(lo) else math.asinh(lo)
        s_hi = 40.0 if math.isinf(hi) else math.asinh(hi)
        return np.sinh(np.linspace(s_lo, s_hi, SCAN_POINTS))[1:-1]
    return np.linspace(lo, hi, SCAN_POINTS)[1:-1]


def roots(funcs: list[Expr], x: Symbol, lo: float, hi: float) -> list[float]:
    """Real roots strictly inside (lo, hi): exact for polynomials (flint), else by scanning."""
    from calcml.symbolic.polys import to_poly  # lazily: python-flint only when needed

    found: set[float] = set()
    grid = scan_grid(lo, hi)
    for g in funcs:
        if not g.has(x):
            continue
        p = to_poly(g, x)
        if p is not None and p.degree() > 0:
            for r, _ in p.complex_roots():
                if r.imag.contains(0) and lo < float(r.real.mid()) < hi:
                    found.add(float(r.real.mid()))
            continue
        found.update(_scan(Program([g], [x]), grid))
    return sorted(distinct(found, lo, hi))


def _scan(prog: Program, grid: np.ndarray) -> list[float]:
    def g(t: float) -> float:
        with np.errstate(all="ignore"):
            return float(prog(np.float64(t))[0])

    with np.errstate(all="ignore"):
        v = np.broadcast_to(np.asarray(prog(grid)[0], dtype=float), grid.shape)
    roots: list[float] = []
    ok = np.isfinite(v)
    exact = np.nonzero(ok & (v == 0))[0]
    roots.extend(float(grid[i]) for i in exact)
    change = np.nonzero(ok[:-1] & ok[1:] & (np.sign(v[:-1]) * np.sign(v[1:]) < 0))[0]
    for i in change[:200]:
        try:
            r = brentq(g, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15)
        except (ValueError, RuntimeError):
            continue
        if abs(g(r)) <= 1e-6 * max(abs(v[i]), abs(v[i + 1])):  # a root, not a pole of g
            roots.append(r)
    real = ~np.isnan(v)  # overflow to ±inf is not a boundary; nan (sqrt of a negative) is
    edges = np.nonzero(real[:-1] != real[1:])[0]
    roots.extend(float(grid[i] if real[i] else grid[i + 1]) for i in edges[:50])
    return roots


def distinct(points: set[float], lo: float, hi: float) -> list[float]:
    """The points strictly inside (lo, hi), sorted, with near-duplicates (1e-12) dropped."""
    out: list[float] = []
    for p in sorted(points):
        if lo < p < hi and (not out or p - out[-1] > 1e-12 * (1 + abs(p))):
            out.append(p)
    return out


def oscillation(f: Expr, x: Symbol) -> tuple[Expr, str, float, float] | None:
    """`f = g(x)·sin(ωx + φ)` (or cos): (g, "sin"/"cos", ω, φ) with ω ≠ 0 a number."""
    from calcml.symbolic.integrate.base import linear_coefficients  # lazily: a cold start

    factors = f.args if isinstance(f, Mul) else (f,)
    trig = [k for k in factors if isinstance(k, Apply) and k.prim.name in ("sin", "cos")
            and k.has(x)]  # fmt: skip
    if len(trig) != 1:
        return None
    lin = linear_coefficients(trig[0].arg, x)
    if lin is None or lin[0].free_symbols or lin[1].free_symbols:
        return None
    g = mul(*(k for k in factors if k is not trig[0]))
    if any(isinstance(n, Apply) and n.prim.name in ("sin", "cos", "tan") for n in g.walk()):
        return None
    return g, trig[0].prim.name, float(lin[0]), float(lin[1])


def exact_point(r: float) -> Any:
    """A float root as the exact number it likely is (p/q, or p/q·π for trig poles)."""
    for scale, unit in ((1.0, None), (math.pi, PI)):
        frac = Fraction(r / scale).limit_denominator(24)
        if abs(float(frac) * scale - r) < 1e-13 * (1 + abs(r)):
            return frac if unit is None else number(frac) * unit
    return r


__all__ = [
    "SCAN_POINTS",
    "distinct",
    "exact_point",
    "features",
    "oscillation",
    "roots",
    "scan_grid",
]
