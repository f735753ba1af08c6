"""Registry records for Γ and its relatives: gamma, lgamma, digamma and the polygamma family.

The Gamma, beta and Student t densities carry Γ in their normalizing constant, and their
maximum-likelihood gradients need ψ = (ln Γ)' (digamma). Each derivative is the next function
of the family, so the chain never leaves the registry:

    Γ' = Γ·ψ,   (ln Γ)' = ψ,   ψ' = ψ₁ (trigamma),   ψₙ' = ψₙ₊₁.

ψₙ for n ≥ 2 is a record named `polygamma{n}` made on first use (`polygamma_record`), so the
derivative of any order exists without a table of them. `lgamma` is SciPy's `gammaln`, ln|Γ(x)|:
equal to ln Γ(x) for x > 0, where the densities use it.

The two-argument beta function is not a record: `Apply` holds one argument, so `beta(a, b)` is
written as exp(lnΓ(a) + lnΓ(b) − lnΓ(a + b)) (for a, b > 0), which every part of calcml already
differentiates, prints and evaluates.

This module is loaded by `calcml.core.registry`, which adds its records to `PRIMITIVES`.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> GAMMA.partial(x)
digamma(x)*gamma(x)
>>> lgamma(number(5))  # ln 4! = ln 24, kept exact
log(24)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from calcml.core.errors import DomainError, LimitError
from calcml.core.expr import PI, ZERO, Expr, Number, number, power
from calcml.core.registry_base import Primitive, math_scalar, np, numpy_impl
from calcml.core.registry_elementary import exp, log

#: The highest order n of ψₙ calcml makes a record for: records are made on demand, and this
#: bounds how many one input can ask for (`polygamma(10**9, x)`).
MAX_POLYGAMMA_ORDER = 100
#: Γ(n) for integers up to this n is folded to its exact value (n − 1)!.
_EXACT_GAMMA_UP_TO = 30


def _scipy(name: str) -> Any:
    # SciPy's special functions load on first use: a cold `calcml diff` must not pay for them.
    from scipy import special

    return getattr(special, name)


def _gamma_impl(x: Any) -> Any:
    return _scipy("gamma")(x)


def _lgamma_impl(x: Any) -> Any:
    return _scipy("gammaln")(x)


def _digamma_impl(x: Any) -> Any:
    return _scipy("digamma")(x)


def _pole(name: str, x: Expr) -> bool:
    """Γ, ln Γ and ψₙ have poles at 0, −1, −2, …: refuse them, as log(0) is refused."""
    if isinstance(x, Number) and x.is_exact and x.value <= 0 and Fraction(x.value).denominator == 1:
        raise DomainError(f"{name}({x.value}) is not defined: Γ has a pole at every integer ≤ 0")
    return False


def _gamma_value(x: Expr) -> Expr | None:
    """Γ(n) = (n − 1)! and Γ(n + 1/2) = (2n)!/(4ⁿ n!)·√π, exactly, for small n."""
    if not (isinstance(x, Number) and x.is_exact) or _pole("gamma", x):
        return None
    v = Fraction(x.value)
    if v.denominator == 1 and v <= _EXACT_GAMMA_UP_TO:
        return number(math.factorial(int(v) - 1))
    if v.denominator == 2 and 0 < v <= _EXACT_GAMMA_UP_TO:
        n = int(v - Fraction(1, 2))
        coeff = Fraction(math.factorial(2 * n), 4**n * math.factorial(n))
        return number(coeff) * power(PI, number(Fraction(1, 2)))
    return None


def _lgamma_value(x: Expr) -> Expr | None:
    """ln Γ(n) = ln (n − 1)!, exactly, for positive integers n."""
    g = _gamma_value(x)
    if g is None:
        return None
    return ZERO if g == number(1) else (log(g) if isinstance(g, Number) else None)


def _digamma_value(x: Expr) -> Expr | None:
    _pole("digamma", x)
    return None


def _polygamma_impl(n: int) -> Any:
    def impl(x: Any) -> Any:
        out = _scipy("polygamma")(n, x)  # not a ufunc: it answers float64 for float32 input
        dtype = getattr(x, "dtype", None)
        return out.astype(dtype) if dtype == np.float32 else out

    impl.__name__ = f"polygamma{n}"
    return impl


def _record(name: str, impl: Any, partial: Any, rule: str, latex: str, text: str,
            simplify: Any = None, scalar: Any = None) -> Primitive:  # fmt: skip
    return Primitive(name=name, impl=numpy_impl(impl), partial=partial, rule=rule, latex=latex,
                     text=text, domain=(0.2, 5), simplify=simplify, scalar=scalar)  # fmt: skip


GAMMA = _record("gamma", _gamma_impl, lambda x: gamma(x) * digamma(x), "gamma function",
                "\\Gamma", "Γ", simplify=_gamma_value, scalar=math_scalar(math.gamma))  # fmt: skip
LGAMMA = _record("lgamma", _lgamma_impl, lambda x: digamma(x), "log-gamma", "\\ln\\Gamma",
                 "lnΓ", simplify=_lgamma_value, scalar=math_scalar(math.lgamma))  # fmt: skip
DIGAMMA = _record("digamma", _digamma_impl, lambda x: trigamma(x), "polygamma", "\\psi", "ψ",
                  simplify=_digamma_value)  # fmt: skip
TRIGAMMA = _record("trigamma", _polygamma_impl(1), lambda x: polygamma_record(2)(x), "polygamma",
                   "\\psi_1", "ψ₁", simplify=_digamma_value)  # fmt: skip

gamma, lgamma, digamma, trigamma = GAMMA, LGAMMA, DIGAMMA, TRIGAMMA

_ORDERS: dict[int, Primitive] = {0: DIGAMMA, 1: TRIGAMMA}
_POLYGAMMA_NAME = re.compile(r"polygamma([0-9]{1,3})")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def polygamma_record(n: int) -> Primitive:
    """The record of ψₙ = dⁿ⁺¹/dxⁿ⁺¹ ln Γ(x): digamma for n = 0, trigamma for 1, made on first
    use above (named `polygamma{n}`, printed ψₙ). `PRIMITIVES` holds ψ₂ and finds the higher
    orders by name (`PRIMITIVES["polygamma5"]`) without listing them.

    >>> polygamma_record(2)
    <primitive polygamma2>
    >>> bool(polygamma_record(2).partial(2.0) == polygamma_record(3)(2.0))
    True
    """
    found = _ORDERS.get(n)
    if found is not None:
        return found
    if not 0 <= n <= MAX_POLYGAMMA_ORDER:
        raise LimitError(f"polygamma of order {n}: calcml has orders 0 to {MAX_POLYGAMMA_ORDER}",
                         "MAX_POLYGAMMA_ORDER")  # fmt: skip
    rec = _record(f"polygamma{n}", _polygamma_impl(n), lambda x: polygamma_record(n + 1)(x),
                  "polygamma", f"\\psi_{{{n}}}", "ψ" + str(n).translate(_SUBSCRIPT),
                  simplify=_digamma_value)  # fmt: skip
    _ORDERS[n] = rec
    return rec


POLYGAMMA2 = polygamma_record(2)
RECORDS = (GAMMA, LGAMMA, DIGAMMA, TRIGAMMA, POLYGAMMA2)


def polygamma_by_name(name: str) -> Primitive | None:
    """`polygamma7` -> the record of ψ₇ (made if needed); None for any other name."""
    m = _POLYGAMMA_NAME.fullmatch(name)
    return polygamma_record(int(m.group(1))) if m and int(m.group(1)) >= 2 else None


def polygamma(n: int, x: Any) -> Any:
    """ψₙ(x), the (n+1)-th derivative of ln Γ, on expressions, tensors and arrays.

    >>> round(float(polygamma(1, 1.0)), 12)  # π²/6
    1.644934066848
    """
    return polygamma_record(n)(x)


def beta(a: Any, b: Any) -> Any:
    """B(a, b) = Γ(a)Γ(b)/Γ(a + b), written exp(lnΓ(a) + lnΓ(b) − lnΓ(a + b)) for a, b > 0.

    Not a record (a record takes one argument): on expressions and tensors it is that
    composite, which differentiates to B·(ψ(a) − ψ(a + b)); on numbers it is SciPy's `beta`.

    >>> round(float(beta(2.0, 3.0)), 12)  # 1/12
    0.083333333333
    """
    if _is_plain(a) and _is_plain(b):
        return _scipy("beta")(a, b)
    return exp(lgamma(a) + lgamma(b) - lgamma(a + b))


def _is_plain(v: Any) -> bool:
    """A number or array (not an expression, not a tensor)."""
    return not isinstance(v, Expr) and not hasattr(type(v), "__calcml_apply__")


__all__ = ["MAX_POLYGAMMA_ORDER", "beta", "digamma", "gamma", "lgamma", "polygamma",
           "polygamma_by_name", "polygamma_record", "trigamma"]  # fmt: skip
