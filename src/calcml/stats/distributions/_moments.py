"""Mean, variance, moments, entropy and E[g(X)], each an integral over the support.

With numeric parameters each is one call of `integrate_density` (calcml's integrator, piece by
piece). With symbolic location and scale (normal(μ, σ)) the substitution x = loc + scale·y
turns the integral into integrals over the standard density, which has numbers only:

    E[X^k] = Σ_j C(k, j) loc^(k−j) scale^j ∫ y^j p₀(y) dy,   Var X = scale² Var Y,
    H(X) = H(Y) + log scale.

The family's table of closed forms is never consulted here: it is the tests' oracle.
"""

from __future__ import annotations

from math import comb
from typing import Any

from calcml.core.expr import Expr, Number, number, symbol
from calcml.core.registry import exp, log
from calcml.stats.distributions._base import Distribution, X, set_moments
from calcml.stats.distributions._derive import SOURCE, Integrand, exact_params, integrate_density
from calcml.stats.distributions._integral import DivergentError, Integral, integral_op
from calcml.symbolic.steps import Step


def numeric(d: Distribution, quantity: str, h: Integrand) -> Integral:
    """∫ h dx with numeric parameters."""
    return integrate_density(d, quantity, h, X)


def _substitute(d: Distribution) -> bool:
    """Location-scale families go through the standard density (shared, and cached)."""
    if d.family.loc_scale is None:
        return d.is_symbolic
    loc, scale, _ = d.family.loc_scale(d.params)
    return not (_is(loc, 0) and _is(scale, 1))


def _is(e: Expr, v: int) -> bool:
    return isinstance(e, Number) and e.value == v


def mean(d: Distribution) -> Integral:
    """E[X] = ∫ x p(x) dx."""
    if _substitute(d):
        return _by_substitution(d, "mean", lambda s: s.raw(1), lambda loc, sc, m: loc + sc * m[1])
    return numeric(d, "mean", lambda p, lp: X * p)


def moment(d: Distribution, k: int) -> Integral:
    """E[X^k] = ∫ x^k p(x) dx."""
    if _substitute(d):
        def combine(loc: Expr, sc: Expr, m: dict[int, Expr]) -> Expr:
            return sum((comb(k, j) * loc ** (k - j) * sc**j * m[j] for j in range(k + 1)),
                       number(0))  # fmt: skip

        return _by_substitution(d, f"moment {k}", lambda s: s.raw(k), combine)
    return numeric(d, f"moment {k}", lambda p, lp: X ** k * p)


def variance(d: Distribution) -> Integral:
    """Var X = ∫ (x − E[X])² p(x) dx, with E[X] found first (its divergence is the variance's)."""
    if _substitute(d):
        return _by_substitution(d, "variance", lambda s: s.central(),
                                lambda loc, sc, m: sc**2 * m[2])  # fmt: skip
    try:
        m = mean(d)
    except DivergentError as exc:
        err = DivergentError("variance", float("nan"),
                             f"E[X] does not exist ({exc.reason}), so neither does E[(X - E[X])²]")
        err.steps = exc.steps
        raise err from None
    centre = m.exact if m.exact is not None else number(m.value)
    return numeric(d, "variance", lambda p, lp: (X - centre) ** 2 * p)


def entropy(d: Distribution) -> Integral:
    """H = −∫ p log p dx (nats), with log p written on its own (finite where p underflows)."""
    if _substitute(d):
        return _by_substitution(d, "entropy", lambda s: s.entropy(),
                                lambda loc, sc, m: m[0] + log(sc))  # fmt: skip
    return numeric(d, "entropy", lambda p, lp: -p * lp)


def expect(d: Distribution, g: Expr) -> Integral:
    """E[g(X)] = ∫ g(x) p(x) dx for an expression g of x."""
    if d.is_symbolic:
        return _symbolic_direct(d, "expectation", g * d.pdf_expr)
    return numeric(d, "expectation", lambda p, lp: g * p)


def mgf(d: Distribution, t: float) -> Integral:
    """M(t) = E[e^(tX)], where the integral converges."""
    return expect(d, exp(number(t) * X) if not isinstance(t, Expr) else exp(t * X))


# --- symbolic location and scale -----------------------------------------------------------


class _Standard:
    """The integrals of the standard member p₀ of a location-scale family."""

    def __init__(self, d0: Distribution, symbolic: bool):
        self.d0 = d0
        self.symbolic = symbolic
        self.found: list[Integral] = []
        self.err: dict[int, float] = {}

    def _keep(self, j: int, r: Integral) -> Expr:
        if r.exact is None and self.symbolic:
            raise ValueError(f"{r.quantity} of {self.d0!r}: {SOURCE} found no closed form, so "
                             "the result cannot stay symbolic (give the parameters values)")
        self.found.append(r)
        self.err[j] = r.error_estimate
        return r.exact if r.exact is not None else number(float(r.value))

    @property
    def exact(self) -> bool:
        return all(r.exact is not None for r in self.found)

    def errors(self, values: dict[int, Expr]) -> dict[int, Expr]:
        """The same keys with each integral's error estimate (0 for the constant term)."""
        return {j: number(self.err.get(j, 0.0)) for j in values}

    def raw(self, k: int) -> dict[int, Expr]:  # keys: the order j of ∫ y^j p₀
        return {j: self._keep(j, moment(self.d0, j)) if j else number(1) for j in range(k + 1)}

    def central(self) -> dict[int, Expr]:
        return {2: self._keep(2, variance(self.d0))}

    def entropy(self) -> dict[int, Expr]:
        return {0: self._keep(0, entropy(self.d0))}


def _by_substitution(d: Distribution, quantity: str, integrals: Any, combine: Any) -> Integral:
    ls = d.family.loc_scale(d.params) if d.family.loc_scale else None
    if ls is None:
        return _without_substitution(d, quantity)
    loc, scale, standard = ls
    d0 = exact_params(Distribution(d.family, standard))
    if d0.is_symbolic:
        raise ValueError(f"{d!r}: the {quantity} stays symbolic only in the location and "
                         "scale; give the other parameters values")
    std = _Standard(d0, d.is_symbolic)
    found = integrals(std)
    total = combine(loc, scale, found)
    lo, hi = d.family.support(d.params)
    how = "closed form" if std.exact else "quadrature"
    sub = Step("substitution", _direct_integrand(d, quantity), total,
               tuple(r.steps for r in std.found), integral_op(lo, hi, X),
               (("x", (loc + scale * symbol("y")).text()), ("standard density", repr(d0)),
                ("source", SOURCE if std.exact else f"{SOURCE}, then quadrature")))  # fmt: skip
    value = None if total.free_symbols else float(total)
    if std.exact:
        return Integral(quantity, value, total, how, 0.0, sub, SOURCE)
    size = number(abs(float(loc))), number(abs(float(scale)))
    err = float(combine(*size, std.errors(found))) - float(combine(*size, {j: number(0) for j in
                                                                          found}))  # fmt: skip
    return Integral(quantity, value, None, how, abs(err), sub, f"{SOURCE} found no closed form")


def _direct_integrand(d: Distribution, quantity: str) -> Expr:
    x, p = X, d.pdf_expr
    if quantity == "entropy":
        return -p * d.logpdf_expr
    k = 1 if quantity == "mean" else 2 if quantity == "variance" else int(quantity.split()[-1])
    return x**k * p


def _without_substitution(d: Distribution, quantity: str) -> Integral:
    """The integrator on the symbolic integrand; the variance as E[X²] − E[X]²."""
    if quantity != "variance":
        return _symbolic_direct(d, quantity, _direct_integrand(d, quantity))
    from calcml.symbolic.simplify import simplify

    m1 = _symbolic_direct(d, "mean", _direct_integrand(d, "mean"))
    m2 = _symbolic_direct(d, "moment 2", _direct_integrand(d, "moment 2"))
    exact = simplify(m2.exact - m1.exact**2)
    step = Step("variance", _direct_integrand(d, "variance"), exact, (m1.steps, m2.steps),
                "E[X²] - E[X]²", (("source", SOURCE),))  # fmt: skip
    return Integral(quantity, None, exact, "closed form", 0.0, step, SOURCE)


def _symbolic_direct(d: Distribution, quantity: str, f: Expr) -> Integral:
    """The integrator on an integrand with symbols (uniform(a, b) works this way)."""
    from calcml.symbolic.definite import integrate

    lo, hi = d.family.support(d.params)
    try:
        r = integrate(f, (X, lo, hi), steps=True, seconds=2.0)
    except Exception as exc:  # the integrator's own word on why it cannot
        raise ValueError(f"{d!r}: the {quantity} with symbolic parameters: {exc}") from None
    if r.exact is None:
        raise ValueError(f"{d!r}: no closed form for the {quantity}; give the parameters values")
    return Integral(quantity, None, r.exact, "closed form", 0.0, r.steps, SOURCE)


__all__ = ["entropy", "expect", "mean", "mgf", "moment", "variance"]


set_moments(mean=mean, variance=variance, moment=moment, entropy=entropy, expect=expect, mgf=mgf)
