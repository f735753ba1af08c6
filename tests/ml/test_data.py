"""Bundled data sets, scikit-learn-exact splits, standardization and mini-batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from calcml.ml.data import (
    DATASETS,
    StandardScaler,
    batches,
    load_dataset,
    split_indices,
    train_test_split,
)

REF = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "datasets_reference.json").read_text()
)["datasets"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_loaded_data_match_scikit_learn(name: str) -> None:
    ds = load_dataset(name)
    ref = REF[name]
    assert ds.X.shape == (ref["n_samples"], ref["n_features"])
    assert ds.X.dtype == np.float64
    assert list(ds.feature_names) == ref["feature_names"]
    assert ds.X.sum() == pytest.approx(ref["X_sum"], rel=1e-14, abs=1e-12)
    assert ds.X[:5, 0].tolist() == ref["X_col0_first5"]
    if ref["task"] == "classification":
        assert np.bincount(ds.y).tolist() == ref["class_counts"]
        assert list(ds.target_names) == ref["target_names"]
    else:
        assert ds.y.mean() == pytest.approx(ref["y_mean"], rel=1e-14)


@pytest.mark.parametrize("name", ["breast_cancer", "iris", "digits"])
def test_stratified_split_reproduces_scikit_learn(name: str) -> None:
    """The split's training-part scaler equals the one scikit-learn fitted, to the bit."""
    ds = load_dataset(name)
    X_tr, X_te, _, _ = train_test_split(ds.X, ds.y, test_size=0.25, random_state=0,
                                        stratify=ds.y)  # fmt: skip
    ref = REF[name]["logistic_regression"]
    assert (len(X_tr), len(X_te)) == (ref["n_train"], ref["n_test"])
    scaler = StandardScaler().fit(X_tr)
    np.testing.assert_allclose(scaler.mean_, ref["scaler_mean"], rtol=1e-15, atol=0)
    np.testing.assert_allclose(scaler.scale_, ref["scaler_scale"], rtol=1e-15, atol=0)


def test_unstratified_split_reproduces_scikit_learn_on_diabetes() -> None:
    ds = load_dataset("diabetes")
    X_tr, _, y_tr, _ = train_test_split(ds.X, ds.y, test_size=0.25, random_state=0)
    A = np.c_[X_tr, np.ones(len(X_tr))]
    coef = np.linalg.lstsq(A, y_tr, rcond=None)[0]
    ref = REF["diabetes"]["linear_regression"]
    np.testing.assert_allclose(coef[:-1], ref["coef"], rtol=1e-9)
    assert coef[-1] == pytest.approx(ref["intercept"], rel=1e-12)


def test_split_indices_partition_and_stratify() -> None:
    y = np.array([0] * 30 + [1] * 10 + [2] * 5)
    tr, te = split_indices(len(y), 0.2, random_state=3, stratify=y)
    assert sorted(np.r_[tr, te].tolist()) == list(range(len(y)))
    assert np.bincount(y[te]).tolist() == [6, 2, 1]
    with pytest.raises(ValueError):
        split_indices(5, 0.2, stratify=np.array([0, 0, 0, 0, 1]))


def test_scaler_keeps_constant_columns() -> None:
    X = np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 2.0], [5.0, 0.0, 2.0]])
    s = StandardScaler().fit(X)
    assert s.scale_[1:].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X)


def test_batches_cover_every_row_once() -> None:
    X = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    seen = np.concatenate([b[1] for b in batches(X, y, batch_size=3, seed=0)])
    assert sorted(seen.tolist()) == list(range(10))
    assert [len(b[0]) for b in batches(X, batch_size=4, shuffle=False, drop_last=True)] == [4, 4]
    first = [b[1].tolist() for b in batches(X, y, batch_size=3, seed=5)]
    assert first == [b[1].tolist() for b in batches(X, y, batch_size=3, seed=5)]


def test_unknown_dataset() -> None:
    with pytest.raises(ValueError, match="unknown data set"):
        load_dataset("mnist")
