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

Every function first reduces the data to a *tally*: the distinct scores in increasing order with
the positive and negative mass (sample count or total weight) at each. Two ways to build it:

* scores on a small grid (integers, or floats rounded to at most 6 decimals) are binned with
  ``np.bincount`` in O(n);
* other scores are sorted in O(n log n). Unweighted, each class is sorted on its own with
  numpy's fast unstable sort and the two sorted runs are merged by a stable argsort, which
  timsort does in linear time; this is several times faster than one argsort of all scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "auc",
    "average_precision_score",
    "precision_recall_curve",
    "roc_auc_score",
    "roc_curve",
]

_MAX_DECIMALS = 6  # scores rounded to at most this many decimals count as on a grid
_GRID_SAMPLE = 1024  # scores looked at before a full pass decides the grid
_MIN_GRID_BINS = 1 << 16  # a grid may always have this many bins, else at most one per sample

_MODULES = {"dask": "dask", "cupy": "device"}  # calcml.stats._<name>_metrics serves each engine

Floats = NDArray[np.float64]
Tally = tuple[np.ndarray, np.ndarray, np.ndarray]


# ---------------------------------------------------------------------------------------------
# Public API


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
    backend = _backend(y_true, y_score, sample_weight)
    if backend != "numpy":  # the tally from the chunks or the GPU; the curve in memory
        import importlib

        module = importlib.import_module(f"calcml.stats._{_MODULES[backend]}_metrics")
        values, pos, neg = module.tally(y_true, y_score, pos_label)
        fps, tps = np.cumsum(neg[::-1]), np.cumsum(pos[::-1])
        thresholds = values[::-1].astype(np.float64)
    else:
        fps, tps, thresholds = _cumulative_counts(y_true, y_score, pos_label, sample_weight)
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
    xs = _as_1d(x, "x").astype(np.float64)
    ys = _as_1d(y, "y").astype(np.float64)
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
    backend = _backend(y_true, y_score, sample_weight)
    if backend != "numpy":
        import importlib

        module = importlib.import_module(f"calcml.stats._{_MODULES[backend]}_metrics")
        return module.roc_auc_score(y_true, y_score)
    if max_fpr is not None or np.ndim(y_score) == 2 or np.ndim(y_true) == 2:
        from calcml.stats.ranking import roc_auc  # partial, multiclass, multilabel, (n, 1)

        return roc_auc(y_true, y_score, sample_weight=sample_weight, max_fpr=max_fpr,
                       multi_class=multi_class, labels=labels, average=average)  # fmt: skip
    labels, score, weight = _check_inputs(y_true, y_score, sample_weight)
    classes = _classes(labels)
    if classes.size < 2:
        raise ValueError(f"only one class present in y_true ({classes[0]!r}); AUC is undefined")
    _, pos, neg = _tally(score, labels == classes[1], weight)
    return _mann_whitney_auc(pos, neg)


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
    fps, tps, thresholds = _cumulative_counts(y_true, y_score, pos_label, sample_weight)
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
    if np.ndim(y_score) == 2 or np.ndim(y_true) == 2:
        from calcml.stats.ranking import average_precision  # multilabel, multiclass, (n, 1)

        return average_precision(y_true, y_score, pos_label=pos_label,
                                 sample_weight=sample_weight, average=average)  # fmt: skip
    precision, recall, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    return max(0.0, float(-np.sum(np.diff(recall) * precision[:-1])))


# ---------------------------------------------------------------------------------------------
# Input checks


def _backend(y_true: object, y_score: object, sample_weight: object) -> str:
    """"dask" or "cupy" when either array is one (the cheap class test keeps NumPy's path
    fast), else "numpy". Weighted sums are not exact in chunks, so weights stay in memory."""
    kinds = {type(a).__module__.partition(".")[0] for a in (y_true, y_score)}
    found = "dask" if "dask" in kinds else "cupy" if "cupy" in kinds else "numpy"
    if found != "numpy" and sample_weight is not None:
        raise ValueError(f"sample_weight is not supported with {found} arrays; pass NumPy arrays")
    return found


def _as_1d(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def _check_inputs(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, Floats | None]:
    """Labels, scores and weights as 1-D arrays, zero-weight samples removed."""
    labels = _as_1d(y_true, "y_true")
    score = _as_1d(y_score, "y_score")
    if labels.size != score.size:
        raise ValueError(
            f"y_true and y_score have different lengths: {labels.size} != {score.size}"
        )
    if score.size == 0:
        raise ValueError("y_true and y_score are empty")
    if score.dtype.kind not in "biuf":
        raise ValueError(f"y_score must be numeric, got dtype {score.dtype}")
    if score.dtype.kind == "f" and not np.isfinite(score).all():
        raise ValueError("y_score contains NaN or infinity")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError("y_true contains NaN or infinity")
    if sample_weight is None:
        return labels, score, None
    weight = _check_weight(sample_weight, score.size)
    kept = weight != 0
    if not kept.any():
        raise ValueError("sample_weight is zero for every sample")
    if kept.all():
        return labels, score, weight
    return labels[kept], score[kept], weight[kept]


def _check_weight(sample_weight: ArrayLike, n: int) -> Floats:
    weight = _as_1d(sample_weight, "sample_weight").astype(np.float64)
    if weight.size != n:
        raise ValueError(f"sample_weight has {weight.size} entries for {n} samples")
    if not np.isfinite(weight).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if (weight < 0).any():
        raise ValueError("sample_weight must be non-negative")
    return weight


def _classes(labels: np.ndarray) -> np.ndarray:
    """The sorted distinct labels, one or two of them."""
    if labels.dtype.kind in "biuf":  # min/max and two comparisons: no sort
        low, high = labels.min(), labels.max()
        if low == high:
            return np.array([low])
        if np.count_nonzero((labels == low) | (labels == high)) == labels.size:
            return np.array([low, high])
    else:
        classes = np.unique(labels)
        if classes.size <= 2:
            return classes
    raise ValueError("y_true has more than two distinct labels; only binary labels are supported")


def _positives(labels: np.ndarray, pos_label: object) -> NDArray[np.bool_]:
    """Mask of the positive samples; pos_label None means 1 for labels in {0, 1} or {-1, 1}."""
    classes = _classes(labels).tolist()
    if pos_label is None:
        if labels.dtype.kind not in "biuf" or classes not in ([0, 1], [-1, 1], [0], [-1], [1]):
            raise ValueError(
                f"y_true takes values {classes}; pass pos_label (it is inferred only for labels "
                "in {0, 1} or {-1, 1})"
            )
        pos_label = 1
    elif pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not a label of y_true {classes}")
    return labels == pos_label


# ---------------------------------------------------------------------------------------------
# Tally: distinct scores with the positive and negative mass at each


def _cumulative_counts(
    y_true: ArrayLike, y_score: ArrayLike, pos_label: object, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, Floats]:
    """False and true positives at or above each distinct score, scores decreasing."""
    labels, score, weight = _check_inputs(y_true, y_score, sample_weight)
    values, pos, neg = _tally(score, _positives(labels, pos_label), weight)
    return np.cumsum(neg[::-1]), np.cumsum(pos[::-1]), values[::-1].astype(np.float64)


def _tally(score: np.ndarray, is_pos: NDArray[np.bool_], weight: Floats | None) -> Tally:
    """Distinct scores, increasing, with the positive and negative mass at each.

    Masses are int64 counts when unweighted, float64 weight sums otherwise.
    """
    grid = _grid_index(score)
    if grid is not None:
        values, pos, neg = _tally_grid(*grid, is_pos, weight)
    else:
        values, pos, neg = _tally_sorted(*_sort_by_score(score, is_pos, weight))
    if weight is None:
        return values, pos.astype(np.int64, copy=False), neg.astype(np.int64, copy=False)
    return values, pos, neg


def _class_masses(
    is_pos: NDArray[np.bool_], weight: Floats | None
) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative mass of each sample: 0/1 integers, or its weight."""
    if weight is None:
        pos = is_pos.astype(np.int64)
        return pos, 1 - pos
    pos = np.where(is_pos, weight, 0.0)
    return pos, weight - pos


def _tally_grid(
    index: NDArray[np.intp],
    bin_values: np.ndarray,
    is_pos: NDArray[np.bool_],
    weight: Floats | None,
) -> Tally:
    pos_mass, neg_mass = _class_masses(is_pos, weight)
    pos = np.bincount(index, weights=pos_mass, minlength=bin_values.size)
    neg = np.bincount(index, weights=neg_mass, minlength=bin_values.size)
    seen = (pos + neg) > 0
    return bin_values[seen], pos[seen], neg[seen]


def _sort_by_score(
    score: np.ndarray, is_pos: NDArray[np.bool_], weight: Floats | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores in increasing order with the positive and negative mass of each sample."""
    if weight is not None:
        order = np.argsort(score)
        return score[order], *_class_masses(is_pos[order], weight[order])
    # Sort each class with the fast unstable sort, then merge the two sorted runs with a stable
    # argsort: numpy's timsort merges them in linear time.
    negatives = np.sort(score[~is_pos])
    runs = np.concatenate((negatives, np.sort(score[is_pos])))
    order = np.argsort(runs, kind="stable")
    return runs[order], *_class_masses(order >= negatives.size, None)


def _tally_sorted(ordered: np.ndarray, pos_mass: np.ndarray, neg_mass: np.ndarray) -> Tally:
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    if starts.size == ordered.size:  # no ties: skip the (slow) reduceat
        return ordered, pos_mass, neg_mass
    return ordered[starts], np.add.reduceat(pos_mass, starts), np.add.reduceat(neg_mass, starts)


def _mann_whitney_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """U / (n_pos * n_neg) from a tally, divided once (exact for integer counts).

    Over the distinct scores g, ``2U = sum_g pos_g * (neg_below_g + neg_at_or_below_g)``.
    """
    neg_at_or_below = np.cumsum(neg)
    twice_u = np.dot(pos, 2 * neg_at_or_below - neg).item()
    return twice_u / (2 * pos.sum().item() * neg_at_or_below[-1].item())


# ---------------------------------------------------------------------------------------------
# Grid detection: O(n) counting instead of sorting


def _grid_index(score: np.ndarray) -> tuple[NDArray[np.intp], np.ndarray] | None:
    """Bin of each score and score of each bin, when the scores lie on a small integer grid.

    Scores map to integer steps: integer scores are their own steps; float scores rounded to
    k <= 6 decimals satisfy ``x == rint(x * 10**k) / 10**k`` and their step is
    ``rint(x * 10**k)``. That map is non-decreasing and, by the equality, one-to-one, so steps
    order and tie exactly as the scores do. Returns None when no grid of at most
    ``max(n, 2**16)`` bins fits.
    """
    if score.dtype.kind in "bi" or (score.dtype.kind == "u" and score.dtype.itemsize < 8):
        steps = score.astype(np.int64, copy=False)
    elif score.dtype.kind == "f":
        steps = _decimal_steps(score)
        if steps is None:
            return None
        # float64: a float16/float32 cannot hold every difference of two of its integers
        steps = steps.astype(np.float64, copy=False)
    else:
        return None
    low, high = steps.min(), steps.max()
    span = int(high) - int(low)  # Python ints: no overflow
    if span >= max(score.size, _MIN_GRID_BINS):
        return None
    index = (steps - low).astype(np.intp)  # exact: each difference is an integer <= span
    bin_values = np.zeros(span + 1, dtype=score.dtype)
    bin_values[index] = score
    return index, bin_values


def _decimal_steps(score: np.ndarray) -> np.ndarray | None:
    """``rint(score * 10**k)`` for the least k <= 6 that represents every score, else None.

    A strided sample rules out continuous scores cheaply; one full pass confirms the grid.
    """
    sample = score[:: max(1, score.size // _GRID_SAMPLE)]
    for decimals in range(_MAX_DECIMALS + 1):
        if _steps_if_exact(sample, 10.0**decimals) is not None:
            return _steps_if_exact(score, 10.0**decimals)
    return None


def _steps_if_exact(x: np.ndarray, scale: float) -> np.ndarray | None:
    with np.errstate(over="ignore", invalid="ignore"):  # huge scores overflow: not on a grid
        steps = np.rint(x * scale)
    return steps if np.array_equal(steps / scale, x) else None
