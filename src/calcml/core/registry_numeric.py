"""Registry records for NumPy's numerically careful functions, and its two-argument ones.

log1p, expm1, log2, log10, exp2, logit, erfc, sinc (NumPy's normalized sinc, sin(πx)/(πx)),
floor and ceil are records: `cm.diff`, the parser, the printers and tensors all know them, and
each evaluates with NumPy's or SciPy's stable kernel (`np.log1p(1e-20)` is 1e-20, where
`log(1 + 1e-20)` is 0). floor and ceil have derivative 0, true everywhere except at the
integers, where they jump (PyTorch's and autograd's convention). The integration table knows
the antiderivatives of the logarithms, exponentials, logit and erfc (each checked by
differentiating it back); sinc (whose antiderivative is the sine integral), floor and ceil
carry none, so the integrator leaves them alone.

`logaddexp`, `hypot` and `arctan2` take two arguments and a record takes one (`Apply` has one
argument), so on expressions and tensors each is written with calcml's own operations, exactly:

- logaddexp(a, b) = a + softplus(b − a)   (softplus never overflows);
- hypot(a, b) = √(a² + b²);
- arctan2(y, x) = atan(y/x) + π·H(−x)·(1 − 2·H(−y))   (H the step function, H(0) = 0),

and their derivatives follow from those forms. On plain numbers and arrays they are NumPy's.

This module is loaded by `calcml.core.registry`, which adds its records to `PRIMITIVES`.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> LOG1P.partial(x)
1/(x + 1)
>>> float(LOG1P(1e-20))
1e-20
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from calcml.core.errors import DomainError
from calcml.core.expr import ONE, PI, ZERO, Expr, Number, number
from calcml.core.registry_base import Primitive, at_zero, lift, math_scalar, np, numpy_impl, sqrt
from calcml.core.registry_elementary import atan, cos, exp, heaviside, log, sign, softplus


def _scipy(name: str) -> Any:
    from scipy import special

    return getattr(special, name)


def _sinc_scalar(x: float) -> float:
    if x == 0:
        return 1.0
    y = math.pi * x
    return math.sin(y) / y


def _logit_scalar(x: float) -> float:
    return math.log(x / (1.0 - x))


def _record(name: str, impl: Any, partial: Any, rule: str, domain: tuple[float, float],
            scalar: Any, latex: str | None = None, text: str | None = None,
            simplify: Any = None, antiderivative: Any = None) -> Primitive:  # fmt: skip
    return Primitive(name=name, impl=numpy_impl(impl), partial=partial, rule=rule,
                     latex=latex or f"\\operatorname{{{name}}}", text=text or name, domain=domain,
                     simplify=simplify, scalar=math_scalar(scalar),
                     antiderivative=antiderivative)  # fmt: skip


def _ln(x: Any, n: int) -> Any:
    return log(lift(x, number(n)))


def _exact_log(base: int) -> Any:
    """log_b of an exact number: b^k -> k for integers k, 1 -> 0; refused below 0, as log is."""

    def simplify(x: Expr) -> Expr | None:
        if not (isinstance(x, Number) and x.is_exact):
            return None
        if x.value <= 0:
            raise DomainError(f"log{base}({x.value}) is not defined for real numbers")
        v, k = Fraction(x.value), 0
        big = v if v >= 1 else 1 / v
        while big > 1 and big.denominator == 1 and big.numerator % base == 0:
            big, k = big / base, k + 1
        return number(k if v >= 1 else -k) if big == 1 else None

    return simplify


def _refuse(name: str, x: Expr) -> None:
    raise DomainError(f"{name}({x}) is not defined for real numbers")


def _log1p_exact(x: Expr) -> Expr | None:
    """log1p(0) = 0; refused at −1 and below, as log(0) is."""
    if isinstance(x, Number) and x.is_exact and x.value <= -1:
        _refuse("log1p", x)
    return ZERO if x is ZERO else None


def _logit_exact(x: Expr) -> Expr | None:
    """logit(1/2) = 0; refused outside (0, 1)."""
    if isinstance(x, Number) and x.is_exact and not 0 < x.value < 1:
        _refuse("logit", x)
    return ZERO if isinstance(x, Number) and x.value == Fraction(1, 2) else None


def _rounded(fn: Any) -> Any:
    """floor and ceil of a number, folded (exact stays exact: floor(7/2) = 3)."""

    def simplify(x: Expr) -> Expr | None:
        if not isinstance(x, Number):
            return None
        v = fn(x.value)
        return number(v if x.is_exact else float(v))

    return simplify


def _zero(x: Any) -> Any:
    return lift(x, ZERO) * x


LOG1P = _record("log1p", "log1p", lambda x: 1 / (1 + x), "logarithm", (-0.8, 3), math.log1p,
                simplify=_log1p_exact,
                antiderivative=lambda u: (1 + u) * log1p(u) - u)  # fmt: skip
EXPM1 = _record("expm1", "expm1", lambda x: exp(x), "exponential", (-3, 3), math.expm1,
                simplify=at_zero(ZERO), antiderivative=lambda u: expm1(u) - u)  # fmt: skip
LOG2 = _record("log2", "log2", lambda x: 1 / (x * _ln(x, 2)), "logarithm", (0.2, 5), math.log2,
               latex="\\log_{2}", text="log₂", simplify=_exact_log(2),
               antiderivative=lambda u: u * log2(u) - u / _ln(u, 2))  # fmt: skip
LOG10 = _record("log10", "log10", lambda x: 1 / (x * _ln(x, 10)), "logarithm", (0.2, 5),
                math.log10, latex="\\log_{10}", text="log₁₀", simplify=_exact_log(10),
                antiderivative=lambda u: u * log10(u) - u / _ln(u, 10))  # fmt: skip
EXP2 = _record("exp2", "exp2", lambda x: _ln(x, 2) * exp2(x), "exponential", (-3, 3),
               lambda x: math.pow(2.0, x),
               antiderivative=lambda u: exp2(u) / _ln(u, 2))  # fmt: skip
LOGIT = _record("logit", lambda x: _scipy("logit")(x), lambda x: 1 / (x * (1 - x)), "logit",
                (0.05, 0.95), _logit_scalar, simplify=_logit_exact,
                antiderivative=lambda u: u * log(u) + (1 - u) * log(1 - u))  # fmt: skip
ERFC = _record("erfc", lambda x: _scipy("erfc")(x),
               lambda x: -lift(x, 2 / sqrt(PI)) * exp(-(x**2)), "error function", (-2, 2),
               math.erfc,
               antiderivative=lambda u: u * erfc(u) - exp(-(u**2)) / lift(u, sqrt(PI)))  # fmt: skip
SINC = _record("sinc", "sinc", lambda x: (cos(lift(x, PI) * x) - sinc(x)) / x, "sinc",
               (-2.5, 2.5), _sinc_scalar, simplify=at_zero(ONE))  # fmt: skip
FLOOR = _record("floor", "floor", _zero, "floor and ceiling", (0.1, 0.9),
                lambda x: float(math.floor(x)), simplify=_rounded(math.floor))  # fmt: skip
CEIL = _record("ceil", "ceil", _zero, "floor and ceiling", (0.1, 0.9),
               lambda x: float(math.ceil(x)), simplify=_rounded(math.ceil))  # fmt: skip

log1p, expm1, log2, log10, exp2, logit = LOG1P, EXPM1, LOG2, LOG10, EXP2, LOGIT
erfc, sinc, floor, ceil = ERFC, SINC, FLOOR, CEIL
RECORDS = (LOG1P, EXPM1, LOG2, LOG10, EXP2, LOGIT, ERFC, SINC, FLOOR, CEIL)


def _is_plain(v: Any) -> bool:
    """A number or array (not an expression, not a tensor)."""
    return not isinstance(v, Expr) and not hasattr(type(v), "__calcml_apply__")


def logaddexp(a: Any, b: Any) -> Any:
    """ln(eᵃ + eᵇ) without overflow: `a + softplus(b − a)` on expressions and tensors.

    >>> from calcml.core.expr import symbol
    >>> logaddexp(symbol("a"), symbol("b"))
    a + softplus(b - a)
    >>> float(logaddexp(1000.0, 1000.0)) == 1000 + math.log(2)
    True
    """
    if _is_plain(a) and _is_plain(b):
        return np.logaddexp(a, b)
    return a + softplus(b - a)


def hypot(a: Any, b: Any) -> Any:
    """√(a² + b²); NumPy's `hypot` (no overflow) on numbers.

    >>> float(hypot(3.0, 4.0))
    5.0
    """
    if _is_plain(a) and _is_plain(b):
        return np.hypot(a, b)
    return sqrt(a**2 + b**2)


def arctan2(y: Any, x: Any) -> Any:
    """The angle of the point (x, y) in (−π, π], NumPy's argument order (y first).

    On expressions and tensors: atan(y/x), plus π in the second quadrant and −π in the third,
    selected by step functions whose derivative is 0, so the gradient is
    (−y, x)/(x² + y²) away from x = 0.

    >>> float(arctan2(1.0, -1.0)) == 3 * math.pi / 4
    True
    >>> from calcml.core.expr import symbol
    >>> float(arctan2(number(-1), number(-1)))  # −3π/4
    -2.356194490192345
    """
    if _is_plain(y) and _is_plain(x):
        return np.arctan2(y, x)
    symbolic = isinstance(y, Expr) or isinstance(x, Expr)
    pi = PI if symbolic else math.pi
    if symbolic and isinstance(x, Number | int | float) and _value(x) == 0:
        return pi / 2 * sign(y)  # on the y-axis, where y/x is not defined
    return atan(y / x) + pi * heaviside(-x) * (1 - 2 * heaviside(-y))


def _value(v: Any) -> Any:
    return v.value if isinstance(v, Number) else v


__all__ = [
    "arctan2",
    "ceil",
    "erfc",
    "exp2",
    "expm1",
    "floor",
    "hypot",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "logit",
    "sinc",
]  # fmt: skip
