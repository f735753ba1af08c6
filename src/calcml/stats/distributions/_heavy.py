"""The heavy-tailed families, whose higher moments do not exist: Student t and Cauchy.

`moment_order` says from which order the moments diverge (ν for Student t, 1 for Cauchy): it is
the tests' oracle; the moments themselves find their divergence from the improper integral.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from calcml.core.expr import PI, Expr, number
from calcml.core.registry import atan, digamma, exp, lgamma, log
from calcml.stats.distributions._base import INF, Family, Floats, Params
from calcml.stats.distributions._families import HALF, loc_scale_moment
from calcml.stats.distributions._integral import DivergentError

# --- Student t -------------------------------------------------------------------------------


def _t_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    nu, mu, sigma = p["nu"], p["mu"], p["sigma"]
    z = (x - mu) / sigma
    log_norm = lgamma((nu + 1) / 2) - lgamma(nu / 2) - log(nu * PI) / 2 - log(sigma)
    pdf = exp(log_norm) * (1 + z**2 / nu) ** (-(nu + 1) / 2)
    return pdf, log_norm - (nu + 1) / 2 * log(1 + z**2 / nu)


def _t_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    """The cdf through the incomplete beta function, in the form that does not cancel:
    I_{z²/(ν+z²)}(1/2, ν/2) near the centre, I_{ν/(ν+z²)}(ν/2, 1/2) in the tails."""
    from scipy.special import betainc

    nu = v["nu"]
    z = (x - v["mu"]) / v["sigma"]
    z = -z if upper else z
    z2 = z * z
    centre = 0.5 + np.sign(z) * betainc(0.5, nu / 2, z2 / (nu + z2)) / 2
    tail = betainc(nu / 2, 0.5, nu / (nu + z2)) / 2
    return np.where(z2 < nu, centre, np.where(z < 0, tail, 1 - tail))


def _t_standard(p: Params, j: int) -> Expr | None:
    """E[Y^j] for the standard t: 0 for odd j, ν^(j/2) Π_{i=1}^{j/2} (2i−1)/(ν−2i) for even j."""
    if j % 2:
        return number(0)
    nu = p["nu"]
    out: Expr = number(1)
    for i in range(1, j // 2 + 1):
        out = out * nu * (2 * i - 1) / (nu - 2 * i)
    return out


def _t_entropy(p: Params) -> Expr:
    nu = p["nu"]
    half = number(Fraction(1, 2))
    log_beta = lgamma(nu / 2) + lgamma(half) - lgamma((nu + 1) / 2)
    spread = (nu + 1) / 2 * (digamma((nu + 1) / 2) - digamma(nu / 2))
    return spread + log(nu) / 2 + log_beta + log(p["sigma"])


def _t_initial(d: np.ndarray) -> Floats:
    med = float(np.median(d))
    iqr = float(np.subtract(*np.percentile(d, [75, 25])))
    return {"nu": 5.0, "mu": med, "sigma": iqr / 1.5 or 1.0}


student_t = Family(
    name="student_t", params=("nu", "mu", "sigma"), positive=("nu", "sigma"),
    density=_t_density, support=lambda p: (-INF, INF), kernel=_t_kernel,
    special="1/2 + sign(z)·I_{z²/(ν+z²)}(1/2, ν/2)/2 with z = (x - μ)/σ, the regularized "
            "incomplete beta function (scipy.special.betainc)",
    mean=lambda p: p["mu"], var=lambda p: p["sigma"] ** 2 * p["nu"] / (p["nu"] - 2),
    entropy=_t_entropy, raw_moment=loc_scale_moment("mu", "sigma", _t_standard),
    moment_order=lambda v: v["nu"], defaults=(("mu", 0), ("sigma", 1)),
    sampler=lambda rng, v, n: v["mu"] + v["sigma"] * rng.standard_t(v["nu"], n),
    initial=_t_initial,
    loc_scale=lambda p: (p["mu"], p["sigma"], {"nu": p["nu"], "mu": number(0),
                                               "sigma": number(1)}),
)  # fmt: skip


# --- Cauchy ----------------------------------------------------------------------------------


def _cauchy_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    z = (x - p["x0"]) / p["gamma"]
    pdf = 1 / (PI * p["gamma"] * (1 + z**2))
    return pdf, -log(PI) - log(p["gamma"]) - log(1 + z**2)


def _cauchy_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    """1/2 + atan(z)/π written as atan2(1, −z)/π, which does not cancel in the left tail."""
    z = (x - v["x0"]) / v["gamma"]
    return np.arctan2(1.0, z if upper else -z) / np.pi


def _undefined(quantity: str) -> Expr:
    raise DivergentError(quantity, np.nan, "∫ |x|·pdf(x) dx = ∞ for the Cauchy distribution, "
                         "so ∫ x·pdf(x) dx is ∞ - ∞")


cauchy = Family(
    name="cauchy", params=("x0", "gamma"), positive=("gamma",),
    density=_cauchy_density, support=lambda p: (-INF, INF), kernel=_cauchy_kernel,
    cdf_form=lambda x, p: HALF + atan((x - p["x0"]) / p["gamma"]) / PI,
    mean=lambda p: _undefined("mean"), var=lambda p: _undefined("variance"),
    entropy=lambda p: log(4 * PI * p["gamma"]),
    raw_moment=lambda p, k: number(1) if k == 0 else None,
    moment_order=lambda v: 1.0,
    sampler=lambda rng, v, n: v["x0"] + v["gamma"] * rng.standard_cauchy(n),
    initial=lambda d: {"x0": float(np.median(d)),
                       "gamma": float(np.subtract(*np.percentile(d, [75, 25]))) / 2 or 1.0},
    defaults=(("x0", 0), ("gamma", 1)),
    loc_scale=lambda p: (p["x0"], p["gamma"], {"x0": number(0), "gamma": number(1)}),
)  # fmt: skip
