"""The integrals of a density, found by calcml's own definite integrator.

Every moment, expectation and entropy of a `Distribution` is ∫ h(x) dx over the support, with
h built from the pdf. This module hands that integral to `calcml.integrate` and keeps its steps:

- parameters given as decimals are read as the exact rationals they spell (`0.5` → `1/2`), so
  the integrator works with exact numbers and `.exact` is an exact expression;
- a density with `|x - c|` in it (Laplace, logistic) is split at `c`, where `|·|` is removed on
  each side, and the pieces are integrated one by one;
- an integral the integrator proves divergent raises `DivergentError`: each half-line is
  integrated on its own to tell +∞, −∞ and ∞ − ∞ (undefined) apart, with the steps of each;
- where no antiderivative is found the integrator answers by quadrature, with its error
  estimate, and the record says so (`method == "quadrature"`).

Results are cached by the integrand and the limits (expressions are interned, so equal
integrals share one entry).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from calcml.core.errors import CalcmlError
from calcml.core.expr import Apply, Expr, Number, Symbol, number
from calcml.stats.distributions._base import Distribution
from calcml.stats.distributions._integral import INF, DivergentError, Integral, integral_op
from calcml.symbolic.steps import Step

#: Seconds the antiderivative search may spend on one piece of one integral.
BUDGET_SECONDS = 2.0
#: Where the record says the value came from.
SOURCE = "calcml's integrator"

Integrand = Callable[[Expr, Expr], Expr]  # (pdf, logpdf) -> h
_CACHE: dict[tuple, object] = {}


@dataclass(frozen=True)
class Piece:
    """The density on [lo, hi], with every |·| resolved to ±(·)."""

    lo: float | Expr
    hi: float | Expr
    pdf: Expr
    logpdf: Expr


def exact_params(d: Distribution) -> Distribution:
    """The same distribution with float parameters read as the rationals they spell."""
    params = {k: _rational(v) for k, v in d.params.items()}
    return Distribution(d.family, params)


def _rational(v: Expr) -> Expr:
    if isinstance(v, Number) and not v.is_exact and math.isfinite(v.value):
        return number(Fraction(repr(float(v.value))))
    return v


def pieces(d: Distribution, x: Symbol) -> list[Piece]:
    """The support split where an |a·x + b| of the density changes sign."""
    lo, hi = d.family.support(d.params)
    kinks = _kinks(d.pdf_expr, x)
    cuts = sorted(k for k in kinks if _float(lo) < k < _float(hi))
    edges: list[float | Expr] = [_exact_bound(lo), *(_as_bound(c) for c in cuts),
                                 _exact_bound(hi)]
    out = []
    for a, b in itertools.pairwise(edges):
        mid = _midpoint(_float(a), _float(b))
        out.append(Piece(a, b, _resolve(d.pdf_expr, x, mid), _resolve(d.logpdf_expr, x, mid)))
    return out


def _kinks(e: Expr, x: Symbol) -> set[float]:
    """Roots of the arguments of |·| that are linear in x with numeric coefficients."""
    found = set()
    for node in e.walk():
        if isinstance(node, Apply) and node.prim.name == "abs" and node.arg.has(x):
            root = _linear_root(node.arg, x)
            if root is not None:
                found.add(root)
    return found


def _linear_root(u: Expr, x: Symbol) -> float | None:
    try:
        u0, u1 = float(u.subs({x: 0})), float(u.subs({x: 1}))
        u2 = float(u.subs({x: 2}))
    except (ValueError, TypeError, ArithmeticError, CalcmlError):
        return None
    slope = u1 - u0
    if slope == 0 or abs((u2 - u1) - slope) > 1e-12 * (1 + abs(slope)):
        return None
    return -u0 / slope


def _resolve(e: Expr, x: Symbol, at: float) -> Expr:
    """|u| → u or −u, by the sign of u at a point inside the piece."""
    mapping = {}
    for node in e.walk():
        if isinstance(node, Apply) and node.prim.name == "abs" and node.arg.has(x):
            try:
                sign = float(node.arg.subs({x: at}))
            except (ValueError, TypeError, ArithmeticError, CalcmlError):
                continue
            mapping[node] = node.arg if sign >= 0 else -node.arg
    return e.subs(mapping) if mapping else e


def _midpoint(a: float, b: float) -> float:
    if math.isinf(a) and math.isinf(b):
        return 0.0
    if math.isinf(a):
        return b - 1.0
    if math.isinf(b):
        return a + 1.0
    return (a + b) / 2


def _as_bound(c: float) -> float | Expr:
    f = Fraction(c).limit_denominator(10**6)
    return number(f) if float(f) == c else c


def _exact_bound(b: float | Expr) -> float | Expr:
    return _as_bound(b) if isinstance(b, float) and math.isfinite(b) else b


def _float(b: float | Expr) -> float:
    return float(b)


# --- one integral ---------------------------------------------------------------------------


def integrate_density(d: Distribution, quantity: str, h: Integrand, x: Symbol) -> Integral:
    """∫ h(pdf, logpdf) dx over the support of d, by calcml's integrator, piece by piece.

    Raises DivergentError when the integrator proves the integral infinite or undefined.
    """
    parts = pieces(exact_params(d), x)
    results = [_integrate_piece(quantity, h(p.pdf, p.logpdf), x, p.lo, p.hi) for p in parts]
    divergent = [r for r in results if isinstance(r, _Divergent)]
    if divergent:
        raise _divergence(quantity, h, x, parts, results)
    return _combine(quantity, h(d.pdf_expr, d.logpdf_expr), x, parts, results)


def integrate_expression(quantity: str, f: Expr, x: Symbol, lo: float | Expr,
                         hi: float | Expr) -> Integral:  # fmt: skip
    """∫_lo^hi f dx by calcml's integrator, split where an |a·x + b| inside f changes sign."""
    cuts = sorted(k for k in _kinks(f, x) if _float(lo) < k < _float(hi))
    edges = [_exact_bound(lo), *(_as_bound(c) for c in cuts), _exact_bound(hi)]
    parts, results = [], []
    for a, b in itertools.pairwise(edges):
        g = _resolve(f, x, _midpoint(_float(a), _float(b)))
        parts.append(Piece(a, b, g, g))
        results.append(_integrate_piece(quantity, g, x, a, b))
    bad = [r for r in results if isinstance(r, _Divergent)]
    if bad:
        raise DivergentError(quantity, INF, "; ".join(r.message for r in bad))
    return _combine(quantity, f, x, parts, results)


@dataclass(frozen=True)
class _Divergent:
    message: str


def _integrate_piece(quantity: str, f: Expr, x: Symbol, lo: float | Expr,
                     hi: float | Expr) -> object:  # fmt: skip
    key = (f, x, lo, hi)
    if key not in _CACHE:
        _CACHE[key] = _run_integrator(f, x, lo, hi)
    return _CACHE[key]


def _run_integrator(f: Expr, x: Symbol, lo: float | Expr, hi: float | Expr) -> object:
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.quadrature import DivergentIntegral

    try:
        return integrate(f, (x, lo, hi), steps=True, seconds=BUDGET_SECONDS)
    except DivergentIntegral as exc:
        return _Divergent(str(exc))
    except (CalcmlError, ValueError, ArithmeticError) as exc:
        return _fallback(f, x, lo, hi, str(exc).split(";")[0])


@dataclass(frozen=True)
class _Numeric:
    """SciPy's QUADPACK where the integrator gave no answer it could vouch for."""

    value: float
    error_estimate: float
    note: str
    steps: Step
    method: str = "numeric"
    exact: None = None


def _fallback(f: Expr, x: Symbol, lo: float | Expr, hi: float | Expr, why: str) -> _Numeric:
    from calcml.stats.distributions._integral import numeric_integral

    a, b = _float(lo), _float(hi)
    inner = (_midpoint(a, b),) if math.isinf(a) or math.isinf(b) else ()
    r = numeric_integral("piece", f, x, a, b, inner)
    note = f"{why}; QUADPACK on the integrand instead"
    return _Numeric(r.value, r.error_estimate, note, r.steps)


def _combine(quantity: str, f: Expr, x: Symbol, parts: list[Piece], results: list) -> Integral:
    lo, hi = parts[0].lo, parts[-1].hi
    symbolic = all(r.exact is not None and r.method == "symbolic" for r in results)
    sub = tuple(r.steps for r in results if r.steps is not None)
    if len(parts) > 1:
        cuts = ", ".join(str(p.lo) for p in parts[1:])
        sub = (Step("split at kinks", f, f, sub, integral_op(lo, hi, x),
                    (("at", cuts), ("why", "|·| is removed on each side"))),)  # fmt: skip
    if symbolic:
        exact = sum((r.exact for r in results), number(0))
        from calcml.symbolic.simplify import simplify

        exact = simplify(exact) if len(results) > 1 else exact
        value = float(exact) if not exact.free_symbols else None
        step = Step("definite integral", f, exact, sub, integral_op(lo, hi, x),
                    (("source", SOURCE),))  # fmt: skip
        return Integral(quantity, value, exact, "closed form", 0.0, step, SOURCE)
    value = sum(float(r.value) for r in results)
    err = sum(float(r.error_estimate) for r in results)
    notes = "; ".join(r.note for r in results if r.method != "symbolic" and r.note)
    step = Step("numeric quadrature", f, number(value), sub, integral_op(lo, hi, x),
                (("error estimate", f"{err:.2e}"), ("why", notes or "no closed form found")))
    return Integral(quantity, value, None, "quadrature", err, step,
                    f"{SOURCE} found no closed form: quadrature ({notes})")  # fmt: skip


# --- divergence ----------------------------------------------------------------------------


def _divergence(quantity: str, h: Integrand, x: Symbol, parts: list[Piece],
                results: list) -> DivergentError:  # fmt: skip
    """+∞, −∞ or undefined (∞ − ∞), from which half-lines diverge and the integrand's sign."""
    if len(parts) == 1 and math.isinf(_float(parts[0].lo)) and math.isinf(_float(parts[0].hi)):
        p, zero = parts[0], number(0)
        halves = [Piece(p.lo, zero, p.pdf, p.logpdf), Piece(zero, p.hi, p.pdf, p.logpdf)]
        results = [_integrate_piece(quantity, h(q.pdf, q.logpdf), x, q.lo, q.hi)
                   for q in halves]  # fmt: skip
        parts = halves
    signs, reasons, steps = [], [], []
    for q, r in zip(parts, results, strict=True):
        where = integral_op(q.lo, q.hi, x)
        if isinstance(r, _Divergent):
            signs.append(_tail_sign(h(q.pdf, q.logpdf), x, q))
            reasons.append(f"{where}: {r.message}")
        elif getattr(r, "steps", None) is not None:
            steps.append(r.steps)
    if not signs:  # the whole line diverged but no half does: report the integrator's word
        signs, reasons = [1.0], [results[0].message if isinstance(results[0], _Divergent)
                                 else "diverges"]  # fmt: skip
    value = signs[0] * INF if all(s == signs[0] for s in signs) else math.nan
    if len(signs) > 1 and math.isnan(value):
        reasons.append("so the integral is ∞ - ∞")
    err = DivergentError(quantity, value, "; ".join(reasons))
    err.steps = tuple(steps)
    return err


def _tail_sign(f: Expr, x: Symbol, q: Piece) -> float:
    """The sign of the integrand towards the infinite (or divergent) end of the piece."""
    from calcml.core.evaluate import compile as compile_expr

    fn = compile_expr(f, [x])
    lo, hi = _float(q.lo), _float(q.hi)
    probe = 1e6 if math.isinf(hi) else (-1e6 if math.isinf(lo) else (lo + hi) / 2)
    try:
        v = float(fn(probe))
    except (ValueError, ArithmeticError):
        return 1.0
    return -1.0 if v < 0 else 1.0


__all__ = ["BUDGET_SECONDS", "SOURCE", "Piece", "exact_params", "integrate_density",
           "integrate_expression", "pieces"]  # fmt: skip
