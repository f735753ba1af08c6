"""NumPy's shape functions for tensors: ravel, squeeze, moveaxis, roll, flip, tile, split, pad,
sort and the stacking family.

Every one is a composition of `reshape`, `transpose`, `broadcast_to`, indexing and
`concatenate`, whose rules `ops.py` already defines, so gradients (of any order) come for free.
Only `pad` in constant mode has a rule of its own: the gradient is the cotangent's middle.

`sort` sends each gradient back to the entry that landed there; ties keep NumPy's stable order
(each tied entry gets the gradient of the position it was sorted to, as in PyTorch).

>>> import calcml as cm
>>> x = cm.tensor([3.0, 1.0, 2.0], requires_grad=True)
>>> (cm.sort(x) * cm.tensor([1.0, 10.0, 100.0])).sum().backward()
>>> x.grad
array([100.,   1.,  10.])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from calcml.autodiff import ops as _ops
from calcml.autodiff.engine import batch_lead
from calcml.autodiff.graph import unary
from calcml.autodiff.ops import as_tensor, broadcast_to, concatenate, stack
from calcml.autodiff.tensor import Op, Tensor

# --- reshaping -----------------------------------------------------------------------------------


def ravel(a: Any) -> Tensor:
    """The tensor as 1-D (`np.ravel`, C order).

    >>> ravel(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([1., 2., 3., 4.])
    """
    return as_tensor(a).reshape(-1)


flatten = ravel


def squeeze(a: Any, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """Remove length-1 axes (all, or those in `axis`), as `np.squeeze`.

    >>> squeeze(Tensor(np.zeros((1, 3, 1)))).shape
    (3,)
    """
    x = as_tensor(a)
    return x.reshape(np.squeeze(np.empty(x.shape, dtype=bool), axis=axis).shape)


def expand_dims(a: Any, axis: int | tuple[int, ...]) -> Tensor:
    """Insert length-1 axes at `axis`, as `np.expand_dims`.

    >>> expand_dims(Tensor(np.zeros(3)), (0, 2)).shape
    (1, 3, 1)
    """
    x = as_tensor(a)
    return x.reshape(np.expand_dims(np.empty(x.shape, dtype=bool), axis).shape)


def _normalize(axes: int | Sequence[int], ndim: int) -> list[int]:
    axes = [axes] if isinstance(axes, int) else list(axes)
    out = [a % ndim for a in axes]
    if len(set(out)) != len(out):
        raise ValueError("repeated axis")
    return out


def moveaxis(a: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move axes to new positions, the others keeping their order (`np.moveaxis`).

    >>> moveaxis(Tensor(np.zeros((2, 3, 4))), 0, -1).shape
    (3, 4, 2)
    """
    x = as_tensor(a)
    src, dst = _normalize(source, x.ndim), _normalize(destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError("source and destination must have the same number of elements")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return _ops.transpose(x, tuple(order))


def atleast_1d(a: Any) -> Tensor:
    x = as_tensor(a)
    return x.reshape(1) if x.ndim == 0 else x


def atleast_2d(a: Any) -> Tensor:
    x = as_tensor(a)
    return x.reshape((1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


# --- reordering ----------------------------------------------------------------------------------


def _take(x: Tensor, index: np.ndarray, axis: int) -> Tensor:
    return x[(slice(None),) * (axis % x.ndim) + (index,)]


def roll(a: Any, shift: int | Sequence[int], axis: int | Sequence[int] | None = None) -> Tensor:
    """Shift entries along `axis`, wrapping around (`np.roll`; flattened when axis is None).

    >>> roll(Tensor([1.0, 2.0, 3.0]), 1)
    Tensor([3., 1., 2.])
    """
    x = as_tensor(a)
    if axis is None:
        return roll(x.reshape(-1), shift, 0).reshape(x.shape)
    shifts = [shift] if isinstance(shift, int) else list(shift)
    axes = [axis] if isinstance(axis, int) else list(axis)
    shifts, axes = np.broadcast_arrays(shifts, axes)
    for s, ax in zip(shifts.tolist(), axes.tolist(), strict=True):
        x = _take(x, np.roll(np.arange(x.shape[ax]), s), ax)
    return x


def flip(m: Any, axis: int | Sequence[int] | None = None) -> Tensor:
    """Reverse the order along `axis` (all axes by default), as `np.flip`.

    >>> flip(Tensor([1.0, 2.0, 3.0]))
    Tensor([3., 2., 1.])
    """
    x = as_tensor(m)
    axes = range(x.ndim) if axis is None else _normalize(axis, x.ndim)
    index = [slice(None)] * x.ndim
    for ax in axes:
        index[ax] = slice(None, None, -1)
    return x[tuple(index)]


def repeat(a: Any, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
    """Repeat each entry (`np.repeat`; of the flattened array when axis is None).

    >>> repeat(Tensor([1.0, 2.0]), 2)
    Tensor([1., 1., 2., 2.])
    """
    x = as_tensor(a)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return _take(x, np.repeat(np.arange(x.shape[axis]), repeats), axis)


def tile(A: Any, reps: int | Sequence[int]) -> Tensor:
    """Repeat the whole array `reps` times along each axis, as `np.tile`.

    >>> tile(Tensor([1.0, 2.0]), 2)
    Tensor([1., 2., 1., 2.])
    """
    x = as_tensor(A)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    d = max(x.ndim, len(reps))
    shape = (1,) * (d - x.ndim) + x.shape
    reps = (1,) * (d - len(reps)) + reps
    spread = x.reshape(tuple(n for s in shape for n in (1, s)))
    wide = broadcast_to(spread, tuple(n for r, s in zip(reps, shape, strict=True) for n in (r, s)))
    return wide.reshape(tuple(r * s for r, s in zip(reps, shape, strict=True)))


def sort(a: Any, axis: int | None = -1, kind: str | None = None) -> Tensor:
    """Sorted along `axis` (flattened when None), as `np.sort`; ties always keep the stable
    order (`kind` is accepted for NumPy's signature: the values are the same for every kind)."""
    x = as_tensor(a)
    if axis is None:
        x, axis = x.reshape(-1), 0
    order = np.argsort(x.data, axis=axis, kind="stable")
    index = list(np.ix_(*(np.arange(n) for n in x.shape)))
    index[axis % x.ndim] = order
    return x[tuple(index)]


# --- splitting and padding -----------------------------------------------------------------------


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split into pieces along `axis` (sections may differ by one), as `np.array_split`.

    >>> [p.shape for p in array_split(Tensor(np.zeros(5)), 2)]
    [(3,), (2,)]
    """
    x = as_tensor(ary)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int | np.integer):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError("number sections must be larger than 0.")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        bounds = [0, *list(indices_or_sections), n]
    lead = (slice(None),) * (axis % x.ndim)
    return [x[(*lead, slice(lo, hi))] for lo, hi in itertools.pairwise(bounds)]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split into pieces along `axis`, as `np.split` (equal sections or split points).

    >>> split(Tensor([1.0, 2.0, 3.0]), [1])
    [Tensor([1.]), Tensor([2., 3.])]
    """
    n = np.shape(ary.data if isinstance(ary, Tensor) else ary)[axis]
    if isinstance(indices_or_sections, int | np.integer) and n % int(indices_or_sections):
        raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def _pad_rule(g: Any, y: Any, x: Any, middle: tuple[slice, ...]) -> Any:
    return g[(slice(None),) * batch_lead(g, y) + middle]


PAD = Op("pad", (_pad_rule,))
_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(array: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Tensor:
    """Pad each axis, as `np.pad` with mode constant, edge, reflect, symmetric or wrap.

    >>> pad(Tensor([1.0, 2.0]), 1, mode="reflect")
    Tensor([2., 1., 2., 1.])
    """
    x = as_tensor(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2)).tolist()
    if mode == "constant":
        y = np.pad(x.data, widths, mode="constant", constant_values=constant_values)
        middle = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape, strict=True))
        return unary(y, x, (x.data, middle), PAD)
    if mode not in _INDEX_MODES:
        modes = ", ".join(_INDEX_MODES)
        raise ValueError(f"pad mode {mode!r} is not supported (constant, {modes})")
    for ax, (lo, hi) in enumerate(widths):
        if lo or hi:
            x = _take(x, np.pad(np.arange(x.shape[ax]), (lo, hi), mode=mode), ax)
    return x


# --- stacking ------------------------------------------------------------------------------------


def vstack(tup: Sequence[Any]) -> Tensor:
    """Stack along the first axis, 1-D inputs as rows (`np.vstack`).

    >>> vstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return concatenate([atleast_2d(t) for t in tup], axis=0)


def hstack(tup: Sequence[Any]) -> Tensor:
    """Stack along the second axis (the first for 1-D inputs), as `np.hstack`.

    >>> hstack([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    arrs = [atleast_1d(t) for t in tup]
    return concatenate(arrs, axis=0 if arrs and arrs[0].ndim == 1 else 1)


def column_stack(tup: Sequence[Any]) -> Tensor:
    """1-D inputs as columns, 2-D as they are, joined along axis 1 (`np.column_stack`).

    >>> column_stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])
    Tensor([[1., 3.],
            [2., 4.]])
    """
    cols = [t.reshape(-1, 1) if t.ndim < 2 else t for t in map(as_tensor, tup)]
    return concatenate(cols, axis=1)


def dstack(tup: Sequence[Any]) -> Tensor:
    """Stack along the third axis (`np.dstack`).

    >>> dstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (1, 2, 2)
    """
    arrs = [atleast_2d(t) for t in tup]
    return concatenate([t.reshape((*t.shape, 1)) if t.ndim == 2 else t for t in arrs], axis=2)


__all__ = [
    "array_split", "atleast_1d", "atleast_2d", "column_stack", "dstack", "expand_dims",
    "flatten", "flip", "hstack", "moveaxis", "pad", "ravel", "repeat", "roll", "sort", "split",
    "squeeze", "stack", "tile", "vstack",
]  # fmt: skip
