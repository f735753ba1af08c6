"""Derivatives built on `diff`: gradients, Jacobians, Hessians, slopes and tangent lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from calcml.core.errors import VerificationError
from calcml.core.expr import Expr, Symbol, as_expr, construction
from calcml.symbolic.diff import diff, reverse_partials
from calcml.symbolic.inputs import default_variable, to_expr, to_symbol
from calcml.symbolic.simplify import simplify
from calcml.symbolic.verify import Check, check_gradient, check_jacobian


def wrt_symbols(f: Expr | Sequence[Expr], wrt: Any) -> list[Symbol]:
    """The symbols to differentiate by: `wrt` (symbols, names, or "x,y" text) in its order, or
    every free symbol of `f` by name. Shared with the CLI and web reports, which must list the
    same variables as the answers they show.

    >>> from calcml import parse
    >>> wrt_symbols(parse("y*x + z"), None), wrt_symbols(parse("x*y"), "y, x")
    ([x, y, z], [y, x])
    """
    if wrt is None:
        exprs = [f] if isinstance(f, Expr) else list(f)
        return sorted({s for e in exprs for s in e.free_symbols}, key=lambda s: s.name)
    if isinstance(wrt, str):
        wrt = [w for w in wrt.replace(",", " ").split()]
    return [to_symbol(w) for w in wrt]


def gradient(expr: Any, wrt: Any = None, *, verify: bool = True) -> list[Expr]:
    """∇f: the partial derivatives of a scalar expression, in the order of `wrt`.

    All partials come from one reverse sweep over the expression's DAG, and the whole gradient
    is checked at once against central differences along a random direction.

    >>> import calcml as cm
    >>> cm.gradient("x^2*y + y^3", "x, y")
    [2*x*y, x**2 + 3*y**2]
    """
    return checked_gradient(expr, wrt, verify=verify)[0]


def checked_gradient(expr: Any, wrt: Any = None, *,
                     verify: bool = True) -> tuple[list[Expr], Check | None]:  # fmt: skip
    """`gradient` with its check (None when `verify` is off): a check that could not decide
    says why in its note; one that proved the gradient wrong raises `VerificationError`.

    >>> grads, check = checked_gradient("x*y", "x y")
    >>> grads, check.passed
    ([y, x], True)
    """
    f = to_expr(expr)
    xs = wrt_symbols(f, wrt)
    with construction():
        grads = _tidy(f.size() <= MAX_TIDY_NODES, reverse_partials(f, xs))
        check = check_gradient(f, grads, xs) if verify else None
    if check is not None:
        _require(check, "the gradient", f)
    return grads, check


#: Partials of larger expressions are left as differentiation built them: many machine-sized
#: partials are for computing with, and simplifying each would cost more than finding them.
MAX_TIDY_NODES = 120


def _tidy(small: bool, partials: list[Expr]) -> list[Expr]:
    """Simplify the partials of a function of at most MAX_TIDY_NODES nodes (`small`)."""
    if not small:
        return partials
    return [simplify(p) for p in partials]


def _require(check: Check, what: str, f: Expr) -> None:
    """Raise on a check that proved the result wrong; the message (which prints f) is built only
    then. A check that could not decide raises nothing: the result is returned as computed."""
    if check.rejected:
        raise VerificationError(f"{what} of {f} failed its check: {check.note}")


def jacobian(exprs: Sequence[Any], wrt: Any = None) -> list[list[Expr]]:
    """The Jacobian matrix J[i][j] = ∂f_i/∂x_j.

    >>> import calcml as cm
    >>> cm.jacobian(["x*y", "x + y"], "x y")
    [[y, x], [1, 1]]
    """
    fs = [to_expr(e) for e in exprs]
    xs = wrt_symbols(fs, wrt)
    return [gradient(f, xs) for f in fs]


def hessian(expr: Any, wrt: Any = None, *, verify: bool = True) -> list[list[Expr]]:
    """The Hessian matrix H[i][j] = ∂²f/∂x_i∂x_j: the Jacobian of the gradient.

    >>> import calcml as cm
    >>> cm.hessian("x^2*y", "x y")
    [[2*y, 2*x], [2*x, 0]]
    """
    f = to_expr(expr)
    xs = wrt_symbols(f, wrt)
    first = gradient(f, xs, verify=False)
    n = len(xs)
    rows: list[list[Expr]] = [[as_expr(0)] * n for _ in xs]
    small = f.size() <= MAX_TIDY_NODES
    with construction():
        for i, g in enumerate(first):  # the upper triangle; H is symmetric (Schwarz)
            for j, h in enumerate(_tidy(small, reverse_partials(g, xs[i:])), start=i):
                rows[i][j] = rows[j][i] = h
        # the gradient and every row of the Hessian, in one compiled check
        check = check_jacobian([f, *first], [first, *rows], xs) if verify else None
    if check is not None:
        _require(check, "the Hessian", f)
    return rows


def derivative_at(expr: Any, at: Any, var: Any = None, n: int = 1) -> Expr | float:
    """The value of the n-th derivative at a point: exact where possible.

    >>> import calcml as cm
    >>> cm.derivative_at("x^3", 2)
    12
    """
    f = to_expr(expr)
    x = default_variable(f, var)
    return diff(f, x, n).evaluate(**{x.name: _point(at)})


@dataclass(frozen=True)
class Tangent:
    """The tangent line y = f(a) + f'(a)·(x − a): the derivative is the line's slope."""

    function: Expr
    var: Symbol
    at: Expr
    value: Expr
    slope: Expr
    line: Expr
    check: Check | None = field(default=None, repr=False, compare=False)  # f′'s numeric check

    def __str__(self) -> str:
        return f"y = {self.line}"

    def _repr_latex_(self) -> str:
        return f"$y = {self.line.latex()}$"


def tangent(expr: Any, at: Any, var: Any = None) -> Tangent:
    """The tangent line to the graph of f at x = a.

    >>> import calcml as cm
    >>> t = cm.tangent("x^2", at=3)
    >>> t.slope, t.line
    (6, 6*x - 9)
    """
    f = to_expr(expr)
    x = default_variable(f, var)
    a = as_expr(_point(at))
    value = f.subs({x: a})  # exact: sin(1) stays sin(1)
    d = diff(f, x, steps=True)  # with its check, so a caller can say whether f′ was verified
    slope = d.result.subs({x: a})
    return Tangent(f, x, a, value, slope, value + slope * (x - a), d.check)


def _point(at: Any) -> Any:
    return to_expr(at) if isinstance(at, str) else at
