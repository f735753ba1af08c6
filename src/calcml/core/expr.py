"""Expressions: the public face of `nodes` (what a node is) and `canonical` (how sums,
products, powers and function nodes are built in canonical form).

Most of calcml, its docs and its users import expressions from here; this module only
re-exports, and sits just above the two modules in the core's order.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> (x + 1) * 2
2*x + 2
"""

from __future__ import annotations

from calcml.core.canonical import (
    add,
    apply,
    mul,
    power,
    product_of_distinct,
)
from calcml.core.nodes import (
    HALF,
    MINUS_ONE,
    ONE,
    PI,
    ZERO,
    Add,
    Apply,
    Constant,
    E,
    Exact,
    Expr,
    Mul,
    Number,
    Pow,
    Real,
    Symbol,
    as_expr,
    constant,
    construction,
    number,
    post_order,
    rebuild,
    symbol,
    symbols,
)

__all__ = [
    "HALF", "MINUS_ONE", "ONE", "PI", "ZERO", "Add", "Apply", "Constant", "E", "Exact", "Expr",
    "Mul", "Number", "Pow", "Real", "Symbol", "add", "apply", "as_expr", "constant",
    "construction", "mul", "number", "post_order", "power", "product_of_distinct", "rebuild",
    "symbol", "symbols",
]  # fmt: skip
