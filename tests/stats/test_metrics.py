"""Tests for calcml.stats.metrics: exact AUC values, scikit-learn's curves, properties, errors."""

import doctest
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calcml.stats import metrics
from calcml.stats.metrics import (
    auc,
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "auc_reference.json").read_text())


def make_data(seed: int, n: int, decimals: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The reference data recipe, as written in REFERENCE["meta"]["recipe"]."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    z = rng.standard_normal(n) + 1.0 * y
    s = 1 / (1 + np.exp(-z))
    if decimals is not None:
        s = np.round(s, decimals)
    return y, s


def brute_force_auc(y: np.ndarray, s: np.ndarray) -> Fraction:
    """P(s_pos > s_neg) + P(s_pos == s_neg) / 2 over all pairs, as an exact fraction."""
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    twice_u = 2 * np.count_nonzero(pos > neg) + np.count_nonzero(pos == neg)
    return Fraction(twice_u, 2 * pos.size * neg.size)


def _case_param(case: dict) -> object:
    case_id = f"seed{case['seed']}-n{case['n']}-decimals{case['decimals']}"
    marks = [pytest.mark.slow] if case["n"] > 10**6 else []
    return pytest.param(case, id=case_id, marks=marks)


# ---------------------------------------------------------------------------------------------
# Reference data


def test_reference_recipe_is_the_one_implemented():
    assert "rng = np.random.default_rng(seed)" in REFERENCE["meta"]["recipe"]
    assert "np.round(s, decimals)" in REFERENCE["meta"]["recipe"]
    assert len(REFERENCE["cases"]) == 28
    assert len(REFERENCE["small_cases"]) == 5


@pytest.mark.parametrize("case", [_case_param(case) for case in REFERENCE["cases"]])
def test_reference_case(case):
    y, s = make_data(case["seed"], case["n"], case["decimals"])
    n_pos = int(np.count_nonzero(y))
    assert (n_pos, y.size - n_pos) == (case["n_pos"], case["n_neg"])
    exact = Fraction(case["twoU"], 2 * case["n_pos"] * case["n_neg"])
    assert float(exact) == case["auc_exact"]

    assert math.isclose(roc_auc_score(y, s), case["auc_exact"], rel_tol=1e-15, abs_tol=0)

    fpr, tpr, _ = roc_curve(y, s)
    assert fpr.size == case["n_roc_points"]
    assert auc(fpr, tpr) == case["auc_sklearn"]  # same curve, same trapezoid sum as sklearn
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    assert fpr.size == case["n_roc_points_full"]
    assert auc(fpr, tpr) == case["auc_full_curve"]


@pytest.mark.parametrize("drop_intermediate", [True, False])
@pytest.mark.parametrize("case", REFERENCE["small_cases"], ids=lambda case: str(case["s"]))
def test_small_case_reproduces_sklearn_roc_curve(case, drop_intermediate):
    expected = case["roc_drop_intermediate" if drop_intermediate else "roc_full"]
    fpr, tpr, thresholds = roc_curve(
        case["y"], case["s"], pos_label=case["pos_label"], drop_intermediate=drop_intermediate
    )
    np.testing.assert_array_equal(fpr, expected["fpr"])
    np.testing.assert_array_equal(tpr, expected["tpr"])
    np.testing.assert_array_equal(thresholds, [float(t) for t in expected["thresholds"]])
    assert fpr.dtype == tpr.dtype == thresholds.dtype == np.float64
    assert auc(fpr, tpr) == case["auc"]


@pytest.mark.parametrize("case", REFERENCE["small_cases"], ids=lambda case: str(case["s"]))
def test_small_case_auc_is_exact(case):
    y = np.array(case["y"]) == case["pos_label"]
    exact = brute_force_auc(y, np.array(case["s"]))
    assert roc_auc_score(case["y"], case["s"]) == float(exact)
    assert math.isclose(float(exact), case["auc"], rel_tol=1e-15)


# ---------------------------------------------------------------------------------------------
# Properties on small random inputs with ties


@st.composite
def labelled_scores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels with both classes, and scores from few levels (ties) in several dtypes."""
    n = draw(st.integers(2, 30))
    y = np.array([0, 1, *draw(st.lists(st.integers(0, 1), min_size=n - 2, max_size=n - 2))])
    levels = draw(st.integers(0, 12))
    steps = np.array(draw(st.lists(st.integers(-levels, levels), min_size=n, max_size=n)))
    kind = draw(st.sampled_from(["int", "uint8", "decimal", "float32", "irregular", "wide"]))
    scores = {
        "int": lambda: steps,  # integer grid
        "uint8": lambda: (steps + levels).astype(np.uint8),
        "decimal": lambda: steps / 100,  # float grid, 2 decimals
        "float32": lambda: (steps / 10).astype(np.float32),
        "irregular": lambda: steps / 7 + 0.1,  # not on a decimal grid: sorted path
        "wide": lambda: steps * 1e300,  # overflows any grid scaling
    }[kind]()
    return y, scores


@settings(max_examples=300, deadline=None)
@given(labelled_scores())
def test_auc_is_the_exact_mann_whitney_probability(data):
    y, s = data
    assert roc_auc_score(y, s) == float(brute_force_auc(y, s))


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_area_under_roc_curve_equals_roc_auc_score(data):
    y, s = data
    expected = roc_auc_score(y, s)
    for drop_intermediate in (True, False):
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=drop_intermediate)
        assert math.isclose(auc(fpr, tpr), expected, rel_tol=1e-12, abs_tol=1e-15)


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_reversing_scores_gives_one_minus_auc(data):
    y, s = data
    reversed_scores = -s.astype(np.float64)
    assert math.isclose(roc_auc_score(y, reversed_scores), 1 - roc_auc_score(y, s), abs_tol=1e-15)


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_grid_and_sorted_paths_agree(data):
    y, s = data
    off_grid = s.astype(np.float64) / 3 + 1 / 7  # monotone map off every decimal grid
    for on, off in zip(roc_curve(y, s)[:2], roc_curve(y, off_grid)[:2], strict=True):
        np.testing.assert_array_equal(on, off)
    for on, off in zip(
        precision_recall_curve(y, s)[:2], precision_recall_curve(y, off_grid)[:2], strict=True
    ):
        np.testing.assert_array_equal(on, off)


@settings(max_examples=200, deadline=None)
@given(labelled_scores(), st.data())
def test_integer_weights_act_as_repeated_samples(data, draw):
    y, s = data
    w = np.array(draw.draw(st.lists(st.integers(0, 4), min_size=y.size, max_size=y.size)))
    assume(w[y == 1].sum() > 0 and w[y == 0].sum() > 0)
    y_rep, s_rep = np.repeat(y, w), np.repeat(s, w)
    assert math.isclose(roc_auc_score(y, s, sample_weight=w), roc_auc_score(y_rep, s_rep))
    for weighted, repeated in zip(
        roc_curve(y, s, sample_weight=w), roc_curve(y_rep, s_rep), strict=True
    ):
        np.testing.assert_allclose(weighted, repeated, rtol=1e-12)
    assert math.isclose(
        average_precision_score(y, s, sample_weight=w), average_precision_score(y_rep, s_rep)
    )


# ---------------------------------------------------------------------------------------------
# Examples


def test_docstring_examples():
    assert doctest.testmod(metrics).failed == 0


def test_auc_handles_decreasing_x_like_sklearn():
    assert auc([0, 1, 2], [0, 1, 0]) == 1.0
    assert auc([2, 1, 0], [0, 1, 0]) == 1.0
    assert auc([0, 0, 1], [0, 1, 1]) == 1.0  # vertical step


def test_labels_and_scores_of_other_types():
    assert roc_auc_score(["no", "yes", "no", "yes"], [0.1, 0.8, 0.4, 0.35]) == 0.75
    assert roc_auc_score([False, True, False, True], [1, 2, 3, 4]) == 0.75
    assert roc_auc_score([-1, 1, -1, 1], np.array([0, 2, 1, 1], dtype=np.int8)) == 0.875
    far_apart = np.array([60000, 1, 2, 3], dtype=np.float16)  # 59999 is no float16
    assert roc_auc_score([1, 0, 1, 0], far_apart) == 0.75
    huge = np.array([2**63, 2**64 - 1, 2**64 - 2, 0], dtype=np.uint64)  # not a small grid
    assert roc_auc_score([0, 1, 1, 0], huge) == 1.0
    thresholds = roc_curve(["b", "a", "b"], [0.2, 0.1, 0.3], pos_label="b")[2]
    np.testing.assert_array_equal(thresholds, [np.inf, 0.3, 0.2, 0.1])


def test_zero_weight_samples_are_ignored():
    y, s = [0, 1, 0, 1, 1], [0.1, 0.9, 0.5, 0.3, 0.7]
    weighted = roc_curve(y, s, sample_weight=[1, 1, 1, 1, 0])
    for a, b in zip(weighted, roc_curve(y[:4], s[:4]), strict=True):
        np.testing.assert_array_equal(a, b)
    assert roc_auc_score(y, s, sample_weight=[1, 1, 1, 1, 0]) == roc_auc_score(y[:4], s[:4])


def test_precision_recall_curve_drop_intermediate():
    y = [1, 0, 0, 0, 1]
    s = [0.9, 0.8, 0.7, 0.6, 0.5]
    precision, recall, thresholds = precision_recall_curve(y, s, drop_intermediate=True)
    np.testing.assert_array_equal(thresholds, [0.5, 0.6, 0.9])
    np.testing.assert_array_equal(recall, [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(precision, [0.4, 0.25, 1.0, 1.0])


# ---------------------------------------------------------------------------------------------
# Input validation

BAD_INPUTS = [
    (roc_auc_score, ([1, 1, 1], [0.1, 0.2, 0.3]), {}, "only one class"),
    (roc_curve, ([0, 0], [0.1, 0.2]), {}, "only one class"),
    (roc_auc_score, ([0, 1], [0.1, np.nan]), {}, "NaN or infinity"),
    (roc_auc_score, ([0, 1], [0.1, np.inf]), {}, "NaN or infinity"),
    (roc_auc_score, ([0, 1, 1], [0.1, 0.2]), {}, "different lengths"),
    (roc_auc_score, ([0, 1, 2], [0.1, 0.2, 0.3]), {}, "more than two distinct labels"),
    (roc_curve, (["a", "b", "c"], [0.1, 0.2, 0.3]), {"pos_label": "a"}, "more than two"),
    (roc_auc_score, ([], []), {}, "empty"),
    (roc_auc_score, ([0, 1], [[[0.1]], [[0.2]]]), {}, "must be 1-D"),  # (n, 1) is accepted
    (roc_auc_score, ([0, 1], ["a", "b"]), {}, "must be numeric"),
    (roc_auc_score, ([0.0, np.nan], [0.1, 0.2]), {}, "y_true contains NaN"),
    (roc_auc_score, ([0, 1], [0.1, 0.2]), {"sample_weight": [1, -1]}, "non-negative"),
    (roc_auc_score, ([0, 1], [0.1, 0.2]), {"sample_weight": [1]}, "1 entries for 2 samples"),
    (roc_auc_score, ([0, 1], [0.1, 0.2]), {"sample_weight": [0, 0]}, "zero for every sample"),
    (roc_curve, ([1, 2], [0.1, 0.2]), {}, "pass pos_label"),
    (roc_curve, ([0, 1], [0.1, 0.2]), {"pos_label": 2}, "pos_label=2 is not a label"),
    (precision_recall_curve, ([0, 0], [0.1, 0.2]), {}, "no positive sample"),
    (average_precision_score, (["a", "b"], [0.1, 0.2]), {}, "pos_label=1 is not a label"),
    (auc, ([0, 2, 1], [0, 1, 1]), {}, "neither increasing nor decreasing"),
    (auc, ([0], [1]), {}, "at least 2 points"),
    (auc, ([0, 1], [1, 2, 3]), {}, "different lengths"),
]


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "message"),
    BAD_INPUTS,
    ids=[f"{case[0].__name__}-{case[3]}" for case in BAD_INPUTS],
)
def test_invalid_input_raises_one_line_value_error(function, args, kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        function(*args, **kwargs)
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------------------------------------
# Against scikit-learn, when installed


def _random_problems() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]:
    rng = np.random.default_rng(12345)
    problems = []
    for n in (5, 50, 2000):
        y = (rng.random(n) < 0.4).astype(int)
        y[:2] = [0, 1]
        continuous = rng.standard_normal(n) + y
        weights = rng.exponential(size=n) * (rng.random(n) < 0.9)
        for label, s in (
            ("continuous", continuous),
            ("2 decimals", np.round(continuous, 2)),
            ("integers", rng.integers(0, 5, n)),
            ("float32", np.round(continuous, 1).astype(np.float32)),
        ):
            problems.append((f"n={n} {label}", y, s, None))
            problems.append((f"n={n} {label} weighted", y, s, weights))
    return problems


PROBLEMS = _random_problems()


@pytest.mark.parametrize(("name", "y", "s", "w"), PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_matches_sklearn(name, y, s, w):
    sk = pytest.importorskip("sklearn.metrics")
    if w is not None and not (w[y == 1].sum() > 0 and w[y == 0].sum() > 0):
        pytest.skip("a class has zero total weight")
    exact = np.testing.assert_array_equal if w is None else _assert_close
    for drop_intermediate in (True, False):
        ours = roc_curve(y, s, sample_weight=w, drop_intermediate=drop_intermediate)
        theirs = sk.roc_curve(y, s, sample_weight=w, drop_intermediate=drop_intermediate)
        for a, b in zip(ours, theirs, strict=True):
            exact(a, b)
        ours = precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop_intermediate)
        theirs = sk.precision_recall_curve(
            y, s, sample_weight=w, drop_intermediate=drop_intermediate
        )
        for a, b in zip(ours, theirs, strict=True):
            exact(a, b)
    assert math.isclose(
        roc_auc_score(y, s, sample_weight=w), sk.roc_auc_score(y, s, sample_weight=w), rel_tol=1e-12
    )
    assert math.isclose(
        average_precision_score(y, s, sample_weight=w),
        sk.average_precision_score(y, s, sample_weight=w),
        rel_tol=1e-12,
    )


def _assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)
