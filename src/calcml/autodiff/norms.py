"""`linalg.norm`: vector and matrix norms with NumPy's `ord`, `axis` and `keepdims`.

The 2-norm (and Frobenius) is an operation of its own so that its gradient at 0 is 0, the
subgradient PyTorch chooses (x/‖x‖ is 0/0 there); away from 0 it is x/‖x‖. The other orders are
compositions: `ord=1` is Σ|x| (|x|' = sign(x), 0 at 0), `ord=±inf` a max/min of |x| (ties share
the gradient evenly), a general p is (Σ|x|^p)^(1/p) (no derivative at x = 0, where
its gradient is NaN), `ord=0` counts non-zeros (gradient 0). Matrix
orders 2, -2 and 'nuc' go through the singular values (see `svd`: distinct values needed).

>>> import calcml as cm
>>> x = cm.tensor([0.0, 0.0], requires_grad=True)
>>> cm.linalg.norm(x).backward()
>>> x.grad
array([0., 0.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import ops as _ops
from calcml.autodiff.decompositions import svd
from calcml.autodiff.graph import unary
from calcml.autodiff.ops import as_tensor, batch_axes, where_any
from calcml.autodiff.shapes import moveaxis
from calcml.autodiff.tensor import Op, Tensor, value_of


def _norm2_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...]) -> Any:
    yk = y.reshape(kept)
    gk = g.reshape(batch_axes(g, y) + kept)
    zero = value_of(yk) == 0
    if np.any(zero):  # the subgradient 0 at the origin
        yk = where_any(zero, 1.0, yk)
        gk = where_any(zero, 0.0, gk)
    return x * (gk / yk)


NORM2 = Op("norm2", (_norm2_rule,))


def norm2(x: Tensor, axes: tuple[int, ...], keepdims: bool) -> Tensor:
    """The 2-norm over `axes` in one node (public: numpy_ops.py's `std` ends in it)."""
    d = x.data
    s = np.sqrt(np.sum(d * d, axis=axes, keepdims=True))
    kept = s.shape
    return unary(s if keepdims else s.reshape(np.squeeze(s, axis=axes).shape), x,
                  (d, kept), NORM2)  # fmt: skip


def _vector(x: Tensor, ord: Any, axis: int, keepdims: bool) -> Tensor:
    if ord is None or ord == 2:
        return norm2(x, (axis,), keepdims)
    a = abs(x)
    if ord == np.inf:
        return a.max(axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return a.min(axis=axis, keepdims=keepdims)
    if ord == 0:
        return Tensor((x.data != 0).sum(axis=axis, keepdims=keepdims).astype(x.dtype))
    if ord == 1:
        return a.sum(axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"invalid norm order {ord!r} for vectors")
    return ((a**ord).sum(axis=axis, keepdims=keepdims)) ** (1.0 / ord)


def _matrix(x: Tensor, ord: Any, axes: tuple[int, int], keepdims: bool) -> Tensor:
    r, c = axes
    if ord is None or ord == "fro":
        return norm2(x, axes, keepdims)
    if ord in (2, -2, "nuc"):
        s = svd(moveaxis(x, (r, c), (-2, -1)), compute_uv=False)
        y = s.sum(axis=-1) if ord == "nuc" else (s.max(axis=-1) if ord == 2 else s.min(axis=-1))
    elif ord in (1, -1, np.inf, -np.inf):
        # 1: the largest column sum of |x|; inf: the largest row sum.
        summed, other = (r, c) if ord in (1, -1) else (c, r)
        sums = abs(x).sum(axis=summed, keepdims=True)
        y = sums.max(axis=other, keepdims=True) if ord > 0 else sums.min(axis=other, keepdims=True)
        y = y.reshape(tuple(n for i, n in enumerate(y.shape) if i not in axes))
    else:
        raise ValueError(f"invalid norm order {ord!r} for matrices")
    if keepdims:
        y = y.reshape(_ops.kept_shape(x.shape, tuple(sorted(axes))))
    return y


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """A vector or matrix norm, as `np.linalg.norm`.

    Arguments:
        x: a tensor or array.
        ord: vector orders None/2, 1, inf, -inf, 0, any p; matrix orders None/'fro', 'nuc',
            1, -1, 2, -2, inf, -inf.
        axis: None (x is 1-D or 2-D, or any shape with `ord=None`: the flattened 2-norm), an
            int (vector norms along it) or a pair (matrix norms over those axes).
        keepdims: keep the reduced axes with length 1.

    >>> norm(Tensor([[1.0, 2.0], [3.0, 4.0]]), ord=1).item()
    6.0
    """
    t = as_tensor(x)
    nd = t.ndim
    if axis is None:
        if ord is None:
            return norm2(t, tuple(range(nd)), keepdims)
        if nd not in (1, 2):
            raise ValueError("improper number of dimensions to norm")
        axis = 0 if nd == 1 else (0, 1)
    if isinstance(axis, int | np.integer):
        return _vector(t, ord, int(axis) % nd, keepdims)
    axes = tuple(int(a) % nd for a in axis)
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError("norm: axis must be an int or a pair of different axes")
    return _matrix(t, ord, axes, keepdims)
