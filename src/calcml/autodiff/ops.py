"""Structural operations on tensors: reductions, shapes, joining and `where` (indexing is in
`indexing.py`).

Each operation is its forward computation next to its vector-Jacobian product (`rule(g, y, *inputs)`
returns the gradient for one input). Rules use only operations that arrays and tensors share
(`reshape`, `sum`, indexing, arithmetic), plus the small dispatchers below, so the same rule serves
plain backward and `create_graph=True`.

Conventions: the gradient of `max`/`min` is split evenly among tied entries (as JAX does);
`where` sends exact zeros into the branch it did not take.

Arrays of another namespace (`namespaces.py`) take the standard's functions (`xp.sum`,
`xp.reshape`, `xp.permute_dims`, ...) where NumPy code calls a method; the helpers `xsum`,
`xreshape` and `xtranspose` (in `namespaces.py`) pick one or the other for rules that see
arrays and tensors alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from calcml.autodiff.graph import const, nary, unary
from calcml.autodiff.namespaces import (
    common_namespace,
    foreign,
    namespace,
    where_foreign,
    xreduce,
    xreshape,
    xsum,
    xtranspose,
)
from calcml.autodiff.tensor import Op, Tensor, value_of

Axis = int | tuple[int, ...] | None


def as_tensor(x: Any) -> Tensor:
    """`x` itself if it is a tensor, else a constant tensor of it."""
    return x if x.__class__ is Tensor else Tensor(x)


def normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """`axis` as a sorted tuple of non-negative axes (shared by the reductions elsewhere)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim if ndim else a for a in axis))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """`shape` with the reduced axes kept as length 1."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _broadcast(g: Any, shape: tuple[int, ...]) -> Any:
    return broadcast_to(g, shape) if g.__class__ is Tensor else namespace(g).broadcast_to(g, shape)


def unbroadcast(g: Any, shape: tuple[int, ...], lead: int = 0) -> Any:
    """Sum `g` over the axes that broadcasting added or stretched, to give it `shape`.

    The only place where broadcasting is undone. Works on arrays and on tensors.

    Arguments:
        g: a gradient of the broadcast result's shape.
        shape: the shape of the operand before broadcasting.
        lead: how many leading axes of `g` are a batch of cotangents (a batched backward pass,
            see `gradients`); they are kept.

    Returns:
        the gradient for the operand, of shape `g.shape[:lead] + shape`.

    >>> unbroadcast(np.ones((4, 2, 3)), (2, 1)).tolist()
    [[12.0], [12.0]]
    >>> unbroadcast(np.ones((5, 2, 3)), (3,), lead=1).shape
    (5, 3)
    """
    gshape = g.shape
    if lead:
        shape = gshape[:lead] + tuple(shape)
    if gshape == shape:
        return g
    extra = len(gshape) - len(shape)
    axes = tuple(range(lead, lead + extra)) + tuple(
        extra + i for i, n in enumerate(shape) if i >= lead and n == 1 and gshape[extra + i] != 1
    )
    if axes:
        g = xsum(g, axes)
    return xreshape(g, shape)


def batch_lead(g: Any, y: Any) -> int:
    """How many leading axes of the cotangent `g` are a batch: its rank beyond the output's."""
    return g.ndim - np.ndim(value_of(y))


def batch_axes(g: Any, y: Any) -> tuple[int, ...]:
    """The batch axes in front of a cotangent (none outside a batched pass; see `engine`)."""
    return g.shape[: batch_lead(g, y)]


def batched_index(index: Any, n: int) -> Any:
    """`index` behind `n` full slices, so that it skips the batch axes (indexing.py's too)."""
    if not n:
        return index
    return (slice(None),) * n + (index if isinstance(index, tuple) else (index,))


# --- reductions ----------------------------------------------------------------------------------


def _sum_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...]) -> Any:
    batch = batch_axes(g, y)
    return _broadcast(xreshape(g, batch + kept), batch + x.shape)


def _mean_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...], n: int) -> Any:
    batch = batch_axes(g, y)
    return _broadcast(xreshape(g, batch + kept) / n, batch + x.shape)


def _extreme_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    xv = value_of(x)
    xp = foreign(xv)
    if xp is None:
        mask = xv == np.reshape(value_of(y), kept)
        share = (mask / mask.sum(axis=axes, keepdims=True)).astype(xv.dtype, copy=False)
    else:
        mask = xp.astype(xv == xp.reshape(value_of(y), kept), xv.dtype)
        share = mask / xp.sum(mask, axis=axes, keepdims=True)
    return xreshape(g, batch_axes(g, y) + kept) * share


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
    kept = kept_shape(d.shape, normalize_axes(axis, d.ndim))
    return unary(xsum(d, axis, keepdims), x, (d, kept), SUM)


def mean(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over `axis` (all axes by default), as `np.mean`."""
    d = x.data
    axes = normalize_axes(axis, d.ndim)
    n = int(np.prod([d.shape[a] for a in axes]))
    y = xreduce(d, "mean", axis, keepdims)
    return unary(y, x, (d, kept_shape(d.shape, axes), n), MEAN)


def amax(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Maximum over `axis`; the gradient is shared evenly among tied maxima.

    >>> t = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    >>> t.max().backward()
    >>> t.grad
    array([0. , 0.5, 0.5])
    """
    d = x.data
    axes = normalize_axes(axis, d.ndim)
    y = xreduce(d, "max", axis, keepdims)
    return unary(y, x, (d, kept_shape(d.shape, axes), axes), MAX)


def amin(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Minimum over `axis`; the gradient is shared evenly among tied minima."""
    d = x.data
    axes = normalize_axes(axis, d.ndim)
    y = xreduce(d, "min", axis, keepdims)
    return unary(y, x, (d, kept_shape(d.shape, axes), axes), MIN)


# --- shapes --------------------------------------------------------------------------------------


def _reshape_rule(g: Any, y: Any, x: Any) -> Any:
    return xreshape(g, batch_axes(g, y) + x.shape)


def _transpose_rule(g: Any, y: Any, x: Any, inverse: tuple[int, ...] | None) -> Any:
    lead = batch_lead(g, y)
    if not lead:
        return xtranspose(g, inverse)
    if inverse is None:
        inverse = tuple(reversed(range(g.ndim - lead)))
    return xtranspose(g, tuple(range(lead)) + tuple(lead + i for i in inverse))


def _unbroadcast_rule(g: Any, y: Any, x: Any) -> Any:
    return unbroadcast(g, x.shape, batch_lead(g, y))


RESHAPE = Op("reshape", (_reshape_rule,))
TRANSPOSE = Op("transpose", (_transpose_rule,))
BROADCAST = Op("broadcast_to", (_unbroadcast_rule,))


def reshape(x: Tensor, shape: Any) -> Tensor:
    """`x` with a new shape (as `np.reshape`, `-1` allowed)."""
    d = x.data
    return unary(xreshape(d, shape), x, (d,), RESHAPE)


def transpose(x: Tensor, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes (reverse them by default), as `np.transpose`."""
    d = x.data
    inverse = None if axes is None else tuple(int(i) for i in np.argsort(axes))
    return unary(xtranspose(d, axes), x, (d, inverse), TRANSPOSE)


def broadcast_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """`np.broadcast_to` for tensors; the gradient is summed back (`unbroadcast`)."""
    d = x.data
    return unary(namespace(d).broadcast_to(d, tuple(shape)), x, (d,), BROADCAST)


# --- joining -------------------------------------------------------------------------------------


def _taking(index: tuple[Any, ...]) -> Any:
    index = (*index, Ellipsis)  # the same selection, in the form every namespace accepts

    def rule(g: Any, y: Any, *inputs: Any) -> Any:
        return g[batched_index(index, batch_lead(g, y))]

    return rule


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as `np.concatenate`.

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    parents = tuple(t if t.__class__ is Tensor else None for t in tensors)
    datas = tuple(value_of(t) for t in tensors)
    xp = common_namespace(datas)
    y = np.concatenate(datas, axis=axis) if xp is None else xp.concat(datas, axis=axis)
    ax = axis % y.ndim
    rules, start = [], 0
    for d in datas:
        stop = start + np.shape(d)[ax]
        rules.append(_taking((slice(None),) * ax + (slice(start, stop),)))
        start = stop
    return nary(y, parents, datas, Op("concatenate", tuple(rules)))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis, as `np.stack`.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    parents = tuple(t if t.__class__ is Tensor else None for t in tensors)
    datas = tuple(value_of(t) for t in tensors)
    xp = common_namespace(datas)
    y = np.stack(datas, axis=axis) if xp is None else xp.stack(datas, axis=axis)
    ax = axis % y.ndim
    rules = tuple(_taking((slice(None),) * ax + (i,)) for i in range(len(datas)))
    return nary(y, parents, datas, Op("stack", rules))


# --- where ---------------------------------------------------------------------------------------


def where_any(c: Any, a: Any, b: Any) -> Any:
    """`where` on tensors, `np.where` on arrays: for rules that serve both (nnops, norms)."""
    if a.__class__ is Tensor or b.__class__ is Tensor:
        return where(c, a, b)
    xp = common_namespace((c, a, b))
    return np.where(c, a, b) if xp is None else where_foreign(xp, c, a, b)


def _where_a(g: Any, y: Any, a: Any, b: Any, c: Any) -> Any:
    return unbroadcast(where_any(c, g, 0.0), np.shape(a), batch_lead(g, y))


def _where_b(g: Any, y: Any, a: Any, b: Any, c: Any) -> Any:
    return unbroadcast(where_any(c, 0.0, g), np.shape(b), batch_lead(g, y))


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
    pa = a if a.__class__ is Tensor else None
    pb = b if b.__class__ is Tensor else None
    av, bv, c = value_of(a), value_of(b), value_of(cond)
    xp = common_namespace((c, av, bv))
    if xp is None:
        c = np.asarray(c, dtype=bool)
        return nary(np.where(c, av, bv), (pa, pb), (av, bv, c), WHERE)
    return nary(where_foreign(xp, c, av, bv), (pa, pb), (av, bv, c), WHERE)


def constant(x: Any) -> Tensor:
    """A tensor outside the graph (no gradient flows into it)."""
    return const(np.asarray(x) if foreign(x) is None else x)


# --- Tensor's structural methods, installed here (see the package docstring) --------------------


def _sum_method(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    return sum(self, axis, keepdims)


def _mean_method(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    return mean(self, axis, keepdims)


def _max_method(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    return amax(self, axis, keepdims)


def _min_method(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    return amin(self, axis, keepdims)


def _reshape_method(self: Tensor, *shape: Any) -> Tensor:
    return reshape(self, shape[0] if len(shape) == 1 else shape)


def _transpose_method(self: Tensor, *axes: Any) -> Tensor:
    return transpose(self, axes[0] if len(axes) == 1 else (axes or None))


def _swapaxes_method(self: Tensor, a: int, b: int) -> Tensor:
    order = list(range(self.data.ndim))
    order[a], order[b] = order[b], order[a]
    return transpose(self, tuple(order))


def _T(self: Tensor) -> Tensor:
    return transpose(self, None)


for _name, _method in (
    ("sum", _sum_method),
    ("mean", _mean_method),
    ("max", _max_method),
    ("min", _min_method),
    ("reshape", _reshape_method),
    ("transpose", _transpose_method),
    ("swapaxes", _swapaxes_method),
):
    _method.__name__, _method.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _method)
Tensor.T = property(_T)  # type: ignore[assignment]
