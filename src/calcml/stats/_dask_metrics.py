"""ROC AUC and the ROC curve of Dask arrays: exact, in bounded memory, on any Dask scheduler.

The result equals the in-memory one bit for bit: the same Mann-Whitney count ``2U`` in integers,
divided once. It is a map-reduce in Dask's chunk / combine / aggregate shape:

* chunk: each class's scores, sorted, as a *multiset* (distinct values with counts when ties
  are many, plain sorted values otherwise);
* combine: merge the multisets of each label (concatenate, sort in place, count ties);
* aggregate: ``2U = sum over positives of (#negatives below + #negatives at or below)`` by
  binary search, in Python integers.

An exact count must see every distinct score at once, so one pass over ``n`` continuous scores
holds ``n`` of them. Past ``max_group`` scores the score range is cut, at quantiles of a sample
of the chunks, into groups of about ``max_group`` scores each, and each group is one pass over
the data: pairs in different groups are ordered by the groups themselves, so only counts cross
groups. Peak memory follows ``max_group``, not ``n`` (2.5 GiB measured at the default, float64
scores, with a LocalCluster in the same process); the price is one pass per group (chunks are
recomputed, or re-read, each pass).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from calcml.core.arrays import compute, is_dask
from calcml.stats.tallies import binary_classes, positives

MAX_GROUP = 1 << 27  # scores held at once by default: 1 GiB of float64, 2.5 GiB at the peak
_SAMPLE_BLOCKS = 32  # chunks sampled to place the group boundaries
_SAMPLE_PER_BLOCK = 4096
_SPLIT_EVERY = 16  # fan-in of the combine tree (each level sorts every score once more)
_SEARCH_BLOCK = 1 << 22  # positives searched at a time (bounds the index arrays)

#: Sorted values, and the count of each (then the values are distinct) or None (each entry
#: counts once, and values may repeat).
Multiset = tuple[np.ndarray, np.ndarray | None]
#: One label's multiset of scores per label seen.
Part = dict[Any, Multiset]
Bounds = tuple[Any, Any]  # [low, high) of a group; None for an open end


def align(y_true: Any, y_score: Any) -> tuple[Any, Any]:
    """Labels and scores as 1-D Dask arrays of equal length with the same chunks."""
    import dask.array as da

    model = next(a for a in (y_score, y_true) if is_dask(a))

    def lazy(a: Any) -> Any:  # an in-memory array takes the Dask one's chunks when it can
        if is_dask(a):
            return a
        a = np.asarray(a)
        alike = a.shape == model.shape and model.ndim == 1
        return da.from_array(a, chunks=model.chunks if alike else "auto")

    labels, score = lazy(y_true), lazy(y_score)
    for name, a in (("y_true", labels), ("y_score", score)):
        if a.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    if math.isnan(labels.shape[0]) or math.isnan(score.shape[0]):
        labels, score = labels.compute_chunk_sizes(), score.compute_chunk_sizes()
    if labels.shape[0] != score.shape[0]:
        raise ValueError(
            f"y_true and y_score have different lengths: {labels.shape[0]} != {score.shape[0]}"
        )
    if score.shape[0] == 0:
        raise ValueError("y_true and y_score are empty")
    if score.dtype.kind not in "biuf":
        raise ValueError(f"y_score must be numeric, got dtype {score.dtype}")
    if score.chunks != labels.chunks:
        score = score.rechunk(labels.chunks)
    return labels, score


# ---------------------------------------------------------------------------------------------
# Multisets: chunk and combine


def _compressed(values: np.ndarray) -> Multiset:
    """A sorted array as a multiset: with counts when at most half its values are distinct."""
    if values.size < 2:
        return values, None
    changes = values[1:] != values[:-1]  # one byte a value: distinct scores pass with no index
    if 2 * (np.count_nonzero(changes) + 1) > values.size:
        return values, None
    starts = np.concatenate(([0], np.flatnonzero(changes) + 1))
    return values[starts], np.diff(np.append(starts, values.size)).astype(np.int64)


def _merge(sets: list[Multiset]) -> Multiset:
    """The union (with multiplicity) of sorted multisets; one stable sort merges the runs."""
    if len(sets) == 1:
        return sets[0]
    values = np.concatenate([v for v, _ in sets])
    if all(c is None for _, c in sets):
        values.sort()  # in place: no merge buffer
        return _compressed(values)
    counts = np.concatenate([np.ones(v.size, np.int64) if c is None else c for v, c in sets])
    order = np.argsort(values, kind="stable")
    values, counts = values[order], counts[order]
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.add.reduceat(counts, starts)


def _size(ms: Multiset) -> int:
    values, counts = ms
    return int(values.size if counts is None else counts.sum())


def chunk_part(labels: np.ndarray, score: np.ndarray, bounds: Bounds) -> Part:
    """The chunk's scores inside `bounds`, one sorted multiset per label (checks the chunk)."""
    if labels.size == 0:
        return {}
    if score.dtype.kind == "f" and not np.isfinite(score).all():
        raise ValueError("y_score contains NaN or infinity")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError("y_true contains NaN or infinity")
    classes = binary_classes(labels)
    low, high = bounds
    if low is not None or high is not None:
        inside = np.ones(score.size, bool)
        if low is not None:
            inside &= score >= low
        if high is not None:
            inside &= score < high
        labels, score = labels[inside], score[inside]
    part = {}
    for label in classes:
        chosen = score if classes.size == 1 else score[labels == label]
        if chosen.size:
            part[label.item()] = _compressed(np.sort(chosen))
    return part


def combine(*parts: Part) -> Part:
    """Merge the multisets of each label over several parts."""
    labels = sorted({label for part in parts for label in part})
    if len(labels) > 2:
        raise ValueError("y_true has more than two distinct labels; only binary labels are "
                         "supported")  # fmt: skip
    return {label: _merge([p[label] for p in parts if label in p]) for label in labels}


# ---------------------------------------------------------------------------------------------
# Passes over the data


def _tree(leaves: list[Any]) -> Any:
    """Combine delayed parts, `_SPLIT_EVERY` at a time, down to one."""
    from dask import delayed

    merge = delayed(combine, pure=True)
    while len(leaves) > 1:
        leaves = [merge(*leaves[i : i + _SPLIT_EVERY])
                  for i in range(0, len(leaves), _SPLIT_EVERY)]  # fmt: skip
    return leaves[0]


def group_pass(labels: Any, score: Any, bounds: Bounds) -> Part:
    """One pass over the data: the merged part of the scores in `bounds`."""
    from dask import delayed

    part = delayed(chunk_part, pure=True)
    # unoptimized graphs keep the task names, so chunks that both arrays read are made once
    blocks = labels.to_delayed(optimize_graph=False), score.to_delayed(optimize_graph=False)
    leaves = [part(lab, sc, bounds) for lab, sc in zip(*blocks, strict=True)]
    return compute(_tree(leaves))[0]


def _strided(block: np.ndarray) -> np.ndarray:
    return block[:: max(1, block.size // _SAMPLE_PER_BLOCK)]


def plan(score: Any, max_group: int) -> list[Bounds]:
    """Score ranges, increasing, each expected to hold at most `max_group` distinct scores.

    The boundaries are quantiles of a strided sample of up to `_SAMPLE_BLOCKS` evenly spaced
    chunks; a poor sample costs memory (a fuller group), never exactness.
    """
    n = score.shape[0]
    if n <= max_group:
        return [(None, None)]
    from dask import delayed

    blocks = score.to_delayed()
    picked = np.unique(np.linspace(0, blocks.size - 1, min(blocks.size, _SAMPLE_BLOCKS)).round())
    sample = np.sort(np.concatenate(
        compute(*[delayed(_strided)(blocks[int(i)]) for i in picked])))  # fmt: skip
    distinct_share = np.unique(sample).size / max(sample.size, 1)
    groups = math.ceil(n * distinct_share / max_group)
    if groups <= 1:
        return [(None, None)]
    cuts = np.unique(sample[(np.arange(1, groups) * sample.size) // groups]).tolist()
    edges = [None, *cuts, None]
    return list(itertools.pairwise(edges))


def passes(labels: Any, score: Any, max_group: int) -> Iterator[Part]:
    """The merged part of each group, groups in increasing score order, one pass each: a
    caller that drops each part before asking for the next holds one group at a time."""
    seen: set[Any] = set()
    for bounds in plan(score, max_group):
        part = group_pass(labels, score, bounds)
        seen.update(part)
        if len(seen) > 2:
            combine(*({label: (np.empty(0), None)} for label in seen))  # raises: too many
        yield part


def _two_labels(counts: dict[Any, int]) -> tuple[Any, Any]:
    """The (lower, greater) label; ValueError unless there are two."""
    if len(counts) < 2:
        raise ValueError(f"only one class present in y_true ({next(iter(counts))!r}); "
                         "AUC is undefined")  # fmt: skip
    low, high = sorted(counts)
    return low, high


# ---------------------------------------------------------------------------------------------
# Aggregate


def twice_u(pos: Multiset, neg: Multiset) -> int:
    """``2U``: over all (positive, negative) pairs, 2 when the positive scores higher, 1 on a
    tie; exact, in Python integers."""
    neg_values, neg_counts = neg
    below = None if neg_counts is None else np.concatenate(([0], np.cumsum(neg_counts)))
    pos_values, pos_counts = pos
    total = 0
    for start in range(0, pos_values.size, _SEARCH_BLOCK):
        chunk = pos_values[start : start + _SEARCH_BLOCK]
        left = np.searchsorted(neg_values, chunk, "left")
        right = left.copy()  # searched again only where a negative equals the positive
        tied = np.flatnonzero(neg_values[np.minimum(left, neg_values.size - 1)] == chunk)
        right[tied] = np.searchsorted(neg_values, chunk[tied], "right")
        if below is not None:
            left, right = below[left], below[right]
        pair = left + right
        if pos_counts is None:
            total += int(pair.sum())
        else:
            total += int(np.dot(pos_counts[start : start + _SEARCH_BLOCK], pair))
    return total


def roc_auc_score(y_true: Any, y_score: Any, *, max_group: int = MAX_GROUP) -> float:
    """``metrics.roc_auc_score`` of Dask arrays (unweighted), exactly; see the module text.

    Arguments:
        y_true, y_score: 1-D arrays, at least one a Dask array; the others are chunked alike.
        max_group: scores held in memory at once (one pass over the data per group).

    Returns:
        The area as a Python float, equal to the in-memory ``roc_auc_score``.
    """
    labels, score = align(y_true, y_score)
    twice: dict[Any, int] = {}  # 2U with each label taken as the positive one
    counts: dict[Any, int] = {}
    below = 0  # scores in the groups done, all lower than this group's
    for part in passes(labels, score, max_group):
        sizes = {label: _size(ms) for label, ms in part.items()}
        within = dict.fromkeys(part, 0)
        if len(part) == 2:
            low, high = sorted(part)
            within[high] = twice_u(part[high], part[low])
            within[low] = 2 * sizes[low] * sizes[high] - within[high]  # each pair scores 2
        for label, size in sizes.items():
            others_below = below - counts.get(label, 0)
            twice[label] = twice.get(label, 0) + within[label] + 2 * size * others_below
            counts[label] = counts.get(label, 0) + size
        below += sum(sizes.values())
    neg_label, pos_label = _two_labels(counts)
    return twice[pos_label] / (2 * counts[pos_label] * counts[neg_label])


def _group_tally(pos: Multiset, neg: Multiset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores, increasing, with the positive and negative count at each."""
    sides = []
    for (values, counts), is_pos in ((pos, True), (neg, False)):
        mass = np.ones(values.size, np.int64) if counts is None else counts
        zero = np.zeros(values.size, np.int64)
        sides.append((values, mass if is_pos else zero, zero if is_pos else mass))
    values = np.concatenate([s[0] for s in sides])
    order = np.argsort(values, kind="stable")
    values = values[order]
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    pos_mass, neg_mass = (np.add.reduceat(np.concatenate([s[k] for s in sides])[order], starts)
                          for k in (1, 2))  # fmt: skip
    return values[starts], pos_mass, neg_mass


def tally(y_true: Any, y_score: Any, pos_label: object, *, max_group: int = MAX_GROUP
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The whole tally of Dask arrays (distinct scores with positive and negative counts), in
    memory: what a ROC or precision-recall curve is drawn from. Its size is the number of
    distinct scores, as is the curve's."""
    labels, score = align(y_true, y_score)
    parts = list(passes(labels, score, max_group))
    seen = sorted({label for part in parts for label in part})
    is_pos = positives(np.array(seen), pos_label).tolist()
    empty = (np.empty(0, score.dtype), None)
    pos_keys = [k for k, p in zip(seen, is_pos, strict=True) if p]
    neg_keys = [k for k, p in zip(seen, is_pos, strict=True) if not p]
    tallies = []
    for part in parts:
        pos = part.get(pos_keys[0], empty) if pos_keys else empty
        neg = part.get(neg_keys[0], empty) if neg_keys else empty
        tallies.append(_group_tally(pos, neg))
    return tuple(np.concatenate(column) for column in zip(*tallies, strict=True))  # type: ignore[return-value]
