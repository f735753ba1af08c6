"""Logarithms and exponentials: parts for ln(A + B·√R), the logarithmic substitution, the laws
of exponents, the product rule backwards, e^(ax)·sin/cos(bx) and products of sines and cosines
times e^(ax).

Oracle: SymPy differentiates our answer (parsed from its Python form) and the derivative is
compared with the integrand in mpmath at points from several intervals, only where both are
real and finite; where SymPy finds an antiderivative too, the two must differ by a constant.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy

from calcml.core.expr import symbol
from calcml.symbolic.diff import diff
from calcml.symbolic.integrate import integrate_indefinite
from calcml.symbolic.integrate.root_field import RootField

from .test_integrate import read

x = symbol("x")
_SX = sympy.Symbol("x", real=True)
_LOCALS = {"x": _SX, "a": sympy.Symbol("a", positive=True), "b": sympy.Symbol("b", positive=True)}
_POINTS = (-2.7, -1.3, -0.6, 0.15, 0.4, 0.85, 1.2, 1.7, 2.4, 3.1, 4.6)
_PARAMS = {"a": 0.7, "b": 1.9}


def _value(e: sympy.Expr, p: float) -> float | None:
    subs = {s: _PARAMS[s.name] for s in e.free_symbols if s.name in _PARAMS}
    try:
        v = complex(sympy.lambdify(_SX, e.subs(subs), modules=["mpmath"])(mpmath.mpf(p)))
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    if abs(v.imag) > 1e-12 * (1 + abs(v.real)) or not math.isfinite(v.real):
        return None
    return v.real


def sympy_derivative_matches(text: str, answer) -> int:
    """d/dx (our answer), by SymPy, equals the integrand at every real point; the count."""
    f = sympy.sympify(text, locals=_LOCALS)
    big_f = sympy.sympify(str(answer), locals=_LOCALS)
    df = sympy.diff(big_f, _SX)
    checked = 0
    for p in _POINTS:
        fv, dv = _value(f, p), _value(df, p)
        if fv is None or dv is None:
            continue
        assert math.isclose(fv, dv, rel_tol=1e-8, abs_tol=1e-10), (text, str(answer), p)
        checked += 1
    assert checked >= 3, (text, str(answer))
    return checked


CASES = {
    "multiply by the conjugate": [
        "log(x + sqrt(x**2 + 4))", "x*log(x + sqrt(x**2 - 1))",
        "sqrt(x)*log(2*x - 1 + 2*sqrt(x**2 - x))", "log(2*x - 1 + 2*sqrt(x**2 - x))/sqrt(x)",
        "log(sqrt(1 - x) + sqrt(1 + x))", "x*log(sqrt(x + 1) + sqrt(x - 1))",
        "atan(sqrt(x + 2) - sqrt(x))", "x*atan(sqrt(x + 2) - sqrt(x))",
        "atan(sqrt(x) + sqrt(x + 1))/x**2",
    ],
    "logarithmic substitution": [
        "1/(x + x*log(2*x) + x*log(2*x)**2)", "(1 + log(5*x))/(x + x*log(5*x)**2)",
        "log(x**2)/(x + x*log(x)**2)",
    ],
    "exponential identities": [
        "x**x*(1 + log(x))", "x**(1/x)*(1 - log(x))/x**2", "exp(2*x + exp(2*x))",
        "3**log(x)", "5**log(2*x + 1)", "x*sqrt(2**x)", "x**2/sqrt(exp(x))",
    ],
    "product rule backwards": [
        "exp(x)*(1/x + log(x))", "exp(x**2)*(2*x*log(x) + 1/x)",
        "exp(2*x)*(2*atan(x) + 1/(1 + x**2))", "exp(-x)*(1/x - log(x))",
    ],
    "cyclic integration by parts": ["exp(a*x)*sin(b*x)", "exp(a*x + 1)*cos(b*x - 2)"],
    "product to sum": [
        "exp(2*x)*sin(x)**2", "exp(-x)*sin(2*x)*cos(3*x)", "exp(x)*cos(x)**3",
        "exp(3*x)*sin(x)**2*cos(x)**2",
    ],
}  # fmt: skip


#: The hyperbolic work's "laws of exponents" applies some of the same identities, earlier in the
#: method order; either name is the method the case is about.
SAME_IDENTITIES = {"exponential identities": ("laws of exponents",)}


@pytest.mark.parametrize("rule,text", [(r, t) for r, ts in CASES.items() for t in ts])
def test_answer_differentiates_back_and_steps_name_the_method(rule: str, text: str) -> None:
    f, _ = read(text)
    found = integrate_indefinite(f, x, seconds=5, steps=True)
    assert found.verified and found.rejected == 0, text
    assert sympy_derivative_matches(text, found.result) >= 3
    said = {s.rule for s in found.steps.walk()}
    assert {rule, *SAME_IDENTITIES.get(rule, ())} & said, (text, found.steps.rules())
    assert "note" not in dict(found.steps.details), text  # every step passed its check


def test_conjugate_step_states_the_conjugate() -> None:
    found = integrate_indefinite(read("log(x + sqrt(x**2 + 4))")[0], x, steps=True)
    step = next(s for s in found.steps.walk() if s.rule == "multiply by the conjugate")
    assert str(dict(step.details)["conjugate"]) == "x - √(x² + 4)"
    # the textbook's answer: x·ln(x + √(x² + 4)) − √(x² + 4)
    expected = sympy.sympify("x*log(x + sqrt(x**2 + 4)) - sqrt(x**2 + 4)", locals=_LOCALS)
    for p in (-1.5, 0.3, 2.2):
        assert math.isclose(float(found.result.evaluate(x=p)), float(expected.subs(_SX, p)),
                            rel_tol=1e-12, abs_tol=1e-12)  # fmt: skip


def test_logarithmic_substitution_cancels_x() -> None:
    found = integrate_indefinite(read("1/(x + x*log(2*x) + x*log(2*x)**2)")[0], x, steps=True)
    sub = next(s for s in found.steps.walk() if s.rule == "logarithmic substitution")
    assert str(dict(sub.details)["u"]) == "log(2*x)"
    rewrite = next(s for s in sub.substeps if s.rule.startswith("rewrite in"))
    assert not rewrite.integrals[0][1].has(x)  # ∫ du/(u² + u + 1), no x left


def test_powers_written_back() -> None:
    # x^x·(1 + ln x) integrates to x^x, written as the power, not as e^(x·ln x)
    found = integrate_indefinite(read("x**x*(1 + log(x))")[0], x)
    assert str(found) == "x**x"
    assert str(integrate_indefinite(read("exp(x)*(1/x + log(x))")[0], x)) == "exp(x)*log(x)"


def test_cyclic_formula_is_the_textbook_one() -> None:
    text = "exp(a*x)*sin(b*x)"
    ours = integrate_indefinite(read(text)[0], x)
    textbook = sympy.sympify("exp(a*x)*(a*sin(b*x) - b*cos(b*x))/(a**2 + b**2)", locals=_LOCALS)
    for p in (-1.0, 0.5, 2.0):
        ours_v = float(ours.evaluate(x=p, **_PARAMS))
        assert math.isclose(ours_v, _value(textbook, p), rel_tol=1e-12)


def test_agrees_with_sympy_up_to_a_constant() -> None:
    texts = ("exp(2*x)*sin(x)**2", "exp(x)*(1/x + log(x))", "1/(x + x*log(2*x) + x*log(2*x)**2)")
    for text in texts:
        f, s = read(text)
        ours = integrate_indefinite(f, x)
        sx = sympy.Symbol("x")  # the symbol of `read`
        theirs = sympy.integrate(s, sx)
        diffs = [float(ours.evaluate(x=p)) - float(theirs.subs(sx, p)) for p in (0.3, 1.1, 2.5)]
        assert max(diffs) - min(diffs) < 1e-9, text


def test_root_field_inverse_and_derivative() -> None:
    # in Q(x)(√x, √(x + 1), √(x² + 3)): a·(1/a) = 1, and d/dx atan(√x − √(x + 1)) reduces to
    # 1/(4·√x·(x + 1)) (values compared with SymPy's)
    g = read("sqrt(x) - sqrt(x + 1) + x*sqrt(x**2 + 3)")[0]
    field = RootField.of(g, x)
    assert field is not None and len(field.radicands) == 3
    a = field.element(g)
    inv = field.inverse(a)
    assert field.mul(a, inv) == field.element(read("1")[0])
    h = read("sqrt(x) - sqrt(x + 1)")[0]
    small = RootField.of(h, x)
    el = small.element(h)
    du = small.mul(small.element(diff(h, x, verify=False)),
                   small.inverse(small.add(small.element(read("1")[0]), small.mul(el, el))))
    got = small.to_expr(du)
    want = sympy.sympify("1/(4*sqrt(x)*(x + 1))", locals=_LOCALS)
    for p in (0.2, 1.3, 4.0):
        assert math.isclose(float(got.evaluate(x=p)), _value(want, p), rel_tol=1e-12)


def test_root_field_declines_cube_roots() -> None:
    assert RootField.of(read("x**(1/3) + sqrt(x)")[0], x) is None
