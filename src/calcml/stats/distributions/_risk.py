"""Expected loss as an integral, R(θ) = E_X[ℓ(θ, X)] = ∫ ℓ(θ, x) p(x) dx, and its minimizer.

The risk stays a function of θ: a loss polynomial in x is Σ_j c_j(θ) E[X^j] (linearity, each
moment by calcml's integrator); a loss with |a·x + b(θ)| is split where the absolute value
changes sign, x = r(θ), and each side is an accumulation integral with θ in its limit.
`minimize_risk` then solves R'(θ) = 0 with `critical_points`: the mean for squared error, the
median for absolute error, and the τ-quantile for the pinball loss.
"""

from __future__ import annotations

import math
from typing import Any

from calcml.core.expr import Apply, Expr, Number, Symbol, number, symbol
from calcml.core.registry import abs_
from calcml.stats.distributions._base import Distribution, X
from calcml.stats.distributions._derive import SOURCE, exact_params
from calcml.stats.distributions._integral import Integral, integral_op
from calcml.symbolic.steps import Step

#: Highest degree in x that the linearity route expands.
MAX_DEGREE = 8


def loss_expression(loss: Any, theta: Symbol, tau: float | None = None) -> Expr:
    """A named loss (`"squared"`, `"absolute"`, `"pinball"` with τ) or an expression in θ, x."""
    from calcml.symbolic.inputs import to_expr

    if loss == "squared":
        return (theta - X) ** 2
    if loss == "absolute":
        return abs_(theta - X)
    if loss == "pinball":
        if tau is None or not 0 < tau < 1:
            raise ValueError(f"the pinball loss needs 0 < tau < 1, got {tau!r}")
        # (x − θ)(τ − 1{x < θ}) written without the indicator
        return abs_(X - theta) / 2 + (number(_fraction(tau)) - number(1) / 2) * (X - theta)
    return to_expr(loss)


def _fraction(t: float) -> Any:
    from fractions import Fraction

    return Fraction(repr(float(t)))


def risk(loss: Any, dist: Distribution, theta: Any = "theta", *, tau: float | None = None,
         steps: bool = False) -> Any:  # fmt: skip
    """R(θ) = ∫ ℓ(θ, x) p(x) dx as an expression in θ (valid for θ inside the support).

    >>> from calcml.stats.distributions import exponential
    >>> risk("squared", exponential(2))
    theta**2 - theta + 1/2
    """
    th = symbol(theta) if isinstance(theta, str) else theta
    d = exact_params(dist)
    f = loss_expression(loss, th, tau)
    kink = _kink(f, th)
    result = _split(d, f, th, kink) if kink is not None else _linear(d, f, th)
    return result if steps else result.exact


def _kink(f: Expr, th: Symbol) -> tuple[Expr, Expr] | None:
    """(|u| node, the root r(θ) of u) for an |a·x + b(θ)| in f with a a number."""
    from calcml.symbolic.diff import diff

    for node in f.walk():
        if isinstance(node, Apply) and node.prim.name == "abs" and node.arg.has(X):
            slope = diff(node.arg, X, verify=False)
            if isinstance(slope, Number) and slope.value != 0:
                return node, -node.arg.subs({X: 0}) / slope
    return None


def _linear(d: Distribution, f: Expr, th: Symbol) -> Integral:
    """ℓ polynomial in x: Σ_j c_j(θ) E[X^j], with c_j = ∂ʲℓ/∂xʲ(θ, 0)/j!."""
    from calcml.symbolic.diff import diff
    from calcml.symbolic.simplify import simplify

    coeffs, g = [], f
    for j in range(MAX_DEGREE + 2):
        if not g.has(X):
            coeffs.append(g / math.factorial(j))
            break
        coeffs.append(g.subs({X: 0}) / math.factorial(j))
        g = diff(g, X, verify=False)
    else:
        return _direct(d, f, th)
    moments = [d.moment(j, steps=True) for j in range(len(coeffs))]
    if any(m.exact is None for m in moments):
        return _direct(d, f, th)
    exact = simplify(sum((c * m.exact for c, m in zip(coeffs, moments, strict=True)),
                         number(0)))  # fmt: skip
    lo, hi = d.family.support(d.params)
    step = Step("linearity", f * d.pdf_expr, exact, tuple(m.steps for m in moments),
                integral_op(lo, hi, X), (("E[ℓ]", "Σ c_j(θ)·E[X^j]"), ("source", SOURCE)))
    return Integral("risk", None, exact, "closed form", 0.0, step, SOURCE)


def _direct(d: Distribution, f: Expr, th: Symbol) -> Integral:
    from calcml.symbolic.definite import integrate

    lo, hi = d.family.support(d.params)
    r = integrate(f * d.pdf_expr, (X, lo, hi), steps=True)
    if r.exact is None:
        raise ValueError("the expected loss has no closed form in θ; give θ a value")
    return Integral("risk", None, r.exact, "closed form", 0.0, r.steps, SOURCE)


def _split(d: Distribution, f: Expr, th: Symbol, kink: tuple[Expr, Expr]) -> Integral:
    """∫_lo^r + ∫_r^hi with |u| resolved on each side (u < 0 left of r when its slope is > 0)."""
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.diff import diff
    from calcml.symbolic.simplify import simplify

    node, root = kink
    rising = float(diff(node.arg, X, verify=False)) > 0
    left = f.subs({node: -node.arg if rising else node.arg}) * d.pdf_expr
    right = f.subs({node: node.arg if rising else -node.arg}) * d.pdf_expr
    lo, hi = d.family.support(d.params)
    lo = number(0) if lo == 0.0 else lo
    a = integrate(left, (X, lo, root), steps=True)
    b = integrate(right, (X, root, hi), steps=True)
    exact = simplify(a + b) if isinstance(a, Expr) else simplify(a.exact + b.exact)
    subs = tuple(s.steps for s in (a, b) if not isinstance(s, Expr) and s.steps is not None)
    step = Step("split at the kink", f * d.pdf_expr, exact, subs, integral_op(lo, hi, X),
                (("at", root.text()), ("source", SOURCE)))  # fmt: skip
    return Integral("risk", None, exact, "closed form", 0.0, step,
                    f"{SOURCE}; valid for θ inside the support")  # fmt: skip


def minimize_risk(loss: Any, dist: Distribution, *, tau: float | None = None) -> Any:
    """The θ minimizing R(θ), found by `critical_points` on R (classified as a minimum).

    >>> from calcml.stats.distributions import normal
    >>> round(float(minimize_risk("absolute", normal(1, 2)).point[symbol("theta")]), 10)
    1.0
    """
    from calcml.symbolic.extrema import critical_points

    th = symbol("theta")
    r = risk(loss, dist, th, tau=tau)
    points = critical_points(r, th, domain=_bracket(dist))
    minima = [p for p in points if p.kind == "minimum"]
    if not minima:
        raise ValueError(f"no minimum of the risk found: {[p.kind for p in points]}")
    return min(minima, key=lambda p: float(p.value))


def _bracket(d: Distribution) -> tuple[float, float]:
    lo, hi = d.support
    a = lo if math.isfinite(lo) else -1.0
    b = hi if math.isfinite(hi) else 1.0
    while math.isinf(lo) and d.cdf(a) > 1e-9:
        a *= 2
    while math.isinf(hi) and d.sf(b) > 1e-9:
        b *= 2
    return (a, b)


__all__ = ["loss_expression", "minimize_risk", "risk"]
