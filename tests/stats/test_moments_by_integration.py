"""Moments, entropies and E[g(X)] come from calcml's integrator, with its steps.

Oracles: the exact reference values (mpmath) of `tests/data/dist_reference.json`, each family's
table of closed forms (kept only for this), and SciPy's quadrature.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from scipy import integrate as sci_integrate
from scipy import stats

from calcml import symbol
from calcml.stats.distributions import (
    FAMILIES,
    DivergentError,
    cauchy,
    exponential,
    gamma,
    laplace,
    normal,
    student_t,
    uniform,
)
from calcml.stats.distributions._derive import SOURCE

CASES = json.loads((Path(__file__).parents[1] / "data" / "dist_reference.json").read_text())[
    "distributions"]  # fmt: skip


def build(name: str):
    family, inside = re.fullmatch(r"(\w+)\((.*)\)", name).groups()
    params = {("lam" if k == "lambda" else k): float(v)
              for k, v in (p.split("=") for p in inside.split(","))}  # fmt: skip
    return FAMILIES[family](**params)


def _by_integrator(r) -> bool:
    """The record's source is calcml's integrator and its steps include the integrator's."""
    rules = {s.rule for s in r.steps.walk()}
    return r.note == SOURCE and r.method == "closed form" and len(rules) > 2


def test_at_least_12_of_the_17_reference_cases_come_from_the_integrator():
    fast = [c for c in CASES if not c["name"].startswith("logistic")]
    by_integrator = 0
    for case in fast:
        d = build(case["name"])
        ok = True
        for quantity, want in (("mean", case["mean_exact"]), ("var", case["var_exact"])):
            try:
                r = getattr(d, quantity)(steps=True)
            except DivergentError as err:  # found divergent by the integrator itself
                ok &= want is None or math.isinf(want)
                ok &= "diverges" in err.reason
                continue
            assert abs(r.value - want) <= 1e-12 * max(1, abs(want)), (case["name"], quantity)
            ok &= _by_integrator(r)
        by_integrator += ok
    assert by_integrator >= 12, by_integrator


def test_symbolic_location_and_scale_stay_symbolic():
    mu, sigma, b = symbol("mu"), symbol("sigma"), symbol("b")
    assert normal(mu, sigma).mean() is mu
    assert normal(mu, sigma).var() is sigma**2
    r = normal(mu, sigma).mean(steps=True)
    assert r.value is None and r.exact is mu and r.steps.rule == "substitution"
    assert laplace(mu, b).var() == 2 * b**2
    lam = symbol("lam")
    got = exponential(lam).var()
    assert abs(float(got.subs({lam: 3})) - 1 / 9) < 1e-15


@pytest.mark.parametrize("d", [normal(0.5, 2), uniform(-1, 2), exponential(1.5), laplace(1, 0.5)],
                         ids=lambda d: d.family.name)
def test_entropy_by_integration_matches_the_table_and_scipy(d):
    r = d.entropy(steps=True)
    table = float(d.family.entropy(d.params))
    assert r.method == "closed form" and abs(r.value - table) < 1e-12
    scipy_d = {"normal": stats.norm(0.5, 2), "uniform": stats.uniform(-1, 3),
               "exponential": stats.expon(scale=1 / 1.5),
               "laplace": stats.laplace(1, 0.5)}[d.family.name]  # fmt: skip
    assert abs(r.value - float(scipy_d.entropy())) < 1e-12


def test_divergence_is_found_from_the_improper_integral():
    with pytest.raises(DivergentError) as err:
        cauchy(0, 1).mean()
    assert math.isnan(err.value.value)  # ∫_0^∞ = +∞ and ∫_-∞^0 = -∞: undefined
    assert "∞" in err.value.reason and "∞ - ∞" in err.value.reason
    with pytest.raises(DivergentError) as err:
        student_t(2).var()
    assert err.value.value == math.inf


def test_expectation_of_an_expression_against_scipy_quad():
    d = exponential(2)
    r = d.expect("x^3", steps=True)
    want = sci_integrate.quad(lambda t: t**3 * 2 * math.exp(-2 * t), 0, math.inf)[0]
    assert r.method == "closed form" and abs(r.value - want) < 1e-12
    assert abs(normal(0, 1).expect("exp(x)") - math.exp(0.5)) < 1e-12
    assert abs(normal(0, 1).mgf(0.3) - math.exp(0.045)) < 1e-12


def test_no_closed_form_falls_back_to_quadrature_and_says_so():
    r = gamma(2.5, 1).entropy(steps=True)
    assert r.method == "quadrature" and r.exact is None and r.error_estimate < 1e-8
    assert abs(r.value - float(gamma.entropy(gamma(2.5, 1).params))) < 1e-9
