"""ROC AUC and ROC curves of Dask arrays, computed on a two-worker LocalCluster: equal to the
in-memory results bit for bit, and to the exact Mann-Whitney counts of the reference data."""

import itertools
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

from calcml.stats import _dask_metrics  # noqa: E402
from calcml.stats.metrics import roc_auc_score, roc_curve  # noqa: E402

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "auc_reference.json").read_text())


@pytest.fixture(scope="module", autouse=True)
def client():
    """Two single-threaded workers; every compute in this module runs on them."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:  # fmt: skip
        yield c


def make_data(seed: int, n: int, decimals: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The reference data recipe, as written in REFERENCE["meta"]["recipe"]."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    s = 1 / (1 + np.exp(-(rng.standard_normal(n) + 1.0 * y)))
    return y, (s if decimals is None else np.round(s, decimals))


def brute_force_twice_u(y: np.ndarray, s: np.ndarray) -> int:
    pos, neg = s[y == y.max()][:, None], s[y != y.max()][None, :]
    return int(2 * np.count_nonzero(pos > neg) + np.count_nonzero(pos == neg))


SMALL_CASES = [c for c in REFERENCE["cases"] if c["n"] <= 10**4]


@pytest.mark.parametrize("max_group", [10**9, 1500])
@pytest.mark.parametrize("case", SMALL_CASES[::2], ids=lambda c: f"{c['seed']}-{c['decimals']}")
def test_reference_counts(case, max_group):
    """The exact 2U of the reference file, with one pass and with about seven score groups."""
    y, s = make_data(case["seed"], case["n"], case["decimals"])
    value = _dask_metrics.roc_auc_score(
        da.from_array(y, chunks=1234), da.from_array(s, chunks=1234), max_group=max_group
    )
    assert value == float(Fraction(case["twoU"], 2 * case["n_pos"] * case["n_neg"]))
    assert value == roc_auc_score(y, s)


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(2, 300),
    levels=st.sampled_from([2, 5, 40, None]),
    chunk=st.integers(8, 120),
    max_group=st.integers(40, 400),
    seed=st.integers(0, 2**32 - 1),
)
def test_equals_brute_force_with_ties(n, levels, chunk, max_group, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.standard_normal(n) if levels is None else rng.integers(0, levels, n) / levels
    value = _dask_metrics.roc_auc_score(
        da.from_array(y, chunks=chunk), da.from_array(s, chunks=chunk), max_group=max_group
    )
    assert value == float(Fraction(brute_force_twice_u(y, s), 2 * y.sum() * (n - y.sum())))
    assert value == roc_auc_score(y, s)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8])
def test_score_dtypes_and_public_dispatch(dtype):
    rng = np.random.default_rng(7)
    y = np.where(rng.random(5000) < 0.4, -1, 1)
    s = (rng.standard_normal(5000) * 20 + 100 + 10 * y).astype(dtype)
    scores = da.from_array(s, chunks=800)
    assert roc_auc_score(y, scores) == roc_auc_score(y, s)  # NumPy labels, Dask scores
    assert roc_auc_score(da.from_array(y, chunks=300), scores) == roc_auc_score(y, s)


@pytest.mark.parametrize("decimals", [None, 2])
@pytest.mark.parametrize("drop_intermediate", [True, False])
def test_roc_curve_equals_in_memory(decimals, drop_intermediate):
    y, s = make_data(3, 6000, decimals)
    labels = np.where(y == 1, "spam", "ham")
    lazy = da.from_array(labels, chunks=1000), da.from_array(s, chunks=1000)
    got = roc_curve(*lazy, pos_label="spam", drop_intermediate=drop_intermediate)
    want = roc_curve(labels, s, pos_label="spam", drop_intermediate=drop_intermediate)
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_many_groups_tally_equals_in_memory_tally():
    y, s = make_data(4, 5000, 3)
    values, pos, neg = _dask_metrics.tally(
        da.from_array(y, chunks=700), da.from_array(s, chunks=700), None, max_group=200
    )
    distinct, inverse = np.unique(s, return_inverse=True)
    np.testing.assert_array_equal(values, distinct)
    np.testing.assert_array_equal(pos, np.bincount(inverse, weights=y).astype(np.int64))
    np.testing.assert_array_equal(neg, np.bincount(inverse, weights=1 - y).astype(np.int64))


def test_plan_cuts_continuous_scores_into_groups():
    scores = da.random.default_rng(0).standard_normal(20_000, chunks=2_000)
    bounds = _dask_metrics.plan(scores, max_group=5_000)
    assert len(bounds) == 4 and bounds[0][0] is None and bounds[-1][1] is None
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    tied = da.from_array(np.arange(20_000) % 7, chunks=2_000)
    assert _dask_metrics.plan(tied, max_group=5_000) == [(None, None)]


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4], "only one class"),
        ([0, 1, 0, 2], [0.1, 0.2, 0.3, 0.4], "more than two distinct labels"),
        ([0, 1, 0, 1], [0.1, np.nan, 0.3, 0.4], "NaN or infinity"),
        ([0, 1, 0], [0.1, 0.2, 0.3, 0.4], "different lengths"),
    ],
)
def test_errors_match_in_memory(y, s, message):
    with pytest.raises(ValueError, match=message):
        roc_auc_score(da.from_array(np.array(y), chunks=2), da.from_array(np.array(s), chunks=2))
    with pytest.raises(ValueError, match=message):
        roc_auc_score(np.array(y), np.array(s))


def test_sample_weight_is_refused_for_dask():
    with pytest.raises(ValueError, match="sample_weight is not supported with dask"):
        roc_auc_score(da.from_array(np.array([0, 1])), [0.1, 0.2], sample_weight=[1.0, 2.0])


def test_in_memory_labels_of_another_length_are_refused():
    with pytest.raises(ValueError, match="different lengths"):
        roc_auc_score(np.array([0, 1, 1]), da.from_array(np.arange(4.0), chunks=2))
