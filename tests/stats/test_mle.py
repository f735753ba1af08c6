"""Maximum likelihood by Newton's method against closed-form MLEs and scipy.stats.fit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from calcml.stats.distributions import gamma, normal, student_t
from calcml.stats.mle import fit_mle

RNG = np.random.default_rng(7)
NORMAL = RNG.normal(1.5, 2.0, 400)
EXPON = RNG.exponential(0.5, 400)


def test_normal_matches_the_closed_form_from_a_poor_start():
    fit = fit_mle("normal", NORMAL, init={"mu": -3.0, "sigma": 10.0})
    assert fit.converged and fit.iterations > 3
    assert fit.params["mu"] == pytest.approx(NORMAL.mean(), rel=1e-9)
    assert fit.params["sigma"] == pytest.approx(NORMAL.std(), rel=1e-9)  # population std
    assert fit.log_likelihood == pytest.approx(stats.norm(NORMAL.mean(), NORMAL.std())
                                               .logpdf(NORMAL).sum(), rel=1e-12)  # fmt: skip


def test_exponential_rate_is_one_over_the_mean():
    fit = fit_mle("exponential", EXPON, init={"lam": 10.0})
    assert fit.params["lam"] == pytest.approx(1 / EXPON.mean(), rel=1e-9)
    assert "log_lam" in fit.score  # optimized through log λ


@pytest.mark.parametrize(("name", "sample", "scipy_fit"), [
    ("gamma", RNG.gamma(2.5, 0.8, 400), lambda d: stats.gamma.fit(d, floc=0)),
    ("beta", RNG.beta(2.0, 3.5, 400), lambda d: stats.beta.fit(d, floc=0, fscale=1)),
    ("logistic", RNG.logistic(1.0, 2.0, 400), stats.logistic.fit),
    ("cauchy", RNG.standard_cauchy(400), stats.cauchy.fit),
])  # fmt: skip
def test_agrees_with_scipy_fit(name, sample, scipy_fit):
    fit = fit_mle(name, sample)
    assert fit.converged and fit.gradient_norm <= 1e-10
    assert fit.iterations <= 20  # Newton: a handful of steps, not thousands
    ref = [v for v in scipy_fit(sample) if v not in (0, 1)] if name in ("gamma", "beta") \
        else list(scipy_fit(sample))  # fmt: skip
    if name == "gamma":  # scipy: (k, loc, scale) -> k, theta
        ref = [ref[0], ref[-1]]
    got = [fit.params[p] for p in fit.distribution.family.params]
    rtol = 1e-3 if name == "cauchy" else 2e-4  # scipy's own optimizer stops early there
    np.testing.assert_allclose(got, ref[: len(got)], rtol=rtol)
    # ours is at least as likely as scipy's optimum
    ours = fit.log_likelihood
    theirs = float(np.sum(fit.distribution.family(*ref[: len(got)]).logpdf(sample)))
    assert ours >= theirs - 1e-7


def test_fixed_parameters_stay_fixed():
    data = RNG.standard_t(5, 300)
    fit = fit_mle(student_t(5, "mu", "sigma"), data)
    assert fit.params["nu"] == 5
    ref = stats.t.fit(data, f0=5)
    assert fit.params["mu"] == pytest.approx(ref[1], abs=1e-4)
    assert fit.params["sigma"] == pytest.approx(ref[2], rel=1e-4)


def test_gamma_score_uses_digamma():
    fit = fit_mle(gamma("k", "theta"), RNG.gamma(3.0, 1.0, 200))
    assert "digamma" in str(fit.score["log_k"])


def test_uniform_is_the_sample_range():
    data = RNG.uniform(-1, 2, 100)
    fit = fit_mle("uniform", data)
    assert (fit.params["a"], fit.params["b"]) == (data.min(), data.max())


def test_bad_input():
    with pytest.raises(ValueError, match="support"):
        fit_mle("exponential", [-1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        fit_mle("normal", [1.0, np.nan])
    with pytest.raises(ValueError, match="unknown distribution"):
        fit_mle("normall", [1.0, 2.0])
    with pytest.raises(ValueError, match="nothing to fit"):
        fit_mle(normal(0, 1), [1.0, 2.0])
