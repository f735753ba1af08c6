"""Log-Gamma and its derivatives as calcml primitives, for normalizing constants.

The Gamma, beta and Student t densities carry `Γ` in their normalizing constant, and their
maximum-likelihood gradients need its logarithmic derivative `ψ` (digamma). The core registry has
no record for them yet, so they are defined here in the registry's own `Primitive` form; they
belong in `calcml.core.registry` and should move there (they are not added to `PRIMITIVES`, so
the parser does not know them).

>>> from calcml import symbol
>>> from calcml.symbolic.diff import diff
>>> k = symbol("k")
>>> diff(lgamma(k), k, verify=False)
digamma(k)
>>> round(float(lgamma(symbol("k")).subs({"k": 5})), 12)  # ln 4! = ln 24
3.178053830348
"""

from __future__ import annotations

from typing import Any

from calcml.core.errors import NoClosedFormError
from calcml.core.expr import ZERO, Expr, Number
from calcml.core.registry import Primitive


def _lgamma_impl(x: Any) -> Any:
    from scipy.special import gammaln

    return gammaln(x)


def _digamma_impl(x: Any) -> Any:
    from scipy.special import digamma as scipy_digamma

    return scipy_digamma(x)


def _trigamma_impl(x: Any) -> Any:
    from scipy.special import polygamma

    return polygamma(1, x)


def _lgamma_exact(x: Expr) -> Expr | None:
    """ln Γ(1) = ln Γ(2) = 0 exactly."""
    exact_one_or_two = isinstance(x, Number) and x.is_exact and x.value in (1, 2)
    return ZERO if exact_one_or_two else None


def _no_tetragamma(x: Any) -> Any:
    raise NoClosedFormError("calcml has no record for polygamma(2, x), the derivative of trigamma")


lgamma = Primitive(name="lgamma", impl=_lgamma_impl, partial=lambda x: digamma(x),
                   rule="log-gamma", latex="\\ln\\Gamma", text="lnΓ", domain=(0.2, 5),
                   simplify=_lgamma_exact)  # fmt: skip
digamma = Primitive(name="digamma", impl=_digamma_impl, partial=lambda x: trigamma(x),
                    rule="digamma", latex="\\psi", text="ψ", domain=(0.2, 5))  # fmt: skip
trigamma = Primitive(name="trigamma", impl=_trigamma_impl, partial=_no_tetragamma,
                     rule="trigamma", latex="\\psi_1", text="ψ₁", domain=(0.2, 5))  # fmt: skip

__all__ = ["digamma", "lgamma", "trigamma"]
