"""KL, cross-entropy, JS and W₁ against SciPy's quadrature and scipy.stats.wasserstein_distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from calcml.stats.distributions import (
    beta,
    cauchy,
    cross_entropy,
    exponential,
    gamma,
    js_divergence,
    kl_divergence,
    laplace,
    normal,
    uniform,
    wasserstein,
    wasserstein_samples,
)

PAIRS = [
    ((normal(0, 1), stats.norm(0, 1)), (normal(1, 2), stats.norm(1, 2))),
    ((normal(0, 1), stats.norm(0, 1)), (laplace(0, 1), stats.laplace(0, 1))),
    ((laplace(0, 1), stats.laplace(0, 1)), (normal(0.5, 2), stats.norm(0.5, 2))),
    ((gamma(2, 1), stats.gamma(2)), (exponential(2), stats.expon(scale=0.5))),
    ((beta(2, 3), stats.beta(2, 3)), (uniform(0, 1), stats.uniform(0, 1))),
]
IDS = [f"{a[0].family.name}-{b[0].family.name}" for a, b in PAIRS]


def _quad(f, lo, hi, cut=0.5):
    parts = [(lo, cut), (cut, hi)] if lo < cut < hi else [(lo, hi)]
    return sum(integrate.quad(f, a, b, limit=400, epsabs=1e-13, epsrel=1e-12)[0]
               for a, b in parts)  # fmt: skip


def _kl(p, q):
    lo, hi = p.support()
    return _quad(lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)) if p.pdf(t) > 0 else 0.0,
                 lo, hi)  # fmt: skip


@pytest.mark.parametrize(("pp", "qq"), PAIRS, ids=IDS)
def test_kl_and_cross_entropy_match_scipy_quad(pp, qq):
    (p, sp), (q, sq) = pp, qq
    assert abs(kl_divergence(p, q) - _kl(sp, sq)) < 1e-8
    lo, hi = sp.support()
    want = _quad(lambda t: -sp.pdf(t) * sq.logpdf(t) if sp.pdf(t) > 0 else 0.0, lo, hi)
    assert abs(cross_entropy(p, q) - want) < 1e-8


@pytest.mark.parametrize(("pp", "qq"), PAIRS, ids=IDS)
def test_js_and_w1_match_scipy_quad(pp, qq):
    (p, sp), (q, sq) = pp, qq
    lo = min(sp.support()[0], sq.support()[0])
    hi = max(sp.support()[1], sq.support()[1])

    def half(a, b):
        def f(t):
            pa = a.pdf(t)
            return 0.0 if pa <= 0 else pa * math.log(2 * pa / (pa + b.pdf(t)))
        return f

    js = 0.5 * _quad(half(sp, sq), lo, hi) + 0.5 * _quad(half(sq, sp), lo, hi)
    assert abs(js_divergence(p, q) - js) < 1e-8
    w1 = _quad(lambda t: abs(sp.cdf(t) - sq.cdf(t)), lo, hi)
    assert abs(wasserstein(p, q) - w1) < 1e-8


def test_closed_forms_come_from_the_integrator():
    r = kl_divergence(normal(0, 1), normal(1, 2), steps=True)
    assert r.method == "closed form" and r.exact is not None
    assert abs(r.value - (math.log(2) + 2 / 8 - 0.5)) < 1e-15


def test_different_supports_and_heavy_tails():
    assert kl_divergence(normal(0, 1), exponential(1)) == math.inf
    assert cross_entropy(normal(0, 1), uniform(0, 1)) == math.inf
    assert math.isfinite(kl_divergence(exponential(1), normal(0, 1)))
    assert abs(js_divergence(uniform(0, 1), uniform(2, 3)) - math.log(2)) < 1e-12
    assert wasserstein(normal(0, 1), cauchy(0, 1)) == math.inf


def test_sample_wasserstein_matches_scipy():
    rng = np.random.default_rng(3)
    for n, m in ((50, 70), (200, 200), (1, 9)):
        u, v = rng.normal(size=n), rng.exponential(size=m)
        assert abs(wasserstein_samples(u, v) - stats.wasserstein_distance(u, v)) < 1e-12
    ties = [0.0, 0.0, 1.0, 1.0, 2.0]
    assert abs(wasserstein_samples(ties, [1.0, 1.0]) - stats.wasserstein_distance(ties, [1, 1])) \
        < 1e-12
    big_u, big_v = rng.normal(0, 1, 20000), rng.normal(2, 1, 20000)
    assert abs(wasserstein_samples(big_u, big_v) - wasserstein(normal(0, 1), normal(2, 1))) < 0.05
