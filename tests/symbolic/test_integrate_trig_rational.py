"""Rational functions of sin x and cos x (Bioche's rules, the Weierstrass substitution) and of
eˣ, sinh x and cosh x (u = eˣ).

Oracle: the integrand is read and evaluated by SymPy (never by calcml), and compared with central
differences of calcml's antiderivative at random points where both are finite. The steps must
name the substitution and pass the step checker.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from calcml.core.evaluate import Program
from calcml.core.expr import Expr, symbol
from calcml.symbolic.integrate import integrate_indefinite
from calcml.symbolic.steps import formula

from .test_integrate import read
from .test_steps_checked import _assert_all_checked

x = symbol("x")
BIOCHE, WEIERSTRASS, CANCEL = "Bioche's rule", "Weierstrass substitution", "cancel a common factor"
EXPONENTIAL = "exponential substitution"

#: Textbook integrals of the class, with the method whose step must show.
CASES = [
    ("sin(x)**2/sin(3*x)", BIOCHE),
    ("tan(x)/(1 + cos(x))", BIOCHE),
    ("sin(x)**3/(2 + cos(x))", BIOCHE),
    ("1/(1 + sin(x)**2)", BIOCHE),
    ("1/(1 + cos(x)**2)", BIOCHE),
    ("1/(sin(x)**2 + 4*cos(x)**2)", BIOCHE),
    ("1/(sin(x)**4 + cos(x)**4)", BIOCHE),
    ("sin(x)*cos(x)/(sin(x)**4 + cos(x)**4)", BIOCHE),
    ("sin(2*x)/(1 + sin(x)**2)", BIOCHE),
    ("1/(sin(x) + sin(2*x))", BIOCHE),
    ("1/(sin(x)*sin(2*x))", BIOCHE),
    ("cos(x)**3/(sin(x)**2 + sin(x))", BIOCHE),
    ("1/(sin(x)*(2 + cos(x)))", BIOCHE),
    ("sec(x)/(1 + sin(x))", BIOCHE),
    ("cot(x)/(1 + sin(x))", BIOCHE),
    ("tan(x)/(1 + tan(x))", BIOCHE),
    ("sin(3*x)/cos(x)", BIOCHE),
    ("cos(x)/(1 + cos(2*x))", BIOCHE),
    ("1/(1 + sin(x))", WEIERSTRASS),
    ("1/(2 + cos(x))", WEIERSTRASS),
    ("1/(3 + 5*sin(x))", WEIERSTRASS),
    ("1/(2 + sin(x) + cos(x))", WEIERSTRASS),
    ("1/(5 - 3*cos(x))", WEIERSTRASS),
    ("1/(3*sin(x) + 4*cos(x))", WEIERSTRASS),
    ("cos(x)/(2 + cos(x))", WEIERSTRASS),
    ("1/(2*sin(x) + 3*cos(x) + 4)", WEIERSTRASS),
    ("cos(2*x)/(sin(x) + cos(x))", CANCEL),
    ("exp(x)/(1 + cosh(x))", EXPONENTIAL),
    ("1/(2 + sinh(x))", EXPONENTIAL),
    ("1/(1 + cosh(x))", EXPONENTIAL),
    ("1/(3 + 5*cosh(x))", EXPONENTIAL),
    ("tanh(x)/(1 + cosh(x))", BIOCHE),  # odd in sinh x: u = cosh x (hyperbolic Bioche)
    ("1/(exp(x) + cosh(x))", EXPONENTIAL),
    ("1/(cosh(x) + sinh(x) + 2)", EXPONENTIAL),
]  # fmt: skip


def central_differences_match(text: str, big_f: Expr) -> int:
    """(F(x + h) − F(x − h))/2h = f(x), f evaluated by SymPy, at random points where both are
    finite and f is moderate (near a pole the difference quotient is not accurate)."""
    rng = np.random.default_rng(19)
    xs = rng.uniform(-3.0, 3.0, 80)
    h = 1e-5
    program = Program([big_f], [x])
    with np.errstate(all="ignore"):
        up, down = (np.broadcast_to(np.asarray(program(xs + d)[0], float), xs.shape)
                    for d in (h, -h))  # fmt: skip
        slope = (up - down) / (2 * h)
        sx = sympy.Symbol("x")
        f = np.broadcast_to(np.asarray(sympy.lambdify(sx, sympy.sympify(text), "numpy")(xs),
                                       float), xs.shape)  # fmt: skip
    ok = np.isfinite(slope) & np.isfinite(f) & (np.abs(f) < 100)
    assert np.allclose(slope[ok], f[ok], rtol=1e-5, atol=1e-5), (text, str(big_f))
    return int(ok.sum())


@pytest.mark.parametrize(("text", "rule"), CASES, ids=[c[0] for c in CASES])
def test_trig_rational_solved_checked_and_named(text: str, rule: str) -> None:
    f, _ = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert central_differences_match(text, found.result) >= 40
    _assert_all_checked(found.steps, text)
    named = [s for s in found.steps.walk() if s.rule == rule]
    assert named, f"{text}: no {rule!r} step in {[s.rule for s in found.steps.walk()]}"
    if rule in (BIOCHE, WEIERSTRASS, EXPONENTIAL):
        names = {k for k, _ in named[0].details}
        assert {"u", "du"} <= names, names
        words = {WEIERSTRASS: "t = tan(x/2)", BIOCHE: "unchanged under x → ",
                 EXPONENTIAL: "u = eˣ"}  # fmt: skip
        assert words[rule] in formula(named[0])


def _bioche(text: str):
    f, _ = read(text)
    steps = integrate_indefinite(f, x, steps=True).steps
    return next(s for s in steps.walk() if s.rule == BIOCHE)


@pytest.mark.parametrize(("text", "symmetry", "u"), [
    ("sin(x)**3/(2 + cos(x))", "x → −x", "cos(x)"),
    ("cos(x)**3/(sin(x)**2 + sin(x))", "x → π − x", "sin(x)"),
    ("1/(1 + sin(x)**2)", "x → π + x", "tan(x)"),
])  # fmt: skip
def test_bioche_picks_the_substitution_by_symmetry(text: str, symmetry: str, u: str) -> None:
    step = _bioche(text)
    assert step.get("symmetry") == symmetry
    assert step.get("u").text() == u
    assert f"unchanged under {symmetry}, so u = {u}" in formula(step)


def test_bioche_answer_is_in_the_substituted_function() -> None:
    """u = cos x leaves a polynomial and a logarithm in cos x, not tangents of half angles."""
    found = integrate_indefinite("sin(x)^3/(2 + cos(x))", "x", steps=True)
    assert "tan" not in found.result.text()


@pytest.mark.parametrize("text", ["1/(2 + sin(x) + cos(x))", "1/(1 + sin(x))"])
def test_no_symmetry_no_bioche(text: str) -> None:
    f, _ = read(text)
    rules = {s.rule for s in integrate_indefinite(f, x, steps=True).steps.walk()}
    assert BIOCHE not in rules and WEIERSTRASS in rules


def test_weierstrass_answer_has_no_atan_of_tan() -> None:
    """2·atan(tan(x/2)) jumps at x = π; the answer says x instead (a step notes the constant)."""
    found = integrate_indefinite("cos(x)/(2 + cos(x))", "x", steps=True)
    assert "atan(tan(x/2))" not in found.result.text()
    assert any(s.rule == "simplify (up to a constant)" for s in found.steps.walk())
