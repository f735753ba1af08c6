"""Partial, multiclass and multilabel AUC and AP against scikit-learn's values, stored in
tests/data/ranking_reference.json (see README_ranking.md), to 1e-12."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from calcml.stats.metrics import average_precision_score, roc_auc_score

DATA = json.loads((Path(__file__).parents[1] / "data" / "ranking_reference.json").read_text())
CASES = DATA["cases"]


def _id(i: int, c: dict) -> str:
    shape = np.shape(c["y_true"])
    w = "w" if c["sample_weight"] else ""
    return f"{i}-{c['fn']}-{len(shape)}d{w}-" + "-".join(f"{k}={v}" for k, v in c["kwargs"].items())


@pytest.mark.parametrize("case", CASES, ids=[_id(i, c) for i, c in enumerate(CASES)])
def test_matches_scikit_learn(case):
    fn = roc_auc_score if case["fn"] == "roc_auc" else average_precision_score
    got = fn(case["y_true"], case["y_score"], sample_weight=case["sample_weight"],
             **case["kwargs"])  # fmt: skip
    np.testing.assert_allclose(got, case["expected"], rtol=1e-12, atol=1e-12)


def test_bad_requests_are_one_line_errors():
    y, p = [0, 1, 2], [[0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
    with pytest.raises(ValueError, match="multi_class"):
        roc_auc_score(y, p)
    with pytest.raises(ValueError, match="max_fpr"):
        roc_auc_score([0, 1], [0.1, 0.9], max_fpr=0.0)
    with pytest.raises(ValueError, match="sum"):
        roc_auc_score(y, [[1, 1, 1]] * 3, multi_class="ovr")
    with pytest.raises(ValueError, match="ordered"):
        roc_auc_score(y, p, multi_class="ovr", labels=[2, 1, 0])


def test_unweighted_full_auc_stays_exact():
    y = np.array([[0, 1], [1, 0], [1, 1], [0, 0], [1, 0]])
    s = np.array([[0.1, 0.9], [0.8, 0.2], [0.8, 0.7], [0.3, 0.1], [0.3, 0.6]])
    assert roc_auc_score(y, s, average=None).tolist() == [
        roc_auc_score(y[:, 0], s[:, 0]), roc_auc_score(y[:, 1], s[:, 1])]
