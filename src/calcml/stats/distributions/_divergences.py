"""Divergences and distances between two distributions, each an integral over x.

- `kl_divergence(p, q)` = ∫ p (log p − log q) dx and `cross_entropy(p, q)` = −∫ p log q dx:
  calcml's integrator first (split at the kinks of |·|), quadrature where it finds no closed
  form, and +∞ when p puts mass where q has none.
- `js_divergence(p, q)` = ½ KL(p‖m) + ½ KL(q‖m) with m = (p + q)/2, in nats (≤ log 2); the
  log of a sum of densities has no antiderivative in general, so this one is quadrature.
- `wasserstein(p, q)` = ∫ |F(x) − G(x)| dx (the 1-Wasserstein, or earth mover's, distance), by
  quadrature on the cdfs; `wasserstein_samples(u, v)` is the same integral for two empirical
  CDFs, computed exactly between the sorted points.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from calcml.core.expr import number
from calcml.stats.distributions._base import Distribution, X
from calcml.stats.distributions._derive import exact_params, integrate_expression
from calcml.stats.distributions._integral import Integral, integral_op, quad
from calcml.symbolic.steps import Step


def _support_gap(p: Distribution, q: Distribution, quantity: str) -> Integral | None:
    (lo, hi), (qlo, qhi) = p.support, q.support
    if lo >= qlo and hi <= qhi:
        return None
    step = Step("support", p.pdf_expr, number(0), (), integral_op(lo, hi, X),
                (("reason", f"p has mass outside q's support [{qlo}, {qhi}]"),))  # fmt: skip
    return Integral(quantity, math.inf, None, "support", 0.0, step,
                    "p puts mass where q has none: log q = -∞ there")  # fmt: skip


def _by_integrator(p: Distribution, q: Distribution, quantity: str, integrand: Any) -> Integral:
    gap = _support_gap(p, q, quantity)
    if gap is not None:
        return gap
    pe, qe = exact_params(p), exact_params(q)
    lo, hi = pe.family.support(pe.params)
    return integrate_expression(quantity, integrand(pe, qe), X, lo, hi)


def kl_divergence(p: Distribution, q: Distribution, *, steps: bool = False) -> Any:
    """KL(p‖q) = ∫ p(x) (log p(x) − log q(x)) dx in nats (≥ 0; +∞ when supports differ).

    >>> from calcml.stats.distributions import normal, laplace
    >>> round(kl_divergence(normal(0, 1), normal(1, 2)), 12)  # log 2 + (1 + 1)/8 − 1/2
    0.44314718056
    >>> round(kl_divergence(normal(0, 1), laplace(0, 1)), 10)  # √(2/π) + ln 2 − ln √(2πe)
    0.0720932082
    """
    r = _by_integrator(p, q, "KL divergence",
                       lambda a, b: a.pdf_expr * (a.logpdf_expr - b.logpdf_expr))  # fmt: skip
    return r if steps else r.value


def cross_entropy(p: Distribution, q: Distribution, *, steps: bool = False) -> Any:
    """H(p, q) = −∫ p(x) log q(x) dx = H(p) + KL(p‖q), in nats; +∞ when supports differ.

    >>> from calcml.stats.distributions import normal
    >>> round(cross_entropy(normal(0, 1), normal(0, 1)), 12)  # = H(p) = log √(2πe)
    1.418938533205
    """
    r = _by_integrator(p, q, "cross-entropy", lambda a, b: -a.pdf_expr * b.logpdf_expr)
    return r if steps else r.value


def js_divergence(p: Distribution, q: Distribution) -> float:
    """JS(p, q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, by quadrature (0 ≤ JS ≤ log 2).

    >>> from calcml.stats.distributions import uniform
    >>> round(js_divergence(uniform(0, 1), uniform(2, 3)), 12)  # disjoint: log 2
    0.69314718056
    """

    def term(a: Distribution, b: Distribution):
        def f(t: float) -> float:
            pa, pb = a.pdf(t), b.pdf(t)
            return 0.0 if pa <= 0 else pa * (math.log(2 * pa) - math.log(pa + pb))

        return f

    return 0.5 * _over_union(term(p, q), p) + 0.5 * _over_union(term(q, p), q)


def wasserstein(p: Distribution, q: Distribution) -> float:
    """W₁(p, q) = ∫ |F(x) − G(x)| dx over the union of the supports, by quadrature; +∞ when
    one of them has no mean.

    >>> from calcml.stats.distributions import normal
    >>> round(wasserstein(normal(0, 1), normal(2, 1)), 10)  # a shift moves every unit by 2
    2.0
    """
    if any(_no_mean(d) for d in (p, q)):
        return math.inf  # |F - G| decays like 1/|x| when one tail is that heavy
    lo = min(p.support[0], q.support[0])
    hi = max(p.support[1], q.support[1])
    points = tuple(sorted({_centre(p), _centre(q)}))

    def f(t: float) -> float:
        return abs(p.cdf(t) - q.cdf(t))

    return quad(f, lo, hi, points)[0]


def _no_mean(d: Distribution) -> bool:
    """E|X| = ∞, found by calcml's integrator (the Cauchy mean diverges at both ends)."""
    from calcml.stats.distributions._integral import DivergentError

    try:
        d.mean()
    except DivergentError:
        return True
    return False


def wasserstein_samples(u: Any, v: Any) -> float:
    """W₁ between two empirical distributions: ∫ |F_u − F_v| dx, exactly, piece by piece.

    >>> wasserstein_samples([0.0, 1.0, 3.0], [5.0, 6.0, 8.0])
    5.0
    """
    a, b = np.sort(np.asarray(u, dtype=float)), np.sort(np.asarray(v, dtype=float))
    if a.size == 0 or b.size == 0:
        raise ValueError("both samples need at least one value")
    pts = np.sort(np.concatenate([a, b]))
    widths = np.diff(pts)
    fu = np.searchsorted(a, pts[:-1], side="right") / a.size
    fv = np.searchsorted(b, pts[:-1], side="right") / b.size
    return float(np.sum(np.abs(fu - fv) * widths))


def _centre(d: Distribution) -> float:
    lo, hi = d.support
    if math.isfinite(lo) and math.isfinite(hi):
        return (lo + hi) / 2
    return _median(d)


def _median(d: Distribution) -> float:
    from scipy.optimize import brentq

    lo, hi = d.support
    a = lo if math.isfinite(lo) else -1.0
    b = hi if math.isfinite(hi) else 1.0
    while math.isinf(lo) and d.cdf(a) > 0.5:
        a *= 2
    while math.isinf(hi) and d.cdf(b) < 0.5:
        b *= 2
    return float(brentq(lambda t: d.cdf(t) - 0.5, a, b))


def _over_union(f: Any, d: Distribution) -> float:
    lo, hi = d.support
    return quad(f, lo, hi, (_centre(d),))[0]


__all__ = ["cross_entropy", "js_divergence", "kl_divergence", "wasserstein",
           "wasserstein_samples"]  # fmt: skip
