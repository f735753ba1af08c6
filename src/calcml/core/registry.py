"""THE primitive registry: one record per elementary function, read by every part of calcml.

Each record holds the function's NumPy implementation, its derivative written in calcml's own
operations (so one rule serves symbolic `diff`, reverse mode on tensors and higher orders), its
antiderivative where the table knows one, its printing forms, the step rule it produces and a
domain for the generated tests. Adding a function is adding one record, in the module of its
family: `registry_elementary`, `registry_numeric`, `registry_reciprocal`, `registry_special`
(their record type and helpers are in `registry_base`). This module gathers them.

The generic functions (`sin`, `exp`, ...) work on expressions, tensors, arrays and floats
alike: an expression gives an expression, an object with a `__calcml_apply__(prim)` method (a
tensor) handles itself, anything else goes to NumPy.
"""

from __future__ import annotations

import math
from typing import Any

from calcml.core import nodes
from calcml.core import registry_numeric as _numeric
from calcml.core import registry_reciprocal as _reciprocal
from calcml.core import registry_special as _special
from calcml.core.expr import Expr, apply
from calcml.core.registry_base import Fn, Primitive, lift, np, sqrt  # noqa: F401  (re-exported)
from calcml.core.registry_elementary import (  # noqa: F401  (re-exported)
    ABS,
    ACOS,
    ACOSH,
    ASIN,
    ASINH,
    ATAN,
    ATANH,
    COS,
    COSH,
    COT,
    CSC,
    ERF,
    EXP,
    HEAVISIDE,
    LOG,
    RELU,
    SEC,
    SIGMOID,
    SIGN,
    SIN,
    SINH,
    SOFTPLUS,
    TAN,
    TANH,
    abs_,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    cot,
    csc,
    erf,
    exp,
    heaviside,
    log,
    relu,
    sec,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    tan,
    tanh,
)
from calcml.core.registry_special import polygamma_by_name


class _Registry(dict):
    """The records by name; ψₙ of any order n (`polygamma7`) is found by name, made on first
    use, without being listed (the derivative chain ψ' = ψ₁, ψ₁' = ψ₂, … has no end)."""

    def __missing__(self, name: str) -> Primitive:
        found = polygamma_by_name(name) if isinstance(name, str) else None
        if found is None:
            raise KeyError(name)
        return found


PRIMITIVES: dict[str, Primitive] = _Registry(
    (p.name, p)
    for p in (
        EXP, LOG, SIN, COS, TAN, COT, SEC, CSC, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH,
        ACOSH, ATANH, ABS, SIGN, HEAVISIDE, ERF, SIGMOID, SOFTPLUS, RELU,
    )
)  # fmt: skip
PRIMITIVES.update((p.name, p) for family in (_reciprocal, _special, _numeric)
                  for p in family.RECORDS)  # fmt: skip
sech, csch, coth, asec, acsc, acot = _reciprocal.RECORDS[:6]
asech, acsch, acoth = _reciprocal.RECORDS[6:]
gamma, lgamma, digamma, trigamma = _special.RECORDS[:4]
polygamma, polygamma_record, beta = _special.polygamma, _special.polygamma_record, _special.beta
log1p, expm1, log2, log10, exp2, logit, erfc, sinc, floor, ceil = _numeric.RECORDS
logaddexp, hypot, arctan2 = _numeric.logaddexp, _numeric.hypot, _numeric.arctan2


def log_base(x: Any, base: Any) -> Any:
    """`log(x, b) = ln x / ln b`."""
    return log(x) / log(base)


#: Euler's number as the float a NumPy user expects next to `math.pi`.
E_FLOAT = math.e


def apply_by_name(name: str, arg: Expr) -> Expr:
    """`name(arg)` for a primitive known by name: how a pickled function node is rebuilt."""
    return apply(PRIMITIVES[name], arg)


nodes.bind_late(apply_by_name=apply_by_name)
