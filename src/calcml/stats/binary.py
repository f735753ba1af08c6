"""The binary ranking metrics: ROC and precision-recall curves, and their areas.

One column of binary labels; `ranking` builds the multiclass, multilabel and partial scores on
these, and `metrics` is the entry point that dispatches between them (see its text).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from calcml.stats.tallies import (
    ENGINES,
    Floats,
    array_engine,
    as_1d,
    binary_classes,
    check_inputs,
    cumulative_counts,
    mann_whitney_auc,
    tally,
)

__all__ = [
    "auc",
    "binary_average_precision",
    "binary_roc_auc",
    "precision_recall_curve",
    "roc_curve",
]


def roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[Floats, Floats, Floats]:
    """Receiver operating characteristic curve, as scikit-learn's ``roc_curve``.

    Samples with equal scores form one step of the curve. The curve starts at (0, 0) with
    threshold ``+inf``. With ``drop_intermediate``, a point is dropped when both its false and
    true positive counts are the midpoints of its neighbours' (scikit-learn's rule).

    Arguments:
        y_true: binary labels, shape (n,).
        y_score: scores, higher meaning more likely positive, shape (n,); finite.
        pos_label: the positive label; inferred as 1 when the labels lie in {0, 1} or {-1, 1}.
        sample_weight: non-negative weights, shape (n,); zero-weight samples are ignored.
        drop_intermediate: drop points collinear with their neighbours.

    Returns:
        ``(fpr, tpr, thresholds)``: false and true positive rates, increasing, of the samples
        with ``score >= thresholds[i]``; thresholds decrease from ``inf``.

    Raises:
        ValueError: on invalid input or when y_true holds a single class.

    Example:
        >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr, tpr
        (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
        >>> thresholds
        array([ inf, 0.8 , 0.4 , 0.35, 0.1 ])
    """
    backend = array_engine(y_true, y_score, sample_weight)
    if backend != "numpy":  # the tally from the chunks or the GPU; the curve in memory
        import importlib

        module = importlib.import_module(f"calcml.stats._{ENGINES[backend]}_metrics")
        values, pos, neg = module.tally(y_true, y_score, pos_label)
        fps, tps = np.cumsum(neg[::-1]), np.cumsum(pos[::-1])
        thresholds = values[::-1].astype(np.float64)
    else:
        fps, tps, thresholds = cumulative_counts(y_true, y_score, pos_label, sample_weight)
    if fps[-1] == 0 or tps[-1] == 0:
        raise ValueError("only one class present in y_true; the ROC curve is undefined")
    if drop_intermediate and fps.size > 2:
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        keep = np.flatnonzero(np.concatenate(([True], corner, [True])))
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps = np.concatenate(([0], fps))
    tps = np.concatenate(([0], tps))
    thresholds = np.concatenate(([np.inf], thresholds))
    return fps / fps[-1], tps / tps[-1], thresholds


def auc(x: ArrayLike, y: ArrayLike) -> float:
    """Area under a curve by the trapezoid rule, as scikit-learn's ``auc``.

    The value is the definite integral of the piecewise-linear curve through the points
    ``(x[i], y[i])``. ``x`` must be monotonic; for decreasing ``x`` the area is taken from the
    smallest to the largest x, so it keeps its sign.

    Arguments:
        x: x coordinates, increasing or decreasing, at least 2 points.
        y: y coordinates, same length as ``x``.

    Returns:
        The area as a Python float.

    Raises:
        ValueError: when x and y differ in length, have fewer than 2 points, are not finite,
            or x is not monotonic.

    Example:
        >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
        0.75
        >>> auc([1.0, 0.5, 0.0], [1.0, 1.0, 0.0])
        0.75
    """
    xs = as_1d(x, "x").astype(np.float64)
    ys = as_1d(y, "y").astype(np.float64)
    if xs.size != ys.size:
        raise ValueError(f"x and y have different lengths: {xs.size} != {ys.size}")
    if xs.size < 2:
        raise ValueError(f"at least 2 points are needed to compute an area, got {xs.size}")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise ValueError("x and y must be finite")
    dx = np.diff(xs)
    direction = 1.0
    if (dx < 0).any():
        if (dx > 0).any():
            raise ValueError("x is neither increasing nor decreasing")
        direction = -1.0
    return float(direction * np.sum(dx * (ys[1:] + ys[:-1]) / 2.0))

def precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[Floats, Floats, Floats]:
    """Precision-recall pairs per threshold, as scikit-learn's ``precision_recall_curve``.

    The last point is (recall 0, precision 1), with no threshold. With ``drop_intermediate``,
    among consecutive thresholds of equal recall only the first and last are kept.

    Arguments:
        y_true: binary labels, shape (n,), with at least one positive.
        y_score: scores, higher meaning more likely positive, shape (n,); finite.
        pos_label: the positive label; inferred as 1 when the labels lie in {0, 1} or {-1, 1}.
        sample_weight: non-negative weights, shape (n,); zero-weight samples are ignored.
        drop_intermediate: drop thresholds inside runs of equal recall.

    Returns:
        ``(precision, recall, thresholds)``: precision and recall of the samples with
        ``score >= thresholds[i]``, thresholds increasing; precision and recall have one more
        entry than thresholds.

    Raises:
        ValueError: on invalid input or when y_true has no positive sample.

    Example:
        >>> precision, recall, thresholds = precision_recall_curve(
        ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> precision
        array([0.5       , 0.66666667, 0.5       , 1.        , 1.        ])
        >>> recall
        array([1. , 1. , 0.5, 0.5, 0. ])
        >>> thresholds
        array([0.1 , 0.35, 0.4 , 0.8 ])
    """
    fps, tps, thresholds = cumulative_counts(y_true, y_score, pos_label, sample_weight)
    if tps[-1] == 0:
        raise ValueError("no positive sample in y_true; precision and recall are undefined")
    if drop_intermediate and fps.size > 2:
        turn = np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:]))
        keep = np.flatnonzero(np.concatenate(([True], turn, [True])))
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return (
        np.concatenate((precision[::-1], [1.0])),
        np.concatenate((recall[::-1], [0.0])),
        thresholds[::-1],
    )


def binary_roc_auc(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None = None
) -> float:
    """`metrics.roc_auc_score` of one column of binary labels in memory (the Mann-Whitney U).

    >>> binary_roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    labels, score, weight = check_inputs(y_true, y_score, sample_weight)
    classes = binary_classes(labels)
    if classes.size < 2:
        raise ValueError(f"only one class present in y_true ({classes[0]!r}); AUC is undefined")
    _, pos, neg = tally(score, labels == classes[1], weight)
    return mann_whitney_auc(pos, neg)


def binary_average_precision(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = 1,
    sample_weight: ArrayLike | None = None,
) -> float:
    """`metrics.average_precision_score` of one column of binary labels.

    >>> binary_average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # (1 + 2/3) / 2
    0.8333333333333333
    """
    precision, recall, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    return max(0.0, float(-np.sum(np.diff(recall) * precision[:-1])))
