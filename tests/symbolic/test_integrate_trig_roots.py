"""Roots and fractional powers of trigonometric functions: Pythagorean squares under roots
(√(1 − sin² x) = |cos x|), algebraic functions of sin and cos by u = sin, cos, tan, cot, sec or
csc, and sums of fractional powers whose non-elementary parts cancel by the reduction formula;
products of powers of sines and cosines of several angles, linearized; and xᵐ·atan(g) with
roots in g, by parts with du rationalized.

Oracle: the integrand is read and evaluated by SymPy (never by calcml), and compared with central
differences of calcml's antiderivative at random points where both are real and finite. The steps
must name the method and pass the step checker.
"""

from __future__ import annotations

import pytest

from calcml.core.expr import symbol
from calcml.symbolic.integrate import integrate_indefinite

from .test_integrate import read
from .test_integrate_trig_rational import central_differences_match
from .test_steps_checked import _assert_all_checked

x = symbol("x")
SQUARE, SUBSTITUTION, REDUCTION = "Pythagorean square", "substitution", "reduction formula"
PARTS, PRODUCT = "integration by parts", "product to sum"

#: Textbook integrals of each class, with the rule whose step must show.
CASES = [
    ("sqrt(1 - sin(x)**2)", SQUARE),
    ("x*sqrt(cos(x)**2)", "absolute value"),
    ("sqrt(1 + cos(2*x))", SQUARE),
    ("(sec(x)**2 - 1)**(3/2)", f"{SQUARE}|absolute value"),  # |tan x|³ by u = sec x
    ("1/sqrt(1 - sin(x)**2)", SQUARE),
    ("sqrt(cos(x)*cot(x))", SQUARE),
    ("sqrt(sin(x)**3*cot(x))", SQUARE),
    ("sin(x)**3*sqrt(cos(x))", SUBSTITUTION),
    ("sin(x)/cos(x)**(1/3)", SUBSTITUTION),
    ("cos(x)/sqrt(4 - sin(x)**2)", SUBSTITUTION),
    ("tan(x)*sqrt(sec(x) + 2)", SUBSTITUTION),
    ("sqrt(cot(x))", SUBSTITUTION),
    ("sin(x)**(1/3)/cos(x)**(7/3)", SUBSTITUTION),
    ("sin(2 + 5*x)/sqrt(2 + cos(2 + 5*x)**2)", SUBSTITUTION),
    ("sqrt(sin(x)) + 1/sin(x)**(3/2)", REDUCTION),
    ("x*(cos(x)**(5/2) - 3*sqrt(cos(x))/5)", REDUCTION),
    ("x*(sec(x)**(7/2) - 3*sec(x)**(3/2)/5)", REDUCTION),
    ("x**2*atan(sqrt(x + 2) - sqrt(x))", PARTS),
    ("atan(x + sqrt(x**2 + 1))", PARTS),
    ("1/((x**2 + 3)*sqrt(x**2 + 5))", f"{SUBSTITUTION}|Abel's substitution"),
    ("sqrt(x**2 + 3)/(x**2 + 2)", f"{SUBSTITUTION}|Abel's substitution"),
    ("sqrt(3 + sec(x)**2)", SUBSTITUTION),
    ("sin(2*x)**3*cos(5*x)", PRODUCT),
    ("cos(x)**2*sin(3*x + 1)**2", PRODUCT),
    ("sin(x)*sin(2*x)*sin(4*x)", PRODUCT),
    ("sin(6*x)/(4 + cos(3*x)**2)", "linear substitution"),
    ("3*x**2*csc(x) - x**3*cot(x)*csc(x)", PARTS),
    ("(cosh(x)**2 - 1)**(3/2)", SQUARE),
    ("(1 + sinh(x)**2)**(5/2)", SQUARE),
    ("sinh(x)**3*sqrt(cosh(x))", SUBSTITUTION),
    ("sqrt(tanh(x))", SUBSTITUTION),
    ("x*(cosh(x)**(5/2) - 3*sqrt(cosh(x))/5)", REDUCTION),
    ("sinh(x)**(5/2) + 3*sqrt(sinh(x))/5", REDUCTION),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rule"), CASES, ids=[c[0] for c in CASES])
def test_trig_roots_solved_checked_and_named(text: str, rule: str) -> None:
    f, _ = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert central_differences_match(text, found.result) >= 10
    _assert_all_checked(found.steps, text)
    rules = [s.rule for s in found.steps.walk()]
    # "a|b": the algebraic work's Abel substitution, earlier in the order, is the same t = x/√Q
    assert set(rule.split("|")) & set(rules), f"{text}: no {rule!r} step in {rules}"


def test_absolute_value_comes_out_as_a_locally_constant_factor() -> None:
    """√(1 − cos² x) = |sin x|: the answer keeps |sin x|/sin x = ±1 outside, no root left."""
    found = integrate_indefinite("sqrt(1 - cos(x)^2)", "x", steps=True)
    assert "√" not in found.result.text() and "|sin(x)|" in found.result.text()
    step = next(s for s in found.steps.walk() if s.rule == SQUARE)
    assert dict(step.details)["σ"].text() == "|sin(x)|/sin(x)"


def test_substitution_names_u_and_leaves_a_power_of_sin() -> None:
    found = integrate_indefinite("cos(x)^3*sqrt(sin(x))", "x", steps=True)
    assert found.method.startswith("the substitution u = sin x")
    step = next(s for s in found.steps.walk() if s.rule == SUBSTITUTION)
    assert step.get("u").text() == "sin(x)"
    assert "cos" not in found.result.text()


def test_odd_powers_of_cot_use_u_equal_sin() -> None:
    """∫ cot³ x dx by u = sin x gives ln|sin x| − 1/(2 sin² x), not partial fractions in cos."""
    text = integrate_indefinite("cot(x)^3", "x").text()
    assert "ln(|sin(x)|)" in text and "cos" not in text


def test_no_cancellation_no_answer() -> None:
    """∫ √(cos x) dx is elliptic: the reduction method must not claim it."""
    from calcml.core.errors import NoClosedFormError

    with pytest.raises(NoClosedFormError):
        integrate_indefinite("sqrt(cos(x)) + cos(x)^(5/2)", "x", seconds=2)


def test_rationalized_derivative_of_atan_of_roots() -> None:
    """d/dx atan(√(x + 2) − √x) has no root left in its denominator (SymPy checks the value)."""
    import sympy

    from calcml.core.expr import add, number
    from calcml.symbolic.integrate.inverse_parts import rationalized

    f, s = read("atan(sqrt(x + 2) - sqrt(x))")
    from calcml.symbolic.diff import diff

    du = rationalized(diff(f, x, verify=False), x, [add(x, number(2)), x])
    assert du is not None and "(x + 2)" not in du.text().split("/")[-1]
    sx = sympy.Symbol("x")
    for point in (0.3, 1.7, 5.0):
        want = float(sympy.diff(s, sx).subs(sx, point))
        got = float(read(str(du))[1].subs(sx, point))
        assert abs(want - got) < 1e-12 * (1 + abs(want))


def test_even_radical_substitution_gives_the_arctangent_of_a_quotient() -> None:
    """∫ dx/((x² + 1)·√(x² + 2)) = atan(x/√(x² + 2)), by t = x/√(x² + 2) (Abel's substitution,
    which the even-and-odd-parts method, earlier in the order, also makes)."""
    found = integrate_indefinite("1/((x^2 + 1)*sqrt(x^2 + 2))", "x", steps=True)
    assert "t = x/√(p·x² + q)" in found.method or found.method == "Abel's substitution"
    assert found.result.text() == "atan(x/√(x² + 2))"


def test_linearized_product_has_no_powers_and_positive_angles() -> None:
    """∫ cos x·sin³ 6x dx = −3 cos 5x/40 − 3 cos 7x/56 + cos 17x/136 + cos 19x/152."""
    text = integrate_indefinite("cos(x)*sin(6*x)^3", "x").text()
    assert "^" not in text and "³" not in text and "(-" not in text
    for angle in ("5x", "7x", "17x", "19x"):
        assert f"cos({angle})" in text
