"""Indexing tensors: `x[index]` with NumPy's basic and fancy indexing, and its transpose
`scatter`, each next to its vector-Jacobian product.

The gradient of indexing is scattered back: assigned where an index never selects an element
twice (basic indexing, boolean masks), added with `np.add.at` otherwise, so an element selected
twice gets both contributions. On another array namespace an index gets a trailing `...` (NumPy
reads a short index that way, the standard asks for it written), and the added form needs
CuPy's `scatter_add`: elsewhere it is a one-line error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff.graph import unary
from calcml.autodiff.namespaces import device_of, foreign, scatter_foreign
from calcml.autodiff.ops import batch_axes, batch_lead, batched_index
from calcml.autodiff.tensor import Op, Tensor, value_of


def _is_basic(index: Any) -> bool:
    """Indexes that never select an element twice, so the gradient can be assigned, not added."""
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if part is None or part is Ellipsis or isinstance(part, int | slice | np.integer):
            continue
        if isinstance(part, np.ndarray) and part.dtype == bool:
            continue
        xp = foreign(part)
        if xp is not None and part.dtype == xp.bool:
            continue
        return False
    return True


def _scatter_array(g: Any, index: Any, shape: tuple[int, ...], basic: bool) -> Any:
    xp = foreign(g)
    if xp is not None:
        return scatter_foreign(xp, g, index, shape, basic)
    out = np.zeros(shape, dtype=np.result_type(g))
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)  # repeated indices add up
    return out


def _getitem_rule(g: Any, y: Any, x: Any, index: Any, basic: bool) -> Any:
    batch = batch_axes(g, y)
    index, shape = batched_index(index, len(batch)), batch + x.shape
    if g.__class__ is Tensor:
        return scatter(g, index, shape, basic)
    return _scatter_array(g, index, shape, basic)


def _scatter_rule(g: Any, y: Any, src: Any, index: Any, shape: Any, basic: bool) -> Any:
    return g[batched_index(index, batch_lead(g, y))]


GETITEM = Op("getitem", (_getitem_rule,))
SCATTER = Op("scatter", (_scatter_rule,))


def getitem(x: Tensor, index: Any) -> Tensor:
    """`x[index]` with NumPy's basic and fancy indexing; the gradient is scattered back with
    `np.add.at`, so an element selected twice gets both contributions."""
    index = tuple(value_of(i) for i in index) if isinstance(index, tuple) else value_of(index)
    d = x.data
    xp = foreign(d)
    if xp is not None:
        index = _complete(
            index if not isinstance(index, list) else xp.asarray(index, device=device_of(d))
        )
    elif isinstance(index, list):
        index = np.asarray(index)
    return unary(d[index], x, (d, index, _is_basic(index)), GETITEM)


def _complete(index: Any) -> tuple[Any, ...]:
    """`index` with a trailing `...` unless it has one: NumPy reads a short index that way, the
    array API standard asks for it to be written."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(part is Ellipsis for part in parts):
        return parts
    return (*parts, Ellipsis)


def scatter(g: Tensor, index: Any, shape: tuple[int, ...], basic: bool = False) -> Tensor:
    """Zeros of `shape` with `g` added at `index` (the transpose of indexing)."""
    d = g.data
    return unary(_scatter_array(d, index, shape, basic), g, (d, index, shape, basic), SCATTER)


def _getitem_method(self: Tensor, index: Any) -> Tensor:
    return getitem(self, index)


# Installed on Tensor here, next to its rule (see the package docstring).
_getitem_method.__name__, _getitem_method.__qualname__ = "__getitem__", "Tensor.__getitem__"
Tensor.__getitem__ = _getitem_method  # type: ignore[method-assign]
