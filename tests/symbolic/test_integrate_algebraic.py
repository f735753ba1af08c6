"""Algebraic integrands: rational functions of x and one √(a·x² + b·x + c) (conjugates, partial
fractions under the root, Euler's substitutions), roots of linear and fractional-linear
expressions (t = ⁿ√L), and irreducible cubic denominators (Cardano).

Oracle: the integrand is read and evaluated by SymPy (never by calcml), and compared with central
differences of calcml's antiderivative at random points where both are finite. The steps must
name the method and pass the step checker.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

from calcml.core.errors import NoClosedFormError
from calcml.core.expr import symbol
from calcml.symbolic.integrate import integrate_indefinite

from .test_integrate import read
from .test_integrate_trig_rational import central_differences_match
from .test_steps_checked import _assert_all_checked

x = symbol("x")
EULER, CONJUGATE, FRACTIONS = "Euler substitution", "multiply by the conjugate", "partial fractions"
ROOT, CUBIC = "radical substitution", "real quadratic factors"
ABEL, PARTS, MERGE = "Abel's substitution", "even and odd parts", "combine radicals"
BINOMIAL, EXPAND, TABLE = "binomial differential", "expand", "table of integrals"
PSEUDO = "pseudo-elliptic"
HIDDEN, SQUARE = "substitution", "square root of a square"

#: Textbook integrals of each class, with a rule whose step must show.
CASES = [
    ("1/((2 + x**2)*sqrt(1 + x + x**2))", EULER),
    ("sqrt(x**2 + 2*x)/(x**2 + 1)", EULER),
    ("sqrt(1 - x**2)/(2 + x**2)", ABEL),
    ("1/((x**2 + 1)*sqrt(x**2 + 4))", ABEL),
    ("(x + 2)/((x**2 + 2*x + 3)*sqrt(x**2 + 2*x + 5))", PARTS),
    ("x/((x**2 + 3)*sqrt(4 - x**2))", None),
    ("1/(x + sqrt(x**2 + 4))", CONJUGATE),
    ("1/(1 + x + sqrt(x**2 + 2*x + 2))", CONJUGATE),
    ("(x - sqrt(x**2 - 1))**2", None),
    ("sqrt(x**2 + x + 3)/(x + 2)**2", FRACTIONS),
    ("1/((x - 1)**2*sqrt(x**2 + 3))", FRACTIONS),
    ("x**2/((x + 3)*sqrt(x**2 + 1))", FRACTIONS),
    ("(x + 2)**(3/2)*sqrt(3 - x)", ROOT),
    ("1/(sqrt(x + 4) + sqrt(x))", CONJUGATE),
    ("sqrt((x + 1)/(x + 3))", ROOT),
    ("1/sqrt(x + 2*sqrt(x + 3))", f"{ROOT}|linear substitution"),
    ("(x + 1)**2/(sqrt(2*x + 1)*(3 - x)**(3/2))", ROOT),
    ("1/(x**3 - 3)", CUBIC),
    ("x/(x**3 + 5)", CUBIC),
    ("1/(x**3 + x + 1)", CUBIC),
    ("1/(x**3 - 3*x + 1)", CUBIC),
    ("(x + 1)**(1/3)/(x - 2)", CUBIC),
    ("1/(x**2 + 2*sqrt(2)*x + 3)", FRACTIONS),
    ("1/(sqrt(x + 2)*sqrt(4 - x**2))", MERGE),
    ("sqrt(3 + 3*x**2)*sqrt(1 + x**2)", MERGE),
    ("sqrt(x + x**(5/2))", f"{ROOT}|linear substitution"),
    ("sqrt(x**3 + x**(1/2))", BINOMIAL),
    ("(sqrt(1 + x) + sqrt(1 - x))**2/x", EXPAND),
    ("1/((x**2 - 3)**(1/4)*(x**2 - 6))", TABLE),
    ("1/((3 + x**4)**(1/4)*(6 + x**4))", TABLE),
    ("1/((1 + 2*x**2)**(1/4)*(2 + 2*x**2))", TABLE),
    ("1/((5 - x**2)**(1/4)*(10 - x**2))", TABLE),
    ("1/((4 + 6*x**2)**(1/4)*(4 + 3*x**2))", TABLE),
    ("1/((2 + x**4)**(1/4)*(1 - x**4))", TABLE),
    ("(x - 1)/((x + 2)*sqrt(x**3 - 1))", PSEUDO),
    ("sqrt(3 + sqrt(9 + 2*x**2))", TABLE),
    ("sqrt(-2 + sqrt(4 + x**2))", TABLE),
    ("(2*x + 1)*sqrt(x**4 + 2*x**3 + x**2 + 1)", HIDDEN),
    ("sqrt(x**2 - 4*x + 4)/sqrt(x**2 + 4)", SQUARE),
    ("sqrt(x**4 - 3*x**2)/(x**2 + 1)", SQUARE),
    ("x*(x - 2)*(x - 1)/sqrt(x**4 - 4*x**3 + 4*x**2 + 3)", HIDDEN),
    ("(x**2 - 2*x - 2)/((x**2 + 2)*sqrt(1 - x**3))", PSEUDO),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rule"), CASES, ids=[c[0] for c in CASES])
def test_algebraic_solved_checked_and_named(text: str, rule: str | None) -> None:
    f, _ = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert central_differences_match(text, found.result) >= 20
    _assert_all_checked(found.steps, text)
    if rule is not None:
        rules = [s.rule for s in found.steps.walk()]
        # "a|b": the trigonometric work's linear substitution also removes a nested root of a
        # linear expression (t = √(x + 3)), earlier in the order than the radical substitution
        assert set(rule.split("|")) & set(rules), f"{text}: no {rule!r} step in {rules}"


def test_euler_step_names_the_substitution() -> None:
    found = integrate_indefinite("1/((2 + x^2)*sqrt(x^2 + x + 1))", "x", steps=True)
    step = next(s for s in found.steps.walk() if s.rule == EULER)
    assert step.get("u").text() == "x + √(x² + x + 1)"


def test_abel_answer_is_the_tables_arctangent() -> None:
    """∫ dx/((x² + 1)·√(x² + 4)) = atan(√3·x/√(x² + 4))/√3: one arctangent, no logarithm."""
    found = integrate_indefinite("1/((x^2 + 1)*sqrt(x^2 + 4))", "x")
    assert "atan" in found.text() and "ln" not in found.text() and found.size() < 25


def test_non_elementary_binomial_declined() -> None:
    """(√x + x²)^(1/3) = x^(1/6)·(1 + x^(3/2))^(1/3): p, q, p + q are 1/3, −2/9, 1/9, none an
    integer, so by Chebyshev's theorem no elementary antiderivative exists to be found."""
    with pytest.raises(NoClosedFormError):
        integrate_indefinite("(x^(1/2) + x^2)^(1/3)", "x")


def test_elliptic_integral_declined() -> None:
    """∫ dx/√(1 + x³) is elliptic: no P makes it d/dx of atan or artanh of P/√C."""
    with pytest.raises(NoClosedFormError):
        integrate_indefinite("1/sqrt(1 + x^3)", "x")


def test_cardano_root_in_radicals() -> None:
    """∫ 1/(x³ − 3) dx has the real root ∛3 in its logarithm, as the textbook writes it."""
    found = integrate_indefinite("1/(x^3 - 3)", "x")
    assert "ln(|x - 3^(1/3)|)" in found.text()


@pytest.mark.parametrize(("text", "points"), [
    ("x/(sqrt(x + 1)*sqrt(x + 4))", (-6, -9)),
    ("1/(sqrt(1 - x**2)*sqrt(3 - 3*x**2))", (-3, 2.5)),
    ("1/(sqrt(x + 2)*sqrt(4 - x**2))", (-3, -5)),
])  # fmt: skip
def test_answers_hold_where_both_radicands_are_negative(text: str, points) -> None:
    """Where A, B < 0, √A·√B = −√(A·B) in complex arithmetic and the integrand is real: the
    answer must be an antiderivative there too (SymPy's principal square roots, mpmath)."""
    found = integrate_indefinite(text, "x")
    sx = sympy.Symbol("x")
    big_f = sympy.lambdify(sx, sympy.sympify(str(found), locals={"x": sx}), "mpmath")
    f = sympy.lambdify(sx, sympy.sympify(text, locals={"x": sx}), "mpmath")
    h = mpmath.mpf("1e-15")
    with mpmath.workdps(40):
        for point in points:
            slope = (big_f(point + h) - big_f(point - h)) / (2 * h)
            value = f(mpmath.mpf(point))
            assert abs(mpmath.im(value)) < 1e-20, "the integrand must be real there"
            assert abs(slope - value) < 1e-12, (point, slope)
