"""The registry's Γ family, reciprocal hyperbolic and inverse functions, NumPy's careful functions
and the two-argument ones, against independent oracles: SciPy and NumPy for values, mpmath for
the reciprocal inverses, SymPy for derivatives, central differences for gradients."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from scipy import special

import calcml as cm
from calcml.autodiff import check_grads
from calcml.core.errors import DomainError, LimitError
from calcml.core.expr import number, symbol
from calcml.core.registry import PRIMITIVES, arctan2, beta, hypot, logaddexp, polygamma_record
from calcml.symbolic.diff import diff

from .sympy_oracle import to_sympy, values_agree

x, y = symbol("x"), symbol("y")

#: name -> the oracle's value at one float.
ORACLES = {
    "gamma": special.gamma, "lgamma": special.gammaln, "digamma": special.psi,
    "trigamma": lambda v: special.polygamma(1, v), "polygamma2": lambda v: special.polygamma(2, v),
    "sech": lambda v: float(mpmath.sech(v)), "csch": lambda v: float(mpmath.csch(v)),
    "coth": lambda v: float(mpmath.coth(v)), "asec": lambda v: float(mpmath.asec(v)),
    "acsc": lambda v: float(mpmath.acsc(v)), "acot": lambda v: float(mpmath.acot(v)),
    "asech": lambda v: float(mpmath.asech(v)), "acsch": lambda v: float(mpmath.acsch(v)),
    "acoth": lambda v: float(mpmath.acoth(v)),
    "log1p": np.log1p, "expm1": np.expm1, "log2": np.log2, "log10": np.log10, "exp2": np.exp2,
    "logit": special.logit, "erfc": special.erfc, "sinc": np.sinc, "floor": np.floor,
    "ceil": np.ceil,
}  # fmt: skip
NEW = sorted(ORACLES)


def _points(name: str, n: int = 9) -> np.ndarray:
    lo, hi = PRIMITIVES[name].domain
    return np.random.default_rng(3).uniform(lo, hi, n)


@pytest.mark.parametrize("name", NEW)
def test_values_match_scipy_numpy_and_mpmath(name):
    p = PRIMITIVES[name]
    for v in _points(name):
        assert float(p(float(v))) == pytest.approx(float(ORACLES[name](v)), rel=1e-12, abs=1e-14)
        assert float(p(number(float(v)))) == pytest.approx(float(ORACLES[name](v)), rel=1e-12)


@pytest.mark.parametrize("name", NEW)
def test_unicode_form_reads_back(name):
    e = PRIMITIVES[name](x + 1)
    assert cm.parse(e.text()) is e
    assert cm.parse(str(e)) is e and cm.parse(e.latex()) is e


@pytest.mark.parametrize(("e", "order"), [(cm.gamma(x), 3), (cm.lgamma(x**2), 2),
                                         (cm.digamma(2 * x), 2), (cm.sech(x) * cm.acot(x), 2),
                                         (cm.log1p(x**2) + cm.expm1(x), 2), (cm.sinc(x), 2)])
def test_higher_derivatives_match_sympy(e, order):
    pts = [{"x": float(v)} for v in np.linspace(0.3, 2.5, 7)]
    theirs = sympy.diff(to_sympy(e), sympy.Symbol("x", real=True), order)
    assert values_agree(diff(e, x, order), theirs, pts) >= 5


def test_gamma_derivative_reads_as_the_textbook_rule():
    assert diff(cm.gamma(x), x) is cm.gamma(x) * cm.digamma(x)
    assert diff(cm.lgamma(x), x) is cm.digamma(x)
    assert diff(cm.digamma(x), x) is cm.trigamma(x)
    assert diff(cm.trigamma(x), x) is polygamma_record(2)(x)
    assert PRIMITIVES["polygamma7"].partial(x) is PRIMITIVES["polygamma8"](x)


def test_exact_values_and_poles():
    assert cm.gamma(number(5)) is number(24)
    assert cm.gamma(number(1) / 2) is cm.sqrt(cm.pi)
    assert cm.lgamma(number(1)) is number(0) and cm.lgamma(number(4)) is cm.log(number(6))
    for bad in ("gamma(0)", "lgamma(-2)", "digamma(-1)"):
        with pytest.raises(DomainError, match="pole"):
            cm.parse(bad)
    with pytest.raises(LimitError):
        polygamma_record(10_000)


def test_careful_kernels_keep_their_precision():
    assert float(cm.log1p(1e-20)) == 1e-20 and float(cm.expm1(1e-20)) == 1e-20
    assert float(cm.sinc(0.0)) == 1.0 and float(cm.sinc(number(0))) == 1.0
    assert diff(cm.floor(x), x) is number(0) and diff(cm.ceil(x**2), x) is number(0)


# --- two arguments: composites of one-argument records -----------------------------------------

QUADRANTS = [(1.0, 2.0), (1.5, -0.5), (-0.7, -2.0), (-1.2, 0.4), (0.0, -3.0), (2.0, 0.0)]


@pytest.mark.parametrize(("b", "a"), QUADRANTS)
def test_arctan2_matches_numpy_in_every_quadrant(b, a):
    assert float(arctan2(number(b), number(a))) == pytest.approx(np.arctan2(b, a), abs=1e-15)
    assert float(cm.parse(f"atan2({b}, {a})")) == pytest.approx(np.arctan2(b, a), abs=1e-15)


def test_two_argument_functions_match_numpy_scipy_and_sympy():
    pts = [{"x": float(u), "y": float(v)}
           for u, v in np.random.default_rng(5).uniform(0.2, 3, (8, 2))]  # fmt: skip
    sx, sy = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
    pairs = [(beta(x, y), sympy.beta(sx, sy)), (logaddexp(x, y), sympy.log(sympy.exp(sx) +
             sympy.exp(sy))), (hypot(x, y), sympy.sqrt(sx**2 + sy**2)),
             (arctan2(y, -x), sympy.atan2(sy, -sx))]  # fmt: skip
    for ours, theirs in pairs:
        assert values_agree(ours, theirs, pts, rtol=1e-12) == len(pts)
        for v in (x, y):
            d_theirs = sympy.diff(theirs, sx if v is x else sy)
            assert values_agree(diff(ours, v), d_theirs, pts, rtol=1e-9) == len(pts)
    assert float(beta(2.5, 1.5)) == pytest.approx(special.beta(2.5, 1.5), rel=1e-14)
    assert float(logaddexp(1000.0, 999.0)) == np.logaddexp(1000.0, 999.0)
    assert float(cm.parse("logaddexp(1000, 1000)")) == pytest.approx(1000 + math.log(2))


def test_tensors_differentiate_through_the_new_functions():
    def f(t):
        return (cm.lgamma(t) + cm.digamma(t) * cm.sech(t) + cm.log1p(t) * cm.acot(t)
                + cm.erfc(t) + cm.sinc(t) + cm.logit(t / 4)).sum()  # fmt: skip

    check_grads(f, np.array([0.4, 1.3, 2.2]), order=2)

    def g(a, b):
        return (logaddexp(a, b) + hypot(a, b) + arctan2(b, a) + beta(a, b)).sum()

    check_grads(g, np.array([0.5, 1.5, 2.5]), np.array([1.2, 0.3, 2.0]), order=2)


@pytest.mark.parametrize(("text", "point", "expected"), [
    ("sech(x)", cm.oo, 0), ("coth(x)", cm.oo, 1), ("x*acot(x)", cm.oo, 1), ("erfc(x)", cm.oo, 0),
    ("expm1(x)/x", 0, 1), ("sinc(x)", 0, 1), ("log1p(x)", cm.oo, cm.oo), ("gamma(x)", cm.oo, cm.oo),
])  # fmt: skip
def test_limits_know_the_new_functions(text, point, expected):
    want = expected if expected is cm.oo else number(expected)
    assert cm.limit(text, "x", point) is want


def test_logarithms_fold_exact_powers_and_refuse_what_log_refuses():
    assert cm.parse("log10(1000)") is number(3) and cm.parse("log2(1/8)") is number(-3)
    assert cm.parse("log2(6)") is cm.log2(number(6)) and cm.parse("logit(1/2)") is number(0)
    for bad in ("log10(0)", "log2(-1)", "log1p(-1)", "logit(1)", "logit(-2)"):
        with pytest.raises(DomainError, match="not defined for real numbers"):
            cm.parse(bad)


@pytest.mark.parametrize(("text", "a", "b", "expected"), [
    ("logit(x)", 0, 1, 0.0), ("log10(x)", 0, 1, -1 / math.log(10)), ("log1p(x)", -1, 0, -1.0),
    ("x*sech(x^2)^2", 0, 1, math.tanh(1) / 2), ("acot(x)", 1, 2, None),
])  # fmt: skip
def test_definite_integrals_reach_the_edges_of_the_domain(text, a, b, expected):
    from scipy.integrate import quad

    got = float(cm.integrate(text, ("x", a, b)))
    want = expected if expected is not None else quad(lambda t: math.atan(1 / t), a, b)[0]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-14)


def test_floor_and_ceil_fold_numbers_and_extrema_refuse_their_jumps():
    from calcml.core.errors import NoClosedFormError

    assert cm.parse("floor(7/2)") is number(3) and cm.parse("ceil(-7/2)") is number(-3)
    for run in (lambda: cm.extrema("x - floor(x)", on=(0.5, 3.5)),
                lambda: cm.critical_points("ceil(x^2)")):  # fmt: skip
        with pytest.raises(NoClosedFormError, match="jumps"):
            run()
