"""Maximum likelihood by Newton's method on the log-likelihood, with symbolic derivatives.

The gradient and Hessian of the log-likelihood ℓ(θ) = Σ_i log pdf(x_i; θ) are calcml's symbolic
derivatives of the family's `logpdf` expression with respect to each parameter: the integral
side (densities whose integrals are probabilities) tied back to the derivative side. Positive
parameters are optimized through their logarithm (σ = e^u), so every step stays inside the
parameter space.

Newton's method converges quadratically near the optimum, where a first-order ascent crawls
and its sufficient-increase test drowns in the rounding of ℓ. Away from the optimum the Hessian
may not be negative definite; it is then shifted (Levenberg) until it is, and a backtracking
line search keeps every step an ascent. Close to the optimum, where ℓ changes by less than its
own rounding, a step is accepted when it shrinks the gradient instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcml.core.expr import Expr, Number, Symbol, number, symbol
from calcml.core.registry import exp
from calcml.stats.distributions import FAMILIES, Distribution, Family, X


@dataclass(frozen=True)
class MLEResult:
    """A maximum-likelihood fit.

    Attributes:
        distribution: the fitted distribution.
        params: the fitted parameters (fixed ones included), by name.
        log_likelihood: ℓ at the fit, summed over the data.
        iterations, converged, gradient_norm: how the ascent ended (the norm is of the mean
            log-likelihood's gradient in the optimized coordinates); `converged` is true only
            when that norm is at most `tol`.
        score: ∂ log pdf / ∂u for each optimized coordinate u (`log_sigma` for σ = e^u).
        method: how the fit was found.
    """

    distribution: Distribution
    params: dict[str, float]
    log_likelihood: float
    iterations: int
    converged: bool
    gradient_norm: float
    score: dict[str, Expr]
    method: str


def fit_mle(dist: str | Family | Distribution, data: Any, *,
            init: Mapping[str, float] | None = None, max_iter: int = 200,
            tol: float = 1e-10) -> MLEResult:  # fmt: skip
    """Fit a distribution to data by maximum likelihood.

    Arguments:
        dist: a family (`"normal"`, `calcml.stats.distributions.gamma`), fitting every
            parameter; or a distribution whose symbolic parameters are fitted and numeric ones
            held fixed (`student_t(nu=5, mu="mu", sigma="sigma")`).
        data: the sample, shape (n,), inside the family's support.
        init: starting values by name (default: moment estimates).
        max_iter: the most Newton steps.
        tol: stop when the mean log-likelihood's gradient is below this (max norm).

    Returns:
        An `MLEResult`.

    >>> import numpy as np
    >>> data = np.array([1.0, 2.0, 4.0, 5.0])
    >>> fit = fit_mle("normal", data)
    >>> round(fit.params["mu"], 9), round(fit.params["sigma"], 9)  # mean, population std
    (3.0, 1.58113883)
    >>> fit.score["mu"]
    (x - mu)/exp(log_sigma)**2
    """
    x = _as_data(data)
    family, fixed = _resolve(dist)
    free = [p for p in family.params if p not in fixed]
    if not free:
        raise ValueError("every parameter is fixed: nothing to fit")
    if family.name == "uniform":
        return _uniform(family, x, fixed)
    start = {**family.initial(x), **(init or {})}
    coords, params = _coordinates(family, free, fixed)
    _check_support(family, {**start, **fixed}, x)
    logpdf = family.density(X, params)[1]
    score = _score(logpdf, coords)
    objective = _objective(logpdf, list(score.values()), coords, x)
    u0 = np.array([_to_coord(family, p, start[p]) for p in free])
    u, iterations, gnorm = _ascend(objective, u0, max_iter, tol)
    fitted = {**fixed, **{p: _from_coord(family, p, v) for p, v in zip(free, u, strict=True)}}
    fitted = {p: fitted[p] for p in family.params}
    d = family(**fitted)
    loglik = float(np.sum(d.logpdf(x)))
    method = "Newton's method on the symbolic score and Hessian, with a backtracking line search"
    return MLEResult(d, fitted, loglik, iterations, gnorm <= tol, gnorm, score, method)


def _as_data(data: Any) -> np.ndarray:
    x = np.asarray(data, dtype=float).ravel()
    if x.size < 2:
        raise ValueError(f"need at least 2 data points, got {x.size}")
    if not np.isfinite(x).all():
        raise ValueError("the data must be finite (no NaN or infinity)")
    return x


def _resolve(dist: str | Family | Distribution) -> tuple[Family, dict[str, float]]:
    if isinstance(dist, str):
        if dist not in FAMILIES:
            raise ValueError(f"unknown distribution {dist!r}; known: {', '.join(FAMILIES)}")
        return FAMILIES[dist], {}
    if isinstance(dist, Family):
        return dist, {}
    if isinstance(dist, Distribution):
        fixed = {k: float(v) for k, v in dist.params.items() if isinstance(v, Number)}
        return dist.family, fixed
    raise TypeError(f"fit_mle needs a family name, a Family or a Distribution, not {dist!r}")


def _coordinates(family: Family, free: list[str],
                 fixed: dict[str, float]) -> tuple[list[Symbol], dict[str, Expr]]:  # fmt: skip
    """The optimized symbols (log_p for positive p) and the parameters written in them."""
    coords: list[Symbol] = []
    params: dict[str, Expr] = {p: number(v) for p, v in fixed.items()}
    for p in free:
        if p in family.positive:
            u = symbol(f"log_{p}")
            params[p] = exp(u)
        else:
            u = symbol(p)
            params[p] = u
        coords.append(u)
    return coords, params


def _to_coord(family: Family, name: str, value: float) -> float:
    if name in family.positive:
        if not value > 0:
            raise ValueError(f"the starting value of {name} must be positive, got {value}")
        return math.log(value)
    return float(value)


def _from_coord(family: Family, name: str, value: float) -> float:
    return math.exp(value) if name in family.positive else float(value)


def _check_support(family: Family, values: dict[str, float], x: np.ndarray) -> None:
    d = family(**{p: values[p] for p in family.params})
    lo, hi = d.support
    if x.min() < lo or x.max() > hi:
        raise ValueError(f"the data lie outside the support [{lo}, {hi}] of {family.name}")


def _score(logpdf: Expr, coords: list[Symbol]) -> dict[str, Expr]:
    from calcml.symbolic.diff import diff

    return {u.name: diff(logpdf, u) for u in coords}


def _curvature(scores: list[Expr], coords: list[Symbol]) -> list[Expr]:
    """The Hessian of log pdf, row by row (upper triangle and diagonal, row-major)."""
    from calcml.symbolic.diff import diff

    return [diff(scores[i], coords[j]) for i in range(len(coords)) for j in range(i, len(coords))]


Objective = Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]


def _objective(logpdf: Expr, scores: list[Expr], coords: list[Symbol],
               x: np.ndarray) -> Objective:  # fmt: skip
    """u -> (mean log-likelihood, its gradient, its Hessian), one compiled program for all."""
    from calcml.core.evaluate import compile as compile_expr

    n = len(coords)
    hessian = _curvature(scores, coords)
    program = compile_expr([logpdf, *scores, *hessian], [X, *coords])
    upper = np.triu_indices(n)

    def f(u: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            values = program(x, *u)
        means = np.array([float(np.mean(v)) for v in values])
        grad = means[1 : n + 1]
        h = np.zeros((n, n))
        h[upper] = means[n + 1 :]
        h = h + np.triu(h, 1).T
        if not (np.isfinite(means).all()):
            return -math.inf, grad, h
        return float(means[0]), grad, h

    return f


def _ascend(f: Objective, u: np.ndarray, max_iter: int,
            tol: float) -> tuple[np.ndarray, int, float]:  # fmt: skip
    """Damped Newton ascent: a shifted Newton direction and a backtracking line search."""
    value, grad, hess = f(u)
    if not math.isfinite(value):
        raise ValueError("the log-likelihood is not finite at the starting point")
    for iteration in range(max_iter):
        gnorm = float(np.max(np.abs(grad)))
        if gnorm <= tol:
            return u, iteration, gnorm
        step = _line_search(f, u, value, grad, _ascent_direction(grad, hess))
        if step is None:
            return u, iteration, gnorm
        u, value, grad, hess = step
    return u, max_iter, float(np.max(np.abs(grad)))


def _ascent_direction(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Solve (−H + λI) d = g with the least λ ≥ 0 (from 0, then growing) that makes −H + λI
    positive definite, so d is the Newton step where ℓ is concave and an ascent direction
    everywhere."""
    n = len(grad)
    scale = max(1e-12, float(np.max(np.abs(np.diag(hess)))))
    shift = 0.0
    for _ in range(60):
        try:
            factor = np.linalg.cholesky(-hess + shift * np.eye(n))
        except np.linalg.LinAlgError:
            shift = max(2 * shift, 1e-8 * scale)
            continue
        return np.linalg.solve(factor.T, np.linalg.solve(factor, grad))
    return grad / max(1.0, float(np.max(np.abs(grad))))


def _line_search(f: Objective, u: np.ndarray, value: float, grad: np.ndarray,
                 direction: np.ndarray) -> Any:  # fmt: skip
    """Halve the step until ℓ rises enough (Armijo); where the rise is below ℓ's rounding,
    accept a step that shrinks the gradient instead. None when no step does either."""
    slope = float(grad @ direction)
    noise = 64 * np.finfo(float).eps * max(1.0, abs(value))
    gnorm = float(np.max(np.abs(grad)))
    t = 1.0
    for _ in range(60):
        candidate = u + t * direction
        new_value, new_grad, new_hess = f(candidate)
        if math.isfinite(new_value):
            if new_value >= value + 1e-4 * t * slope and new_value > value - noise:
                return candidate, new_value, new_grad, new_hess
            if abs(new_value - value) <= noise and float(np.max(np.abs(new_grad))) < gnorm:
                return candidate, new_value, new_grad, new_hess
        t /= 2
    return None


def _uniform(family: Family, x: np.ndarray, fixed: dict[str, float]) -> MLEResult:
    """The uniform likelihood (b − a)^−n is maximal at the sample's range; it has no
    stationary point, so no gradient step applies."""
    fitted = {"a": fixed.get("a", float(x.min())), "b": fixed.get("b", float(x.max()))}
    d = family(**fitted)
    loglik = float(np.sum(d.logpdf(x)))
    return MLEResult(d, fitted, loglik, 0, True, 0.0, {},
                     "closed form: the sample's minimum and maximum")  # fmt: skip


__all__ = ["MLEResult", "fit_mle"]
