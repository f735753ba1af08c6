"""Printers and parser against each other: every printed form reads back as what was printed.

`str(e)` (Python syntax) and `e.latex()` must parse back to the very same interned node; the
human form (`x²`, `√x`, `2x·y`) must parse back to the same value. The expressions are random,
built from the core constructors and every primitive of the registry.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calcml.core.errors import CalcmlError
from calcml.core.evaluate import evaluate_float
from calcml.core.expr import PI, E, Expr, Number, add, apply, mul, number, power, symbols
from calcml.core.printing import human_form, latex_form, python_form
from calcml.core.registry import PRIMITIVES
from calcml.symbolic.parse import parse

x, y, z = symbols("x y z")
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)

FLOATS = st.sampled_from([0.5, -0.25, 2.0, 1.0, -1.0, 1.5e-05, 1e16, 3.25e-300, 123456.789, 0.1])
LEAVES = st.one_of(
    st.sampled_from([x, y, z, PI, E]),
    st.integers(-6, 6).map(number),
    st.fractions(min_value=-5, max_value=5, max_denominator=7).map(number),
    FLOATS.map(number),
)
EXPONENTS = st.one_of(
    st.integers(-3, 4).map(number),
    st.sampled_from([Fraction(1, 2), Fraction(-1, 2), Fraction(1, 3), Fraction(2, 3),
                     Fraction(3, 2), Fraction(-5, 4)]).map(number),
    st.sampled_from([0.5, -1.5, 2.0]).map(number),
)  # fmt: skip


def _safe(build, *args) -> Expr | None:
    """Skip combinations outside the mathematics (1/0, log(0)) and numbers grown huge."""
    try:
        e = build(*args)
    except (CalcmlError, OverflowError):
        return None
    return None if any(_huge(n) for n in e.walk() if isinstance(n, Number)) else e


def _huge(n: Number) -> bool:
    v = n.value
    return not isinstance(v, float) and max(Fraction(v).numerator, Fraction(v).denominator) > 10**12


PRIMS = list(PRIMITIVES.values())


def _nodes(children: st.SearchStrategy) -> st.SearchStrategy:
    kids = children.filter(lambda e: e is not None)
    return st.one_of(
        st.builds(lambda a, b: _safe(add, a, b), kids, kids),
        st.builds(lambda a, b: _safe(lambda p, q: p - q, a, b), kids, kids),
        st.builds(lambda a, b: _safe(mul, a, b), kids, kids),
        st.builds(lambda a, b: _safe(lambda p, q: p / q, a, b), kids, kids),
        st.builds(lambda a, b: _safe(power, a, b), kids, st.one_of(EXPONENTS, kids)),
        st.builds(lambda p, a: _safe(apply, p, a), st.sampled_from(PRIMS), kids),
    )


EXPRESSIONS = st.recursive(LEAVES, _nodes, max_leaves=10).filter(lambda e: e is not None)


@SETTINGS
@given(EXPRESSIONS)
def test_python_form_parses_back_to_the_same_node(e):
    assert parse(python_form(e)) is e


@SETTINGS
@given(EXPRESSIONS)
def test_latex_form_parses_back_to_the_same_node(e):
    assert parse(latex_form(e)) is e
    assert parse(latex_form(e), latex=True) is e


@SETTINGS
@given(EXPRESSIONS, st.tuples(*[st.floats(0.15, 0.9)] * 3))
def test_human_form_parses_back_to_the_same_value(e, point):
    text = human_form(e)
    back = parse(text)
    values = dict(zip("xyz", point, strict=True))
    expected, got = _value(e, values), _value(back, values)
    assume(math.isfinite(expected))
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (text, back)


def _value(e: Expr, values: dict[str, float]) -> float:
    """The float value, NaN where the expression is undefined at the point."""
    names = {s.name for s in e.free_symbols}
    try:
        return evaluate_float(e, {k: v for k, v in values.items() if k in names})
    except (ZeroDivisionError, OverflowError, ValueError):
        return math.nan


EXAMPLES = [
    (x**2 + 2 * x + 1, "x**2 + 2*x + 1", "x² + 2x + 1", "x^{2} + 2 x + 1"),
    (1 / x, "1/x", "1/x", "\\frac{1}{x}"),
    (x / (2 * y), "x/(2*y)", "x/(2y)", "\\frac{x}{2 y}"),
    (power(x, number(Fraction(1, 2))), "sqrt(x)", "√x", "\\sqrt{x}"),
    (power(x, number(Fraction(1, 3))), "x**(1/3)", "x^(1/3)", "\\sqrt[3]{x}"),
    (apply(PRIMITIVES["exp"], -x), "exp(-x)", "e^(-x)", "e^{-x}"),
    (apply(PRIMITIVES["abs"], x), "abs(x)", "|x|", "\\left|x\\right|"),
    (apply(PRIMITIVES["log"], x), "log(x)", "ln(x)", "\\ln\\left(x\\right)"),
    (apply(PRIMITIVES["sigmoid"], x), "sigmoid(x)", "sigmoid(x)", "\\sigma\\left(x\\right)"),
    (apply(PRIMITIVES["asinh"], x), "asinh(x)", "asinh(x)",
     "\\operatorname{arsinh}\\left(x\\right)"),
    (2 * PI * x, "2*pi*x", "2π·x", "2 \\pi x"),
    (mul(number(1.5e-05), x), "1.5e-05*x", "1.5e-05x", "1.5 \\cdot 10^{-5} x"),
    (mul(number(1e16), x), "1e+16*x", "1e+16x", "1.0 \\cdot 10^{16} x"),
    (mul(number(-1.0), x), "-1.0*x", "-1.0x", "-1.0 x"),
    (symbols("theta")[0] ** 2, "theta**2", "theta²", "\\mathit{theta}^{2}"),
]  # fmt: skip


@pytest.mark.parametrize(("e", "python", "human", "latex"), EXAMPLES, ids=[r[1] for r in EXAMPLES])
def test_each_form_reads_as_written(e, python, human, latex):
    assert (python_form(e), human_form(e), latex_form(e)) == (python, human, latex)
    assert parse(python) is e
    assert parse(latex) is e
    assert parse(human) is e


def test_integers_past_pythons_str_limit_print_in_chunks():
    big = number(10**5000 + 7)
    assert python_form(big) == "1" + "0" * 4999 + "7"
    assert latex_form(number(Fraction(1, 10**5000))).startswith("\\frac{1}{1000")
    assert human_form(-big).startswith("-1000")


def test_a_sum_beside_a_power_of_a_sum_reads_back():
    """Once a TypeError in the core's ordering of keys; kept as a regression test."""
    e = (y - x + 1) / (y + 1)
    assert parse(str(e)) is e
    assert parse(e.latex()) is e
