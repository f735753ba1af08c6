"""Input checks and the tally every binary ranking metric is computed from.

Every function of `binary` and `metrics` first reduces the data to a *tally*: the distinct
scores in increasing order with the positive and negative mass (sample count or total weight)
at each. Two ways to build it:

* scores on a small grid (integers, or floats rounded to at most 6 decimals) are binned with
  ``np.bincount`` in O(n);
* other scores are sorted in O(n log n). Unweighted, each class is sorted on its own with
  numpy's fast unstable sort and the two sorted runs are merged by a stable argsort, which
  timsort does in linear time; this is several times faster than one argsort of all scores.

The checks and the tally are public within `calcml.stats` because the Dask and device engines
(``_dask_metrics``, ``_device_metrics``) check labels the same way and must give the same tally.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

_MAX_DECIMALS = 6  # scores rounded to at most this many decimals count as on a grid
_GRID_SAMPLE = 1024  # scores looked at before a full pass decides the grid
_MIN_GRID_BINS = 1 << 16  # a grid may always have this many bins, else at most one per sample

#: The engine modules, calcml.stats._<name>_metrics, that serve Dask and CuPy arrays.
ENGINES = {"dask": "dask", "cupy": "device"}

Floats = NDArray[np.float64]
Tally = tuple[np.ndarray, np.ndarray, np.ndarray]


# ---------------------------------------------------------------------------------------------
# Input checks


def array_engine(y_true: object, y_score: object, sample_weight: object) -> str:
    """"dask" or "cupy" when either array is one (the cheap class test keeps NumPy's path
    fast), else "numpy". Weighted sums are not exact in chunks, so weights stay in memory."""
    kinds = {type(a).__module__.partition(".")[0] for a in (y_true, y_score)}
    found = "dask" if "dask" in kinds else "cupy" if "cupy" in kinds else "numpy"
    if found != "numpy" and sample_weight is not None:
        raise ValueError(f"sample_weight is not supported with {found} arrays; pass NumPy arrays")
    return found


def as_1d(values: ArrayLike, name: str) -> np.ndarray:
    """`values` as a 1-D array, or a ValueError naming `name` (shared with `binary.auc`)."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def check_inputs(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, Floats | None]:
    """Labels, scores and weights as 1-D arrays, zero-weight samples removed."""
    labels = as_1d(y_true, "y_true")
    score = as_1d(y_score, "y_score")
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
    weight = as_1d(sample_weight, "sample_weight").astype(np.float64)
    if weight.size != n:
        raise ValueError(f"sample_weight has {weight.size} entries for {n} samples")
    if not np.isfinite(weight).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if (weight < 0).any():
        raise ValueError("sample_weight must be non-negative")
    return weight


def binary_classes(labels: np.ndarray) -> np.ndarray:
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


def positives(labels: np.ndarray, pos_label: object) -> NDArray[np.bool_]:
    """Mask of the positive samples; pos_label None means 1 for labels in {0, 1} or {-1, 1}."""
    classes = binary_classes(labels).tolist()
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


def cumulative_counts(
    y_true: ArrayLike, y_score: ArrayLike, pos_label: object, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, Floats]:
    """False and true positives at or above each distinct score, scores decreasing."""
    labels, score, weight = check_inputs(y_true, y_score, sample_weight)
    values, pos, neg = tally(score, positives(labels, pos_label), weight)
    return np.cumsum(neg[::-1]), np.cumsum(pos[::-1]), values[::-1].astype(np.float64)


def tally(score: np.ndarray, is_pos: NDArray[np.bool_], weight: Floats | None) -> Tally:
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


def mann_whitney_auc(pos: np.ndarray, neg: np.ndarray) -> float:
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
