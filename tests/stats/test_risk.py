"""Expected loss as an integral, minimized by critical_points: mean, median, τ-quantile
(oracle: scipy.stats' mean and ppf; the risk itself against SciPy's quad)."""

from __future__ import annotations

import pytest
from scipy import integrate, stats

from calcml import symbol
from calcml.stats.distributions import exponential, gamma, minimize_risk, normal, risk

THETA = symbol("theta")
CASES = [(normal(1, 2), stats.norm(1, 2)), (exponential(2), stats.expon(scale=0.5)),
         (gamma(2, 1), stats.gamma(2))]  # fmt: skip
IDS = [d.family.name for d, _ in CASES]


@pytest.mark.parametrize(("d", "ref"), CASES, ids=IDS)
def test_minimizers_are_mean_median_and_quantile(d, ref):
    for loss, tau, want in (("squared", None, ref.mean()), ("absolute", None, ref.median()),
                            ("pinball", 0.9, ref.ppf(0.9))):  # fmt: skip
        p = minimize_risk(loss, d, tau=tau)
        assert p.kind == "minimum"
        assert abs(float(p.point[THETA]) - want) < 1e-8, (loss, p.point, want)


@pytest.mark.parametrize(("d", "ref"), CASES, ids=IDS)
def test_risk_is_the_integral_of_the_loss(d, ref):
    lo, hi = ref.support()
    for loss, tau, ell in (("squared", None, lambda t, x: (t - x) ** 2),
                           ("absolute", None, lambda t, x: abs(t - x)),
                           ("pinball", 0.25, lambda t, x: (x - t) * (0.25 - (x < t)))):
        r = risk(loss, d, tau=tau, steps=True)
        assert r.method == "closed form" and r.value is None
        for t in (0.3, 1.1):
            want = sum(integrate.quad(lambda x, t=t, f=ell: f(t, x) * ref.pdf(x), a, b)[0]
                       for a, b in ((lo, t), (t, hi)))  # fmt: skip
            assert abs(float(r.exact.subs({THETA: t})) - want) < 1e-9, (loss, t)


def test_pinball_needs_a_level():
    with pytest.raises(ValueError, match="tau"):
        risk("pinball", normal(0, 1))
