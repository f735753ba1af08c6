"""Distributions against exact reference values (mpmath), SciPy, and their own integrals."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from calcml import symbol
from calcml.core.errors import NoClosedFormError
from calcml.stats.distributions import (
    FAMILIES,
    DivergentError,
    beta,
    cauchy,
    exponential,
    gamma,
    kl_divergence,
    laplace,
    logistic,
    normal,
    student_t,
    uniform,
)
from calcml.symbolic.diff import diff
from calcml.symbolic.steps import to_json, to_text

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "dist_reference.json").read_text())
CASES = REFERENCE["distributions"]
TOL = 1e-12  # absolute for values ≤ 1 (the tails), relative above


def build(name: str):
    """`normal(mu=0.0,sigma=1.0)` -> calcml's distribution."""
    family, inside = re.fullmatch(r"(\w+)\((.*)\)", name).groups()
    params = {}
    for part in inside.split(","):
        key, value = part.split("=")
        params["lam" if key == "lambda" else key] = float(value)
    return FAMILIES[family](**params)


def close(got: float, want: float, tol: float = TOL) -> bool:
    return abs(got - want) <= tol * max(1.0, abs(want))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_pdf_cdf_sf_match_exact_values(case):
    d = build(case["name"])
    for p in case["points"]:
        x = p["x"]
        assert close(d.pdf(x), p["pdf_exact"]), ("pdf", x, d.pdf(x), p["pdf_exact"])
        assert close(d.cdf(x), p["cdf_exact"]), ("cdf", x, d.cdf(x), p["cdf_exact"])
        assert close(d.sf(x), p["sf_exact"]), ("sf", x, d.sf(x), p["sf_exact"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_tails_are_relatively_accurate(case):
    """cdf and sf are computed directly, so even tiny tail probabilities keep their digits."""
    d = build(case["name"])
    for p in case["points"]:
        for key, got in (("cdf_exact", d.cdf(p["x"])), ("sf_exact", d.sf(p["x"]))):
            want = p[key]
            if want > 0:
                assert abs(got - want) <= 1e-12 * want, (key, p["x"], got, want)


# the logistic's moments take calcml's integrator ~30 s (it tries, then falls back to quadrature)
SLOW = pytest.mark.slow


def _marked(case):
    marks = (SLOW,) if case["name"].startswith("logistic") else ()
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_marked(c) for c in CASES])
def test_mean_and_variance(case):
    d = build(case["name"])
    if case["mean_exact"] is None:
        with pytest.raises(DivergentError) as err:
            d.mean()
        assert math.isnan(err.value.value)
    else:
        assert close(d.mean(), case["mean_exact"])
    if case["var_exact"] is None:
        with pytest.raises(DivergentError):
            d.var()
    elif math.isinf(case["var_exact"]):
        with pytest.raises(DivergentError) as err:
            d.var()
        assert err.value.value == math.inf
    else:
        assert close(d.var(), case["var_exact"])


ALL = [normal(0.5, 2), uniform(-1, 2), exponential(1.5), laplace(1, 0.5), logistic(-1, 2),
       gamma(2.5, 0.8), beta(2, 3.5), student_t(7, 0.5, 2), cauchy(1, 0.5)]  # fmt: skip
SCIPY = [stats.norm(0.5, 2), stats.uniform(-1, 3), stats.expon(scale=1 / 1.5),
         stats.laplace(1, 0.5), stats.logistic(-1, 2), stats.gamma(2.5, scale=0.8),
         stats.beta(2, 3.5), stats.t(7, 0.5, 2), stats.cauchy(1, 0.5)]  # fmt: skip
IDS = [d.family.name for d in ALL]


def _slow_logistic(*args):
    marks = (SLOW,) if args[0].family.name == "logistic" else ()
    return pytest.param(*args, id=args[0].family.name, marks=marks)


@pytest.mark.parametrize(("d", "ref"), [_slow_logistic(d, r) for d, r in zip(ALL, SCIPY,
                                                                             strict=True)])
def test_agrees_with_scipy(d, ref):
    xs = np.array(ref.ppf([0.001, 0.1, 0.5, 0.9, 0.999]))
    np.testing.assert_allclose(d.pdf(xs), ref.pdf(xs), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d.logpdf(xs), ref.logpdf(xs), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.cdf(xs), ref.cdf(xs), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d.sf(xs), ref.sf(xs), rtol=1e-12, atol=1e-14)
    assert close(d.entropy(), float(ref.entropy()), 1e-12)


@pytest.mark.parametrize("d", [_slow_logistic(d) for d in ALL])
def test_closed_forms_equal_their_integrals(d):
    """Every table entry (mass, cdf, mean, variance, moments, entropy) against quadrature."""
    lo, hi = d.support
    mass = d.moment(0, steps=True)
    assert close(mass.value, 1.0, 1e-12)
    for x in (-0.7, 0.3, 1.2):
        if lo < x < hi:
            by_quad = _quad(lambda t: d.pdf(t), lo, x)
            assert close(d.cdf(x), by_quad, 1e-9)
    quantities = [("entropy", lambda: d.entropy(), lambda t: -d.pdf(t) * d.logpdf(t))]
    if d.family.name != "cauchy":
        m = d.mean()
        quantities += [("mean", d.mean, lambda t: t * d.pdf(t)),
                       ("var", d.var, lambda t: (t - m) ** 2 * d.pdf(t)),
                       ("moment 4", lambda: d.moment(4), lambda t: t**4 * d.pdf(t))]  # fmt: skip
    for name, closed, integrand in quantities:
        assert close(closed(), _quad(integrand, lo, hi, d), 1e-8), name


def _quad(f, lo, hi, d=None):
    from scipy.integrate import quad

    with np.errstate(all="ignore"):
        centre = 0.0 if d is None or d.family.name == "cauchy" else d.mean()
        if math.isinf(lo) or math.isinf(hi):
            cuts = [lo, centre, hi] if lo < centre < hi else [lo, hi]
            return sum(quad(f, a, b, limit=200, epsabs=1e-13)[0]
                       for a, b in itertools.pairwise(cuts))  # fmt: skip
        return quad(f, lo, hi, limit=200, epsabs=1e-13)[0]


@pytest.mark.parametrize("d", ALL, ids=IDS)
def test_cdf_is_an_antiderivative_of_the_pdf(d):
    closed = d.closed_cdf
    if closed is None:
        assert d.family.special
        return
    form, _ = closed
    x = symbol("x")
    derivative = diff(form, x, verify=False)
    lo, hi = d.support
    for t in (-1.3, 0.2, 0.9, 1.7):
        if lo < t < hi and t != d.params.get("mu", None):
            assert close(float(derivative.subs({x: t})), d.pdf(t), 1e-12)


def test_cdf_steps_show_the_integral_and_erf():
    r = normal(0, 1).cdf(1.96, steps=True)
    assert r.value == 0.9750021048517795
    assert r.method == "closed form" and r.error_estimate == 0
    text = to_text(r.steps)
    assert "∫_{-∞}^{1.96}" in text and " dt" in text and "erf" in text
    assert to_json(r.steps)["substeps"][0]["rule"] == "antiderivative"


def test_special_function_and_numeric_paths_are_labelled():
    g = gamma(2.3, 1).cdf(1.0, steps=True)  # (k = 2, 2.5: the integrator finds one)
    assert g.method == "special function" and "gammainc" in g.note
    b = beta(2.5, 4.5).sf(0.9, steps=True)
    assert b.method == "special function" and "betainc" in b.note
    m = normal(0, 1).moment(6, steps=True)
    assert m.method == "closed form" and m.value == 15.0
    e = cauchy(0, 1).moment(0, steps=True)
    assert e.value == 1.0


def test_quadrature_fallback_has_an_error_bound():
    r = gamma(2, 1).entropy(steps=True)  # needs digamma: no elementary antiderivative
    assert r.method == "quadrature" and r.exact is None and 0 < r.error_estimate < 1e-8
    assert close(r.value, float(gamma.entropy(gamma(2, 1).params)), 1e-10)


def test_divergent_moments():
    with pytest.raises(DivergentError) as err:
        cauchy(0, 1).mean()
    assert math.isnan(err.value.value) and isinstance(err.value, NoClosedFormError)
    with pytest.raises(DivergentError):
        cauchy(0, 1).var()
    with pytest.raises(DivergentError) as err:
        student_t(2).var()
    assert err.value.value == math.inf
    with pytest.raises(DivergentError):
        student_t(4).moment(4)
    assert close(student_t(5).moment(4), 25.0)  # 3ν²/((ν−2)(ν−4))


def test_symbolic_parameters():
    mu, sigma = symbol("mu"), symbol("sigma")
    d = normal(mu, sigma)
    assert d.mean() is mu
    assert d.var() is sigma**2
    assert d.logpdf_expr.has(mu)
    with pytest.raises(ValueError, match="sigma"):
        d.cdf(0.0)
    assert d.bind(mu=1, sigma=2).cdf(1.0) == 0.5


def test_logpdf_is_finite_where_the_pdf_underflows():
    assert normal(0, 1).pdf(40.0) == 0.0
    assert normal(0, 1).logpdf(40.0) == pytest.approx(-800 - 0.5 * math.log(2 * math.pi))
    assert logistic(0, 1).logpdf(-800.0) == pytest.approx(-800.0)
    assert exponential(1).logpdf(-1.0) == -math.inf


def test_sampling_is_seeded_and_has_the_right_moments():
    d = gamma(3, 0.5)
    a, b = d.sample(20000, seed=1), d.sample(20000, seed=1)
    assert np.array_equal(a, b)
    assert abs(a.mean() - d.mean()) < 0.03 and abs(a.var() - d.var()) < 0.05
    assert normal(0, 1).sample(5, seed=np.random.default_rng(0)).shape == (5,)


def test_kl_divergence():
    p, q = normal(0, 1), normal(1, 2)
    closed = kl_divergence(p, q, steps=True)
    assert closed.method == "closed form"
    numeric = kl_divergence(p, laplace(1, 2))
    expected = _quad(lambda t: p.pdf(t) * (p.logpdf(t) - laplace(1, 2).logpdf(t)), -50, 50)
    assert close(numeric, expected, 1e-9)
    assert kl_divergence(p, exponential(1)) == math.inf
    direct = _quad(lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)), -50, 50)
    assert close(closed.value, direct, 1e-10)


def test_bad_parameters_are_reported():
    with pytest.raises(ValueError, match="sigma must be positive"):
        normal(0, -1)
    with pytest.raises(ValueError, match="a < b"):
        uniform(2, 1)
    with pytest.raises(TypeError, match="no parameter"):
        normal(0, 1, nu=3)
