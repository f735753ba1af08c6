"""What every integration method shares: the result record, the budget and the search context.

A method is a plain function `method(expr, var, ctx) -> Antiderivative | None`. It recurses only
through `ctx.integrate`, which owns the depth limit, the per-call memo and the budget, so no
method needs state of its own and nothing is cached between calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from calcml.core.errors import BudgetExceeded
from calcml.core.expr import Add, Apply, Expr, Mul, Number, Symbol, add, mul, symbol
from calcml.symbolic.diff import diff
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import agree

#: Deepest nesting of sub-integrals one integration may open.
MAX_INTEGRATION_DEPTH = 10


@dataclass(frozen=True)
class Antiderivative:
    """`result` is an antiderivative of the integrand, found by `method` as `step` shows."""

    result: Expr
    step: Step
    method: str


class Budget:
    """A wall-clock deadline; `check()` raises `BudgetExceeded` once it has passed."""

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.deadline = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                f"integration ran out of its {self.seconds:g} s budget", self.seconds
            )

    def left(self) -> float:
        return self.deadline - time.monotonic()


Method = Callable[[Expr, Symbol, "Context"], "Antiderivative | None"]


@dataclass
class Context:
    """The state of one integration: budget, depth, memo, open integrands and rejected guesses."""

    budget: Budget
    integrate_fn: Callable[[Expr, Symbol, Context, frozenset[str]], Antiderivative | None]
    depth: int = 0
    memo: dict[Expr, tuple[Antiderivative, Symbol] | None] = field(default_factory=dict)
    open: set[Expr] = field(default_factory=set)
    cycles: int = 0
    rejected: list[tuple[str, Expr, Expr]] = field(default_factory=list)
    dummies: int = 0
    taken: frozenset[str] = frozenset()
    active: dict[str, int] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)

    def integrate(self, expr: Expr, var: Symbol, skip: frozenset[str] = frozenset()):
        """A verified antiderivative of a sub-integral, or None."""
        return self.integrate_fn(expr, var, self, skip)

    def dummy(self, letters: str = "uvwt") -> Symbol:
        """A fresh integration variable for a substitution (`u`, `v`, ..., `u2`, ...), never one
        already given out in this integration; `letters` is the order of preference (`"tuvw"`
        for t first)."""
        n = 0
        while True:
            name = letters[n % 4] + (str(n // 4 + 1) if n >= 4 else "")
            n += 1
            if name not in self.taken and name not in self.given:
                self.given.add(name)
                self.dummies += 1
                return symbol(name)

    def release(self, dummy: Symbol) -> None:
        """Give back a dummy that no step used, so that the next substitution is `u` again."""
        self.given.discard(dummy.name)


def op(var: Symbol) -> str:
    return f"∫ d{var.name}"


def make(rule: str, expr: Expr, var: Symbol, result: Expr, subs: tuple[Any, ...] = (),
         details: tuple[tuple[str, Any], ...] = (), method: str | None = None,
         hint: str = "") -> Antiderivative:  # fmt: skip
    """An `Antiderivative` whose step records `rule` (sub-results may be Antiderivatives)."""
    steps = tuple(s.step if isinstance(s, Antiderivative) else s for s in subs if s is not None)
    return Antiderivative(result, Step(rule, expr, result, steps, op(var), details, hint=hint),
                          method or rule)  # fmt: skip


def free_of(expr: Expr, var: Symbol) -> bool:
    return not expr.has(var)


def split_constant(expr: Expr, var: Symbol) -> tuple[Expr, Expr]:
    """`c*g(x) -> (c, g(x))` with c free of var."""
    if isinstance(expr, Mul):
        const = [f for f in expr.args if free_of(f, var)]
        rest = [f for f in expr.args if not free_of(f, var)]
        return mul(*const), mul(*rest)
    if free_of(expr, var):
        return expr, mul()
    return mul(), expr


def linear_coefficients(expr: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
    """`(a, b)` with `expr = a*var + b`, a ≠ 0 and both free of var; None otherwise."""
    terms = expr.args if isinstance(expr, Add) else (expr,)
    slope, rest = [], []
    for t in terms:
        c, g = split_constant(t, var)
        if g is var:
            slope.append(c)
        elif free_of(t, var):
            rest.append(t)
        else:
            return None
    if not slope:
        return None
    a = add(*slope)
    if a is Number and a.value == 0:  # pragma: no cover - canonical sums drop zero terms
        return None
    return a, add(*rest)


def factors(expr: Expr) -> tuple[Expr, ...]:
    return expr.args if isinstance(expr, Mul) else (expr,)


def bare(e: Expr, var: Symbol, inside: tuple | None = None) -> bool:
    """Does var occur in e outside the applications of `inside` (of any function if None)?
    Structural, so nothing is evaluated (x/(sin x − cos x) never meets 0/0)."""
    found: dict[Expr, bool] = {}
    for n in e.walk():
        if n is var:
            found[n] = True
        elif isinstance(n, Apply) and (inside is None or n.prim in inside):
            found[n] = False
        else:
            found[n] = any(found[a] for a in n.args) if n.args else False
    return found[e]


def verified(f: Expr, big_f: Expr, var: Symbol) -> bool:
    """Is d/dvar big_f = f at random points where both are finite?

    Points where the floats disagree are re-checked in ball arithmetic, so a right answer whose
    derivative cancels to rounding is kept. When the usual sample cannot decide, a wider one is
    tried; a candidate neither sample can confirm is dropped (the search goes on)."""
    return agree(diff(big_f, var, verify=False), f, var)
