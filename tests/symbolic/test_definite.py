"""Definite integrals: the fundamental theorem with continuity checks, the reference suite,
accumulation functions, divergence and the numeric fallback."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest

import calcml as cm
from calcml.core.errors import NoClosedFormError
from calcml.core.expr import PI, number, symbol
from calcml.core.registry import PRIMITIVES, sqrt
from calcml.symbolic import definite
from calcml.symbolic.definite import IntegralResult, UnreliableIntegral, integrate
from calcml.symbolic.diff import diff
from calcml.symbolic.quadrature import DivergentIntegral
from calcml.symbolic.steps import Step, to_text

x, t, a = symbol("x"), symbol("t"), symbol("a")
DATA = Path(__file__).parent.parent / "data" / "quad_suite.jsonl"
SUITE = [json.loads(line) for line in DATA.read_text().splitlines()]
#: Python spellings in the suite that are functions in calcml.
REWRITES = {"1.0 if x > 0.3 else 0.0": "heaviside(x - 0.3)", "max(0.0, 1-x)**2": "relu(1-x)**2"}


def _build(text: str):
    """A trusted test string in Python syntax, built with calcml's operations (no eval)."""
    env = {**PRIMITIVES, "sqrt": sqrt, "pi": PI, "x": x, "e": cm.E}
    ops = {ast.Add: lambda p, q: p + q, ast.Sub: lambda p, q: p - q, ast.Mult: lambda p, q: p * q,
           ast.Div: lambda p, q: p / q, ast.Pow: lambda p, q: p**q}  # fmt: skip
    todo = ast.parse(REWRITES.get(text, text), mode="eval").body

    def build(node):
        if isinstance(node, ast.BinOp):
            return ops[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp):
            return -build(node.operand)
        if isinstance(node, ast.Constant):
            return number(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        return env[node.func.id](*(build(arg) for arg in node.args))

    return build(todo)


def _limit(text: str):
    return text.replace("inf", "oo") if "inf" in text else _build(text)


@pytest.mark.parametrize("case", SUITE, ids=[c["id"] for c in SUITE])
def test_reference_suite(case):
    f = _build(case["f"])
    r = integrate(f, (x, _limit(case["a"]), _limit(case["b"])), seconds=2.0)
    assert math.isclose(r.value, case["exact_value"], rel_tol=1e-10), (r.value, r.note)
    assert r.method in ("symbolic", "numeric") and r.verified
    assert (r.error_estimate == 0) == (r.method == "symbolic")


def test_fundamental_theorem_steps():
    r = integrate(x**2, (x, 0, 3), steps=True)
    assert r.value == 9.0 and r.exact is number(9) and r.method == "symbolic"
    assert r.steps.rule == "fundamental theorem" and r.steps.result is r.exact
    details = dict(r.steps.details)
    assert details["F"] is x**3 / 3
    assert details["F(b)"] is number(9) and details["F(a)"] is number(0)
    assert "power rule" in r.steps.rules()
    assert "fundamental theorem" in to_text(r.steps)


def test_accumulation_function_derivative_is_integrand():
    F = integrate(cm.cos(t) * cm.exp(t), (t, 0, x))
    for point in (0.3, 1.1, 2.0):
        assert math.isclose(float(diff(F, x).evaluate(x=point)),
                            math.cos(point) * math.exp(point), rel_tol=1e-12)  # fmt: skip
    assert float(F.evaluate(x=0.0)) == 0.0
    r = integrate(2 * t, (t, 1, x), steps=True)
    assert r.exact is x**2 - 1 and r.value is None and r.steps.rule == "fundamental theorem"


def _stub(result):
    def antiderivative(f, var, seconds):
        return type("Found", (), {"result": result, "step": Step("stub", f, result),
                                  "method": "stub"})()  # fmt: skip

    return antiderivative


def test_jump_in_antiderivative_is_split(monkeypatch):
    # a correct but discontinuous antiderivative of 1/(2 + cos x): it jumps at odd multiples of π
    big_f = 2 / sqrt(number(3)) * cm.atan(cm.tan(x / 2) / sqrt(number(3)))
    monkeypatch.setattr(definite, "_antiderivative", _stub(big_f))
    for k in (2, 3, 4):
        r = integrate(1 / (2 + cm.cos(x)), (x, 0, k * PI))
        assert math.isclose(r.value, k * math.pi / math.sqrt(3), rel_tol=1e-12), r.note
        assert r.method == "symbolic" and "split at pi" in r.note


def test_log_across_a_pole_is_divergent():
    with pytest.raises(DivergentIntegral):
        integrate(1 / x, (x, -1, 1))
    with pytest.raises(DivergentIntegral):
        integrate(1 / (x - 2) ** 2, (x, 0, 3))
    with pytest.raises(DivergentIntegral):  # the Cauchy distribution has no mean
        integrate(x / (PI * (1 + x**2)), (x, "-oo", "oo"))
    with pytest.raises(NoClosedFormError):  # -cos x has no limit at infinity
        integrate(cm.sin(x), (x, 0, "oo"))


def test_integrable_singularity_inside():
    r = integrate(1 / cm.sqrt(cm.abs(x)), (x, -1, 4))
    assert math.isclose(r.value, 6.0, rel_tol=1e-10)
    r = integrate(cm.log(cm.abs(x)), (x, -1, 2))
    assert math.isclose(r.value, 2 * math.log(2) - 3, rel_tol=1e-10)


def test_numeric_fallback_and_flags():
    r = integrate(cm.sin(x**2), (x, 0, 1))  # a Fresnel integral: no antiderivative in calcml
    assert r.method == "numeric" and r.exact is None and 0 < r.error_estimate < 1e-10
    assert r.steps.rule == "numeric quadrature"
    r = integrate(x**2, (x, 0, 3), numeric=True)
    assert r.method == "numeric" and math.isclose(r.value, 9.0, rel_tol=1e-12)


def test_gaussian_has_an_exact_value():
    r = integrate(cm.exp(-(x**2)), (x, 0, 1))  # √π/2·erf(1)
    assert r.exact is not None and r.method != "numeric"
    assert math.isclose(r.value, math.sqrt(math.pi) / 2 * math.erf(1), rel_tol=1e-12)


def test_unreliable_numbers_are_refused(monkeypatch):
    monkeypatch.setattr(definite, "_antiderivative", lambda f, v, s: "budget")
    with pytest.raises(UnreliableIntegral, match="budget ran out"):
        integrate(1 / (x * cm.log(x) ** 2), (x, 2, "oo"))


def test_limit_forms_and_order():
    assert integrate(cm.exp(-x), (x, 0, float("inf"))).exact is number(1)
    assert integrate(cm.exp(x), (x, "-inf", 0)).exact is number(1)
    r = integrate(x, (x, 2, 0))
    assert r.value == -2.0 and r.exact is number(-2)
    assert integrate(cm.sin(x), (x, 0, "pi/2")).exact is number(1)


def test_parameters_and_antiderivatives():
    r = integrate(a * x, (x, 0, 2))
    assert r.exact is 2 * a and r.value is None
    assert integrate(x * cm.cos(x), x) is x * cm.sin(x) + cm.cos(x)
    res = integrate("x*exp(x)", "x", steps=True)
    assert isinstance(res, IntegralResult) and res.verified and res.lower is None
    with pytest.raises(ValueError):
        integrate(x, x, numeric=True)
    with pytest.raises(ValueError):
        integrate(x, (x, 0))
    with pytest.raises(ValueError):
        integrate(x, (x, 0, x))
