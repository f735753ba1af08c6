"""Kullback–Leibler divergence as an integral: KL(p‖q) = ∫ p(x) (log p(x) − log q(x)) dx."""

from __future__ import annotations

import math

from calcml.core.expr import Expr, number
from calcml.core.registry import log
from calcml.stats.distributions._base import Distribution, X
from calcml.stats.distributions._integral import (
    Integral,
    closed_integral,
    integral_op,
    numeric_integral,
)
from calcml.symbolic.steps import Step


def kl_divergence(p: Distribution, q: Distribution, *, steps: bool = False) -> float | Integral:
    """KL(p‖q) in nats: closed form for two normals, quadrature (with its error bound) otherwise.

    Arguments:
        p, q: distributions with numeric parameters.
        steps: return the `Integral` record instead of the float.

    Returns:
        The divergence, ≥ 0; `inf` when p puts mass where q has none.

    >>> from calcml.stats.distributions import normal, laplace
    >>> kl_divergence(normal(0, 1), normal(1, 2))  # log 2 + (1 + 1)/8 − 1/2
    0.4431471805599453
    >>> round(kl_divergence(normal(0, 1), laplace(0, 1)), 10)  # √(2/π) + ln 2 − ln √(2πe)
    0.0720932082
    """
    integrand = p.pdf_expr * (p.logpdf_expr - q.logpdf_expr)
    result = _closed_normal(p, q, integrand)
    if result is None:
        result = _numeric(p, q, integrand)
    return result if steps else result.value  # type: ignore[return-value]


def _closed_normal(p: Distribution, q: Distribution, integrand: Expr) -> Integral | None:
    if p.family.name != "normal" or q.family.name != "normal":
        return None
    m1, s1 = p.params["mu"], p.params["sigma"]
    m2, s2 = q.params["mu"], q.params["sigma"]
    exact = log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - number(1) / 2
    value = float(exact) if not exact.free_symbols else None
    form = Step("closed form", integrand, exact, (), integral_op(-math.inf, math.inf, X),
                (("source", "log(σ₂/σ₁) + (σ₁² + (μ₁ - μ₂)²)/(2σ₂²) - 1/2"),))  # fmt: skip
    return closed_integral("KL divergence", integrand, X, -math.inf, math.inf, exact, value,
                           (form,))  # fmt: skip


def _numeric(p: Distribution, q: Distribution, integrand: Expr) -> Integral:
    (lo, hi), (qlo, qhi) = p.support, q.support
    if lo < qlo or hi > qhi:
        step = Step("support", integrand, number(0), (), integral_op(lo, hi, X),
                    (("reason", f"p has mass outside q's support [{qlo}, {qhi}]"),))  # fmt: skip
        return Integral("KL divergence", math.inf, None, "support", 0.0, step,
                        "p puts mass where q has none")  # fmt: skip
    centre = p._landmarks()
    return numeric_integral("KL divergence", integrand, X, lo, hi, centre)


__all__ = ["kl_divergence"]
