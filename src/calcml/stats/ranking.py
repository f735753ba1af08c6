"""The rest of the ROC family, as scikit-learn defines it: partial AUC, multiclass and
multilabel averages, and (n, 1) column inputs.

- Partial AUC: ∫_0^max_fpr TPR d(FPR), the curve cut at max_fpr by linear interpolation, then
  McClish's standardization ½ (1 + (A − A_min)/(A_max − A_min)) with A_min = max_fpr²/2 (the
  chance diagonal) and A_max = max_fpr, so 0.5 is chance and 1 is perfect, as for the full AUC.
- Multiclass: one-vs-rest (each class against the others; macro, weighted or micro average,
  or None for the per-class scores) and one-vs-one (Hand & Till 2001: the mean over class
  pairs (a, b) of [AUC(a | a, b) + AUC(b | a, b)]/2, macro or prevalence-weighted).
- Multilabel: one binary score per column, averaged (macro, weighted, micro, samples, None).

Each binary score is `binary.binary_roc_auc` (exact Mann–Whitney count) or
`binary.binary_average_precision`, so values stay exact where the counts are integers.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np

from calcml.stats.binary import auc, binary_average_precision, binary_roc_auc, roc_curve


def _binary_auc(max_fpr: float | None) -> Callable[..., float]:
    def score(y: np.ndarray, s: np.ndarray, sample_weight: Any = None) -> float:
        if np.unique(y).size != 2:
            raise ValueError("only one class present in y_true; ROC AUC is not defined")
        if max_fpr is None or max_fpr == 1:
            return binary_roc_auc(y, s, sample_weight)
        fpr, tpr, _ = roc_curve((y == np.max(y)).astype(int), s, pos_label=1,
                                sample_weight=sample_weight)  # fmt: skip
        stop = int(np.searchsorted(fpr, max_fpr, "right"))
        cut = np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
        partial = auc(np.append(fpr[:stop], max_fpr), np.append(tpr[:stop], cut))
        lo, hi = 0.5 * max_fpr**2, max_fpr
        return 0.5 * (1 + (partial - lo) / (hi - lo))

    return score


def _binary_ap(y: np.ndarray, s: np.ndarray, sample_weight: Any = None) -> float:
    return binary_average_precision(y, s, pos_label=1, sample_weight=sample_weight)


def roc_auc(y_true: Any, y_score: Any, *, sample_weight: Any = None,
            max_fpr: float | None = None, multi_class: str = "raise", labels: Any = None,
            average: str | None = "macro") -> Any:  # fmt: skip
    """scikit-learn's `roc_auc_score` beyond one binary column (see the module doc).

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], max_fpr=0.5)
    0.6666666666666666
    >>> y = [0, 1, 2, 2]
    >>> p = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]
    >>> roc_auc(y, p, multi_class="ovo")
    1.0
    """
    if max_fpr is not None and not 0 < max_fpr <= 1:
        raise ValueError(f"max_fpr must be in (0, 1], got {max_fpr!r}")
    y, s = _columns(y_true), np.asarray(y_score, dtype=float)
    s = s[:, 0] if s.ndim == 2 and s.shape[1] == 1 else s
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float).ravel()
    if y.ndim == 1 and s.ndim == 1:
        classes = np.unique(y)
        if classes.size > 2:
            raise ValueError("y_true has more than two classes: give y_score of shape "
                             "(n, n_classes) and multi_class='ovr' or 'ovo'")  # fmt: skip
        return _binary_auc(max_fpr)((y == classes[-1]).astype(int), s, w)
    if y.ndim == 1:
        if max_fpr is not None and max_fpr != 1:
            raise ValueError("the partial AUC (max_fpr) is for binary and multilabel targets")
        return _multiclass(y, s, w, multi_class, labels, average)
    return average_binary(_binary_auc(max_fpr), y, s, average, w)


def _columns(y: Any) -> np.ndarray:
    arr = np.asarray(y)
    return arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr


def _multiclass(y: np.ndarray, s: np.ndarray, w: Any, multi_class: str, labels: Any,
                average: str | None) -> Any:  # fmt: skip
    if multi_class not in ("ovr", "ovo"):
        raise ValueError("multi_class must be 'ovr' or 'ovo' for a multiclass y_true")
    allowed = ("macro", "weighted", None) + (("micro",) if multi_class == "ovr" else ())
    if average not in allowed:
        raise ValueError(f"average must be one of {allowed} for multi_class={multi_class!r}")
    if not np.allclose(1, s.sum(axis=1)):
        raise ValueError("multiclass y_score must be probabilities: each row sums to 1")
    classes = _classes(y, labels, s.shape[1])
    if multi_class == "ovo":
        if w is not None:
            raise ValueError("sample_weight is not supported for one-vs-one multiclass AUC")
        return _ovo(np.searchsorted(classes, y), s, average)
    onehot = (y[:, None] == classes[None, :]).astype(int)
    return average_binary(_binary_auc(None), onehot, s, average, w)


def _classes(y: np.ndarray, labels: Any, n_columns: int) -> np.ndarray:
    if labels is None:
        classes = np.unique(y)
    else:
        classes = np.asarray(labels).ravel()
        if np.unique(classes).size != classes.size:
            raise ValueError("labels must be unique")
        if not np.array_equal(np.sort(classes), classes):
            raise ValueError("labels must be ordered")
        if np.setdiff1d(y, classes).size:
            raise ValueError("y_true contains labels not in labels")
    if classes.size != n_columns:
        raise ValueError(f"{classes.size} classes but y_score has {n_columns} columns")
    return classes


def _ovo(y: np.ndarray, s: np.ndarray, average: str | None) -> float:
    """Hand & Till: mean over pairs of ½ [AUC(a vs b on a's score) + AUC(b vs a on b's)]."""
    if average not in ("macro", "weighted"):
        raise ValueError("one-vs-one AUC averages 'macro' or 'weighted'")
    score = _binary_auc(None)
    present = np.unique(y)
    pairs, weights = [], []
    for a, b in combinations(range(present.size), 2):
        a_mask, b_mask = y == a, y == b
        both = a_mask | b_mask
        pairs.append((score(a_mask[both].astype(int), s[both, a])
                      + score(b_mask[both].astype(int), s[both, b])) / 2)  # fmt: skip
        weights.append(np.mean(both))
    return float(np.average(pairs, weights=weights if average == "weighted" else None))


def average_binary(metric: Callable[..., float], y: np.ndarray, s: np.ndarray,
                   average: str | None, w: Any = None) -> Any:  # fmt: skip
    """One binary score per column of an indicator matrix, averaged as scikit-learn does."""
    y = np.asarray(y)
    if s.shape != y.shape:
        raise ValueError(f"y_true has shape {y.shape} but y_score has shape {s.shape}")
    if average not in (None, "micro", "macro", "weighted", "samples"):
        raise ValueError(f"average must be None, 'micro', 'macro', 'weighted' or 'samples', "
                         f"not {average!r}")  # fmt: skip
    if average == "micro":
        reps = None if w is None else np.repeat(w, y.shape[1])
        return metric(y.ravel(), s.ravel(), reps)
    axis_weight, inner = None, w
    if average == "weighted":
        axis_weight = (y * (1.0 if w is None else w[:, None])).sum(axis=0)
        if np.isclose(axis_weight.sum(), 0.0):
            return 0.0
    if average == "samples":
        axis_weight, inner, y, s = w, None, y.T, s.T
    scores = np.array([metric(y[:, c], s[:, c], inner) for c in range(y.shape[1])])
    if average is None:
        return scores
    if axis_weight is not None:
        scores[np.asarray(axis_weight) == 0] = 0
    return float(np.average(scores, weights=axis_weight))


def average_precision(y_true: Any, y_score: Any, *, pos_label: Any = 1, sample_weight: Any = None,
                      average: str | None = "macro") -> Any:  # fmt: skip
    """scikit-learn's `average_precision_score` for multilabel (and multiclass) targets."""
    y, s = _columns(y_true), np.asarray(y_score, dtype=float)
    s = s[:, 0] if s.ndim == 2 and s.shape[1] == 1 else s
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float).ravel()
    if y.ndim == 1 and s.ndim == 1:
        return binary_average_precision(y, s, pos_label=pos_label, sample_weight=w)
    if y.ndim == 1:  # multiclass: one-vs-rest indicator columns
        if pos_label != 1:
            raise ValueError("pos_label must be 1 for a multiclass y_true")
        classes = np.unique(y)
        if classes.size != s.shape[1]:
            raise ValueError(f"{classes.size} classes but y_score has {s.shape[1]} columns")
        y = (y[:, None] == classes[None, :]).astype(int)
    return average_binary(_binary_ap, y, s, average, w)


__all__ = ["average_binary", "average_precision", "roc_auc"]
