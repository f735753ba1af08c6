"""AUC as an integral, for the binormal model: negatives score N(μ₀, σ₀²), positives N(μ₁, σ₁²).

AUC = ∫ TPR d(FPR). Parametrized by the threshold t, FPR(t) = 1 − F₀(t) and TPR(t) = 1 − F₁(t),
so AUC = ∫_{-∞}^{∞} (1 − F₁(t)) p₀(t) dt = P(S₁ > S₀). S₁ − S₀ is normal with mean μ₁ − μ₀ and
variance σ₀² + σ₁² (independent scores), hence

    AUC = Φ((μ₁ − μ₀) / √(σ₀² + σ₁²)).

`binormal_auc` returns that closed form and the quadrature of the defining integral next to it
(SciPy's QUADPACK on the threshold integral), so each checks the other on every call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtr

from calcml.stats.distributions import quad


@dataclass(frozen=True)
class BinormalAUC:
    """The closed form, the quadrature of ∫ TPR dFPR with its error estimate, and the gap."""

    value: float
    by_quadrature: float
    error_estimate: float
    derivation: tuple[str, ...]


def binormal_auc(mu0: float, sigma0: float, mu1: float, sigma1: float) -> BinormalAUC:
    """AUC of the binormal model (see the module doc).

    >>> r = binormal_auc(0.0, 1.0, 1.0, 1.0)
    >>> round(r.value, 12), abs(r.value - r.by_quadrature) < 1e-10
    (0.760249938907, True)
    """
    if not (sigma0 > 0 and sigma1 > 0):
        raise ValueError("the standard deviations must be positive")
    d = (mu1 - mu0) / math.hypot(sigma0, sigma1)
    value = float(ndtr(d))

    def integrand(t: float) -> float:
        z0 = (t - mu0) / sigma0
        return float(ndtr((mu1 - t) / sigma1)) * math.exp(-z0 * z0 / 2) / (
            sigma0 * math.sqrt(2 * math.pi))

    numeric, err, _ = quad(integrand, -math.inf, math.inf, (mu0, mu1))
    steps = ("AUC = ∫ TPR d(FPR) = ∫ (1 - F₁(t)) p₀(t) dt over t",
             "= P(S₁ > S₀) = P(S₁ - S₀ > 0), S₁ - S₀ ~ N(μ₁ - μ₀, σ₀² + σ₁²)",
             f"= Φ((μ₁ - μ₀)/√(σ₀² + σ₁²)) = Φ({d:.12g}) = {value:.15g}",
             f"quadrature of the threshold integral: {numeric:.15g} (error ≤ {err:.1e})")
    return BinormalAUC(value, numeric, err, steps)


__all__ = ["BinormalAUC", "binormal_auc"]
