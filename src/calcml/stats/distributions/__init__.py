"""Probability distributions whose pdf is a calcml expression and whose cdf, moments and
entropy are integrals of it; and the integrals between a forecast and data or another
distribution: `crps`, `crps_ensemble`, `risk`/`minimize_risk`, `kl_divergence`,
`cross_entropy`, `js_divergence`, `wasserstein`, `wasserstein_samples`.

Nine families: `normal`, `uniform`, `exponential`, `laplace`, `logistic`, `gamma`, `beta`,
`student_t` and `cauchy`. Call a family with parameter values (numbers, or symbols/names to keep
them symbolic) to get a `Distribution`.

Numbers come back as floats (or arrays); ask `steps=True` for the `Integral` record: the
integral written out, its closed form, how it was found and an error bound. Moments that do not
exist raise `DivergentError` (a `NoClosedFormError`): `value` is `inf` when the integral
diverges to +∞ and `nan` when it is undefined.

>>> from calcml.stats.distributions import normal, cauchy, DivergentError
>>> r = normal(mu=0, sigma=1).cdf(1.96, steps=True)
>>> r.value, r.method
(0.9750021048517795, 'closed form')
>>> r.exact  # the closed form of the cdf, F(x)
erf(x*sqrt(2)/2)/2 + 1/2
>>> try:
...     cauchy(x0=0, gamma=1).mean()
... except DivergentError as err:
...     print(err.value)
nan

Modules, lowest first; each imports only modules to its left: _integral → _base → _derive,
_families → _moments, _heavy, _crps, _divergences, _risk → this package. `Distribution.mean`
and its kin call `_moments`, which registers them on `_base` (`set_moments`) when this package
imports it: one late binding instead of an import running back up.
"""

from calcml.stats.distributions import _moments  # noqa: F401 - registers Distribution.mean & co.
from calcml.stats.distributions._base import Distribution, Family
from calcml.stats.distributions._base import X as X  # the variable of every density (for mle)
from calcml.stats.distributions._crps import crps, crps_ensemble
from calcml.stats.distributions._divergences import (
    cross_entropy,
    js_divergence,
    kl_divergence,
    wasserstein,
    wasserstein_samples,
)
from calcml.stats.distributions._families import (
    beta,
    exponential,
    gamma,
    laplace,
    logistic,
    normal,
    uniform,
)
from calcml.stats.distributions._heavy import cauchy, student_t
from calcml.stats.distributions._integral import DivergentError, Integral
from calcml.stats.distributions._integral import quad as quad  # QUADPACK, warnings kept (binormal)
from calcml.stats.distributions._risk import minimize_risk, risk

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (normal, uniform, exponential, laplace, logistic, gamma, beta, student_t, cauchy)
}
FAMILIES["t"] = student_t

__all__ = [
    "FAMILIES",
    "Distribution",
    "DivergentError",
    "Family",
    "Integral",
    "beta",
    "cauchy",
    "cross_entropy",
    "crps",
    "crps_ensemble",
    "exponential",
    "gamma",
    "js_divergence",
    "kl_divergence",
    "laplace",
    "logistic",
    "minimize_risk",
    "normal",
    "risk",
    "student_t",
    "uniform",
    "wasserstein",
    "wasserstein_samples",
]
