"""What the public functions accept: expressions, text, numbers; variables as symbols or names."""

from __future__ import annotations

from typing import Any

from calcml.core.expr import Expr, Symbol, as_expr, symbol


def to_expr(value: Any) -> Expr:
    """An expression from an expression, a number or text (parsed, never evaluated)."""
    if isinstance(value, str):
        from calcml.symbolic.parse import parse

        return parse(value)
    return as_expr(value)


def to_symbol(value: Any) -> Symbol:
    if isinstance(value, Symbol):
        return value
    if isinstance(value, str) and value.isidentifier():
        return symbol(value)
    raise ValueError(f"{value!r} is not a variable name")


def default_variable(expr: Expr, var: Any | None) -> Symbol:
    """The variable to work with: the one given, else the only free symbol, else x."""
    if var is not None:
        return to_symbol(var)
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    if len(free) == 1:
        return free[0]
    names = [s.name for s in free]
    if "x" in names or not free:
        return symbol("x")
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    raise ValueError(f"say which variable (--wrt): the expression has {shown}")
