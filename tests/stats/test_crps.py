"""CRPS against independent oracles: SciPy's quad of the defining integral with SciPy's CDFs,
Gneiting & Raftery's normal formula written with scipy.stats, the energy form, check_grads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from calcml.autodiff import check_grads, tensor
from calcml.stats.distributions import (
    beta,
    cauchy,
    crps,
    crps_ensemble,
    exponential,
    gamma,
    laplace,
    logistic,
    normal,
    student_t,
    uniform,
)


def scipy_crps(ref, y: float) -> float:
    """∫ (F(x) - 1{x ≥ y})² dx with SciPy's cdf, split at y (and the median)."""
    lo, hi = ref.support()
    left = integrate.quad(lambda t: ref.cdf(t) ** 2, lo, y, limit=200, epsabs=1e-13)[0] \
        if y > lo else 0.0
    right = integrate.quad(lambda t: ref.sf(t) ** 2, y, hi, limit=200, epsabs=1e-13)[0] \
        if y < hi else 0.0
    return left + right


PAIRS = [
    (normal(0.5, 2), stats.norm(0.5, 2)),
    (logistic(-1, 0.7), stats.logistic(-1, 0.7)),
    (laplace(1, 0.5), stats.laplace(1, 0.5)),
    (exponential(1.5), stats.expon(scale=1 / 1.5)),
    (uniform(-1, 2), stats.uniform(-1, 3)),
    (gamma(2.5, 0.8), stats.gamma(2.5, scale=0.8)),
    (beta(2, 3.5), stats.beta(2, 3.5)),
    (student_t(5, 0.5, 2), stats.t(5, 0.5, 2)),
    (cauchy(0, 1), stats.cauchy(0, 1)),
]


@pytest.mark.parametrize(("d", "ref"), PAIRS, ids=[d.family.name for d, _ in PAIRS])
def test_crps_matches_scipy_quadrature(d, ref):
    for y in (-2.3, 0.1, 0.4, 1.7, 3.0):
        got = crps(d, y)
        want = scipy_crps(ref, y)
        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (y, got, want)


def test_normal_closed_form_is_gneiting_and_raftery():
    mu, sigma = 0.3, 1.7
    y = np.linspace(-6, 6, 41)
    z = (y - mu) / sigma
    gr = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))
    np.testing.assert_allclose(crps(normal(mu, sigma), y), gr, rtol=1e-12, atol=1e-14)


def test_steps_say_how_it_was_computed():
    r = crps(normal(0, 1), 0.5, steps=True)
    assert r.method == "closed form" and "Gneiting" in r.note
    q = crps(gamma(2.5, 0.8), 1.0, steps=True)
    assert q.method == "quadrature" and q.error_estimate < 1e-8


def test_vectorized_over_parameters_and_observations():
    mu = np.array([0.0, 1.0, -2.0])
    sigma = np.array([1.0, 0.5, 3.0])
    y = np.array([0.2, 1.0, 4.0])
    got = crps(normal, y, mu=mu, sigma=sigma)
    want = [crps(normal(m, s), t) for m, s, t in zip(mu, sigma, y, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-14)
    gam = crps(gamma, y, k=[2.0, 3.0, 1.5], theta=1.0)
    assert gam.shape == (3,) and abs(gam[0] - crps(gamma(2, 1), 0.2)) < 1e-14


@pytest.mark.parametrize("name", ["normal", "logistic", "laplace", "exponential", "uniform"])
def test_crps_is_differentiable_in_the_parameters(name):
    y = np.array([0.3, -0.7, 1.9])
    fam = {"normal": normal, "logistic": logistic, "laplace": laplace,
           "exponential": exponential, "uniform": uniform}[name]  # fmt: skip
    if name == "exponential":
        check_grads(lambda lam: crps(fam, y, lam=lam), np.array([0.8, 1.3, 2.0]), order=1)
        return
    if name == "uniform":
        check_grads(lambda a, b: crps(fam, y, a=a, b=b), np.array([-1.0, -2.0, 0.1]),
                    np.array([1.0, 0.5, 2.5]), order=1)  # fmt: skip
        return
    p1, p2 = fam.params
    check_grads(lambda m, s: crps(fam, y, **{p1: m, p2: s}), np.array([0.1, 0.2, 1.0]),
                np.array([1.0, 0.6, 2.0]), order=1)  # fmt: skip
    t = tensor(np.array([1.0, 0.6, 2.0]), requires_grad=True)
    out = crps(fam, y, **{p1: 0.0, p2: t})
    out.sum().backward()
    assert t.grad is not None and np.all(np.isfinite(t.grad))


def test_ensemble_crps_two_forms_agree_and_converge():
    rng = np.random.default_rng(0)
    samples = rng.normal(0.5, 2, size=(4, 4000))
    y = np.array([0.0, 1.0, 3.0, -2.0])
    by_integral = crps_ensemble(samples, y)
    by_energy = crps_ensemble(samples, y, form="energy")
    np.testing.assert_allclose(by_integral, by_energy, rtol=1e-10)
    exact = crps(normal(0.5, 2), y)
    np.testing.assert_allclose(by_integral, exact, atol=0.05)


REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "crps_reference.json").read_text())


@pytest.mark.parametrize("row", REFERENCE["closed_forms"],
                         ids=[f"{r['family']}-{r['y']}" for r in REFERENCE["closed_forms"]])
def test_matches_the_scoringrules_package(row):
    from calcml.stats.distributions import FAMILIES

    got = crps(FAMILIES[row["family"]](**row["params"]), row["y"])
    assert abs(got - row["crps"]) <= 1e-9 * max(1.0, abs(row["crps"]))


def test_ensemble_matches_the_scoringrules_package():
    e = REFERENCE["ensemble"]
    got = crps_ensemble(np.array(e["samples"]), np.array(e["y"]))
    np.testing.assert_allclose(got, e["crps"], rtol=1e-12, atol=1e-14)


def test_the_integrator_is_the_source_where_it_finds_the_integral():
    for d, y in ((exponential(1.5), 0.5), (uniform(-1, 2), 0.5), (logistic(-1, 0.7), 0.5),
                 (gamma(2, 1), 3.0)):  # fmt: skip
        r = crps(d, y, steps=True)
        assert r.method == "closed form" and r.note.startswith("calcml's integrator"), d
        assert r.exact is not None and abs(r.value - crps(d, y)) < 1e-12
