"""Loss functions on tensors, with PyTorch's formulas, reductions and gradient conventions.

Every loss takes predictions (a tensor, or an array taken as a constant) and targets (arrays),
and returns a tensor: `reduction="mean"` (the default) or `"sum"` give a scalar, `"none"` the
per-sample losses. Calling `.backward()` on the result fills the predictions' `.grad`. Values and
gradients agree with PyTorch 2.13 in float64 (`tests/data/loss_reference.json`), including its
conventions at kinks (|x|' = 0 at 0; the hinge's clamp passes the gradient at the kink), and stay
finite and accurate at extreme logits (stable softplus and log-sum-exp forms).

On arrays of another namespace (CuPy on a GPU), `mse_loss`, `bce_with_logits`, `cross_entropy`,
`log_softmax` and `softmax` run in that namespace, in the predictions' dtype, with targets
moved beside them; class indices are not range-checked there (that would wait on the device).
The other losses are NumPy-only and say so in a one-line error.

>>> import numpy as np
>>> from calcml.autodiff import Tensor
>>> z = Tensor(np.array([0.0, 2.0]), requires_grad=True)
>>> loss = bce_with_logits(z, np.array([0.0, 1.0]))
>>> round(float(loss.data), 6)
0.410038
>>> loss.backward(); np.round(z.grad, 6).tolist()
[0.25, -0.059601]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.namespaces import device_of, foreign, numpy_only
from calcml.ml._tensor import (
    absolute,
    as_tensor,
    clamp_min0,
    const,
    const_like,
    data,
    exp,
    log,
    mask_mul,
    reduce,
    rowsum,
    softplus,
    with_gradient,
)

# --- regression -------------------------------------------------------------------------------


def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: (pred - target)^2, gradient 2 (pred - target) / N.

    >>> float(mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0])).data)
    5.0
    """
    p = as_tensor(pred)
    d = p - const_like(target, p)
    return reduce(d * d, reduction)


def l1_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error |pred - target|; gradient sign(pred - target) (0 at a tie).

    >>> float(l1_loss(np.array([1.0, -3.0]), np.zeros(2)).data)
    2.0
    """
    return reduce(absolute(as_tensor(pred) - const(target)), reduction)


mae_loss = l1_loss


def huber_loss(pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean") -> Tensor:
    """Huber: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = pred - target.

    >>> huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none").data.tolist()
    [0.125, 2.5]
    """
    if delta <= 0:
        raise ValueError("delta must be positive")
    d = as_tensor(pred) - const(target)
    small = np.abs(data(d)) < delta
    quadratic = 0.5 * d * d
    linear = delta * (absolute(d) - 0.5 * delta)
    return reduce(mask_mul(quadratic, small) + mask_mul(linear, ~small), reduction)


def smooth_l1_loss(pred: Any, target: Any, beta: float = 1.0, reduction: str = "mean") -> Tensor:
    """Smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (= huber / beta).

    >>> smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2), beta=1.0, reduction="none").data.tolist()
    [0.125, 2.5]
    """
    if beta < 0:
        raise ValueError("beta must be non-negative")
    d = as_tensor(pred) - const(target)
    if beta == 0:
        return reduce(absolute(d), reduction)
    small = np.abs(data(d)) < beta
    quadratic = 0.5 * d * d / beta
    linear = absolute(d) - 0.5 * beta
    return reduce(mask_mul(quadratic, small) + mask_mul(linear, ~small), reduction)


# --- binary classification ----------------------------------------------------------------------


def bce_with_logits(logits: Any, target: Any, pos_weight: Any = None, weight: Any = None,
                    reduction: str = "mean") -> Tensor:  # fmt: skip
    """Binary cross-entropy from logits z: -[pw y log s(z) + (1 - y) log(1 - s(z))].

    Computed as pw y softplus(-z) + (1 - y) softplus(z), which never overflows and keeps full
    relative accuracy for tiny losses; the gradient is (1 - y) s(z) - pw y s(-z), i.e.
    s(z) - y when pw = 1.

    >>> bce_with_logits(np.array([-800.0, 800.0]), np.array([1.0, 0.0]), reduction="none").data
    array([800., 800.])
    """
    z = as_tensor(logits)
    if foreign(z.data) is not None:
        y = const_like(target, z)
        positive = y if pos_weight is None else y * const_like(pos_weight, z)
        loss = positive * softplus(-z) + (1.0 - y) * softplus(z)
        return reduce(loss if weight is None else loss * const_like(weight, z), reduction)
    y = np.asarray(target, dtype=np.float64)
    positive = const(y) if pos_weight is None else const(np.asarray(pos_weight) * y)
    loss = positive * softplus(-z) + const(1.0 - y) * softplus(z)
    if weight is not None:
        loss = loss * const(weight)
    return reduce(loss, reduction)


binary_cross_entropy_with_logits = bce_with_logits


def binary_cross_entropy(probs: Any, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """Binary cross-entropy from probabilities p, as PyTorch computes it: each log clamped at
    -100 (so the loss is at most 100), and the gradient (p - y) / max(p (1 - p), 1e-12).

    Prefer `bce_with_logits` for training: it is exact where this one saturates.

    >>> binary_cross_entropy(np.array([0.0, 0.5]), np.array([1.0, 1.0]), reduction="none").data
    array([100.        ,   0.69314718])
    """
    p = as_tensor(probs)
    pv = data(p)
    y = np.asarray(target, dtype=np.float64)
    if np.any((pv < 0) | (pv > 1)):
        raise ValueError("binary_cross_entropy needs probabilities in [0, 1]")
    with np.errstate(divide="ignore"):
        value = (y - 1) * np.maximum(np.log1p(-pv), -100.0) - y * np.maximum(np.log(pv), -100.0)
    grad = (pv - y) / np.maximum((1 - pv) * pv, 1e-12)
    if weight is not None:
        value, grad = value * weight, grad * weight
    return reduce(with_gradient(p, value, grad), reduction)


def hinge_loss(scores: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary hinge max(0, 1 - y z) for labels y in {-1, +1} (labels {0, 1} are mapped).

    The gradient is -y wherever 1 - y z >= 0 (PyTorch's clamp passes the kink).

    >>> hinge_loss(np.array([2.0, 0.5, -1.0]), np.array([1, 1, 1]), reduction="none").data
    array([0. , 0.5, 2. ])
    """
    return reduce(clamp_min0(1.0 - const(_signed(target)) * as_tensor(scores)), reduction)


def squared_hinge_loss(scores: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Squared hinge max(0, 1 - y z)^2 for labels y in {-1, +1} (labels {0, 1} are mapped).

    >>> squared_hinge_loss(np.array([0.5, -1.0]), np.array([1, 1]), reduction="none").data
    array([0.25, 4.  ])
    """
    m = clamp_min0(1.0 - const(_signed(target)) * as_tensor(scores))
    return reduce(m * m, reduction)


def _signed(target: Any) -> np.ndarray:
    y = np.asarray(target, dtype=np.float64)
    if np.all((y == 0) | (y == 1)):
        return 2 * y - 1
    if not np.all(np.abs(y) == 1):
        raise ValueError("hinge labels must be -1/+1 (or 0/1)")
    return y


# --- multi-class ------------------------------------------------------------------------------


def log_softmax(logits: Any, axis: int = -1) -> Tensor:
    """z - logsumexp(z), computed after shifting by the row maximum (never overflows).

    >>> np.round(np.exp(log_softmax(np.array([[1.0, 2.0, 3.0]])).data), 4).tolist()
    [[0.09, 0.2447, 0.6652]]
    """
    z = as_tensor(logits)
    xp = foreign(z.data)
    if xp is not None:
        zmax = xp.max(z.data, axis=axis, keepdims=True)
        shifted = z - Tensor(xp.where(xp.isfinite(zmax), zmax, xp.zeros_like(zmax)))
        return shifted - log(exp(shifted).sum(axis=axis, keepdims=True))
    zmax = np.max(data(z), axis=axis, keepdims=True)
    zmax = np.where(np.isfinite(zmax), zmax, 0.0)
    shifted = z - const_like(zmax, z)
    return shifted - log(exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits: Any, axis: int = -1) -> Tensor:
    """exp(log_softmax(z)): probabilities along `axis`."""
    return exp(log_softmax(logits, axis))


def _onehot(target: Any, n_classes: int) -> np.ndarray:
    y = np.asarray(target)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"class index out of range 0..{n_classes - 1}")
    return np.eye(n_classes)[y]


def cross_entropy(logits: Any, target: Any, label_smoothing: float = 0.0,
                  reduction: str = "mean") -> Tensor:  # fmt: skip
    """Softmax cross-entropy from logits (N, C) and class indices (N,) or probabilities (N, C).

    With label smoothing eps the target becomes (1 - eps) target + eps / C. The gradient of the
    mean is (softmax(z) - target) / N.

    >>> z = np.array([[1000.0, 0.0, -1000.0]])
    >>> float(cross_entropy(z, np.array([2])).data)
    2000.0
    """
    logp = log_softmax(logits)
    n_classes = logp.shape[-1]
    if foreign(logp.data) is not None:
        probs = _target_probs(target, logp)
    else:
        t = np.asarray(target)
        probs = t.astype(np.float64) if t.ndim == logp.ndim else _onehot(t, n_classes)
    if label_smoothing:
        if not 0 <= label_smoothing <= 1:
            raise ValueError("label_smoothing must be in [0, 1]")
        probs = probs * (1 - label_smoothing) + label_smoothing / n_classes
    per_sample = -(logp * const_like(probs, logp)).sum(axis=-1)
    return reduce(per_sample, reduction)


def _target_probs(target: Any, logp: Tensor) -> Any:
    """Targets as probabilities (N, C) in logp's namespace, device and dtype: class indices
    become one-hot rows by comparison with `arange` (no trip to the host)."""
    d = logp.data
    t = const_like(target, logp).data if foreign(target) is None else target
    xp = foreign(d)
    if t.ndim == d.ndim:
        return xp.astype(t, d.dtype)
    classes = xp.arange(d.shape[-1], device=device_of(d))
    return xp.astype(xp.reshape(xp.astype(t, classes.dtype), (-1, 1)) == classes, d.dtype)


softmax_cross_entropy = cross_entropy


def nll_loss(log_probs: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood -log_probs[i, y_i] of log-probabilities (N, C) (PyTorch NLLLoss).

    >>> bool(float(nll_loss(np.log(np.array([[0.5, 0.5]])), np.array([1])).data) == np.log(2))
    True
    """
    x = as_tensor(log_probs)
    onehot = _onehot(target, data(x).shape[-1])
    return reduce(-(x * const(onehot)).sum(axis=-1), reduction)


def multi_margin_loss(scores: Any, target: Any, p: int = 1, margin: float = 1.0,
                      reduction: str = "mean") -> Tensor:  # fmt: skip
    """Multi-class hinge with PyTorch's MultiMarginLoss semantics:
    sum over j != y of max(0, margin - z_y + z_j)^p, divided by the number of classes C.

    >>> float(multi_margin_loss(np.array([[3.0, 2.5, 0.0]]), np.array([0])).data)  # 0.5 / 3
    0.16666666666666666
    """
    if p not in (1, 2):
        raise ValueError("p must be 1 or 2")
    z = as_tensor(scores)
    n_classes = data(z).shape[-1]
    onehot = _onehot(target, n_classes)
    z_true = rowsum(z * const(onehot))
    m = z - z_true + margin
    active = (data(m) > 0) & (onehot == 0)
    h = mask_mul(m, active)
    if p == 2:
        h = h * h
    return reduce(h.sum(axis=-1) / n_classes, reduction)


def crammer_singer_hinge_loss(scores: Any, target: Any, margin: float = 1.0,
                              reduction: str = "mean") -> Tensor:  # fmt: skip
    """Crammer-Singer multi-class hinge max(0, margin + max_{j != y} z_j - z_y).

    >>> float(crammer_singer_hinge_loss(np.array([[3.0, 2.5, 0.0]]), np.array([0])).data)
    0.5
    """
    z = as_tensor(scores)
    zv = data(z)
    onehot = _onehot(target, zv.shape[-1])
    rival = np.argmax(np.where(onehot == 1, -np.inf, zv), axis=-1)
    pick = np.eye(zv.shape[-1])[rival] - onehot
    m = (z * const(pick)).sum(axis=-1) + margin
    return reduce(clamp_min0(m), reduction)


# NumPy-only: a one-line error for other namespaces, before any NumPy call meets their arrays.
l1_loss = mae_loss = numpy_only(l1_loss, "calcml.ml.losses.l1_loss")
huber_loss = numpy_only(huber_loss, "calcml.ml.losses.huber_loss")
smooth_l1_loss = numpy_only(smooth_l1_loss, "calcml.ml.losses.smooth_l1_loss")
binary_cross_entropy = numpy_only(binary_cross_entropy, "calcml.ml.losses.binary_cross_entropy")
hinge_loss = numpy_only(hinge_loss, "calcml.ml.losses.hinge_loss")
squared_hinge_loss = numpy_only(squared_hinge_loss, "calcml.ml.losses.squared_hinge_loss")
nll_loss = numpy_only(nll_loss, "calcml.ml.losses.nll_loss")
multi_margin_loss = numpy_only(multi_margin_loss, "calcml.ml.losses.multi_margin_loss")
crammer_singer_hinge_loss = numpy_only(crammer_singer_hinge_loss,
                                       "calcml.ml.losses.crammer_singer_hinge_loss")  # fmt: skip

LOSSES: dict[str, Callable[..., Tensor]] = {
    "mse": mse_loss, "mae": l1_loss, "l1": l1_loss, "huber": huber_loss,
    "smooth_l1": smooth_l1_loss, "bce_with_logits": bce_with_logits,
    "bce": binary_cross_entropy, "cross_entropy": cross_entropy, "nll": nll_loss,
    "hinge": hinge_loss, "squared_hinge": squared_hinge_loss, "multi_margin": multi_margin_loss,
    "crammer_singer": crammer_singer_hinge_loss,
}  # fmt: skip
