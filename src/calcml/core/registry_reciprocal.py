"""Registry records for the reciprocal hyperbolic functions and the inverse reciprocal ones.

sech, csch and coth, and asec, acsc, acot, asech, acsch and acoth, as textbooks write them.
The inverses follow SymPy's and most tables' real conventions:

- asec(x) = acos(1/x) and acsc(x) = asin(1/x), for |x| ≥ 1;
- acot(x) = atan(1/x), with acot(0) = π/2 (range (−π/2, π/2]; SymPy's convention);
- asech(x) = acosh(1/x) on (0, 1], acsch(x) = asinh(1/x) for x ≠ 0, acoth(x) = atanh(1/x)
  for |x| > 1.

Each antiderivative is checked by differentiating it back (`tests/core/test_registry.py`).
This module is loaded by `calcml.core.registry`, which adds its records to `PRIMITIVES`.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> SECH.partial(x)
-sech(x)*tanh(x)
>>> ACOT.partial(x)
-1/(x**2 + 1)
"""

from __future__ import annotations

import math
from typing import Any

from calcml.core.expr import ONE
from calcml.core.registry_base import Primitive, at_zero, math_scalar, np, numpy_impl, sqrt
from calcml.core.registry_elementary import abs_, acosh, asin, asinh, atan, log, sinh, tanh

_BIG = 710.0  # cosh and sinh overflow a float past about 710; their reciprocals are then ±0


def _sech_scalar(x: float) -> float:
    return 0.0 if abs(x) > _BIG else 1.0 / math.cosh(x)


def _csch_scalar(x: float) -> float:
    return math.copysign(0.0, x) if abs(x) > _BIG else 1.0 / math.sinh(x)


def _acot_scalar(x: float) -> float:
    return math.pi / 2 if x == 0 else math.atan(1.0 / x)


def _at_reciprocal(fn: str) -> Any:
    """x ↦ fn(1/x) with NumPy's function `fn`: 1/0 is inf, as NumPy gives (no ZeroDivisionError
    on a Python float)."""

    def impl(x: Any) -> Any:
        return getattr(np, fn)(np.divide(1.0, x))

    return impl


def _record(name: str, impl: Any, partial: Any, rule: str, domain: tuple[float, float],
            latex: str, scalar: Any, antiderivative: Any = None,
            simplify: Any = None) -> Primitive:  # fmt: skip
    return Primitive(name=name, impl=numpy_impl(impl), partial=partial, rule=rule, latex=latex,
                     text=name, domain=domain, antiderivative=antiderivative, simplify=simplify,
                     scalar=math_scalar(scalar))  # fmt: skip


SECH = _record("sech", lambda x: 1 / np.cosh(x), lambda x: -sech(x) * tanh(x), "hyperbolic",
               (-3, 3), "\\operatorname{sech}", _sech_scalar,
               antiderivative=lambda u: atan(sinh(u)), simplify=at_zero(ONE))  # fmt: skip
CSCH = _record("csch", lambda x: 1 / np.sinh(x), lambda x: -csch(x) * coth(x), "hyperbolic",
               (0.2, 3), "\\operatorname{csch}", _csch_scalar,
               antiderivative=lambda u: log(abs_(tanh(u / 2))))  # fmt: skip
COTH = _record("coth", lambda x: 1 / np.tanh(x), lambda x: -csch(x) ** 2, "hyperbolic", (0.2, 3),
               "\\coth", lambda x: 1.0 / math.tanh(x),
               antiderivative=lambda u: log(abs_(sinh(u))))  # fmt: skip
ASEC = _record("asec", _at_reciprocal("arccos"), lambda x: 1 / (abs_(x) * sqrt(x**2 - 1)),
               "inverse trigonometric", (1.2, 4), "\\operatorname{arcsec}",
               lambda x: math.acos(1.0 / x),
               antiderivative=lambda u: u * asec(u) - acosh(abs_(u)))  # fmt: skip
ACSC = _record("acsc", _at_reciprocal("arcsin"), lambda x: -1 / (abs_(x) * sqrt(x**2 - 1)),
               "inverse trigonometric", (1.2, 4), "\\operatorname{arccsc}",
               lambda x: math.asin(1.0 / x),
               antiderivative=lambda u: u * acsc(u) + acosh(abs_(u)))  # fmt: skip
ACOT = _record("acot", _at_reciprocal("arctan"), lambda x: -1 / (1 + x**2),
               "inverse trigonometric", (0.2, 3), "\\operatorname{arccot}", _acot_scalar,
               antiderivative=lambda u: u * acot(u) + log(1 + u**2) / 2)  # fmt: skip
ASECH = _record("asech", _at_reciprocal("arccosh"), lambda x: -1 / (x * sqrt(1 - x**2)),
                "inverse hyperbolic", (0.2, 0.9), "\\operatorname{arsech}",
                lambda x: math.acosh(1.0 / x),
                antiderivative=lambda u: u * asech(u) + asin(u))  # fmt: skip
ACSCH = _record("acsch", _at_reciprocal("arcsinh"), lambda x: -1 / (abs_(x) * sqrt(1 + x**2)),
                "inverse hyperbolic", (0.2, 3), "\\operatorname{arcsch}",
                lambda x: math.asinh(1.0 / x),
                antiderivative=lambda u: u * acsch(u) + asinh(abs_(u)))  # fmt: skip
ACOTH = _record("acoth", _at_reciprocal("arctanh"), lambda x: 1 / (1 - x**2),
                "inverse hyperbolic", (1.2, 4), "\\operatorname{arcoth}",
                lambda x: math.atanh(1.0 / x),
                antiderivative=lambda u: u * acoth(u) + log(u**2 - 1) / 2)  # fmt: skip

sech, csch, coth, asec, acsc, acot = SECH, CSCH, COTH, ASEC, ACSC, ACOT
asech, acsch, acoth = ASECH, ACSCH, ACOTH
RECORDS = (SECH, CSCH, COTH, ASEC, ACSC, ACOT, ASECH, ACSCH, ACOTH)
