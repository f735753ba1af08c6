"""The nine families: each density as an expression, its support and its table of closed forms.

Location-scale families (normal, Laplace, logistic, Student t, Cauchy) share one helper for
their raw moments: E[(μ + σY)^k] from the standard moments E[Y^j].
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from math import comb, factorial

import numpy as np

from calcml.core.expr import PI, E, Expr, number
from calcml.core.registry import abs_, digamma, erf, exp, lgamma, log, sigmoid, sign, softplus, sqrt
from calcml.stats.distributions._base import INF, Family, Floats, Params

HALF = number(Fraction(1, 2))


def loc_scale_moment(loc: str, scale: str,
                     standard: Callable[[Params, int], Expr | None]
                     ) -> Callable[[Params, int], Expr | None]:  # fmt: skip
    """E[X^k] = Σ_j C(k, j) μ^(k−j) σ^j E[Y^j] for X = μ + σY."""

    def raw(p: Params, k: int) -> Expr | None:
        total: Expr = number(0)
        for j in range(k + 1):
            m = standard(p, j)
            if m is None:
                return None
            total = total + comb(k, j) * p[loc] ** (k - j) * p[scale] ** j * m
        return total

    return raw


def _double_factorial_moment(p: Params, j: int) -> Expr:
    """E[Z^j] for the standard normal: (j − 1)!! for even j, 0 for odd j."""
    if j % 2:
        return number(0)
    return number(int(np.prod(np.arange(j - 1, 0, -2), dtype=object)) if j else 1)


def _bernoulli(n: int) -> Fraction:
    """The Bernoulli number B_n (Akiyama–Tanigawa), exact."""
    a = [Fraction(0)] * (n + 1)
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
    return a[0]


def _lcheck(data: np.ndarray) -> tuple[float, float]:
    return float(np.mean(data)), float(np.std(data)) or 1.0


# --- normal ----------------------------------------------------------------------------------


def _normal_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    z = (x - p["mu"]) / p["sigma"]
    pdf = exp(-(z**2) / 2) / (p["sigma"] * sqrt(2 * PI))
    return pdf, -(z**2) / 2 - log(p["sigma"]) - log(2 * PI) / 2


def _normal_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    from scipy.special import ndtr

    z = (x - v["mu"]) / v["sigma"]
    return ndtr(-z if upper else z)


normal = Family(
    name="normal", params=("mu", "sigma"), positive=("sigma",),
    density=_normal_density, support=lambda p: (-INF, INF), kernel=_normal_kernel,
    cdf_form=lambda x, p: HALF + erf((x - p["mu"]) / (p["sigma"] * sqrt(2))) / 2,
    mean=lambda p: p["mu"], var=lambda p: p["sigma"] ** 2,
    entropy=lambda p: log(2 * PI * E * p["sigma"] ** 2) / 2,
    raw_moment=loc_scale_moment("mu", "sigma", _double_factorial_moment),
    sampler=lambda rng, v, n: rng.normal(v["mu"], v["sigma"], n),
    initial=lambda d: dict(zip(("mu", "sigma"), _lcheck(d), strict=True)),
    defaults=(("mu", 0), ("sigma", 1)),
    loc_scale=lambda p: (p["mu"], p["sigma"], {"mu": number(0), "sigma": number(1)}),
)  # fmt: skip


# --- uniform ---------------------------------------------------------------------------------


def _uniform_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    a, b = v["a"], v["b"]
    return np.clip((b - x) / (b - a) if upper else (x - a) / (b - a), 0.0, 1.0)


uniform = Family(
    name="uniform", params=("a", "b"), positive=(),
    density=lambda x, p: (1 / (p["b"] - p["a"]), -log(p["b"] - p["a"])),
    support=lambda p: (p["a"], p["b"]), kernel=_uniform_kernel,
    cdf_form=lambda x, p: (x - p["a"]) / (p["b"] - p["a"]),
    mean=lambda p: (p["a"] + p["b"]) / 2, var=lambda p: (p["b"] - p["a"]) ** 2 / 12,
    entropy=lambda p: log(p["b"] - p["a"]),
    raw_moment=lambda p, k: (p["b"] ** (k + 1) - p["a"] ** (k + 1))
    / ((k + 1) * (p["b"] - p["a"])),
    sampler=lambda rng, v, n: rng.uniform(v["a"], v["b"], n),
    initial=lambda d: {"a": float(np.min(d)), "b": float(np.max(d))},
    check=lambda v: None if v["b"] > v["a"] else f"need a < b, got a={v['a']}, b={v['b']}",
    loc_scale=lambda p: (p["a"], p["b"] - p["a"], {"a": number(0), "b": number(1)}),
)  # fmt: skip


# --- exponential -----------------------------------------------------------------------------


def _exponential_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    t = v["lam"] * np.maximum(x, 0.0)
    return np.exp(-t) if upper else -np.expm1(-t)


exponential = Family(
    name="exponential", params=("lam",), positive=("lam",),
    density=lambda x, p: (p["lam"] * exp(-p["lam"] * x), log(p["lam"]) - p["lam"] * x),
    support=lambda p: (0.0, INF), kernel=_exponential_kernel,
    cdf_form=lambda x, p: 1 - exp(-p["lam"] * x),
    mean=lambda p: 1 / p["lam"], var=lambda p: p["lam"] ** -2,
    entropy=lambda p: 1 - log(p["lam"]),
    raw_moment=lambda p, k: factorial(k) * p["lam"] ** -k,
    sampler=lambda rng, v, n: rng.exponential(1 / v["lam"], n),
    initial=lambda d: {"lam": 1 / float(np.mean(d))},
    loc_scale=lambda p: (number(0), 1 / p["lam"], {"lam": number(1)}),
)  # fmt: skip


# --- Laplace ---------------------------------------------------------------------------------


def _laplace_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    z = (x - v["mu"]) / v["b"]
    z = -z if upper else z
    return np.where(z < 0, np.exp(np.minimum(z, 0)) / 2, 1 - np.exp(-np.maximum(z, 0)) / 2)


def _laplace_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    z = (x - p["mu"]) / p["b"]
    return exp(-abs_(z)) / (2 * p["b"]), -abs_(z) - log(2 * p["b"])


laplace = Family(
    name="laplace", params=("mu", "b"), positive=("b",),
    density=_laplace_density, support=lambda p: (-INF, INF), kernel=_laplace_kernel,
    cdf_form=lambda x, p: HALF + sign(x - p["mu"]) * (1 - exp(-abs_((x - p["mu"]) / p["b"]))) / 2,
    mean=lambda p: p["mu"], var=lambda p: 2 * p["b"] ** 2,
    entropy=lambda p: 1 + log(2 * p["b"]),
    raw_moment=loc_scale_moment("mu", "b",
                                lambda p, j: number(0 if j % 2 else factorial(j))),
    sampler=lambda rng, v, n: rng.laplace(v["mu"], v["b"], n),
    initial=lambda d: {"mu": float(np.median(d)),
                       "b": float(np.mean(np.abs(d - np.median(d)))) or 1.0},
    defaults=(("mu", 0), ("b", 1)),
    loc_scale=lambda p: (p["mu"], p["b"], {"mu": number(0), "b": number(1)}),
)  # fmt: skip


# --- logistic --------------------------------------------------------------------------------


def _logistic_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    # The pdf is even in z, so |z| is exact and keeps exp from overflowing for z → −∞.
    z = abs_((x - p["mu"]) / p["s"])
    pdf = exp(-z) / (p["s"] * (1 + exp(-z)) ** 2)
    return pdf, -z - log(p["s"]) - 2 * softplus(-z)


def _logistic_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    from scipy.special import expit

    z = (x - v["mu"]) / v["s"]
    return expit(-z if upper else z)


def _logistic_standard(p: Params, j: int) -> Expr:
    """E[Y^(2n)] = (2^(2n) − 2)·π^(2n)·|B_(2n)| for the standard logistic; odd moments are 0."""
    if j % 2:
        return number(0)
    if j == 0:
        return number(1)
    return number((2**j - 2) * abs(_bernoulli(j))) * PI**j


logistic = Family(
    name="logistic", params=("mu", "s"), positive=("s",),
    density=_logistic_density, support=lambda p: (-INF, INF), kernel=_logistic_kernel,
    cdf_form=lambda x, p: sigmoid((x - p["mu"]) / p["s"]),
    mean=lambda p: p["mu"], var=lambda p: PI**2 * p["s"] ** 2 / 3,
    entropy=lambda p: log(p["s"]) + 2,
    raw_moment=loc_scale_moment("mu", "s", _logistic_standard),
    sampler=lambda rng, v, n: rng.logistic(v["mu"], v["s"], n),
    initial=lambda d: {"mu": float(np.mean(d)),
                       "s": float(np.std(d)) * 3**0.5 / np.pi or 1.0},
    defaults=(("mu", 0), ("s", 1)),
    loc_scale=lambda p: (p["mu"], p["s"], {"mu": number(0), "s": number(1)}),
)  # fmt: skip


# --- gamma -----------------------------------------------------------------------------------


def _gamma_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    k, theta = p["k"], p["theta"]
    pdf = x ** (k - 1) * exp(-x / theta - lgamma(k)) * theta ** (-k)
    return pdf, (k - 1) * log(x) - x / theta - lgamma(k) - k * log(theta)


def _gamma_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    from scipy.special import gammainc, gammaincc

    t = np.maximum(x, 0.0) / v["theta"]
    return gammaincc(v["k"], t) if upper else gammainc(v["k"], t)


def _rising(a: Expr, k: int) -> Expr:
    """a (a+1) … (a+k−1)."""
    out: Expr = number(1)
    for i in range(k):
        out = out * (a + i)
    return out


gamma = Family(
    name="gamma", params=("k", "theta"), positive=("k", "theta"),
    density=_gamma_density, support=lambda p: (0.0, INF), kernel=_gamma_kernel,
    special="P(k, x/θ), the regularized lower incomplete gamma function "
            "(scipy.special.gammainc)",
    mean=lambda p: p["k"] * p["theta"], var=lambda p: p["k"] * p["theta"] ** 2,
    entropy=lambda p: p["k"] + log(p["theta"]) + lgamma(p["k"]) + (1 - p["k"]) * digamma(p["k"]),
    raw_moment=lambda p, k: p["theta"] ** k * _rising(p["k"], k),
    sampler=lambda rng, v, n: rng.gamma(v["k"], v["theta"], n),
    initial=lambda d: {"k": float(np.mean(d) ** 2 / np.var(d)),
                       "theta": float(np.var(d) / np.mean(d))},
    loc_scale=lambda p: (number(0), p["theta"], {"k": p["k"], "theta": number(1)}),
)  # fmt: skip


# --- beta ------------------------------------------------------------------------------------


def _beta_density(x: Expr, p: Params) -> tuple[Expr, Expr]:
    a, b = p["a"], p["b"]
    log_norm = lgamma(a + b) - lgamma(a) - lgamma(b)
    pdf = x ** (a - 1) * (1 - x) ** (b - 1) * exp(log_norm)
    return pdf, (a - 1) * log(x) + (b - 1) * log(1 - x) + log_norm


def _beta_kernel(v: Floats, x: np.ndarray, upper: bool) -> np.ndarray:
    from scipy.special import betainc, betaincc

    t = np.clip(x, 0.0, 1.0)
    return betaincc(v["a"], v["b"], t) if upper else betainc(v["a"], v["b"], t)


def _beta_entropy(p: Params) -> Expr:
    a, b = p["a"], p["b"]
    log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
    return log_beta - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b)


def _beta_moment(p: Params, k: int) -> Expr:
    out: Expr = number(1)
    for i in range(k):
        out = out * (p["a"] + i) / (p["a"] + p["b"] + i)
    return out


beta = Family(
    name="beta", params=("a", "b"), positive=("a", "b"),
    density=_beta_density, support=lambda p: (0.0, 1.0), kernel=_beta_kernel,
    special="I_x(a, b), the regularized incomplete beta function (scipy.special.betainc)",
    mean=lambda p: p["a"] / (p["a"] + p["b"]),
    var=lambda p: p["a"] * p["b"] / ((p["a"] + p["b"]) ** 2 * (p["a"] + p["b"] + 1)),
    entropy=_beta_entropy, raw_moment=_beta_moment,
    sampler=lambda rng, v, n: rng.beta(v["a"], v["b"], n),
    initial=lambda d: _beta_initial(d),
)  # fmt: skip


def _beta_initial(d: np.ndarray) -> Floats:
    m, v = float(np.mean(d)), float(np.var(d))
    common = m * (1 - m) / v - 1 if v > 0 else 2.0
    return {"a": max(m * common, 0.1), "b": max((1 - m) * common, 0.1)}
