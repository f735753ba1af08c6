"""Operations ML code needs in a numerically stable form: softmax, log-softmax, log-sum-exp,
clip, maximum and minimum.

softmax and its relatives are operations of their own rather than compositions of exp, sum and
log: the forward pass subtracts the maximum (no overflow), and the derivative rules reuse the
forward value (`softmax' = y (g - Σ g y)`), which is both cheaper and stable.

A slice whose entries are all -inf has logsumexp -inf and gradient 0 (no entry can raise the sum
from nothing); -inf entries among finite ones get gradient 0, as softmax gives them weight 0.

Conventions at kinks: `maximum`/`minimum` split the gradient evenly between tied inputs; `clip`
passes the gradient where `lo <= x <= hi`, bounds included (PyTorch's convention).

On arrays of another namespace (CuPy) every function here runs in that namespace, except the
weighted `logsumexp` (`b=`, `return_sign=`), which is SciPy's and NumPy-only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff.engine import unbroadcast
from calcml.autodiff.graph import binary, unary
from calcml.autodiff.namespaces import (
    as_array,
    foreign,
    namespace,
    refuse,
    unwrap,
    xreduce,
    xreshape,
    xsum,
)
from calcml.autodiff.ops import as_tensor, batch_axes, where_any
from calcml.autodiff.tensor import Op, Tensor, value_of


def _exp(v: Any) -> Any:
    return v.exp() if v.__class__ is Tensor else namespace(v).exp(v)


def _finite_max(d: Any, axis: Any) -> Any:
    """max(d) along axis (kept), 0 where a slice has no finite maximum (all -inf)."""
    m = xreduce(d, "max", axis, True)
    xp = foreign(m)
    if xp is None:
        return np.where(np.isfinite(m), m, 0.0)
    return xp.where(xp.isfinite(m), m, xp.zeros_like(m))


def _shift(d: Any, axis: Any) -> Any:
    """`d - max(d)` along axis, with all-(-inf) slices shifted by 0 instead of NaN."""
    return d - _finite_max(d, axis)


def _neg_inf(v: Any) -> Any:
    """Where `v` is -inf (a mask of v's namespace)."""
    xp = foreign(v)
    return np.isneginf(v) if xp is None else xp.isinf(v) & (v < 0)


# --- softmax family ------------------------------------------------------------------------------


def _softmax_rule(g: Any, y: Any, x: Any, axis: int) -> Any:
    return y * (g - xsum(g * y, axis, True))


def _log_softmax_rule(g: Any, y: Any, x: Any, axis: int) -> Any:
    return g - _exp(y) * xsum(g, axis, True)


def _logsumexp_rule(g: Any, y: Any, x: Any, kept: tuple[int, ...]) -> Any:
    yk = xreshape(y, kept)
    empty = _neg_inf(value_of(yk))
    # A slice of only -inf: exp(x - 0) = 0 there (not exp(-inf + inf) = NaN). Another
    # namespace takes `where` always rather than ask the device whether one is there.
    if foreign(empty) is not None or np.any(empty):
        yk = where_any(empty, 0.0, yk)
    return xreshape(g, batch_axes(g, y) + kept) * _exp(x - yk)


def _from_end(axis: int, ndim: int) -> int:
    """`axis` counted from the end, so the rules also find it behind batch axes (`engine`)."""
    return axis % ndim - ndim if ndim else axis


SOFTMAX = Op("softmax", (_softmax_rule,))
LOG_SOFTMAX = Op("log_softmax", (_log_softmax_rule,))
LOGSUMEXP = Op("logsumexp", (_logsumexp_rule,))


def softmax(x: Any, axis: int = -1) -> Tensor:
    """exp(x) / Σ exp(x) along `axis`, computed without overflow.

    Arguments:
        x: a tensor (or array) of any shape.
        axis: the axis that sums to one.

    Returns:
        a tensor of x's shape.

    >>> softmax(Tensor([0.0, 1000.0])).data.round(6)
    array([0., 1.])
    """
    x = as_tensor(x)
    e = _exp(_shift(x.data, axis))
    y = e / xsum(e, axis, True)
    return unary(y, x, (x.data, _from_end(axis, y.ndim)), SOFTMAX)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """x - logsumexp(x) along `axis`: the log-probabilities of a softmax, stable for large x.

    >>> log_softmax(Tensor([0.0, 1000.0])).data.round(6)
    array([-1000.,     0.])
    """
    x = as_tensor(x)
    z = _shift(x.data, axis)
    y = z - namespace(z).log(xsum(_exp(z), axis, True))
    return unary(y, x, (x.data, _from_end(axis, y.ndim)), LOG_SOFTMAX)


def logsumexp(
    x: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False
) -> Any:
    """log Σ b·exp(x) over `axis` (all axes by default), stable for large x: SciPy's
    `scipy.special.logsumexp`, with the weights `b` (broadcast against x) optional.

    Its gradient is softmax(x) along the reduced axes (weighted by b). With `return_sign=True`
    it returns (log |Σ b·exp(x)|, sign), for weights that make the sum negative.

    >>> round(float(logsumexp(Tensor([1000.0, 1000.0])).data) - 1000.0, 6)
    0.693147
    >>> round(float(logsumexp(Tensor([0.0, 0.0]), b=np.array([1.0, 3.0])).data), 6)  # log 4
    1.386294
    """
    if b is not None or return_sign:
        return _weighted_logsumexp(x, axis, 1.0 if b is None else b, keepdims, return_sign)
    x = as_tensor(x)
    d = x.data
    m = _finite_max(d, axis)
    xp = namespace(d)
    with np.errstate(divide="ignore"):  # every entry -inf: the answer is -inf
        s = xp.log(xsum(xp.exp(d - m), axis, True)) + m
    kept = s.shape
    y = s if keepdims else _squeeze(s, axis)
    return unary(y, x, (d, kept), LOGSUMEXP)


def _squeeze(s: Any, axis: Any) -> Any:
    xp = foreign(s)
    if xp is None:
        return np.squeeze(s, axis=axis)
    return xp.squeeze(s, axis=tuple(range(s.ndim)) if axis is None else axis)


def _weighted_rule(weighted: bool) -> Any:
    def rule(g: Any, y: Any, x: Any, b: Any, kept: Any, sign: Any) -> Any:
        yk = y.reshape(kept)
        empty = np.isneginf(value_of(yk))
        if np.any(empty):
            yk = where_any(empty, 0.0, yk)
        share = g.reshape(batch_axes(g, y) + kept) * (sign * _exp(x - yk))
        if weighted:
            share = share * b
        target = np.shape(value_of(x if weighted else b))
        return unbroadcast(share, target, len(batch_axes(g, y)))

    return rule


LOGSUMEXP_B = Op("logsumexp", (_weighted_rule(True), _weighted_rule(False)))


def _weighted_logsumexp(x: Any, axis: Any, b: Any, keepdims: bool, return_sign: bool) -> Any:
    from scipy.special import logsumexp as scipy_lse  # SciPy loads on first use

    xv, bv = value_of(x), value_of(b)
    xp = foreign(unwrap(xv)) or foreign(unwrap(bv))
    if xp is not None:
        raise refuse("calcml.logsumexp with weights b or return_sign", xp)
    with np.errstate(divide="ignore"):
        s, sign = scipy_lse(xv, axis=axis, b=bv, keepdims=True, return_sign=True)
    kept = s.shape
    y = s if keepdims else np.squeeze(s, axis=axis)
    px, pb = operand_pair(x, b)[:2]
    out = binary(y, px, pb, (xv, bv, kept, sign), LOGSUMEXP_B)
    if return_sign:
        return out, sign if keepdims else np.squeeze(sign, axis=axis)
    if np.any(sign < 0):
        out = binary(np.where(sign < 0, np.nan, y), px, pb, (xv, bv, kept, sign), LOGSUMEXP_B)
    return out


# --- clip, maximum, minimum ----------------------------------------------------------------------


def _clip_rule(y: Any, x: Any, lo: Any, hi: Any) -> Any:
    xv = value_of(x)
    xp = foreign(xv)
    if xp is not None:
        inside = (xv >= (-xp.inf if lo is None else lo)) & (xv <= (xp.inf if hi is None else hi))
        return xp.astype(inside, xv.dtype)
    inside = np.ones(np.shape(xv), dtype=bool)
    if lo is not None:
        inside &= xv >= lo
    if hi is not None:
        inside &= xv <= hi
    return inside.astype(xv.dtype)


def _share(win: Any, tie: Any, y: Any) -> Any:
    xp = foreign(win)
    if xp is not None:
        return xp.astype(win, y.dtype) + 0.5 * xp.astype(tie, y.dtype)
    return (win + 0.5 * tie).astype(np.result_type(y), copy=False)


def _larger_a(y: Any, a: Any, b: Any) -> Any:
    av, bv = value_of(a), value_of(b)
    return _share(av > bv, av == bv, value_of(y))


def _larger_b(y: Any, a: Any, b: Any) -> Any:
    av, bv = value_of(a), value_of(b)
    return _share(bv > av, av == bv, value_of(y))


CLIP = Op("clip", (_clip_rule,), pointwise=True)
MAXIMUM = Op("maximum", (_larger_a, _larger_b), pointwise=True)
MINIMUM = Op("minimum", (_larger_b, _larger_a), pointwise=True)


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    """x limited to [lo, hi] (either bound may be None); gradient 1 inside, bounds included.

    >>> clip(Tensor([-2.0, 0.5, 2.0]), -1.0, 1.0)
    Tensor([-1. ,  0.5,  1. ])
    """
    x = as_tensor(x)
    lo, hi = value_of(lo), value_of(hi)
    xp = foreign(x.data)
    y = np.clip(x.data, lo, hi) if xp is None else xp.clip(x.data, lo, hi)
    return unary(y, x, (x.data, lo, hi), CLIP)


def operand_pair(a: Any, b: Any) -> tuple[Tensor | None, Tensor | None, Any, Any]:
    """(parent a, parent b, value a, value b) of a binary function; also numpy_ops.py's."""
    pa = a if a.__class__ is Tensor else None
    pb = b if b.__class__ is Tensor else None
    if pa is None and pb is None:
        pa = as_tensor(a)
    return pa, pb, value_of(a), value_of(b)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting; ties split the gradient evenly.

    >>> a = Tensor([1.0, 2.0], requires_grad=True)
    >>> maximum(a, 2.0).sum().backward()
    >>> a.grad
    array([0. , 0.5])
    """
    pa, pb, av, bv = operand_pair(a, b)
    return binary(_extreme("maximum", av, bv), pa, pb, (av, bv), MAXIMUM)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting; ties split the gradient evenly."""
    pa, pb, av, bv = operand_pair(a, b)
    return binary(_extreme("minimum", av, bv), pa, pb, (av, bv), MINIMUM)


def _extreme(name: str, av: Any, bv: Any) -> Any:
    xp = foreign(av) or foreign(bv)
    if xp is None:
        return getattr(np, name)(av, bv)
    like = av if foreign(av) is xp else bv
    return getattr(xp, name)(as_array(xp, av, like), as_array(xp, bv, like))
