"""Irreducible quartics split over the reals, Gaussian integrals and the heuristic ansatz.

Oracles: differentiating back numerically, SymPy's antiderivative compared up to a constant,
and closed forms (∫ e^(−x²) dx = √π/2·erf(x) checked against math.erf).
"""

from __future__ import annotations

import math

import pytest

import calcml as cm
from calcml.core.expr import symbol
from calcml.symbolic.integrate import integrate_indefinite

from .test_integrate import agrees_with_sympy, derivative_matches, read
from .test_integrate_params import _sympy_agrees

x, a = symbol("x"), symbol("a")

QUARTICS = [
    "1/(x**4 + 1)", "x**2/(x**4 + 1)", "x/(x**4 + 1)", "(x**2 + 1)/(x**4 + 1)", "1/(x**4 + 2)",
    "1/(x**4 - 2)", "1/(x**4 + 3*x**2 + 1)", "1/(x**4 - x**2 + 1)", "1/(x**4 + x**2 + 2)",
    "1/(x**4 - 10*x**2 + 1)", "1/((x + 1)**4 + 1)", "1/(x**4 + 1)**2", "1/(3*x**4 + 1)",
    "x**5/(x**4 + 1)",
]  # fmt: skip


@pytest.mark.parametrize("text", QUARTICS)
def test_quartic_differentiates_back(text: str) -> None:
    f, _ = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert found.steps.result is found.result
    assert derivative_matches(f, found.result) >= 20


@pytest.mark.parametrize("text", QUARTICS[::3])
def test_quartic_agrees_with_sympy(text: str) -> None:
    f, s = read(text)
    assert agrees_with_sympy(integrate_indefinite(f, x), s) is not False


def test_quartic_steps_show_the_real_factors() -> None:
    found = integrate_indefinite(read("1/(x**4 + 1)")[0], x, steps=True)
    step = next(s for s in found.steps.walk() if s.rule == "real quadratic factors")
    factors = dict(step.details)["factors"]
    for p in (-1.3, 0.2, 2.7):
        assert math.isclose(float(factors.evaluate(x=p)), p**4 + 1, rel_tol=1e-12)


def test_quartic_without_closed_form_factors_declines() -> None:
    # x⁴ + x + 1 has Galois group S4: its real quadratic factors need cube roots
    with pytest.raises(cm.NoClosedFormError):
        integrate_indefinite(read("1/(x**4 + x + 1)")[0], x)


GAUSSIAN = [
    "exp(-x**2)", "x**2*exp(-x**2)", "x**4*exp(-x**2)", "exp(-2*x**2 + 3*x + 1)",
    "(x**3 + x)*exp(-x**2/2)", "exp(-(x - 1)**2)", "(x + 1)**2*exp(-x**2)",
]  # fmt: skip


@pytest.mark.parametrize("text", GAUSSIAN)
def test_gaussian_differentiates_back(text: str) -> None:
    f, s = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert derivative_matches(f, found.result) >= 20
    assert agrees_with_sympy(found.result, s) is not False


def test_gaussian_closed_form_and_steps() -> None:
    found = integrate_indefinite(cm.exp(-(x**2)), x, steps=True)
    for p in (-1.1, 0.4, 2.0):
        got = float((found.result - found.result.evaluate(x=0)).evaluate(x=p))
        assert math.isclose(got, math.sqrt(math.pi) / 2 * math.erf(p), rel_tol=1e-12)
    assert found.steps.rules()[0] == "Gaussian integral"
    assert "completing the square" in dict(found.steps.details)


@pytest.mark.parametrize("text", ["exp(-a*x**2)", "x**2*exp(-a*x**2)", "exp(-a*x**2 + x)"])
def test_gaussian_with_parameters_assumes_and_says(text: str) -> None:
    f, s = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert "a > 0" in found.conditions
    assert derivative_matches(f, found.result) >= 20
    assert _sympy_agrees(found.result, s, {"a": 1.3}) is not False


def test_growing_gaussian_is_declined() -> None:
    with pytest.raises(cm.NoClosedFormError):  # erfi is not in the registry
        integrate_indefinite(cm.exp(x**2), x)


RISCH = [
    "(x**2 + x - 5)*exp(x)/(x - 1)**2", "sin(x)/x + cos(x)*log(x)", "(1 + 2*x**2)*exp(x**2)",
    "1/sqrt(x + exp(x)) + exp(x)/sqrt(x + exp(x))", "exp(x)*(x - 1)/x**2",
    "1/((1 - x**2)*asin(x)**2) - x/((1 - x**2)**(3/2)*asin(x))",
    "2*x*exp(x**2)*log(x) + exp(x**2)/x",
    "(3*(x + exp(x))**(1/3) + 5*x**2 + (2*x**2 + 3*x)*exp(x))/(x*(x + exp(x))**(1/3))",
]  # fmt: skip


@pytest.mark.parametrize("text", RISCH)
def test_heuristic_risch_differentiates_back(text: str) -> None:
    f, s = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert found.verified and found.rejected == 0, text
    assert derivative_matches(f, found.result, lo=0.1, hi=2.5) >= 20
    assert agrees_with_sympy(found.result, s) is not False


def test_heuristic_risch_says_what_it_guessed() -> None:
    found = integrate_indefinite(read("sin(x)/x + cos(x)*log(x)")[0], x, steps=True)
    step = next(s for s in found.steps.walk() if s.rule == "heuristic Risch")
    details = dict(step.details)
    assert "U a polynomial" in details["ansatz"] and "equations" in details["linear system"]
    assert found.result is cm.log(x) * cm.sin(x)


def test_heuristic_risch_respects_the_budget() -> None:
    import time

    hard = (cm.exp(x) * cm.sin(x) ** 3 + cm.log(x) * cm.atan(x) ** 2) / (x**3 + cm.exp(x) + 1)
    start = time.monotonic()
    with pytest.raises((cm.NoClosedFormError, cm.BudgetExceeded)):
        integrate_indefinite(hard, x, seconds=0.5)
    assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("text", ["(2 + 4*x)**(3/2)*(3 - 6*x)**(3/2)", "sqrt(1 - x)*sqrt(1 + x)",
                                  "x/(sqrt(x + 1)*sqrt(x - 1))"])  # fmt: skip
def test_combined_radicals(text: str) -> None:
    # The oracle is differentiation: SymPy's integrate can search for minutes on these
    # (heurisch on the product of radicals), and for the last one answers with exp_polar.
    f, _ = read(text)
    found = integrate_indefinite(f, x, steps=True)
    assert "combine radicals" in found.steps.rules()
    assert derivative_matches(f, found.result) >= 10
