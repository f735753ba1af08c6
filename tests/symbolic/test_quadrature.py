"""Numeric quadrature: splits at peaks and poles, weighted rules, divergence, and honesty."""

from __future__ import annotations

import math

import pytest

import calcml as cm
from calcml.core.expr import PI, number, symbol
from calcml.symbolic.quadrature import DivergentIntegral, QuadResult, quad

x, a = symbol("x"), symbol("a")
SQRT_2PI = math.sqrt(2 * math.pi)


@pytest.mark.parametrize(
    ("f", "lo", "hi", "exact"),
    [
        (cm.exp(-((x - 100) ** 2) / 2), "-oo", "oo", SQRT_2PI),  # plain quad returns 0
        (cm.exp(-(((x - number(0.3)) / number(1e-6)) ** 2)), 0, 1, 1e-6 * math.sqrt(math.pi)),
        (1 / (number(1e-4) + (x - number(0.5)) ** 2), 0, 1, 200 * math.atan(50)),
        (cm.cos(1000 * x), 0, 1, math.sin(1000) / 1000),  # QAWO
        (cm.sin(x) / x, 0, "oo", math.pi / 2),  # QAWF on the tail
        (cm.exp(-(x**2)) * cm.cos(2 * x), "-oo", "oo", math.sqrt(math.pi) * math.exp(-1)),
        (cm.cos(3 * x + 1) / (1 + x**2), 0, "oo", None),
        (cm.log(x) / cm.sqrt(x), 0, 1, -4.0),
        (1 / cm.sqrt(1 - x**2), -1, 1, math.pi),
        (x ** number(-0.99), 0, 1, 100.0),
        (cm.abs(x - number(1) / 3), 0, 1, 5 / 18),
        (cm.heaviside(x - number(0.3)), 0, 1, 0.7),
        (1 / cm.sqrt(cm.abs(x**2 - 2)), 0, 2, None),
        (x**2, 3, 0, -9.0),
        (1 / cm.cosh((x - number(0.3)) / number(1e-6)), 0, 1, 1e-6 * math.pi),  # a sech spike
        (cm.sigmoid((x - number(0.3)) / number(1e-6)), 0, 1, 0.7),  # a steep step
    ],
    ids=str,
)
def test_values(f, lo, hi, exact):
    r = quad(f, x, lo, hi)
    assert isinstance(r, QuadResult) and r.reliable, r.note
    if exact is not None:
        assert math.isclose(r.value, exact, rel_tol=1e-10), (r.value, exact)
    assert r.error_estimate <= 1e-9 * max(abs(r.value), 1e-3)


def test_cauchy_tail_cross_checked_by_scipy():
    import scipy.integrate as si

    r = quad(cm.cos(3 * x + 1) / (1 + x**2), x, 0, "oo")
    ref = si.quad(lambda t: math.cos(1) / (1 + t * t), 0, math.inf, weight="cos", wvar=3)[0] - \
        si.quad(lambda t: math.sin(1) / (1 + t * t), 0, math.inf, weight="sin", wvar=3)[0]
    assert math.isclose(r.value, ref, rel_tol=1e-8)


@pytest.mark.parametrize(
    ("f", "lo", "hi", "where"),
    [
        (x / (PI * (1 + x**2)), "-oo", "oo", "∞"),  # the mean of a Cauchy distribution
        (1 / x, -1, 1, "0"),
        (1 / x, 1, "oo", "∞"),
        (x**-2, 0, 1, "0"),
        (1 / (x * cm.log(x)), 2, "oo", "∞"),
        (cm.tan(x), 0, 3, "1.5707"),
        (1 / (x**2 - 2), 0, 2, "1.4142"),
        (cm.exp(x), 0, "oo", "∞"),
    ],
    ids=str,
)
def test_divergent_integrals_are_reported(f, lo, hi, where):
    with pytest.raises(DivergentIntegral) as info:
        quad(f, x, lo, hi)
    assert where in str(info.value)  # infinities in the printer's notation, ∞
    assert "oo" not in str(info.value)


def test_unreliable_is_said_not_hidden():
    r = quad(1 / (x * cm.log(x) ** 2), x, 2, "oo")  # converges, but far too slowly for QUADPACK
    assert not r.reliable and "unreliable" in r.note


def test_inputs():
    assert quad(x, x, 1, 1).value == 0.0
    with pytest.raises(ValueError, match="values for a"):
        quad(a * x, x, 0, 1)
    r = quad("exp(-x)", "x", 0, float("inf"))
    assert math.isclose(r.value, 1.0, rel_tol=1e-12)
    assert math.isclose(quad(cm.sin(x), x, 0, PI).value, 2.0, rel_tol=1e-12)
