"""Conversions between expressions and python-flint polynomials, checked numerically."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import fmpq, fmpq_poly
from hypothesis import given, settings
from hypothesis import strategies as st

import calcml as cm
from calcml.core.expr import number, symbol
from calcml.symbolic.polys import (
    MAX_POLY_DEGREE,
    from_poly,
    from_rational,
    sqrt_rational,
    to_poly,
    to_rational,
)
from calcml.symbolic.simplify import poly_coefficients

x, a = symbol("x"), symbol("a")


def _close(e1, e2, points=(0.3, -1.7, 2.5)) -> bool:
    return all(abs(float(e1.evaluate(x=p)) - float(e2.evaluate(x=p))) < 1e-9 for p in points)


def test_polynomial_round_trip() -> None:
    e = (x + 1) ** 3 - 2 * x / 3
    p = to_poly(e, x)
    assert p == fmpq_poly([1, fmpq(7, 3), 3, 1])
    assert _close(from_poly(p, x), e)


def test_rational_is_reduced_and_monic() -> None:
    p, q = to_rational((x**2 - 1) / (2 * x - 2), x)
    assert q.degree() == 0 and q[0] == 1
    assert _close(from_poly(p, x), (x + 1) / 2)
    p, q = to_rational(1 / (x + 1) + 1 / (x - 1), x)
    assert q.leading_coefficient() == 1
    assert _close(from_rational(p, q, x), 2 * x / (x**2 - 1))


@pytest.mark.parametrize("e", [cm.sin(x), a * x, x**0.5, cm.sqrt(x), cm.pi * x, 2**x])
def test_non_rational_inputs_give_none(e) -> None:
    assert to_rational(e, x) is None


def test_degree_limit() -> None:
    assert to_rational((x + 1) ** (MAX_POLY_DEGREE + 1), x) is None


def test_parametric_coefficients() -> None:
    coeffs = poly_coefficients(a * x**2 + (a + 1) * x + 3, x)
    assert coeffs == [number(3), a + 1, a]
    assert poly_coefficients(cm.sin(x) * x, x) is None


def test_sqrt_rational_takes_out_squares() -> None:
    assert sqrt_rational(Fraction(3, 4)) is cm.sqrt(number(3)) / 2
    assert sqrt_rational(12) is 2 * cm.sqrt(number(3))
    assert sqrt_rational(Fraction(9, 4)) is number(Fraction(3, 2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=1, max_size=6),
       st.lists(st.integers(-9, 9), min_size=2, max_size=5))  # fmt: skip
def test_rational_round_trip_values(num: list[int], den: list[int]) -> None:
    if all(c == 0 for c in den[1:]):
        den[-1] = 1
    if all(c == 0 for c in num):
        num[0] = 1
    p, q = fmpq_poly(num), fmpq_poly(den)
    e = from_poly(p, x) / from_poly(q, x)
    back = to_rational(e, x)
    assert back is not None
    for v in (fmpq(37, 100), fmpq(191, 100), fmpq(-23, 10)):
        if q(v) != 0:
            assert back[0](v) / back[1](v) == p(v) / q(v)
