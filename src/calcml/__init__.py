"""calcml: calculus for machine learning.

>>> import calcml as cm
>>> cm.diff("x^3*sin(x)", "x")
x**3*cos(x) + 3*x**2*sin(x)
"""

from calcml.core.errors import (
    BudgetExceeded,
    CalcmlError,
    DomainError,
    LimitError,
    NoClosedFormError,
    ParseError,
    VerificationError,
)
from calcml.core.evaluate import compile
from calcml.core.expr import E, PI, Expr, symbol, symbols
from calcml.core.registry import (
    PRIMITIVES,
    abs_ as abs,
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
    sqrt,
    tan,
    tanh,
)

pi = PI
e = E

__all__ = [
    "E",
    "PI",
    "PRIMITIVES",
    "BudgetExceeded",
    "CalcmlError",
    "DomainError",
    "Expr",
    "LimitError",
    "NoClosedFormError",
    "ParseError",
    "VerificationError",
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "compile",
    "cos",
    "cosh",
    "cot",
    "csc",
    "e",
    "erf",
    "exp",
    "heaviside",
    "log",
    "pi",
    "relu",
    "sec",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "symbol",
    "symbols",
    "tan",
    "tanh",
]
