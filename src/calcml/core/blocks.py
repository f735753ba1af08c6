"""Large outputs written into one block: a compiled program's results without a page fault each.

A program with hundreds of outputs on large arrays (a gradient over 10^5 points) spends most of
its time in the kernel, not in arithmetic: every fresh array is fresh memory, touched page by
page. One block for all outputs is one allocation, which NumPy backs with huge pages, and each
output's last operation writes straight into its row (`out=`).
"""

from __future__ import annotations

import operator
from typing import Any

from calcml.core import evaluate
from calcml.core.evaluate import Step, array_product, array_sum, reciprocal, square
from calcml.core.lazy import LazyModule

np: Any = LazyModule("numpy", globals(), "np")  # `calcml.core` loads this module: stay cold

#: Operations that can write into a given array: their NumPy ufunc (filled on first use).
_UFUNCS: dict[Any, Any] = {}


def _ufuncs() -> dict[Any, Any]:
    if not _UFUNCS:
        _UFUNCS.update({
            operator.add: np.add,
            operator.mul: np.multiply,
            operator.pow: np.power,
            array_sum: np.add,
            array_product: np.multiply,
        })  # fmt: skip
    return _UFUNCS


def execute_into_block(steps: list[Step], values: list[Any], outputs: list[int],
                       shape: tuple[int, ...]) -> list[Any]:  # fmt: skip
    """A program's steps run on float arrays of `shape`, every output a row of one fresh block,
    and each intermediate array recycled as the home of a later one once its last reader has
    run."""
    views = list(np.empty((len(outputs), *shape)))  # one view per row, made once
    rows = {slot: views[k] for k, slot in enumerate(outputs)}  # a repeated output: one row
    last_use = _last_uses(steps)
    spare: list[Any] = []  # dead intermediates' arrays, free to be written over
    owned: set[int] = set()  # slots whose arrays were made here (not inputs, rows or constants)
    for i, (op, out, first, second) in enumerate(steps):
        reads = _reads(first, second)
        args = tuple(values[s] for s in reads)
        row = rows.get(out)
        if row is None and spare and any(_full(a, shape) for a in args):
            row = spare.pop()
            owned.add(out)
        if row is not None:
            values[out] = _into(op, args, second, row)
        else:
            values[out] = op(*args) if second is None or second.__class__ is int else \
                op(iter(args[1:]), start=args[0])  # fmt: skip
            if _full(values[out], shape):
                owned.add(out)
        for s in reads:
            if last_use[s] == i and s in owned:
                owned.discard(s)
                spare.append(values[s])
    for k, slot in enumerate(outputs):
        if values[slot] is not views[k]:  # an input, a constant or a repeated output
            views[k][...] = values[slot]
    return views


def _reads(first: int, second: Any) -> tuple[int, ...]:
    if second is None:
        return (first,)
    return (first, second) if second.__class__ is int else (first, *second)


def _last_uses(steps: list[Step]) -> dict[int, int]:
    """For each slot, the index of the last step that reads it."""
    last: dict[int, int] = {}
    for i, (_op, _out, first, second) in enumerate(steps):
        for s in _reads(first, second):
            last[s] = i
    return last


def _full(value: Any, shape: tuple[int, ...]) -> bool:
    return value.__class__ is np.ndarray and value.shape == shape


def _into(op: Any, args: tuple, second: Any, row: Any) -> Any:
    """The step's value, written into `row`."""
    if op is reciprocal:
        return np.divide(1.0, args[0], out=row)
    if op is square:
        return np.multiply(args[0], args[0], out=row)
    ufunc = _ufuncs().get(op) or (op if isinstance(op, np.ufunc) else None)
    if ufunc is None:  # a registry function with its own code (sigmoid, relu, ...)
        row[...] = op(*args)
        return row
    if second is None or second.__class__ is int:
        return ufunc(*args, out=row)
    ufunc(args[0], args[1], out=row)  # an n-ary sum or product, folded in place
    for x in args[2:]:
        ufunc(row, x, out=row)
    return row


evaluate.bind_late(execute_into_block=execute_into_block)
