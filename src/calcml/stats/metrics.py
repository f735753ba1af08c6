"""Ranking metrics for binary classifiers: ROC and precision-recall curves, their areas.

Unweighted, the curves equal scikit-learn's ``roc_curve`` / ``precision_recall_curve`` bit for
bit; weighted, up to the rounding of the weight sums. ``roc_auc_score`` is exact: it is the
Mann-Whitney statistic ``P(score_pos > score_neg) + 0.5 * P(score_pos == score_neg)``, counted in
integers when the samples are unweighted and divided once, so the result is the correctly
rounded float of the exact rational. Unlike scikit-learn, a single class in ``y_true`` (or no
positive, for precision-recall) raises ``ValueError`` instead of warning and returning NaN, and
negative sample weights are rejected.

``roc_auc_score`` and ``roc_curve`` also take Dask arrays (exact per-chunk counts merged over the
chunks, in bounded memory: see ``_dask_metrics``) and CuPy arrays (sorted on the GPU: see
``_device_metrics``), unweighted, with the same results as in memory.

This module is the entry point: ``roc_auc_score`` and ``average_precision_score`` send Dask and
CuPy arrays to their engines, 2-D inputs and partial AUCs to `ranking`, and one column in memory
to `binary`, where the curves and their areas are computed from a tally (see `tallies`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from calcml.stats.binary import (
    auc,
    binary_average_precision,
    binary_roc_auc,
    precision_recall_curve,
    roc_curve,
)
from calcml.stats.ranking import average_precision, roc_auc
from calcml.stats.tallies import ENGINES, array_engine

__all__ = [
    "auc",
    "average_precision_score",
    "precision_recall_curve",
    "roc_auc_score",
    "roc_curve",
]


def roc_auc_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    max_fpr: float | None = None,
    multi_class: str = "raise",
    labels: ArrayLike | None = None,
    average: str | None = "macro",
) -> Any:
    """Area under the ROC curve, exact with ties (the Mann-Whitney U statistic).

    ``AUC = P(s_pos > s_neg) + 0.5 * P(s_pos == s_neg)`` over all (positive, negative) pairs,
    pairs weighted by the product of their sample weights. The positive class is the greater
    of the two labels. Unweighted, the count is kept in integers and divided once, so the result
    is the correctly rounded value of the exact rational ``U / (n_pos * n_neg)``.

    Arguments:
        y_true: binary labels, shape (n,); exactly two distinct values.
        y_score: scores, higher meaning more likely positive, shape (n,); finite.
        sample_weight: non-negative weights, shape (n,); zero-weight samples are ignored.
        max_fpr, multi_class, labels, average: as scikit-learn's (the partial AUC with
            McClish's standardization; multiclass 'ovr'/'ovo'; multilabel averages), computed
            in `calcml.stats.ranking`; 2-D inputs and (n, 1) columns go there too.

    Returns:
        The area, in [0, 1], as a Python float.

    Raises:
        ValueError: on invalid input or when y_true holds a single class.

    Example:
        >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
        >>> roc_auc_score([0, 1, 0, 1, 0, 1], [0.2, 0.2, 0.2, 0.7, 0.7, 0.1])  # 3.5 / 9
        0.3888888888888889
    """
    backend = array_engine(y_true, y_score, sample_weight)
    if backend != "numpy":
        import importlib

        module = importlib.import_module(f"calcml.stats._{ENGINES[backend]}_metrics")
        return module.roc_auc_score(y_true, y_score)
    if max_fpr is not None or np.ndim(y_score) == 2 or np.ndim(y_true) == 2:
        # partial, multiclass, multilabel, (n, 1)
        return roc_auc(y_true, y_score, sample_weight=sample_weight, max_fpr=max_fpr,
                       multi_class=multi_class, labels=labels, average=average)  # fmt: skip
    return binary_roc_auc(y_true, y_score, sample_weight)


def average_precision_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = 1,
    sample_weight: ArrayLike | None = None,
    average: str | None = "macro",
) -> Any:
    """Average precision, as scikit-learn's ``average_precision_score`` for binary labels.

    ``AP = sum_i (R_i - R_{i-1}) * P_i`` over the thresholds in decreasing order: the step
    (not interpolated) integral of the precision-recall curve.

    Arguments:
        y_true: binary labels, shape (n,), with at least one positive.
        y_score: scores, higher meaning more likely positive, shape (n,); finite.
        pos_label: the positive label (default 1).
        sample_weight: non-negative weights, shape (n,); zero-weight samples are ignored.

    Returns:
        The average precision, in [0, 1], as a Python float.

    Raises:
        ValueError: on invalid input, when pos_label is not a label of y_true, or when y_true
            has no positive sample.

    Example:
        >>> average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  # (1 + 2/3) / 2
        0.8333333333333333
    """
    if np.ndim(y_score) == 2 or np.ndim(y_true) == 2:  # multilabel, multiclass, (n, 1)
        return average_precision(y_true, y_score, pos_label=pos_label,
                                 sample_weight=sample_weight, average=average)  # fmt: skip
    return binary_average_precision(y_true, y_score, pos_label=pos_label,
                                    sample_weight=sample_weight)  # fmt: skip
