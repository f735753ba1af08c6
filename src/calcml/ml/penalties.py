"""Regularization penalties on weights: L1, L2 (squared, half-squared, norm) and elastic net;
and on functions, integrals of their derivatives: `roughness` (∫ f''²) and `total_variation`
(∫ |f'|), see `calcml.ml._integral_penalties`.

Each takes a tensor (or array) of weights and returns a scalar tensor; `.backward()` gives the
penalty's gradient (sign(w) for L1, with 0 at 0 as in PyTorch). Coupled weight decay in SGD and
Adam adds `weight_decay * w` to the gradient, the gradient of `weight_decay * l2_half(w)`;
AdamW's decoupled decay shrinks the weights directly instead (see `calcml.ml.optim`).

>>> import numpy as np
>>> w = np.array([3.0, -4.0])
>>> float(l1(w).data), float(l2(w).data), float(l2_norm(w).data)
(7.0, 25.0, 5.0)
>>> float(elastic_net(w, alpha=1.0, l1_ratio=0.5).data)
9.75
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.ml._integral_penalties import roughness, total_variation
from calcml.ml._tensor import absolute, as_tensor, sqrt


def l1(w: Any) -> Tensor:
    """sum |w|; gradient sign(w)."""
    return absolute(as_tensor(w)).sum()


def l2(w: Any) -> Tensor:
    """sum w^2; gradient 2w."""
    t = as_tensor(w)
    return (t * t).sum()


l2_squared = l2


def l2_half(w: Any) -> Tensor:
    """0.5 sum w^2; gradient w (what weight decay adds to the gradient, times the decay)."""
    t = as_tensor(w)
    return 0.5 * (t * t).sum()


def l2_norm(w: Any) -> Tensor:
    """||w||_2; gradient w / ||w||."""
    t = as_tensor(w)
    return sqrt((t * t).sum())


def elastic_net(w: Any, alpha: float = 1.0, l1_ratio: float = 0.5) -> Tensor:
    """alpha l1_ratio |w|_1 + 0.5 alpha (1 - l1_ratio) |w|_2^2 (scikit-learn's ElasticNet)."""
    if not 0 <= l1_ratio <= 1:
        raise ValueError("l1_ratio must be in [0, 1]")
    return alpha * l1_ratio * l1(w) + 0.5 * alpha * (1 - l1_ratio) * l2(w)


def soft_threshold(w: np.ndarray, threshold: float) -> np.ndarray:
    """The proximal map of threshold * |w|_1: sign(w) max(|w| - threshold, 0) (for lasso).

    >>> soft_threshold(np.array([3.0, -0.5, -2.0]), 1.0).tolist()
    [2.0, -0.0, -1.0]
    """
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


__all__ = ["elastic_net", "l1", "l2", "l2_half", "l2_norm", "l2_squared", "roughness",
           "soft_threshold", "total_variation"]  # fmt: skip

PENALTIES = {"l1": l1, "l2": l2, "l2_half": l2_half, "l2_norm": l2_norm,
             "elastic_net": elastic_net}  # fmt: skip
