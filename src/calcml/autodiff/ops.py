"""Structural operations on tensors: reductions, shapes, indexing, joining and `where`.

Each operation is its forward computation next to its vector-Jacobian product (`rule(g, y, *inputs)`
returns the gradient for one input). Rules use only operations that arrays and tensors share
(`reshape`, `sum`, indexing, arithmetic), plus the small dispatchers below, so the same rule serves
plain backward and `create_graph=True`.

Conventions: the gradient of `max`/`min` is split evenly among tied entries (as JAX does);
`where` sends exact zeros into the branch it did not take.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from calcml.autodiff import engine as _engine
from calcml.autodiff.graph import _const, _nary, _unary, _value
from calcml.autodiff.tensor import Op, Tensor

Axis = int | tuple[int, ...] | None


def as_tensor(x: Any) -> Tensor:
    """`x` itself if it is a tensor, else a constant tensor of it."""
    return x if x.__class__ is Tensor else Tensor(x)


def _axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim if ndim else a for a in axis))


def _kept(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """`shape` with the reduced axes kept as length 1."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _broadcast(g: Any, shape: tuple[int, ...]) -> Any:
    return broadcast_to(g, shape) if g.__class__ is Tensor else np.broadcast_to(g, shape)


def batch_axes(g: Any, y: Any) -> tuple[int, ...]:
    """The batch axes in front of a cotangent (none outside a batched pass; see `engine`)."""
    return g.shape[: _engine.batch_lead(g, y)]


def _batched(index: Any, n: int) -> Any:
    """`index` behind `n` full slices, so that it skips the batch axes."""
    if not n:
        return index
    return (slice(None),) * n + (index if isinstance(index, tuple) else (index,))


# --- reductions ----------------------------------------------------------------------------------


def _sum_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...]) -> Any:
    batch = batch_axes(g, y)
    return _broadcast(g.reshape(batch + kept), batch + x.shape)


def _mean_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...], n: int) -> Any:
    batch = batch_axes(g, y)
    return _broadcast(g.reshape(batch + kept) / n, batch + x.shape)


def _extreme_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    xv = _value(x)
    mask = xv == np.reshape(_value(y), kept)
    share = (mask / mask.sum(axis=axes, keepdims=True)).astype(xv.dtype, copy=False)
    return g.reshape(batch_axes(g, y) + kept) * share


SUM = Op("sum", (_sum_rule,))
MEAN = Op("mean", (_mean_rule,))
MAX = Op("max", (_extreme_rule,))
MIN = Op("min", (_extreme_rule,))


def sum(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum over `axis` (all axes by default), as `np.sum`.

    >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
    Tensor([4., 6.])
    """
    d = x.data
    kept = _kept(d.shape, _axes(axis, d.ndim))
    return _unary(d.sum(axis=axis, keepdims=keepdims), x, (d, kept), SUM)


def mean(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over `axis` (all axes by default), as `np.mean`."""
    d = x.data
    axes = _axes(axis, d.ndim)
    n = int(np.prod([d.shape[a] for a in axes]))
    return _unary(d.mean(axis=axis, keepdims=keepdims), x, (d, _kept(d.shape, axes), n), MEAN)


def amax(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Maximum over `axis`; the gradient is shared evenly among tied maxima.

    >>> t = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    >>> t.max().backward()
    >>> t.grad
    array([0. , 0.5, 0.5])
    """
    d = x.data
    axes = _axes(axis, d.ndim)
    return _unary(d.max(axis=axis, keepdims=keepdims), x, (d, _kept(d.shape, axes), axes), MAX)


def amin(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Minimum over `axis`; the gradient is shared evenly among tied minima."""
    d = x.data
    axes = _axes(axis, d.ndim)
    return _unary(d.min(axis=axis, keepdims=keepdims), x, (d, _kept(d.shape, axes), axes), MIN)


# --- shapes --------------------------------------------------------------------------------------


def _reshape_rule(g: Any, y: Any, x: Any) -> Any:
    return g.reshape(batch_axes(g, y) + x.shape)


def _transpose_rule(g: Any, y: Any, x: Any, inverse: tuple[int, ...] | None) -> Any:
    lead = _engine.batch_lead(g, y)
    if not lead:
        return g.transpose(inverse)
    if inverse is None:
        inverse = tuple(reversed(range(g.ndim - lead)))
    return g.transpose(tuple(range(lead)) + tuple(lead + i for i in inverse))


def _unbroadcast_rule(g: Any, y: Any, x: Any) -> Any:
    return _engine.unbroadcast(g, x.shape, _engine.batch_lead(g, y))


RESHAPE = Op("reshape", (_reshape_rule,))
TRANSPOSE = Op("transpose", (_transpose_rule,))
BROADCAST = Op("broadcast_to", (_unbroadcast_rule,))


def reshape(x: Tensor, shape: Any) -> Tensor:
    """`x` with a new shape (as `np.reshape`, `-1` allowed)."""
    d = x.data
    return _unary(d.reshape(shape), x, (d,), RESHAPE)


def transpose(x: Tensor, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes (reverse them by default), as `np.transpose`."""
    d = x.data
    inverse = None if axes is None else tuple(int(i) for i in np.argsort(axes))
    return _unary(d.transpose(axes), x, (d, inverse), TRANSPOSE)


def broadcast_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """`np.broadcast_to` for tensors; the gradient is summed back (`unbroadcast`)."""
    d = x.data
    return _unary(np.broadcast_to(d, shape), x, (d,), BROADCAST)


# --- indexing ------------------------------------------------------------------------------------


def _is_basic(index: Any) -> bool:
    """Indexes that never select an element twice, so the gradient can be assigned, not added."""
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if part is None or part is Ellipsis or isinstance(part, int | slice | np.integer):
            continue
        if isinstance(part, np.ndarray) and part.dtype == bool:
            continue
        return False
    return True


def _scatter_array(g: Any, index: Any, shape: tuple[int, ...], basic: bool) -> Any:
    out = np.zeros(shape, dtype=np.result_type(g))
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)  # repeated indices add up
    return out


def _getitem_rule(g: Any, y: Any, x: Any, index: Any, basic: bool) -> Any:
    batch = batch_axes(g, y)
    index, shape = _batched(index, len(batch)), batch + x.shape
    if g.__class__ is Tensor:
        return scatter(g, index, shape, basic)
    return _scatter_array(g, index, shape, basic)


def _scatter_rule(g: Any, y: Any, src: Any, index: Any, shape: Any, basic: bool) -> Any:
    return g[_batched(index, _engine.batch_lead(g, y))]


GETITEM = Op("getitem", (_getitem_rule,))
SCATTER = Op("scatter", (_scatter_rule,))


def getitem(x: Tensor, index: Any) -> Tensor:
    """`x[index]` with NumPy's basic and fancy indexing; the gradient is scattered back with
    `np.add.at`, so an element selected twice gets both contributions."""
    index = tuple(_value(i) for i in index) if isinstance(index, tuple) else _value(index)
    if isinstance(index, list):
        index = np.asarray(index)
    d = x.data
    return _unary(d[index], x, (d, index, _is_basic(index)), GETITEM)


def scatter(g: Tensor, index: Any, shape: tuple[int, ...], basic: bool = False) -> Tensor:
    """Zeros of `shape` with `g` added at `index` (the transpose of indexing)."""
    d = g.data
    return _unary(_scatter_array(d, index, shape, basic), g, (d, index, shape, basic), SCATTER)


# --- joining -------------------------------------------------------------------------------------


def _taking(index: tuple[Any, ...]) -> Any:
    def rule(g: Any, y: Any, *inputs: Any) -> Any:
        return g[_batched(index, _engine.batch_lead(g, y))]

    return rule


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as `np.concatenate`.

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    parents = tuple(t if t.__class__ is Tensor else None for t in tensors)
    datas = tuple(_value(t) for t in tensors)
    y = np.concatenate(datas, axis=axis)
    ax = axis % y.ndim
    rules, start = [], 0
    for d in datas:
        stop = start + np.shape(d)[ax]
        rules.append(_taking((slice(None),) * ax + (slice(start, stop),)))
        start = stop
    return _nary(y, parents, datas, Op("concatenate", tuple(rules)))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis, as `np.stack`.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    parents = tuple(t if t.__class__ is Tensor else None for t in tensors)
    datas = tuple(_value(t) for t in tensors)
    y = np.stack(datas, axis=axis)
    ax = axis % y.ndim
    rules = tuple(_taking((slice(None),) * ax + (i,)) for i in range(len(datas)))
    return _nary(y, parents, datas, Op("stack", rules))


# --- where ---------------------------------------------------------------------------------------


def _select(c: Any, a: Any, b: Any) -> Any:
    if a.__class__ is Tensor or b.__class__ is Tensor:
        return where(c, a, b)
    return np.where(c, a, b)


def _where_a(g: Any, y: Any, a: Any, b: Any, c: Any) -> Any:
    return _engine.unbroadcast(_select(c, g, 0.0), np.shape(a), _engine.batch_lead(g, y))


def _where_b(g: Any, y: Any, a: Any, b: Any, c: Any) -> Any:
    return _engine.unbroadcast(_select(c, 0.0, g), np.shape(b), _engine.batch_lead(g, y))


WHERE = Op("where", (_where_a, _where_b))


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """`a` where `cond` holds, else `b` (broadcasting), as `np.where`.

    The branch not taken receives an exact zero gradient, and a zero gradient stays zero even
    where that branch's derivative is infinite (see `engine`), so no NaN leaks from it:

    >>> import calcml as cm
    >>> x = Tensor([0.0, 2.0], requires_grad=True)
    >>> with np.errstate(divide="ignore"):
    ...     y = where(x > 0, cm.log(x), 0.0)
    >>> y.sum().backward()
    >>> x.grad
    array([0. , 0.5])
    """
    c = np.asarray(_value(cond), dtype=bool)
    pa = a if a.__class__ is Tensor else None
    pb = b if b.__class__ is Tensor else None
    av, bv = _value(a), _value(b)
    return _nary(np.where(c, av, bv), (pa, pb), (av, bv, c), WHERE)


def constant(x: Any) -> Tensor:
    """A tensor outside the graph (no gradient flows into it)."""
    return _const(np.asarray(x))
