"""The continuous ranked probability score, an integral: CRPS(F, y) = ∫ (F(x) − 1{x ≥ y})² dx.

Lower is better; it is the squared distance between the forecast's CDF and the observation's
step, so it rewards forecasts that are sharp *and* calibrated. For five families the integral
has a known closed form, written here with calcml's own operations so that it runs on floats,
NumPy arrays (vectorized over parameters and observations) and autodiff `Tensor`s
(differentiable in the parameters). With z = (y − loc)/scale:

- normal (Gneiting & Raftery 2007): σ [z (2Φ(z) − 1) + 2φ(z) − 1/√π]
- logistic: s [z − 2 log F(z) − 1] = s [z + 2 softplus(−z) − 1]
- Laplace: b [|z| + e^(−|z|) − 3/4]
- exponential: |y| − 2 F(y)/λ + 1/(2λ)
- uniform(a, b): (b − a) [E|U − z| − 1/6], E|U − z| = (z² + (1 − z)²)/2 inside [0, 1]

Each is checked against SciPy's quadrature of the defining integral by the tests. Every other
distribution gets QUADPACK on ∫_lo^y F² dx + ∫_y^hi (1 − F)² dx, with its error estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from calcml.core.registry import abs_, erf, exp, softplus
from calcml.stats.distributions._base import Distribution, Family
from calcml.stats.distributions._integral import Integral, quad

SQRT_PI = math.sqrt(math.pi)
SQRT_2 = math.sqrt(2.0)


def _normal(y: Any, mu: Any, sigma: Any) -> Any:
    z = (y - mu) / sigma
    cdf = (1 + erf(z / SQRT_2)) / 2
    pdf = exp(-(z * z) / 2) / math.sqrt(2 * math.pi)
    return sigma * (z * (2 * cdf - 1) + 2 * pdf - 1 / SQRT_PI)


def _logistic(y: Any, mu: Any, s: Any) -> Any:
    z = (y - mu) / s
    return s * (z + 2 * softplus(-z) - 1)


def _laplace(y: Any, mu: Any, b: Any) -> Any:
    z = abs_((y - mu) / b)
    return b * (z + exp(-z) - 0.75)


def _exponential(y: Any, lam: Any) -> Any:
    pos = y * (y > 0) if isinstance(y, np.ndarray | float | int) else y
    cdf = 1 - exp(-lam * pos)
    return abs_(y) - 2 * cdf / lam + 1 / (2 * lam)


def _uniform(y: Any, a: Any, b: Any) -> Any:
    w = b - a
    z = (y - a) / w
    inside = (z * z + (1 - z) * (1 - z)) / 2
    outside = abs_(z - 0.5)
    zc = np.asarray(z.data if hasattr(z, "data") else z, dtype=float)
    mask = (zc >= 0) & (zc <= 1)
    return w * (_select(mask, inside, outside) - 1.0 / 6)


def _select(mask: np.ndarray, a: Any, b: Any) -> Any:
    from calcml.autodiff import Tensor, where

    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return where(mask, a, b)
    return np.where(mask, a, b)


CLOSED: dict[str, tuple[Callable[..., Any], str]] = {
    "normal": (_normal, "σ[z(2Φ(z) - 1) + 2φ(z) - 1/√π] (Gneiting & Raftery 2007)"),
    "logistic": (_logistic, "s[z - 2 log F(z) - 1]"),
    "laplace": (_laplace, "b[|z| + exp(-|z|) - 3/4]"),
    "exponential": (_exponential, "|y| - 2F(y)/λ + 1/(2λ)"),
    "uniform": (_uniform, "(b - a)[E|U - z| - 1/6]"),
}


def crps(dist: Distribution | Family, y: Any, *, steps: bool = False, **params: Any) -> Any:
    """CRPS(F, y) = ∫ (F(x) − 1{x ≥ y})² dx, for any calcml distribution.

    Arguments:
        dist: a `Distribution` with numeric parameters, or a `Family` with its parameters as
            keyword arrays or `Tensor`s (vectorized; differentiable for the closed forms).
        y: the observation(s), broadcast against the parameters.
        steps: (one distribution, one y) return the `Integral` record with the method.

    Returns:
        The score(s): a float, an array, or a `Tensor` when a parameter is one.

    >>> from calcml.stats.distributions import normal, crps
    >>> round(crps(normal(0, 1), 0.0), 12)  # (√2 - 1)/√π
    0.233694977255
    >>> crps(normal, [0.0, 1.0], mu=0.0, sigma=[1.0, 2.0]).round(6)
    array([0.233695, 0.662807])
    """
    family = dist if isinstance(dist, Family) else dist.family
    if isinstance(dist, Family):
        values = {**dict(family.defaults), **params}
        missing = [p for p in family.params if p not in values]
        if missing:
            raise TypeError(f"crps({family.name}, ...) needs {', '.join(missing)}")
        return _vectorized(family, y, values)
    if family.name in CLOSED and not steps:
        return _closed(family, y, dist.values)
    if steps:
        return _record(dist, float(y))
    ys = np.asarray(y, dtype=float)
    out = np.vectorize(lambda t: _by_quadrature(dist, float(t))[0])(ys)
    return float(out) if out.ndim == 0 else out


def _closed(family: Family, y: Any, values: dict[str, Any]) -> Any:
    fn = CLOSED[family.name][0]
    args = [_arg(values[p]) for p in family.params]
    out = fn(_arg(y), *args)
    if isinstance(out, np.ndarray | np.generic) and np.ndim(out) == 0:
        return float(out)
    return out


def _arg(v: Any) -> Any:
    from calcml.autodiff import Tensor

    if isinstance(v, Tensor):
        return v
    arr = np.asarray(v, dtype=float)
    return arr


def _vectorized(family: Family, y: Any, values: dict[str, Any]) -> Any:
    if family.name in CLOSED:
        return _closed(family, y, values)
    arrays = np.broadcast_arrays(np.asarray(y, dtype=float),
                                 *(np.asarray(values[p], dtype=float) for p in family.params))
    out = np.empty(arrays[0].shape)
    for i in np.ndindex(out.shape):
        d = family(**{p: float(a[i]) for p, a in zip(family.params, arrays[1:], strict=True)})
        out[i] = _by_quadrature(d, float(arrays[0][i]))[0]
    return float(out) if out.ndim == 0 else out


def _by_quadrature(d: Distribution, y: float) -> tuple[float, float, str]:
    """∫_lo^y F² dx + ∫_y^hi (1 − F)² dx by QUADPACK (each side where it is not empty)."""
    lo, hi = d.support
    left = quad(lambda t: d.cdf(t) ** 2, lo, min(y, hi)) if y > lo else (0.0, 0.0, "")
    right = quad(lambda t: d.sf(t) ** 2, max(y, lo), hi) if y < hi else (0.0, 0.0, "")
    outside = max(lo - y, 0.0) + max(y - hi, 0.0)  # (0 - 1)² or (1 - 0)² beyond the support
    note = "; ".join(n for n in (left[2], right[2]) if n)
    return left[0] + right[0] + outside, left[1] + right[1], note


def _record(d: Distribution, y: float) -> Integral:
    from calcml.core.expr import number, symbol
    from calcml.core.registry import heaviside
    from calcml.stats.distributions._integral import integral_op
    from calcml.symbolic.steps import Step

    x = symbol("x")
    closed = d.closed_cdf
    integrand = ((closed[0] if closed else symbol("F")) - heaviside(x - y)) ** 2
    lo, hi = d.support
    found = _by_integrator(d, y)
    if d.family.name in CLOSED:
        value = float(_closed(d.family, y, d.values))
        form = CLOSED[d.family.name][1]
        if found is not None and abs(found.value - value) <= 1e-12 * max(1.0, abs(value)):
            return _integrated(found, integrand, f"calcml's integrator; equals {form}")
        step = Step("closed form", integrand, number(value), (), integral_op(lo, hi, x),
                    (("formula", form), ("y", y)))  # fmt: skip
        return Integral("CRPS", value, None, "closed form", 0.0, step, form)
    if found is not None:
        return _integrated(found, integrand, "calcml's integrator")
    value, err, note = _by_quadrature(d, y)
    step = Step("numeric quadrature", integrand, number(value), (), integral_op(lo, hi, x),
                (("split at", y), ("error estimate", f"{err:.2e}"),
                 ("method", "QUADPACK (scipy.integrate.quad)")))  # fmt: skip
    return Integral("CRPS", value, None, "quadrature", err, step,
                    note or "QUADPACK on ∫ F² dx below y and ∫ (1 - F)² dx above")


def _by_integrator(d: Distribution, y: float) -> Integral | None:
    """∫_lo^y F² dx + ∫_y^hi (1 − F)² dx by calcml's integrator, when both are closed forms."""
    from calcml.core.expr import number, symbol
    from calcml.stats.distributions._derive import exact_params, integrate_expression

    exact = exact_params(d)
    closed = exact.closed_cdf
    if closed is None:
        return None
    x, big_f = symbol("x"), closed[0]
    lo, hi = exact.family.support(exact.params)
    yy = number(Fraction(repr(float(y))))
    try:
        parts = []
        if y > d.support[0]:
            parts.append(integrate_expression("CRPS below y", big_f**2, x, lo, min(yy, hi)
                                              if d.support[1] < y else yy))  # fmt: skip
        if y < d.support[1]:
            parts.append(integrate_expression("CRPS above y", (1 - big_f) ** 2, x,
                                              yy if y > d.support[0] else lo, hi))  # fmt: skip
    except Exception:  # the integrator's failure leaves the formula or quadrature
        return None
    if not parts or any(p.exact is None for p in parts):
        return None
    outside = max(d.support[0] - y, 0.0) + max(y - d.support[1], 0.0)
    exact_sum = sum((p.exact for p in parts), number(0)) + number(Fraction(repr(outside)))
    return Integral("CRPS", float(exact_sum), exact_sum, "closed form", 0.0,
                    parts[0].steps if len(parts) == 1 else _pair(parts), "")


def _pair(parts: list[Integral]) -> Any:
    from calcml.symbolic.steps import Step

    return Step("sum", parts[0].steps.expr, parts[0].exact + parts[1].exact,
                tuple(p.steps for p in parts), "∫ below y + ∫ above y")


def _integrated(found: Integral, integrand: Any, source: str) -> Integral:
    from calcml.symbolic.steps import Step

    step = Step("definite integral", integrand, found.exact, (found.steps,), "∫ dx",
                (("source", source),))  # fmt: skip
    return Integral("CRPS", found.value, found.exact, "closed form", 0.0, step, source)


def crps_ensemble(samples: Any, y: Any, *, form: str = "integral") -> Any:
    """The CRPS of an ensemble (the empirical CDF of `samples`) at y.

    Arguments:
        samples: shape (m,) — one ensemble — or (n, m) — n forecasts of m members each.
        y: the observation(s), shape () or (n,).
        form: "integral" integrates (F_m(x) − 1{x ≥ y})² exactly, piece by piece between the
            sorted members; "energy" is E|X − y| − ½ E|X − X'| over the members. They are
            equal (a cross-check), both O(m log m).

    >>> round(crps_ensemble([0.0, 1.0], 0.5), 12)
    0.25
    >>> round(crps_ensemble([0.0, 1.0], 0.5, form="energy"), 12)
    0.25
    """
    s = np.sort(np.asarray(samples, dtype=float), axis=-1)
    yy = np.asarray(y, dtype=float)
    if form == "energy":
        out = _energy(s, yy)
    elif form == "integral":
        out = _step_integral(s, yy)
    else:
        raise ValueError(f"form is 'integral' or 'energy', not {form!r}")
    return float(out) if np.ndim(out) == 0 else out


def _energy(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    m = s.shape[-1]
    to_y = np.mean(np.abs(s - y[..., None]), axis=-1)
    # Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − m − 1) x_(i) for sorted x (i = 1..m)
    weights = 2 * np.arange(1, m + 1) - m - 1
    pairs = 2 * np.sum(weights * s, axis=-1) / m**2
    return to_y - pairs / 2


def _step_integral(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∫ (F_m(x) − 1{x ≥ y})² dx: F_m is constant (i/m) between sorted members."""
    m = s.shape[-1]
    pts = np.concatenate([s, y[..., None] * np.ones((*s.shape[:-1], 1))], axis=-1)
    pts = np.sort(pts, axis=-1)
    left, right = pts[..., :-1], pts[..., 1:]
    mid = (left + right) / 2
    f = np.sum(s[..., None, :] <= mid[..., :, None], axis=-1) / m
    step = (mid >= y[..., None]).astype(float)
    return np.sum((f - step) ** 2 * (right - left), axis=-1)


__all__ = ["CLOSED", "crps", "crps_ensemble"]
