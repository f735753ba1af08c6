"""Numbers from expressions: substitution, values at a point, and compiled vectorized functions.

`compile` turns expressions into one straight-line program over the DAG, so every shared
subexpression is computed once. The program runs on whatever supports arithmetic and the
registry's functions: floats, NumPy arrays, or tensors (so a symbolic loss can be trained).
No text is ever turned into code: the program is a list of operations, not source.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from calcml.core import late, nodes
from calcml.core.arrays import is_cupy, is_dask
from calcml.core.expr import (
    Add,
    Apply,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    as_expr,
    post_order,
    symbol,
)
from calcml.core.lazy import LazyModule

np: Any = LazyModule("numpy", globals(), "np")

#: One step of a program: (operation, output slot, first input, then None | the second input
#: | the other inputs of an n-ary sum or product). Public: `blocks` runs the same steps.
Step = tuple[Callable[..., Any], int, int, Any]

# --- late-bound slot (see `late`): set by `blocks`, which runs steps into one block ---------
execute_into_block: Callable[..., list[Any]] = late.unbound("execute_into_block")
bind_late = late.binder(globals(), ("execute_into_block",))


def substitute(expr: Expr, mapping: dict[Any, Any]) -> Expr:
    """Replace subexpressions (usually symbols) and rebuild in canonical form, iteratively."""
    table: dict[Expr, Expr] = {}
    for old, new in mapping.items():
        key = symbol(old) if isinstance(old, str) else as_expr(old)
        table[key] = as_expr(new)
    done: dict[Expr, Expr] = {}
    for node in expr.walk():
        if node in table:
            done[node] = table[node]
        elif not node.args:
            done[node] = node
        else:
            args = tuple(done[a] for a in node.args)
            same = all(a is b for a, b in zip(args, node.args, strict=True))
            done[node] = node if same else node.func(*args)
    return done[expr]


def evaluate_point(expr: Expr, values: dict[str, Any]) -> Expr | float:
    """Exact (a node) when the result is rational, a float when it is a number otherwise,
    the remaining expression when symbols are left."""
    result = substitute(expr, values)
    if isinstance(result, Number):
        return result if result.is_exact else result.value
    if result.free_symbols:
        return result
    return evaluate_float(result, {})


def evaluate_float(expr: Expr, values: dict[str, float]) -> float:
    """The float value of `expr` with symbols bound by name."""
    missing = {s.name for s in expr.free_symbols} - set(values)
    if missing:
        raise ValueError(f"no value given for {', '.join(sorted(missing))}")
    program = Program([expr], [symbol(n) for n in values])
    with np.errstate(all="ignore"):
        return float(program(*(np.float64(v) for v in values.values()))[0])


class Program:
    """A straight-line program computing several expressions of the same variables."""

    def __init__(self, exprs: Sequence[Expr], variables: Sequence[Symbol], *,
                 discover: bool = False):  # fmt: skip
        """`discover=True` appends every other symbol met to the inputs (see `variables`)."""
        self.variables = list(variables)
        self.input_slots = list(range(len(self.variables)))
        self.discover = discover
        self.outputs: list[int] = []
        self.steps: list[Step] = []
        self.constants: dict[int, float] = {}
        slot: dict[Expr, int] = {v: i for i, v in enumerate(self.variables)}
        self.size = len(self.variables)
        self._scalar_steps: list[Step] | None = None
        self._array_steps: list[Step] | None = None
        self._place(list(post_order(exprs, slot)), slot)
        self.outputs = [slot[e] for e in exprs]

    def _place(self, nodes: list[Expr], slot: dict[Expr, int]) -> None:
        """Give each node (children first) the next slot, and its step."""
        append, here = self.steps.append, self.size
        for node in nodes:  # hot for large expressions: lookups bound once, lists built in C
            slot[node] = here
            args = node.args
            if not args:
                self._leaf(node, here)
            elif len(args) == 1:
                append((_operation(node, 1), here, slot[args[0]], None))
            elif len(args) == 2:
                append((_operation(node, 2), here, slot[args[0]], slot[args[1]]))
            else:
                rest = tuple(map(slot.__getitem__, args[1:]))
                append((_operation(node, len(args)), here, slot[args[0]], rest))
            here += 1
        self.size = here

    def _leaf(self, node: Expr, here: int) -> None:
        if isinstance(node, Symbol):
            if not self.discover:
                names = ", ".join(v.name for v in self.variables)
                raise ValueError(f"{node.name} is not one of the variables ({names})")
            self.variables.append(node)
            self.input_slots.append(here)
        else:
            self.constants[here] = float(node.value)  # type: ignore[attr-defined]

    def __call__(self, *inputs: Any) -> list[Any]:
        if len(inputs) != len(self.variables):
            raise TypeError(f"expected {len(self.variables)} inputs, got {len(inputs)}")
        return _execute(self.steps, self._filled(inputs), self.outputs)

    def at_point(self, *inputs: float) -> list[float]:
        """All outputs at one point, in Python floats with `math` (no NumPy): the quick path
        for small checks (see `has_scalar_form`). Raises ArithmeticError or ValueError where a
        value is undefined."""
        return _execute(self.scalar_steps(), self._filled(inputs), self.outputs)

    def on_arrays(self, *inputs: Any, block: tuple[int, ...] | None = None) -> list[Any]:
        """All outputs on float NumPy arrays, with the constants as 0-d arrays: NumPy multiplies an
        array by a 0-d array in half the time it takes to convert a Python float first.

        `block`, the inputs' broadcast shape, writes every output into one block of that shape
        per output (see `blocks`): for large arrays, one allocation instead of one per output.
        """
        if len(inputs) != len(self.variables):
            raise TypeError(f"expected {len(self.variables)} inputs, got {len(inputs)}")
        values = self._filled(inputs, np.asarray)
        with np.errstate(all="ignore"):  # once here, not in each function: callers check
            if block is None:
                return _execute(self.array_steps(), values, self.outputs)
            return execute_into_block(self.array_steps(), values, self.outputs, block)

    def array_steps(self) -> list[Step]:
        """The steps with each operation replaced by its bare NumPy form (built once): powers
        as `**` (the inputs are float arrays), functions without their own `errstate`."""
        found = self._array_steps
        if found is None:
            found = self._array_steps = _converted(self.steps, _array_form)
        return found

    def _filled(self, inputs: tuple[Any, ...], lift: Callable[[float], Any] | None = None
                ) -> list[Any]:  # fmt: skip
        """One slot per node, with the inputs and the constants (through `lift`) in place."""
        values: list[Any] = [None] * self.size
        for i, value in zip(self.input_slots, inputs, strict=True):
            values[i] = value
        for i, c in self.constants.items():
            values[i] = c if lift is None else lift(c)
        return values

    def scalar_steps(self) -> list[Step]:
        """The steps with each operation replaced by its one-float form (built once)."""
        found = self._scalar_steps
        if found is None:
            found = self._scalar_steps = _converted(self.steps, _scalar_form)
        return found

    def has_scalar_form(self) -> bool:
        """Whether every function in the program has a `math` form (`at_point` works)."""
        return all(op in _SCALAR_OPS or not hasattr(op, "impl") or op.scalar is not None
                   for op, *_ in self.steps)  # fmt: skip


def _execute(steps: list[Step], values: list[Any],
             outputs: list[int]) -> list[Any]:  # fmt: skip
    """Run the steps over `values` (inputs and constants filled in); the outputs' values."""
    for op, out, first, second in steps:  # the hot loop: unary and binary inline
        if second is None:
            values[out] = op(values[first])
        elif second.__class__ is int:
            values[out] = op(values[first], values[second])
        else:  # n-ary (`sum` or `math.prod`): the rest folded onto the first value, in C
            values[out] = op(map(values.__getitem__, second), start=values[first])
    return [values[i] for i in outputs]


def reciprocal(b: Any, _e: Any) -> Any:
    """The operation of `b^-1` (public: `blocks` writes it into a block as `np.divide`)."""
    return 1.0 / b


def square(b: Any, _e: Any) -> Any:
    """The operation of `b^2` (public: `blocks` writes it into a block as `np.multiply`)."""
    return b * b


def _power(b: Any, e: Any) -> Any:
    if isinstance(b, np.ndarray | float | int) and isinstance(e, float | int):
        return np.power(np.asarray(b, dtype=float), e)
    return b**e


def _int_power(b: Any, e: int) -> Any:
    """`b ** e` for an integer e: integers are made floats first (they would wrap, or refuse
    e < 0), Python numbers NumPy floats (inf on overflow, as arrays); tensors pass as they are."""
    cls = b.__class__
    if cls is np.ndarray:
        if b.dtype.kind != "f":
            b = b.astype(float)
    elif cls is float or cls is int or isinstance(b, np.integer):
        b = np.float64(b)
    return b**e


_INT_POWERS = {-1: reciprocal, 2: square}


def _scalar_power(b: float, e: float) -> float:
    return math.pow(b, e)  # a ValueError, not a complex number, for (-8)^(1/3)


def _scalar_int_power(b: float, e: int) -> float:
    return b**e  # OverflowError past the float range


_SCALAR_OPS: dict[Callable[..., Any], Callable[..., Any]] = {
    _power: _scalar_power,
    _int_power: _scalar_int_power,
}


#: An array of at least this many numbers is summed or multiplied into in place: each fresh
#: array costs page faults, which on large arrays outweigh a loop in Python.
_IN_PLACE_SIZE = 1 << 14


def _fold(ufunc: Any, items: Iterator[Any], start: Any) -> Any:
    """`start` combined with each item by `ufunc` (np.add or np.multiply), left to right; past
    `_IN_PLACE_SIZE` numbers into the array the first step made (fresh, so nothing else sees
    it), small ones in C by `functools.reduce`."""
    total = ufunc(start, next(items))
    if total.__class__ is not np.ndarray or total.size < _IN_PLACE_SIZE:
        return functools.reduce(ufunc, items, total)
    for x in items:
        if x.__class__ is np.ndarray and x.shape != total.shape:  # it may broadcast wider
            total = ufunc(total, x)
        else:
            ufunc(total, x, out=total)
    return total


def array_sum(items: Iterator[Any], start: Any) -> Any:
    """An n-ary sum on arrays (public: `blocks` writes it into a block as `np.add`)."""
    return _fold(np.add, items, start)


def array_product(items: Iterator[Any], start: Any) -> Any:
    """An n-ary product on arrays (public: `blocks` writes it into a block as `np.multiply`)."""
    return _fold(np.multiply, items, start)


_ARRAY_OPS: dict[Callable[..., Any], Callable[..., Any]] = {
    _power: operator.pow,
    _int_power: operator.pow,
    sum: array_sum,
    math.prod: array_product,
}


def _converted(steps: list[Step], form: Callable[[Callable[..., Any]], Callable[..., Any]]
               ) -> list[Step]:  # fmt: skip
    """The steps with each operation replaced by `form(operation)`, found once per operation."""
    forms: dict[int, Callable[..., Any]] = {}
    out = []
    for op, here, first, second in steps:
        new = forms.get(id(op))
        if new is None:
            new = forms[id(op)] = form(op)
        out.append((new, here, first, second))
    return out


def _scalar_form(op: Callable[..., Any]) -> Callable[..., Any]:
    """The operation on Python floats: `math` forms of powers and registry functions."""
    return _SCALAR_OPS.get(op) or getattr(op, "scalar", None) or op


def _array_form(op: Callable[..., Any]) -> Callable[..., Any]:
    """The operation on float arrays: powers as `**`, registry functions without their own
    `errstate`; other operations as they are."""
    found = _ARRAY_OPS.get(op)
    if found is not None:
        return found
    bare = getattr(getattr(op, "impl", None), "unguarded", None)
    if bare is None:
        return op
    return getattr(np, bare) if isinstance(bare, str) else bare


def _operation(node: Expr, arity: int) -> Callable[..., Any]:
    kind = node.__class__
    if kind is Add:
        return operator.add if arity == 2 else sum
    if kind is Mul:
        return operator.mul if arity == 2 else math.prod
    if kind is Apply:
        return node.prim  # type: ignore[attr-defined]
    assert kind is Pow
    exp = node.exp
    if exp.__class__ is Number and exp.value.__class__ is int:  # type: ignore[attr-defined]
        return _INT_POWERS.get(exp.value, _int_power)  # type: ignore[attr-defined]
    return _power


def compile(
    exprs: Expr | Iterable[Expr], variables: Iterable[Symbol | str] | None = None
) -> Callable[..., Any]:
    """One vectorized function computing one or many expressions, sharing their common parts.

    Arguments:
        exprs: an expression, or several (a list gives a list back).
        variables: the argument order; by default the free symbols sorted by name.

    Returns:
        f(*values) -> value (or a list of values), elementwise with NumPy broadcasting; values
        may be floats, arrays or tensors, or Dask arrays (the result is a lazy Dask array, made
        chunk by chunk) or CuPy arrays (computed on the GPU).

    >>> import numpy as np, calcml as cm
    >>> f = cm.compile([cm.parse("sin(x)^2"), cm.parse("sin(x)*y")], ["x", "y"])
    >>> [round(float(v), 6) for v in f(0.5, 2.0)]
    [0.229849, 0.958851]
    >>> f(np.array([0.0, 1.0]), 1.0)[1]
    array([0.        , 0.84147098])
    """
    single = isinstance(exprs, Expr)
    items = [exprs] if single else [as_expr(e) for e in exprs]
    if variables is None:
        names = sorted({s.name for e in items for s in e.free_symbols})
        syms = [symbol(n) for n in names]
    else:
        syms = [symbol(v) if isinstance(v, str) else v for v in variables]
    program = Program(items, syms)

    def run(*values: Any) -> Any:
        shape = np.broadcast_shapes(*(np.shape(v) for v in values)) if values else ()
        with np.errstate(all="ignore"):
            if _all_arrays(values):  # NumPy's own path: floats, bare ufuncs, sums in place
                large = math.prod(shape) >= _IN_PLACE_SIZE and len(items) > 1
                # a column of a matrix is strided: read many times, a compact copy pays off
                arrays = [np.ascontiguousarray(v, dtype=float) if large else
                          np.asarray(v, dtype=float) for v in values]  # fmt: skip
                out = program.on_arrays(*arrays, block=shape if large else None)
            else:  # Python numbers, tensors, Dask and CuPy arrays: the operations as they are
                out = program(*values)
                engine = _engine(values)
                if engine is not None:  # stay lazy (Dask) or on the GPU (CuPy)
                    out = [engine.full(shape, v) if shape and _is_number(v) else v for v in out]
        out = [np.full(shape, v) if shape and np.ndim(v) == 0 and _is_number(v) else v
               for v in out]  # fmt: skip
        return out[0] if single else out

    run.variables = tuple(s.name for s in syms)  # type: ignore[attr-defined]
    return run


def _engine(values: tuple[Any, ...]) -> Any:
    """`dask.array` or `cupy` when an input is one of their arrays (they then run each step:
    Dask builds a lazy graph it fuses chunk by chunk, CuPy runs on the GPU), else None."""
    for v in values:
        if is_dask(v):
            import dask.array

            return dask.array
        if is_cupy(v):
            import cupy  # type: ignore[import-not-found]

            return cupy
    return None


def _is_number(v: Any) -> bool:
    return isinstance(v, float | int | np.floating | np.ndarray)


def _all_arrays(values: tuple[Any, ...]) -> bool:
    """Real NumPy arrays (at least one with an axis) and real numbers, nothing else."""
    shaped = False
    for v in values:
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "biuf":
                return False
            shaped = shaped or v.ndim > 0
        elif not isinstance(v, int | float | np.integer | np.floating):
            return False
    return shaped


nodes.bind_late(evaluate_float=evaluate_float, evaluate_point=evaluate_point, substitute=substitute)
