"""Ball-arithmetic values and derivatives (`calcml.symbolic.rigorous`), against independent
numbers: each registry record's own float function with Richardson differences, and mpmath."""

from __future__ import annotations

import math

import flint
import mpmath
import pytest

from calcml.core.expr import apply, symbol
from calcml.core.registry import PRIMITIVES
from calcml.symbolic import rigorous
from calcml.symbolic.parse import parse

x = symbol("x")


def _value_and_slope(expr, at: float) -> tuple[float, float]:
    (s,) = rigorous.series_values([expr], {x: (at, 1.0)})
    return float(rigorous.coefficient(s, 0).mid()), float(rigorous.coefficient(s, 1).mid())


def _richardson(fn, t: float, h: float = 1e-3) -> float:
    d_h = (fn(t + h) - fn(t - h)) / (2 * h)
    d_half = (fn(t + h / 2) - fn(t - h / 2)) / h
    return (4 * d_half - d_h) / 3


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_registry_primitive_has_a_series_that_matches_its_float_form(name):
    prim = PRIMITIVES[name]
    assert rigorous.series_rule(name) is not None, f"add {name} to rigorous.SERIES"
    lo, hi = prim.domain
    scalar = prim.scalar or (lambda t: float(prim.impl(t)))  # ψ has no `math` form
    for t in (lo + 0.137 * (hi - lo), lo + 0.71 * (hi - lo)):
        value, slope = _value_and_slope(apply(prim, x), t)
        assert value == pytest.approx(scalar(t), rel=1e-13, abs=1e-15)
        assert slope == pytest.approx(_richardson(scalar, t), rel=1e-8, abs=1e-10)


#: Names other records may bring, each with mpmath's function (derivatives by mpmath.diff).
EXTRA = {"gamma": mpmath.gamma, "lgamma": mpmath.loggamma, "digamma": mpmath.digamma,
         "trigamma": lambda t: mpmath.polygamma(1, t), "log1p": mpmath.log1p,
         "expm1": mpmath.expm1, "erfc": mpmath.erfc, "sech": mpmath.sech, "csch": mpmath.csch,
         "coth": mpmath.coth}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXTRA))
@pytest.mark.parametrize("t", [0.37, 2.6])
def test_series_of_names_beyond_the_registry_match_mpmath(name, t):
    fn = EXTRA[name]
    s = rigorous.SERIES[name](flint.arb_series([flint.arb(t), 1], prec=2))
    value, slope = (float(rigorous.coefficient(s, k).mid()) for k in (0, 1))
    with mpmath.workdps(30):
        assert value == pytest.approx(float(fn(t)), rel=1e-13)
        assert slope == pytest.approx(float(mpmath.diff(fn, t)), rel=1e-12)


def test_precision_rises_until_a_fast_oscillation_is_decided():
    f = parse("cos(exp(exp(x^2 + 5)))")  # the phase at x = 0.5 is e^(e^5.25) ≈ 10^82
    df = parse("-2*x*exp(x^2 + 5)*exp(exp(x^2 + 5))*sin(exp(exp(x^2 + 5)))")
    agrees, error = rigorous.decide_slopes([f], [[df]], {x: (0.5, 1.0)}, [1.0], 1e-12, 0.0, 1e-6)
    assert agrees and error <= 1e-12
    assert rigorous.decide_slopes([f], [[-df]], {x: (0.5, 1.0)}, [1.0], 1e-12, 0.0, 1e-6) == (
        False, pytest.approx(2.0))


def test_a_derivative_too_large_for_floats_is_still_compared():
    """Balls wider than any float once compared as NaN, which passed a sign error."""
    f = parse("cos(sinh(5*cosh(4*exp(x^2 + 1/2))))")  # f' ≈ -2.6e1481 at 0.3
    df = parse("-40*x*cosh(5*cosh(4*exp(x^2 + 1/2)))*exp(x^2 + 1/2)*"
               "sin(sinh(5*cosh(4*exp(x^2 + 1/2))))*sinh(4*exp(x^2 + 1/2))")  # fmt: skip
    seeds = {x: (0.3, 1.0)}
    assert rigorous.decide_slopes([f], [[df]], seeds, [1.0], 1e-12, 0.0, 1e-6)[0]
    assert not rigorous.decide_slopes([f], [[-df]], seeds, [1.0], 1e-12, 0.0, 1e-6)[0]


def test_what_balls_cannot_decide_is_undecidable_not_wrong(monkeypatch):
    with pytest.raises(rigorous.Undecidable, match="kink"):
        rigorous.decide_slopes([parse("abs(x)")], [[parse("sign(x)")]], {x: (0.0, 1.0)}, [1.0],
                               1e-12, 0.0, 1e-6)  # fmt: skip
    with pytest.raises(rigorous.Undecidable, match="negative"):
        rigorous.series_values([parse("log(x)")], {x: (-1.0, 1.0)})
    monkeypatch.delitem(rigorous.SERIES, "sin")
    with pytest.raises(rigorous.Undecidable, match="no interval form for sin"):
        rigorous.series_values([parse("sin(x)")], {x: (1.0, 1.0)})


def test_rationals_and_constants_are_enclosed_exactly():
    value, slope = _value_and_slope(parse("pi*x/3 + E"), 1.5)
    assert value == pytest.approx(math.pi / 2 + math.e, rel=1e-15)
    assert slope == pytest.approx(math.pi / 3, rel=1e-15)


def test_values_are_compared_relative_to_one_plus_the_value():
    a, b = parse("cosh(x)^2 - sinh(x)^2"), parse("1")
    assert rigorous.decide_values(a, b, {x: (40.0, 0.0)}, 1e-7)[0]  # floats give 0 or 2^k here
    assert not rigorous.decide_values(a, parse("1 + 1/10^6"), {x: (40.0, 0.0)}, 1e-7)[0]
