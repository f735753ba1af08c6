"""ROC AUC and the ROC tally of arrays on a device (CuPy on a GPU), sorted where they live.

Written against the array API standard through ``array-api-compat``, so the same code runs on
CuPy and, for testing on machines without a GPU, on NumPy. One sort of the scores on the
device, then cumulative sums at the ends of the runs of equal scores give each distinct score's
positive and negative counts: ties are exact and ``2U`` is counted in int64 on the device. Only
scalars (and, for the curve, the tally) come back to the host.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.stats.tallies import positives


def _namespace(*arrays: Any) -> Any:
    from array_api_compat import array_namespace

    return array_namespace(*arrays)


def _to_host(x: Any) -> np.ndarray:
    return x.get() if hasattr(x, "get") else np.asarray(x)  # CuPy's copy to the host is .get()


def _checked(y_true: Any, y_score: Any) -> tuple[Any, Any, Any, np.ndarray]:
    """(namespace, labels, scores, the distinct labels on the host), after the same checks as
    in memory."""
    xp = _namespace(y_true, y_score)
    labels, score = xp.asarray(y_true), xp.asarray(y_score)
    for name, a in (("y_true", labels), ("y_score", score)):
        if a.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    if labels.shape[0] != score.shape[0]:
        raise ValueError(
            f"y_true and y_score have different lengths: {labels.shape[0]} != {score.shape[0]}"
        )
    if score.shape[0] == 0:
        raise ValueError("y_true and y_score are empty")
    if not xp.isdtype(score.dtype, ("integral", "real floating", "bool")):
        raise ValueError(f"y_score must be numeric, got dtype {score.dtype}")
    if xp.isdtype(score.dtype, "real floating") and not bool(xp.all(xp.isfinite(score))):
        raise ValueError("y_score contains NaN or infinity")
    if xp.isdtype(labels.dtype, "real floating") and not bool(xp.all(xp.isfinite(labels))):
        raise ValueError("y_true contains NaN or infinity")
    classes = _label_values(xp, labels)
    if classes.size > 2:
        raise ValueError("y_true has more than two distinct labels; only binary labels are "
                         "supported")  # fmt: skip
    return xp, labels, score, np.sort(classes)


def _label_values(xp: Any, labels: Any) -> np.ndarray:
    """The distinct labels on the host; for numbers, min and max and one count (no sort)."""
    if not xp.isdtype(labels.dtype, ("integral", "real floating", "bool")):
        return _to_host(xp.unique_values(labels))
    low, high = xp.min(labels), xp.max(labels)
    if bool(low == high):
        return _to_host(xp.reshape(low, (1,)))
    if int(xp.sum(xp.astype((labels == low) | (labels == high), xp.int64))) == labels.shape[0]:
        return _to_host(xp.stack((low, high)))
    return _to_host(xp.unique_values(labels))  # more than two: the message says so


def _run_counts(xp: Any, score: Any, positive: Any) -> tuple[Any, Any, Any]:
    """Distinct scores, increasing, with the positive and negative count at each (int64)."""
    order = xp.argsort(score, stable=False)  # ties are summed: their order does not matter
    ordered = xp.take(score, order)
    pos = xp.astype(xp.take(positive, order), xp.int64)
    last = xp.concat((ordered[1:] != ordered[:-1], xp.ones(1, dtype=xp.bool)))
    ends = xp.nonzero(last)[0]  # the last index of each run of equal scores
    cum_pos = xp.take(xp.cumulative_sum(pos), ends)
    cum_all = ends + 1
    zero = xp.zeros(1, dtype=xp.int64)
    pos_at = cum_pos - xp.concat((zero, cum_pos[:-1]))
    all_at = cum_all - xp.concat((zero, cum_all[:-1]))
    return xp.take(ordered, ends), pos_at, all_at - pos_at


def roc_auc_score(y_true: Any, y_score: Any) -> float:
    """``metrics.roc_auc_score`` (unweighted) of device arrays; the same float as in memory."""
    xp, labels, score, classes = _checked(y_true, y_score)
    if classes.size < 2:
        raise ValueError(f"only one class present in y_true ({classes[0]!r}); AUC is undefined")
    _, pos, neg = _run_counts(xp, score, labels == xp.asarray(classes[1]))
    neg_at_or_below = xp.cumulative_sum(neg)
    twice_u = int(xp.sum(pos * (2 * neg_at_or_below - neg)))
    n_pos = int(xp.sum(pos))
    return twice_u / (2 * n_pos * int(neg_at_or_below[-1]))


def tally(y_true: Any, y_score: Any, pos_label: object) -> tuple[np.ndarray, ...]:
    """The tally of device arrays, on the host: what the ROC curve is drawn from."""
    xp, labels, score, classes = _checked(y_true, y_score)
    is_pos = positives(classes, pos_label)
    positive = labels == xp.asarray(classes[is_pos][0]) if is_pos.any() else labels != labels
    return tuple(_to_host(a) for a in _run_counts(xp, score, positive))
