"""The record of a primitive, and the helpers every family of records builds them with.

`Primitive` is one elementary function: its NumPy implementation, its derivative in calcml's own
operations, its printing forms, its step rule. The families of records (`registry_elementary`,
`registry_numeric`, `registry_reciprocal`, `registry_special`) build theirs with the helpers
here, and `registry` gathers them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from calcml.core.expr import ZERO, Expr, apply, number, power
from calcml.core.lazy import LazyModule

Fn = Callable[[Any], Any]

np: Any = LazyModule("numpy", globals(), "np")

@dataclass(frozen=True, eq=False)
class Primitive:
    """One elementary function.

    Attributes:
        name: the name in Python syntax and in `calcml` (`cm.sin`).
        impl: the NumPy implementation, elementwise on arrays and floats.
        partial: f'(x) written with calcml operations.
        rule: the name of the differentiation step rule (`"trigonometric"`).
        latex: the LaTeX head (`\\sin`).
        text: the human head (`sin`, `ln`).
        domain: an interval inside the domain where f is smooth, for tests and checks.
        antiderivative: ∫ f(u) du as a function of u, where the table knows one.
        simplify: exact values and safe identities applied on construction, or None.
        scalar: the function on one Python float with `math` (None where math has none).
    """

    name: str
    impl: Fn
    partial: Fn
    rule: str
    latex: str
    text: str
    domain: tuple[float, float]
    antiderivative: Fn | None = None
    simplify: Callable[[Expr], Expr | None] | None = None
    scalar: Fn | None = None

    def __call__(self, x: Any) -> Any:
        if isinstance(x, Expr):
            return apply(self, x)
        hook = getattr(type(x), "__calcml_apply__", None)
        if hook is not None:
            return hook(x, self)
        return self.impl(x)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def lift(x: Any, exact: Expr) -> Any:
    """A constant in the same world as x: the node for expressions, a float otherwise."""
    return exact if isinstance(x, Expr) else float(exact)


def sqrt(x: Any) -> Any:
    """Square root: a power `x^(1/2)` on expressions, `np.sqrt` on numbers and arrays."""
    if isinstance(x, Expr):
        return power(x, number(Fraction(1, 2)))
    if hasattr(type(x), "__calcml_apply__"):
        return x**0.5
    return np.sqrt(x)


def numpy_impl(fn: Fn | str) -> Fn:
    """A record's `impl`: silence NumPy's warnings (callers check finiteness where it matters);
    a name stands for that NumPy function, looked up on the first call (NumPy loads lazily, see
    `lazy`)."""

    def impl(x: Any) -> Any:
        with np.errstate(all="ignore"):
            return (getattr(np, fn) if isinstance(fn, str) else fn)(x)

    impl.__name__ = fn if isinstance(fn, str) else getattr(fn, "__name__", "impl")
    impl.unguarded = fn  # type: ignore[attr-defined]  # for callers that silence NumPy once
    return impl


def math_scalar(fn: Fn) -> Fn:
    """A record's `scalar`: a `math` implementation on one float, NaN where math raises (NumPy
    gives NaN or ±inf; the checks that use it discard every non-finite value alike)."""

    def scalar(x: float) -> float:
        try:
            return fn(x)
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.nan

    return scalar


def at_zero(value: Expr) -> Callable[[Expr], Expr | None]:
    """A `simplify` that knows one exact value: f(0) = `value` (asin, sinh, ...)."""
    return lambda x: value if x is ZERO else None

