"""Limits against SymPy's `limit` as the oracle; infinities, one-sided limits, honest failures."""

from __future__ import annotations

import contextlib
import math
import time

import pytest
import sympy

import calcml as cm
from calcml.core.expr import PI, number, symbol
from calcml.symbolic.limits import (
    NEG_OO,
    OO,
    Infinity,
    NoLimit,
    UndeterminedLimit,
    as_point,
    limit,
)

from .sympy_oracle import to_sympy

x, a = symbol("x"), symbol("a")

# (expression, point, direction): each checked against SymPy.
CASES = [
    (cm.sin(x) / x, 0, "+-"), ((1 - cm.cos(x)) / x**2, 0, "+-"),
    ((x**2 + 1) / (3 * x**2 - x), "oo", "+-"),
    (1 / x, 0, "+"), (1 / x, 0, "-"), (x * cm.log(x), 0, "+"), (x**10 * cm.exp(-x), "oo", "+-"),
    (cm.exp(x) / (cm.exp(x) + 1), "oo", "+-"), (cm.sqrt(x**2 + x) - x, "oo", "+-"),
    (1 / x - 1 / cm.sin(x), 0, "+"), (x**x, 0, "+"), ((1 + 1 / x) ** x, "oo", "+-"),
    (cm.atan(x), "-oo", "+-"), (cm.log(x) / x, "oo", "+-"), (cm.sin(x) / x, "oo", "+-"),
    (x - cm.log(x), "oo", "+-"), (cm.tan(x), PI / 2, "-"), (cm.tan(x), PI / 2, "+"),
    (cm.exp(-(x**2)), "-oo", "+-"), (cm.log(1 + x) / x, 0, "+-"), (x**2, 3, "+-"),
    (cm.sign(x), 0, "+"), (cm.abs(x) / x, 0, "-"), (x / (1 + x**2), "oo", "+-"),
    (cm.log(x) ** 2 / cm.sqrt(x), "oo", "+-"), ((cm.exp(x) - 1 - x) / x**2, 0, "+-"),
    (1 / (x * cm.log(x) ** 2), "oo", "+-"), (-1 / cm.log(x), "oo", "+-"), (cm.sqrt(x), 0, "+"),
    (x * cm.sin(1 / x), 0, "+-"), (1 / x**2, 0, "+-"), (cm.log(x**2 + 1), "oo", "+-"),
    ((x**3 - 8) / (x - 2), 2, "+-"), (cm.exp(1 / x), 0, "-"), (cm.exp(1 / x), 0, "+"),
    (cm.tanh(x), "oo", "+-"), (cm.sigmoid(x), "-oo", "+-"), (cm.atan(1 / x), 0, "-"),
    ((2 * x**3 - x) / (5 - x**3), "-oo", "+-"), (x**3 * cm.exp(x), "-oo", "+-"),
    (cm.sinh(x) / cm.exp(x), "oo", "+-"), ((cm.sqrt(1 + x) - 1) / x, 0, "+-"),
    (cm.asin(x) / x, 0, "+-"), (x / cm.sqrt(x**2 + 1), "-oo", "+-"),
    (cm.log(cm.log(x)), "oo", "+-"),
    ((1 - cm.cos(x)) / (x * cm.sin(x)), 0, "+-"), (cm.exp(-x) * cm.cos(x), "oo", "+-"),
]  # fmt: skip


def _sympy_point(p):
    if p == "oo":
        return sympy.oo
    if p == "-oo":
        return -sympy.oo
    return to_sympy(p) if hasattr(p, "free_symbols") else sympy.Integer(p)


@pytest.mark.parametrize(("f", "point", "side"), CASES, ids=lambda v: str(v))
def test_limit_matches_sympy(f, point, side):
    # The answer is under test here, not the time budget: a loaded machine must not fail it.
    ours = limit(f, x, point, side, seconds=30)
    sx = sympy.Symbol("x", real=True)
    theirs = sympy.limit(to_sympy(f), sx, _sympy_point(point), side)
    if theirs in (sympy.oo, -sympy.oo):
        assert isinstance(ours, Infinity) and float(ours) == float(theirs)
    else:
        assert not isinstance(ours, Infinity)
        assert math.isclose(float(ours), float(theirs), rel_tol=1e-12, abs_tol=1e-14)


def test_exact_answers_stay_exact():
    assert limit(cm.sin(x) / x, x, 0) is number(1)
    assert limit((1 - cm.cos(x)) / x**2, x, 0) is number(1) / 2
    assert limit(cm.atan(x), x, "oo") is PI / 2
    assert limit((1 + 1 / x) ** x, x, "oo") is cm.exp(number(1))


@pytest.mark.parametrize(
    ("f", "point", "side"),
    [(1 / x, 0, "+-"), (cm.sin(x), "oo", "+-"), (cm.sign(x), 0, "+-"), (cm.sin(1 / x), 0, "+"),
     (x * cm.sin(x), "oo", "+-")],
)
def test_limits_that_do_not_exist(f, point, side):
    with pytest.raises(NoLimit):
        limit(f, x, point, side)


def test_parameter_sign_is_not_guessed():
    with pytest.raises(UndeterminedLimit, match="sign"):
        limit(cm.exp(-a * x), x, "oo")
    assert limit(a * x / (x + 1), x, "oo") is a  # a finite answer may carry parameters


def test_infinity_sentinel_and_points():
    assert float(OO) == math.inf and float(NEG_OO) == -math.inf and -OO is NEG_OO
    assert repr(OO) == "oo" and OO.latex() == "\\infty"
    for text in ("oo", "inf", "+inf", "∞", float("inf")):
        assert as_point(text) is OO
    assert as_point("-oo") is NEG_OO and as_point(float("-inf")) is NEG_OO
    assert as_point("pi/2") is PI / 2


def test_one_sided_domain():
    assert limit(cm.sqrt(x), x, 0) is number(0)  # defined only on the right: that side counts
    with pytest.raises(NoLimit):
        limit(cm.sqrt(x), x, 0, "-")
    with pytest.raises(ValueError, match="dir"):
        limit(x, x, 0, "both")


def test_budget_bounds_hard_limits():
    f = cm.exp(cm.exp(x)) / cm.exp(cm.exp(x - 1 / cm.exp(x)))
    start = time.monotonic()
    with contextlib.suppress(UndeterminedLimit):  # an answer is fine; hanging is not
        limit(f, x, "oo", seconds=0.3)
    assert time.monotonic() - start < 5
