"""NumPy's elementwise helpers and reductions for tensors: mod, fmax, prod, cumsum, var, trace...

Most are compositions of operations that already carry derivative rules (`square` is `x * x`,
`var` is a mean of squares, `prod` a tree of products), so they differentiate to any order for
free. The few with rules of their own (`mod`, `fmod`, `fmax`, `fmin`, `cumsum`) write those rules
with operations that serve arrays and tensors alike, as `ops.py` does.

Conventions at kinks and ties (PyTorch's unless said otherwise):
- `mod`/`remainder` and `fmod`: ∂/∂x = 1 and ∂/∂y = -floor(x/y) (resp. -trunc(x/y)) wherever the
  result is continuous; at the jumps the same one-sided values.
- `fmax`/`fmin`: the gradient goes to the larger (smaller) input, split evenly at ties like
  `maximum` (autograd's convention; PyTorch gives a tie wholly to the first input); where one
  input is NaN it goes to the other.
- `prod`: exact at zeros (a tree of products, never division by x), so `prod([0, 2, 3])` has
  gradient `[6, 0, 0]`.
- `std` at a constant slice: gradient 0, as in PyTorch (the 2-norm's subgradient at 0).

>>> import calcml as cm
>>> x = cm.tensor([0.0, 2.0, 3.0], requires_grad=True)
>>> cm.prod(x).backward()
>>> x.grad
array([6., 0., 0.])
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from calcml.autodiff import arithmetic as _arith
from calcml.autodiff import norms as _norms
from calcml.autodiff import ops as _ops
from calcml.autodiff.graph import binary, unary
from calcml.autodiff.indexing import scatter
from calcml.autodiff.nnops import operand_pair
from calcml.autodiff.ops import Axis, as_tensor, concatenate, where
from calcml.autodiff.tensor import Op, Tensor, value_of

# --- mod and friends -----------------------------------------------------------------------------


def _minus_floor_ratio(y: Any, a: Any, b: Any) -> Any:
    return -np.floor(value_of(a) / value_of(b))  # a constant: its own derivative is 0 a.e.


def _minus_trunc_ratio(y: Any, a: Any, b: Any) -> Any:
    return -np.trunc(value_of(a) / value_of(b))


MOD = Op("mod", (None, _minus_floor_ratio), pointwise=True)
FMOD = Op("fmod", (None, _minus_trunc_ratio), pointwise=True)

for _name, _method in zip(
    ("__mod__", "__rmod__"), _arith.operator_methods(MOD, operator.mod), strict=True
):
    _method.__name__ = _method.__qualname__ = _name
    setattr(Tensor, _name, _method)


def mod(x1: Any, x2: Any) -> Tensor:
    """The remainder with the sign of the divisor, `x1 - floor(x1/x2) * x2`, as `np.mod` and `%`.

    >>> mod(Tensor([5.0, -5.0]), 3.0)
    Tensor([2., 1.])
    """
    pa, pb, av, bv = operand_pair(x1, x2)
    return binary(np.mod(av, bv), pa, pb, (av, bv), MOD)


remainder = mod


def fmod(x1: Any, x2: Any) -> Tensor:
    """The remainder with the sign of the dividend (C's fmod), as `np.fmod`.

    >>> fmod(Tensor([5.0, -5.0]), 3.0)
    Tensor([ 2., -2.])
    """
    pa, pb, av, bv = operand_pair(x1, x2)
    return binary(np.fmod(av, bv), pa, pb, (av, bv), FMOD)


def _fmax_a(y: Any, a: Any, b: Any) -> Any:
    av, bv = value_of(a), value_of(b)
    return _share(av > bv, av == bv, np.isnan(bv) & ~np.isnan(av), y)


def _fmax_b(y: Any, a: Any, b: Any) -> Any:
    av, bv = value_of(a), value_of(b)
    return _share(bv > av, av == bv, np.isnan(av) & ~np.isnan(bv), y)


def _share(win: Any, tie: Any, alone: Any, y: Any) -> Any:
    return (win + 0.5 * tie + alone).astype(np.result_type(value_of(y)), copy=False)


FMAX = Op("fmax", (_fmax_a, _fmax_b), pointwise=True)
FMIN = Op("fmin", (_fmax_b, _fmax_a), pointwise=True)


def fmax(x1: Any, x2: Any) -> Tensor:
    """Elementwise maximum that ignores NaN (`np.fmax`); ties split the gradient evenly.

    >>> fmax(Tensor([1.0, np.nan]), Tensor([0.0, 2.0]))
    Tensor([1., 2.])
    """
    pa, pb, av, bv = operand_pair(x1, x2)
    return binary(np.fmax(av, bv), pa, pb, (av, bv), FMAX)


def fmin(x1: Any, x2: Any) -> Tensor:
    """Elementwise minimum that ignores NaN (`np.fmin`); ties split the gradient evenly.

    >>> fmin(Tensor([1.0, np.nan]), Tensor([0.0, 2.0]))
    Tensor([0., 2.])
    """
    pa, pb, av, bv = operand_pair(x1, x2)
    return binary(np.fmin(av, bv), pa, pb, (av, bv), FMIN)


def select(condlist: Any, choicelist: Any, default: Any = 0.0) -> Tensor:
    """The choice of the first condition that holds, else `default`, as `np.select`.

    A chain of `where`, so a choice not taken gets an exact zero gradient (no NaN from it):

    >>> x = Tensor([-1.0, 0.0, 4.0], requires_grad=True)
    >>> with np.errstate(all="ignore"):
    ...     y = select([x.data > 0, x.data < 0], [x**0.5, -x], default=0.0)
    >>> y.sum().backward()
    >>> x.grad
    array([-1.  ,  0.  ,  0.25])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    out = as_tensor(default)
    for cond, choice in zip(reversed(condlist), reversed(choicelist), strict=True):
        out = where(cond, choice, out)
    return out


# --- elementwise compositions --------------------------------------------------------------------


def square(x: Any) -> Tensor:
    """`x * x` (`np.square`).

    >>> square(Tensor([-2.0, 3.0]))
    Tensor([4., 9.])
    """
    x = as_tensor(x)
    return x * x


def reciprocal(x: Any) -> Tensor:
    """`1 / x` (`np.reciprocal`).

    >>> reciprocal(Tensor([2.0, 4.0]))
    Tensor([0.5 , 0.25])
    """
    return 1.0 / as_tensor(x)


def deg2rad(x: Any) -> Tensor:
    """Degrees to radians (`np.deg2rad`, alias `radians`).

    >>> round(deg2rad(Tensor(180.0)).item(), 6)
    3.141593
    """
    return as_tensor(x) * (math.pi / 180.0)


def rad2deg(x: Any) -> Tensor:
    """Radians to degrees (`np.rad2deg`, alias `degrees`).

    >>> round(rad2deg(Tensor(np.pi / 2)).item(), 6)
    90.0
    """
    return as_tensor(x) * (180.0 / math.pi)


radians, degrees = deg2rad, rad2deg


def logaddexp2(x1: Any, x2: Any) -> Tensor:
    """log₂(2^x1 + 2^x2) without overflow, as `np.logaddexp2` (broadcasting).

    Written as m + log₂(2^(x1-m) + 2^(x2-m)) with m = max(x1, x2) held constant: the identity
    holds for any constant m, so the derivatives (2^x1 / (2^x1 + 2^x2) and onwards) are the
    smooth ones at every point, ties x1 = x2 included.

    >>> logaddexp2(Tensor([1000.0]), Tensor([1000.0]))
    Tensor([1001.])
    """
    a, b = as_tensor(x1), as_tensor(x2)
    m = np.maximum(a.data, b.data)
    m = np.where(np.isfinite(m), m, 0.0)
    total = ((a - m) * _LN2).exp() + ((b - m) * _LN2).exp()
    return total.log() / _LN2 + m


_LN2 = math.log(2.0)


# --- reductions ----------------------------------------------------------------------------------


def _to_last(x: Tensor, axis: Axis) -> tuple[Tensor, tuple[int, ...], tuple[int, ...]]:
    """`x` with the reduced axes merged into one last axis; also the kept shape and the rest."""
    axes = _ops.normalize_axes(axis, x.ndim)
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    shape = x.shape
    moved = _ops.transpose(x, rest + axes) if rest + axes != tuple(range(x.ndim)) else x
    front = tuple(shape[i] for i in rest)
    return moved.reshape((*front, -1)), _ops.kept_shape(shape, axes), front


def prod(a: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The product over `axis` (all axes by default), as `np.prod`.

    Computed as a balanced tree of pairwise products (log₂ n steps), so the gradient is exact
    where entries are 0 and every order of derivative is available.

    >>> prod(Tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    Tensor([ 2., 12.])
    """
    t, kept, front = _to_last(as_tensor(a), axis)
    if t.shape[-1] == 0:
        t = concatenate([t, np.ones((*front, 1))], axis=-1)
    while t.shape[-1] > 1:
        if t.shape[-1] % 2:
            t = concatenate([t, np.ones((*front, 1), dtype=t.dtype)], axis=-1)
        t = t[..., 0::2] * t[..., 1::2]
    return t.reshape(kept if keepdims else front)


def var(a: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """The variance over `axis`, dividing by n - ddof, as `np.var`.

    >>> var(Tensor([1.0, 2.0, 3.0, 4.0]), ddof=1).item()
    1.6666666666666667
    """
    x = as_tensor(a)
    axes = _ops.normalize_axes(axis, x.ndim)
    n = math.prod(x.shape[i] for i in axes)
    d = x - x.mean(axis=axes, keepdims=True)
    return (d * d).sum(axis=axes, keepdims=keepdims) / max(n - ddof, 0)


def std(a: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """The standard deviation, `sqrt(var(a, axis, ddof))`, as `np.std`.

    Computed as ‖x - mean‖ / sqrt(n - ddof), so a constant slice, where √ has no derivative,
    gets the 2-norm's subgradient 0 (PyTorch's value) rather than 0·∞ = NaN.

    >>> import calcml as cm
    >>> cm.grad(lambda t: std(t))(np.ones(3))
    array([0., 0., 0.])
    """
    x = as_tensor(a)
    axes = _ops.normalize_axes(axis, x.ndim)
    n = math.prod(x.shape[i] for i in axes)
    d = x - x.mean(axis=axes, keepdims=True)
    scale = 1.0 / math.sqrt(n - ddof) if n > ddof else math.inf
    return _norms.norm2(d, axes, keepdims) * scale


# --- cumulative ----------------------------------------------------------------------------------


def _flip_axis(v: Any, axis: int) -> Any:
    index = (Ellipsis, slice(None, None, -1)) + (slice(None),) * (-axis - 1)
    return v[index]


def _cumsum_rule(g: Any, y: Any, x: Any, axis: int) -> Any:
    """The transpose of a running sum is a running sum from the end (axis counted from the end
    so that batch axes in front of `g` do not move it)."""
    flipped = _flip_axis(g, axis)
    summed = cumsum(flipped, axis) if flipped.__class__ is Tensor else np.cumsum(flipped, axis)
    return _flip_axis(summed, axis)


CUMSUM = Op("cumsum", (_cumsum_rule,))


def cumsum(a: Any, axis: int | None = None) -> Tensor:
    """Running sums along `axis` (of the flattened array by default), as `np.cumsum`.

    >>> cumsum(Tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    Tensor([[1., 3.],
            [3., 7.]])
    """
    x = as_tensor(a)
    if axis is None:
        x, axis = x.reshape(-1), 0
    d = x.data
    ax = axis % d.ndim - d.ndim
    return unary(np.cumsum(d, axis=ax), x, (d, ax), CUMSUM)


def cumprod(a: Any, axis: int | None = None) -> Tensor:
    """Running products along `axis` (of the flattened array by default), as `np.cumprod`.

    A parallel prefix scan of products (Hillis and Steele: log₂ n steps), so zeros are exact
    and higher derivatives come for free.

    >>> cumprod(Tensor([1.0, 2.0, 0.0, 4.0]))
    Tensor([1., 2., 0., 0.])
    """
    x = as_tensor(a)
    if axis is None:
        x, axis = x.reshape(-1), 0
    ax = axis % x.ndim
    n, k = x.shape[ax], 1
    lead = (slice(None),) * ax
    while k < n:
        head = x[(*lead, slice(0, k))]
        tail = x[(*lead, slice(k, None))] * x[(*lead, slice(0, n - k))]
        x = concatenate([head, tail], axis=ax)
        k *= 2
    return x


# --- diagonals and triangles ---------------------------------------------------------------------


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonal of the 2-D slices on `axis1`, `axis2`, as a last axis (`np.diagonal`).

    >>> diagonal(Tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    Tensor([2.])
    """
    x = as_tensor(a)
    nd = x.ndim
    a1, a2 = axis1 % nd, axis2 % nd
    rest = tuple(i for i in range(nd) if i not in (a1, a2))
    x = _ops.transpose(x, (*rest, a1, a2))
    n1, n2 = x.shape[-2:]
    rows = np.arange(max(0, -offset), min(n1, n2 - offset) if offset < n2 else 0)
    return x[..., rows, rows + offset]


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum along a diagonal, as `np.trace`.

    >>> trace(Tensor([[1.0, 2.0], [3.0, 4.0]])).item()
    5.0
    """
    return diagonal(a, offset, axis1, axis2).sum(axis=-1)


def diag(v: Any, k: int = 0) -> Tensor:
    """A 2-D array with `v` on diagonal k (1-D `v`), or the k-th diagonal (2-D `v`): `np.diag`.

    >>> diag(Tensor([1.0, 2.0]))
    Tensor([[1., 0.],
            [0., 2.]])
    """
    x = as_tensor(v)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag needs a 1-D or 2-D input, got {x.ndim}-D")
    n = x.shape[0] + abs(k)
    i = np.arange(x.shape[0])
    index = (i + max(-k, 0), i + max(k, 0))
    if not x.requires_grad:
        out = np.zeros((n, n), dtype=x.dtype)
        out[index] = x.data
        return Tensor(out)
    return scatter(x, index, (n, n), basic=False)


def _triangle(m: Any, keep: Any) -> Tensor:
    x = as_tensor(m)
    if x.ndim < 2:
        raise ValueError("tril and triu need at least 2 dimensions")
    return where(keep, x, np.zeros((), dtype=x.dtype))


def tril(m: Any, k: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal k) of the last two axes, zeros elsewhere
    (`np.tril`).

    >>> tril(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[1., 0.],
            [3., 4.]])
    """
    x = as_tensor(m)
    return _triangle(x, np.tri(*x.shape[-2:], k=k, dtype=bool))


def triu(m: Any, k: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal k) of the last two axes, zeros elsewhere
    (`np.triu`).

    >>> triu(Tensor([[1.0, 2.0], [3.0, 4.0]]), k=1)
    Tensor([[0., 2.],
            [0., 0.]])
    """
    x = as_tensor(m)
    return _triangle(x, ~np.tri(*x.shape[-2:], k=k - 1, dtype=bool))
