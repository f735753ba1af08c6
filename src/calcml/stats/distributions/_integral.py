"""Integrals of a density: the record they return, the divergent case, and how they are found.

Each quantity of a distribution (cdf, mean, variance, moments, entropy, KL divergence) is a
definite integral. Moments, entropies, expectations and divergences are found by calcml's own
integrator (see `_derive`), quadrature where it finds no closed form. The cdf is found, in order:

1. calcml's own integrator (`calcml.symbolic.definite`), when it finds a closed form that agrees
   with the table below;
2. the family's table of known closed forms (elementary, or a special function from
   `scipy.special` such as the regularized incomplete gamma `P(k, x)`), each one tested against
   quadrature;
3. numeric quadrature (SciPy's QUADPACK) with its error estimate, said plainly.

Moments that do not exist raise `DivergentError` (a `NoClosedFormError`, so the CLI exits with 1):
the value is `inf` when the integral diverges to +∞ (the Student t variance for 1 < ν ≤ 2) and
`nan` when it is undefined (∞ − ∞: the Cauchy mean).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from calcml.core.errors import NoClosedFormError
from calcml.core.expr import Expr, Symbol, number
from calcml.symbolic.steps import Step

INF = math.inf


class DivergentError(NoClosedFormError):
    """An integral with no finite value: `value` is `inf` (diverges) or `nan` (undefined).

    >>> err = DivergentError("mean", math.nan, "∫ x·pdf dx is ∞ - ∞")
    >>> err.quantity, err.value
    ('mean', nan)
    """

    def __init__(self, quantity: str, value: float, reason: str):
        self.quantity = quantity
        self.value = value
        self.reason = reason
        kind = {INF: "diverges to +∞", -INF: "diverges to -∞"}.get(value, "is undefined")
        self.steps: tuple[Step, ...] = ()
        super().__init__(f"the {quantity} {kind}: {reason}")


@dataclass(frozen=True)
class Integral:
    """A definite integral of a density, with how it was found.

    Attributes:
        quantity: what it is (`"cdf"`, `"mean"`, `"entropy"`, ...).
        value: its float value (None while parameters are symbols).
        exact: the closed form as an expression, when there is one.
        method: `"closed form"`, `"special function"` or `"quadrature"`.
        error_estimate: a bound on |value − true value| (0 for closed forms, QUADPACK's otherwise).
        steps: the integral written out and how it was evaluated.
        note: the special function used, a condition on the parameters, or a quadrature warning.
    """

    quantity: str
    value: float | None
    exact: Expr | None
    method: str
    error_estimate: float
    steps: Step
    note: str = ""

    def __float__(self) -> float:
        if self.value is None:
            raise ValueError(f"the {self.quantity} depends on symbols: {self.exact}")
        return self.value


def show_bound(b: float | Expr) -> str:
    """`-∞`, `∞` or the bound in human form."""
    if isinstance(b, Expr):
        return b.text()
    if math.isinf(b):
        return "∞" if b > 0 else "-∞"
    v = float(b)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def integral_op(lo: float | Expr, hi: float | Expr, var: Symbol) -> str:
    """The operation string of a definite integral step, as `integrate`'s own definite steps
    write it (one output, one notation; the steps' renderers read the bounds from it):
    `∫_{-∞}^{1.96} dt`."""
    return f"∫_{{{show_bound(lo)}}}^{{{show_bound(hi)}}} d{var.name}"


def quad(f: Callable[[float], float], lo: float, hi: float,
         points: tuple[float, ...] = ()) -> tuple[float, float, str]:  # fmt: skip
    """QUADPACK on [lo, hi]: (value, error estimate, warning or "")."""
    from scipy.integrate import IntegrationWarning
    from scipy.integrate import quad as scipy_quad

    def safe(t: float) -> float:
        with np.errstate(all="ignore"):
            v = float(f(t))
        return v if math.isfinite(v) else 0.0

    inner = [p for p in points if lo < p < hi]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IntegrationWarning)
        if inner and math.isfinite(lo) and math.isfinite(hi):
            value, err = scipy_quad(safe, lo, hi, points=inner, limit=200,
                                    epsabs=1e-14, epsrel=1e-13)  # fmt: skip
        else:
            value, err = _split_quad(scipy_quad, safe, lo, hi, inner)
    note = str(caught[0].message).splitlines()[0] if caught else ""
    return float(value), float(err), note


def _split_quad(scipy_quad, f, lo: float, hi: float, inner: list[float]) -> tuple[float, float]:
    """Infinite ranges split at the inner points, so the mass near them is not missed."""
    cuts = [lo, *inner, hi]
    total, err = 0.0, 0.0
    for a, b in itertools.pairwise(cuts):
        v, e = scipy_quad(f, a, b, limit=200, epsabs=1e-14, epsrel=1e-13)
        total, err = total + v, err + e
    return total, err


def numeric_integral(quantity: str, integrand: Expr, var: Symbol, lo: float, hi: float,
                     points: tuple[float, ...] = ()) -> Integral:  # fmt: skip
    """∫_lo^hi integrand d(var) by quadrature, with its error estimate."""
    from calcml.core.evaluate import compile as compile_expr

    f = compile_expr(integrand, [var])
    value, err, warning = quad(f, lo, hi, points)
    step = Step("numeric quadrature", integrand, number(value), (), integral_op(lo, hi, var),
                (("error estimate", f"{err:.2e}"), ("method", "QUADPACK (scipy.integrate.quad)"),
                 *((("warning", warning),) if warning else ())))  # fmt: skip
    return Integral(quantity, value, None, "quadrature", err, step, warning)


def closed_integral(quantity: str, integrand: Expr, var: Symbol, lo: float | Expr,
                    hi: float | Expr, exact: Expr, value: float | None,
                    substeps: tuple[Step, ...] = (), note: str = "") -> Integral:  # fmt: skip
    """An integral whose closed form is known: the step shows ∫ integrand = exact."""
    details = (("value", repr(value)),) if value is not None else ()
    step = Step("definite integral", integrand, exact, substeps, integral_op(lo, hi, var),
                details)  # fmt: skip
    return Integral(quantity, value, exact, "closed form", 0.0, step, note)


def special_integral(quantity: str, integrand: Expr, var: Symbol, lo: float | Expr,
                     hi: float | Expr, value: float, form: str) -> Integral:  # fmt: skip
    """An integral given by a special function of `scipy.special` (described by `form`)."""
    step = Step("special function", integrand, number(value), (), integral_op(lo, hi, var),
                (("closed form", form),))  # fmt: skip
    return Integral(quantity, value, None, "special function", 0.0, step, form)


def try_calcml_integrator(integrand: Expr, var: Symbol, lo: float | Expr,
                          hi: float | Expr) -> tuple[Expr, Step | None] | None:  # fmt: skip
    """calcml's definite integrator, when installed and when it finds a closed form.

    Returns (exact, steps) or None; any failure of the integrator means None (the table and
    quadrature remain), never a wrong answer: callers compare its value with theirs.
    """
    try:
        from calcml.symbolic.definite import integrate
    except ImportError:
        return _by_antiderivative(integrand, var, lo, hi)
    try:
        result = integrate(integrand, (var, lo, hi), steps=True)
    except Exception:
        return None
    exact = getattr(result, "exact", None)
    method = str(getattr(result, "method", ""))
    if not isinstance(exact, Expr) or "numeric" in method or "quad" in method:
        return None
    return exact, getattr(result, "steps", None)


def _by_antiderivative(integrand: Expr, var: Symbol, lo: float | Expr,
                       hi: float | Expr) -> tuple[Expr, Step | None] | None:  # fmt: skip
    """The fundamental theorem by hand: F(hi) − lim_{t→lo} F(t) with calcml's indefinite
    integrator and limits (while `calcml.symbolic.definite` is not there)."""
    try:
        from calcml.symbolic.integrate import integrate_indefinite
        from calcml.symbolic.limits import limit

        found = integrate_indefinite(integrand, var, steps=True, seconds=2.0)
        big_f = found.result
        at_lo = limit(big_f, var, "-inf" if lo == -INF else lo, "+-" if lo == -INF else "+")
        if not isinstance(at_lo, Expr):
            return None
        exact = big_f.subs({var: hi}) - at_lo
        inner = getattr(found, "steps", None)
        ftc = Step("fundamental theorem", integrand, exact,
                   (inner,) if isinstance(inner, Step) else (), integral_op(lo, hi, var),
                   (("F", big_f), (f"lim F({show_bound(lo)})", at_lo)))  # fmt: skip
    except Exception:  # no antiderivative or limit: the table remains
        return None
    return exact, ftc


__all__ = ["DivergentError", "Integral", "closed_integral", "numeric_integral",
           "special_integral", "try_calcml_integrator"]  # fmt: skip
