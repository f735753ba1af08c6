"""The few tensor helpers `calcml.ml` needs, in one place, on top of `calcml.autodiff.Tensor`.

Conventions at kinks are fixed here with constant masks rather than left to the engine: a mask
computed from the values (as NumPy, no gradient) multiplies a tensor, so the value is exact and
the derivative is the mask, which is exactly PyTorch's convention for `abs`, `relu` and `clamp`.

Arrays of another namespace (CuPy) stay there: `as_tensor` keeps them, `const_like` puts a
constant beside a tensor (same namespace, device and dtype), and `data` refuses them with a
one-line error, since what uses it computes masks with NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.namespaces import foreign, move, refuse, unwrap
from calcml.autodiff.ops import constant
from calcml.core import registry


def as_tensor(x: Any) -> Tensor:
    """`x` itself when it is a tensor, else a constant (no-gradient) float64 tensor."""
    if isinstance(x, Tensor):
        return x
    xp = foreign(x)
    if xp is not None:  # kept in its namespace and on its device; a floating array uncopied
        return constant(x) if xp.isdtype(x.dtype, "real floating") else Tensor(x)
    return Tensor(np.asarray(getattr(x, "data", x), dtype=np.float64))


def const(x: Any) -> Tensor:
    """A constant tensor holding the values of `x` (a tensor's values are copied, not tracked)."""
    return Tensor(np.array(data(x), dtype=np.float64))


def const_like(x: Any, like: Tensor) -> Tensor:
    """A constant holding `x`'s values beside `like`: `const(x)` for NumPy tensors (in like's
    dtype when that is float32, so a float32 computation is not promoted to float64); on another
    namespace, an array of like's namespace, device and dtype (a NumPy `x` is copied there)."""
    d = like.data
    if foreign(d) is None:
        c = const(x)
        return c if d.dtype != np.float32 else Tensor(c.data.astype(np.float32))
    return Tensor(move(unwrap(x), d, d.dtype))


def data(x: Any) -> np.ndarray:
    """The NumPy values of a tensor, an array or a number (NumPy-only: other namespaces are
    refused, see the module docstring)."""
    v = x.data if isinstance(x, Tensor) else x
    xp = foreign(v)
    if xp is not None:
        raise refuse("this part of calcml.ml", xp)
    return np.asarray(v, dtype=np.float64)


def mask_mul(x: Tensor, mask: np.ndarray) -> Tensor:
    """x * mask with `mask` a constant: value exact, derivative = mask."""
    return x * const(np.asarray(mask, dtype=np.float64))


def absolute(x: Tensor) -> Tensor:
    """|x| with derivative sign(x) (0 at 0, as PyTorch)."""
    return mask_mul(x, np.sign(data(x)))


def relu(x: Tensor) -> Tensor:
    """max(x, 0) with derivative 1 for x > 0 and 0 at 0 (PyTorch's relu)."""
    return mask_mul(x, data(x) > 0) + 0.0  # + 0.0 turns -0.0 into 0.0


def clamp_min0(x: Tensor) -> Tensor:
    """max(x, 0) with derivative 1 for x >= 0 (PyTorch's clamp(min=0): the kink passes)."""
    return mask_mul(x, data(x) >= 0) + 0.0


def log(x: Tensor) -> Tensor:
    return registry.log(x)


def exp(x: Tensor) -> Tensor:
    return registry.exp(x)


def softplus(x: Tensor) -> Tensor:
    return registry.softplus(x)


def sigmoid(x: Tensor) -> Tensor:
    return registry.sigmoid(x)


def sqrt(x: Tensor) -> Tensor:
    return registry.sqrt(x)


def with_gradient(x: Tensor, value: np.ndarray, grad: np.ndarray) -> Tensor:
    """A tensor with the given `value` whose derivative with respect to `x` is `grad`
    (elementwise): value + (x - const(x)) * grad. The added term is exactly zero, so the value
    is `value` to the bit; used where PyTorch's backward formula is not the derivative of its
    forward formula (binary cross-entropy's clamps)."""
    return const(value) + (x - const(x)) * const(grad)


def reduce(x: Tensor, reduction: str) -> Tensor:
    """'mean', 'sum' or 'none' (the per-element tensor)."""
    if reduction == "mean":
        return x.mean()
    if reduction == "sum":
        return x.sum()
    if reduction == "none":
        return x
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def rowsum(x: Tensor) -> Tensor:
    """Sum over the last axis, keeping it (shape (N, 1))."""
    return x.sum(axis=-1, keepdims=True)
