"""What a limit can be, and the arithmetic of those values (the extended reals, plus oscillation).

A value is an exact expression, `oo`/`-oo` (the `Infinity` sentinel: core numbers are finite by
design), or a `Bounded` oscillation (`sin(oo)`), which is kept so that `sin(x)/x -> 0` works and
reported as `NoLimit` if it survives to the end. `limits` computes values node by node with the
operations here; they raise `UndeterminedLimit` on the indeterminate forms it must rewrite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from calcml.core.errors import CalcmlError, NoClosedFormError
from calcml.core.expr import ZERO, Expr, add, mul
from calcml.symbolic.inputs import to_expr


class Infinity:
    """`oo` or `-oo`: a limit's value when it grows without bound (`float(oo) == inf`)."""

    __slots__ = ("sign",)

    def __init__(self, sign: int):
        self.sign = sign

    def __neg__(self) -> Infinity:
        return NEG_OO if self.sign > 0 else OO

    def __float__(self) -> float:
        return self.sign * math.inf

    def __repr__(self) -> str:
        return "oo" if self.sign > 0 else "-oo"

    def latex(self) -> str:
        return "\\infty" if self.sign > 0 else "-\\infty"

    def text(self) -> str:
        """`∞` or `-∞`, as the human printer writes every other value (`str` stays `oo`)."""
        return "∞" if self.sign > 0 else "-∞"


OO = oo = Infinity(1)
NEG_OO = Infinity(-1)


class NoLimit(NoClosedFormError):
    """The limit does not exist: one-sided limits differ, or the function oscillates."""


class UndeterminedLimit(NoClosedFormError):
    """calcml could not decide the limit (rewrites ran out, or it depends on a parameter)."""


@dataclass(frozen=True)
class Bounded:
    """An oscillation that stays within [lo, hi] and has no limit (e.g. sin at oo)."""

    lo: float
    hi: float


Value = Expr | Infinity | Bounded


class Undefined(NoLimit):
    """The function is not real on this side of the point (public: `definite` tells it apart
    from a limit that does not exist, and then integrates numerically)."""


def as_float(e: Any) -> float | None:
    """The float value of a closed expression; None when it has symbols."""
    if isinstance(e, Infinity):
        return float(e)
    if isinstance(e, Bounded) or e.free_symbols:
        return None
    try:
        v = float(e)
    except (ValueError, ArithmeticError, CalcmlError):
        return None
    return v if not math.isnan(v) else None


def times(a: Value, b: Value, e: Expr) -> Value:
    """`a·b` in extended-real arithmetic (`e` names the product in messages)."""
    if isinstance(a, Expr) and isinstance(b, Expr):
        return mul(a, b)
    if (isinstance(a, Expr) and a is ZERO) or (isinstance(b, Expr) and b is ZERO):
        if isinstance(a, Infinity) or isinstance(b, Infinity):
            raise UndeterminedLimit(f"0·∞ in {e}")
        return ZERO
    if isinstance(a, Infinity) or isinstance(b, Infinity):
        return OO if sign_of(a, e) * sign_of(b, e) > 0 else NEG_OO
    lo_hi = [x * y for x in interval(a) for y in interval(b)]
    return Bounded(min(lo_hi), max(lo_hi))


def sign_of(v: Value, e: Expr) -> int:
    """The sign of a value (+1, 0, -1); a bounded oscillation must keep one sign."""
    if isinstance(v, Infinity):
        return v.sign
    if isinstance(v, Bounded):
        if v.lo > 0 or v.hi < 0:
            return 1 if v.lo > 0 else -1
        raise NoLimit(f"{e} oscillates without bound")
    c = as_float(v)
    if c is None:
        raise UndeterminedLimit(f"the limit depends on the sign of {v}")
    return (c > 0) - (c < 0)


def interval(v: Value) -> tuple[float, float]:
    """[lo, hi] holding a closed value or a bounded oscillation."""
    if isinstance(v, Bounded):
        return v.lo, v.hi
    c = as_float(v)
    if c is None:
        raise UndeterminedLimit(f"cannot bound {v}")
    return c, c


def plus(a: Value, b: Value, e: Expr) -> Value:
    """`a + b` in extended-real arithmetic (`e` names the sum in messages)."""
    if isinstance(a, Infinity):
        if isinstance(b, Infinity) and b is not a:
            raise UndeterminedLimit(f"∞ - ∞ in {e}")
        return a
    if isinstance(b, Infinity):
        return b
    if isinstance(a, Expr) and isinstance(b, Expr):
        return add(a, b)
    lo = [x + y for x, y in zip(interval(a), interval(b), strict=True)]
    return Bounded(lo[0], lo[1])


def bounded_power(b: Bounded, k: float, integer: bool) -> Bounded:
    """`b^k` for a bounded oscillation `b` (`integer`: k is an integer)."""
    if (k < 0 and b.lo <= 0 <= b.hi) or (not integer and b.lo < 0):
        raise NoLimit("the function oscillates through a pole")
    ends = [b.lo**k, b.hi**k]
    if integer and int(k) % 2 == 0 and b.lo < 0 < b.hi:
        ends.append(0.0)
    return Bounded(min(ends), max(ends))


def as_point(point: Any) -> Expr | Infinity:
    """A limit point from a number, an expression, text, or an infinity."""
    if isinstance(point, Infinity):
        return point
    if isinstance(point, str) and point.strip().lstrip("+-") in ("oo", "inf", "∞", "infinity"):
        return NEG_OO if point.strip().startswith("-") else OO
    if isinstance(point, float) and math.isinf(point):
        return OO if point > 0 else NEG_OO
    return to_expr(point)


def final_value(v: Value) -> Expr | Infinity:
    """A value as a limit's answer: a bounded oscillation that survived means `NoLimit`."""
    if isinstance(v, Bounded):
        raise NoLimit(f"the function oscillates between {v.lo:.4g} and {v.hi:.4g}")
    return v


def same_value(a: Expr | Infinity, b: Expr | Infinity) -> bool:
    """Are two one-sided limits the same (equal closed numbers to 1e-12, or the same infinity)?"""
    if a is b:
        return True
    if isinstance(a, Infinity) or isinstance(b, Infinity):
        return False
    fa, fb = as_float(a), as_float(b)
    return fa is not None and fb is not None and abs(fa - fb) <= 1e-12 * (1 + abs(fa))


__all__ = [
    "NEG_OO",
    "OO",
    "Bounded",
    "Infinity",
    "NoLimit",
    "Undefined",
    "UndeterminedLimit",
    "Value",
    "as_float",
    "as_point",
    "bounded_power",
    "final_value",
    "interval",
    "oo",
    "plus",
    "same_value",
    "sign_of",
    "times",
]
