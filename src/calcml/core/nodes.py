"""Expression nodes: immutable and interned; the classes, the leaves and the intern table.

Building the same expression twice returns the same object, so an expression is a DAG whose
shared subexpressions are shared objects, and equality and hashing are identity (O(1)).

This module holds what a node *is*: the classes (`Expr`, `Number`, `Constant`, `Symbol`,
`Pow`, `Apply`, `Add`, `Mul`), the intern table, and the leaves (`number`, `symbol`,
`constant`, the named constants). How sums, products, powers and function nodes are put in
canonical form is `canonical`'s idea. The methods that need higher layers (the operators need
`canonical`, `str` needs `printing`, `evaluate` needs `evaluate`) read late-bound slots those
modules fill at import (see `late`); `calcml.core` imports them all, so the slots are set.

Subtraction is `a + (-1)*b` and division is `a * b^-1`; printers restore `a - b` and `a/b`.
"""

from __future__ import annotations

import gc
import math
import numbers
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from calcml.core import late
from calcml.core.errors import DomainError

Exact = int | Fraction
Real = int | Fraction | float

# --- late-bound slots (see `late`): each set once by the module named, at its import ---------
#: The canonical sum, product and power: set by `canonical`.
add: Callable[..., Expr] = late.unbound("add")
mul: Callable[..., Expr] = late.unbound("mul")
power: Callable[..., Expr] = late.unbound("power")
#: A function node rebuilt from its primitive's name (unpickling): set by `registry`.
apply_by_name: Callable[[str, Expr], Expr] = late.unbound("apply_by_name")
#: Values and substitution: set by `evaluate`.
evaluate_float: Callable[..., float] = late.unbound("evaluate_float")
evaluate_point: Callable[..., Any] = late.unbound("evaluate_point")
substitute: Callable[..., Expr] = late.unbound("substitute")
#: The printers: set by `printing`.
python_form: Callable[[Expr], str] = late.unbound("python_form")
human_form: Callable[[Expr], str] = late.unbound("human_form")
latex_form: Callable[[Expr], str] = late.unbound("latex_form")

bind_late = late.binder(globals(), (
    "add", "mul", "power", "apply_by_name", "evaluate_float", "evaluate_point", "substitute",
    "python_form", "human_form", "latex_form",
))  # fmt: skip


#: The intern table: identity of a node's construction -> a weak reference to the node. Nodes
#: live as long as someone holds them; a plain dict of weak references is several times faster
#: to query than `weakref.WeakValueDictionary`, whose lookups run in Python. References carry no
#: death callback (one would cost a closure per node made and a call per node freed): entries
#: of dead nodes are swept out in bulk instead, whenever the table has doubled since last time.
_TABLE: dict[tuple, weakref.ref] = {}
_SWEEP_FLOOR = 1 << 16
_sweep_at = _SWEEP_FLOOR


def lookup(ident: tuple) -> Any:
    """The live node built with `ident`, or None: shared with `canonical`, whose sums and
    products look themselves up before building their sort keys."""
    ref = _TABLE.get(ident)
    return None if ref is None else ref()


def _sweep() -> None:
    """Drop the entries of dead nodes (their keys hold children, which may then die too)."""
    global _sweep_at
    for ident, ref in list(_TABLE.items()):  # a copy made in one step: other threads may build
        if ref() is None and _TABLE.get(ident) is ref:
            _TABLE.pop(ident, None)
    _sweep_at = max(_SWEEP_FLOOR, 2 * len(_TABLE))


def post_order(roots: Iterable[Expr], skip: Iterable[Expr] = ()) -> Iterator[Expr]:
    """Every distinct node below `roots` once, children before parents (iterative); nodes in
    `skip` and everything reached only through them are left out."""
    seen: set[Expr] = set(skip)  # nodes hash by identity
    stack: list[tuple[Expr, bool]] = [(r, False) for r in reversed(list(roots))]
    pop, push, mark = stack.pop, stack.append, seen.add
    while stack:
        node, expanded = pop()
        if expanded:
            yield node
            continue
        if node in seen:
            continue
        mark(node)
        args = node.args
        if not args:
            yield node
            continue
        push((node, True))
        for child in reversed(args):
            if child not in seen:
                push((child, False))


class Expr:
    """Base of every expression node. Never build nodes directly: use the operators or functions."""

    __slots__ = ("__weakref__", "args", "key")
    rank = 9

    args: tuple[Expr, ...]
    key: tuple  # total order used to sort the arguments of sums and products

    @classmethod
    def _intern(cls, ident: tuple, args: tuple[Expr, ...], key: tuple) -> Any:
        found = lookup(ident)
        if found is not None:
            return found
        node = object.__new__(cls)
        object.__setattr__(node, "args", args)
        object.__setattr__(node, "key", key)
        _TABLE[ident] = weakref.ref(node)  # a dead node's entry is replaced here, or swept
        if len(_TABLE) > _sweep_at:
            _sweep()
        return node

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "key"):
            raise AttributeError("expressions are immutable")
        object.__setattr__(self, name, value)

    def __reduce__(self):  # pickling rebuilds through the canonical constructors
        return (rebuild, (self.func, self.args))

    # --- structure -------------------------------------------------------------------------
    @property
    def func(self) -> Any:
        return type(self)

    def walk(self) -> Iterator[Expr]:
        """Every distinct subexpression once, children before parents (iterative)."""
        return post_order((self,))

    @property
    def free_symbols(self) -> frozenset[Symbol]:
        return frozenset(n for n in self.walk() if isinstance(n, Symbol))

    def has(self, target: Expr) -> bool:
        return any(n is target for n in self.walk())

    def size(self) -> int:
        """The number of distinct nodes of the DAG."""
        return sum(1 for _ in self.walk())

    # --- arithmetic ------------------------------------------------------------------------
    def __add__(self, other: Any) -> Expr:
        return add(self, other)

    def __radd__(self, other: Any) -> Expr:
        return add(other, self)

    def __sub__(self, other: Any) -> Expr:
        return add(self, mul(MINUS_ONE, other))

    def __rsub__(self, other: Any) -> Expr:
        return add(other, mul(MINUS_ONE, self))

    def __mul__(self, other: Any) -> Expr:
        return mul(self, other)

    def __rmul__(self, other: Any) -> Expr:
        return mul(other, self)

    def __truediv__(self, other: Any) -> Expr:
        return mul(self, power(other, MINUS_ONE))

    def __rtruediv__(self, other: Any) -> Expr:
        return mul(other, power(self, MINUS_ONE))

    def __pow__(self, other: Any) -> Expr:
        return power(self, other)

    def __rpow__(self, other: Any) -> Expr:
        return power(other, self)

    def __neg__(self) -> Expr:
        return mul(MINUS_ONE, self)

    def __pos__(self) -> Expr:
        return self

    # --- numbers ---------------------------------------------------------------------------
    def __float__(self) -> float:
        return evaluate_float(self, {})

    def subs(self, mapping: dict[Any, Any]) -> Expr:
        """Replace symbols (or any subexpression) and rebuild in canonical form."""
        return substitute(self, mapping)

    def evaluate(self, **values: Any) -> Expr | float:
        """Value at a point: exact when every input is exact, else a float.

        >>> from calcml import parse
        >>> parse("x^2 + 1/3").evaluate(x=2)
        13/3
        >>> parse("sin(x)").evaluate(x=0.5)
        0.479425538604203
        """
        return evaluate_point(self, values)

    # --- printing --------------------------------------------------------------------------
    def __str__(self) -> str:
        return python_form(self)

    def __repr__(self) -> str:
        return str(self)

    def text(self) -> str:
        """Human form: `^`, `·`, unicode (x², √x, π)."""
        return human_form(self)

    def latex(self) -> str:
        """LaTeX form."""
        return latex_form(self)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"


class Number(Expr):
    """An exact integer or rational, or a float the user wrote."""

    __slots__ = ()
    rank = 0

    @property
    def value(self) -> Real:
        return self.key[1]

    @property
    def func(self) -> Any:
        return number

    def __reduce__(self):
        return (number, (self.value,))

    @property
    def is_exact(self) -> bool:
        return not isinstance(self.value, float)


class Constant(Expr):
    """A named mathematical constant (π, e): symbolic, with a float value."""

    __slots__ = ()
    rank = 1

    @property
    def name(self) -> str:
        return self.key[1][1]

    @property
    def value(self) -> float:
        return self.key[1][2]

    def __reduce__(self):
        return (constant, (self.name, self.value))


class Symbol(Expr):
    """A real variable or parameter."""

    __slots__ = ()
    rank = 2

    @property
    def name(self) -> str:
        return self.key[1][1]

    @property
    def func(self) -> Any:
        return symbol

    def __reduce__(self):
        return (symbol, (self.name,))


class Pow(Expr):
    """`base ** exponent`."""

    __slots__ = ()
    rank = 3

    @property
    def base(self) -> Expr:
        return self.args[0]

    @property
    def exp(self) -> Expr:
        return self.args[1]

    @property
    def func(self) -> Any:
        return power


class Apply(Expr):
    """A primitive of the registry applied to one argument."""

    __slots__ = ("prim",)
    rank = 4

    @property
    def arg(self) -> Expr:
        return self.args[0]

    @property
    def func(self) -> Any:
        return self.prim

    def __reduce__(self):
        return (apply_by_name, (self.prim.name, self.arg))


class Add(Expr):
    """An n-ary sum; the number term, if any, comes first."""

    __slots__ = ()
    rank = 5

    @property
    def func(self) -> Any:
        return add


class Mul(Expr):
    """An n-ary product; the number coefficient, if any, comes first."""

    __slots__ = ()
    rank = 6

    @property
    def func(self) -> Any:
        return mul



def sort_key(own: tuple, exp_key: tuple = (0, 1, "int")) -> tuple:
    """Numbers sort by value (rank 0); every other node as (1, its base's key, its exponent's
    key), so x, x^2, x^3 sit together. Each position holds one type, so any two keys compare.
    Shared with `canonical`, which keys the compound nodes it builds."""
    return (1, own, exp_key)


# --- leaves ----------------------------------------------------------------------------------


def number(value: Real) -> Number:
    """The node of a number; a rational with denominator 1 becomes an integer."""
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return _number_node(value)
    if kind is Fraction:
        return _number_node(value.numerator if value.denominator == 1 else value)
    if isinstance(value, bool | numbers.Integral):
        return _number_node(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise DomainError(f"{value} is not a real number calcml can work with")
        return _number_node(float(value))
    raise TypeError(f"not a number: {value!r}")


def _number_node(value: Real) -> Number:
    kind = type(value).__name__
    return Number._intern((Number, kind, value), (), (0, value, kind))


def symbol(name: str) -> Symbol:
    """The real variable called `name`."""
    return Symbol._intern((Symbol, name), (), sort_key((2, name)))


def symbols(names: str) -> tuple[Symbol, ...]:
    """Several symbols from a space- or comma-separated string: `x, y = symbols("x y")`."""
    return tuple(symbol(n) for n in names.replace(",", " ").split())


def constant(name: str, value: float) -> Constant:
    return Constant._intern((Constant, name), (), sort_key((1, name, value)))


ZERO = number(0)
ONE = number(1)
MINUS_ONE = number(-1)
HALF = number(Fraction(1, 2))
PI = constant("pi", math.pi)
E = constant("E", math.e)


def as_expr(value: Any) -> Expr:
    """Lift a Python number to a node; leave nodes alone."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, int | Fraction | float):
        return number(value)
    raise TypeError(f"cannot use {type(value).__name__} {value!r} in an expression")


@contextmanager
def construction() -> Iterator[None]:
    """Pause Python's cycle collector while building many nodes.

    Nodes never form reference cycles, so the collector has nothing to find among them, yet
    each of its passes walks every live object: on large derivatives that cost 40% of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rebuild(func: Any, args: tuple[Expr, ...]) -> Expr:
    """`e == rebuild(e.func, e.args)` for every node (SymPy's invariant)."""
    return func(*args)

