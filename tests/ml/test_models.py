"""Models on real data: scikit-learn's optima and scores (tests/data/datasets_reference.json)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from calcml.ml.data import StandardScaler, load_dataset, train_test_split
from calcml.ml.models import (
    Lasso,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    Ridge,
)

REF = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "datasets_reference.json").read_text()
)["datasets"]


def _split(name: str, standardize: bool = True) -> tuple[np.ndarray, ...]:
    ds = load_dataset(name)
    strat = ds.y if ds.task == "classification" else None
    X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=0.25, random_state=0,
                                              stratify=strat)  # fmt: skip
    if standardize:
        s = StandardScaler().fit(X_tr)
        X_tr, X_te = s.transform(X_tr), s.transform(X_te)
    return X_tr, X_te, y_tr, y_te


def test_logistic_regression_breast_cancer_reaches_the_optimum() -> None:
    """Done-when: calcml's gradient descent reaches scikit-learn's optimum to 1e-6, with its
    test accuracy (0.958) and ROC AUC (0.995)."""
    X_tr, X_te, y_tr, y_te = _split("breast_cancer")
    ref = REF["breast_cancer"]["logistic_regression"]
    opt = ref["newton_refined_optimum"]
    model = LogisticRegression(C=1.0, solver="gd")
    history = model.fit(X_tr, y_tr)
    assert history[-1] < history[0]
    np.testing.assert_allclose(model.coef_, opt["coef"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, opt["intercept"], rtol=0, atol=1e-6)
    assert model.objective(X_tr, y_tr) == pytest.approx(opt["objective"], rel=1e-10)
    assert model.score(X_tr, y_tr) == pytest.approx(ref["train_accuracy"], abs=1e-12)
    assert model.score(X_te, y_te) == pytest.approx(ref["test_accuracy"], abs=1e-12)
    assert round(model.score(X_te, y_te), 3) == 0.958
    roc_auc_score = pytest.importorskip("calcml.stats.metrics").roc_auc_score
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    assert auc == pytest.approx(ref["test_auc"], abs=1e-12)
    assert round(auc, 3) == 0.995


def test_logistic_regression_newton_and_multinomial_iris() -> None:
    X_tr, X_te, y_tr, y_te = _split("iris")
    ref = REF["iris"]["logistic_regression"]
    for solver in ("gd", "newton"):
        model = LogisticRegression(C=1.0, solver=solver)
        model.fit(X_tr, y_tr)
        opt = ref["newton_refined_optimum"]
        np.testing.assert_allclose(model.coef_, opt["coef"], atol=1e-6)
        np.testing.assert_allclose(model.intercept_, opt["intercept"], atol=1e-6)
        assert model.score(X_te, y_te) == pytest.approx(ref["test_accuracy"])
        proba = model.predict_proba(X_te)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.slow
def test_logistic_regression_plain_gradient_descent() -> None:
    X_tr, _, y_tr, _ = _split("breast_cancer")
    opt = REF["breast_cancer"]["logistic_regression"]["newton_refined_optimum"]
    model = LogisticRegression(C=1.0, solver="plain_gd", tol=1e-9)
    model.fit(X_tr, y_tr)
    np.testing.assert_allclose(model.coef_, opt["coef"], atol=1e-6)


def test_linear_regression_and_ridge_on_diabetes() -> None:
    X_tr, X_te, y_tr, y_te = _split("diabetes", standardize=False)
    ref = REF["diabetes"]
    lr = LinearRegression().fit(X_tr, y_tr)
    np.testing.assert_allclose(lr.coef_, ref["linear_regression"]["coef"], rtol=1e-9)
    assert lr.score(X_te, y_te) == pytest.approx(ref["linear_regression"]["test_r2"], rel=1e-9)
    gd = LinearRegression(solver="gd")
    gd.fit(X_tr, y_tr)
    np.testing.assert_allclose(gd.coef_, ref["linear_regression"]["coef"], rtol=1e-6)
    ridge = Ridge(alpha=1.0).fit(X_tr, y_tr)
    np.testing.assert_allclose(ridge.coef_, ref["ridge_alpha1"]["coef"], rtol=1e-9)
    assert ridge.intercept_ == pytest.approx(ref["ridge_alpha1"]["intercept"], rel=1e-12)
    ridge_gd = Ridge(alpha=1.0, solver="gd")
    ridge_gd.fit(X_tr, y_tr)
    np.testing.assert_allclose(ridge_gd.coef_, ref["ridge_alpha1"]["coef"], rtol=1e-6)


def test_lasso_soft_thresholds_and_matches_its_optimality_conditions() -> None:
    X_tr, _, y_tr, _ = _split("diabetes", standardize=False)
    alpha = 0.1
    model = Lasso(alpha=alpha, tol=1e-9)
    model.fit(X_tr, y_tr)
    n = len(X_tr)
    r = y_tr - X_tr @ model.coef_ - model.intercept_
    g = -(X_tr - X_tr.mean(0)).T @ r / n  # gradient of the smooth part
    active = model.coef_ != 0
    np.testing.assert_allclose(g[active], -alpha * np.sign(model.coef_[active]), atol=1e-4)
    assert np.all(np.abs(g[~active]) <= alpha + 1e-4)
    assert (~active).any()  # some coefficients are exactly zero


def test_mlp_classifier_digits_quick() -> None:
    X_tr, X_te, y_tr, y_te = _split("digits")
    clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=25, batch_size=64,
                        learning_rate_init=3e-3, random_state=0)  # fmt: skip
    history = clf.fit(X_tr, y_tr)
    assert len(history) == 25 and history[-1] < history[0] / 10
    assert clf.score(X_te, y_te) >= 0.95
    again = MLPClassifier(hidden_layer_sizes=(64,), max_iter=25, batch_size=64,
                          learning_rate_init=3e-3, random_state=0)  # fmt: skip
    assert list(again.fit(X_tr, y_tr)) == list(history)  # seeded: reproducible


@pytest.mark.slow
def test_mlp_classifier_digits_done_when() -> None:
    """Done-when: at least 97% test accuracy on digits in under 60 s."""
    X_tr, X_te, y_tr, y_te = _split("digits")
    start = time.perf_counter()
    clf = MLPClassifier(hidden_layer_sizes=(128,), max_iter=40, batch_size=64,
                        learning_rate_init=3e-3, random_state=0)  # fmt: skip
    clf.fit(X_tr, y_tr)
    assert time.perf_counter() - start < 60
    assert clf.score(X_te, y_te) >= 0.97


def test_mlp_early_stopping_and_chaining() -> None:
    X_tr, X_te, y_tr, y_te = _split("iris")
    clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, early_stopping=True,
                        n_iter_no_change=5, learning_rate_init=0.01, random_state=1)  # fmt: skip
    history = clf.fit(X_tr, y_tr)
    assert history.stopped_early and len(history) < 500
    assert len(history.val_score) == len(history)
    assert history.predict(X_te).shape == y_te.shape  # fit(...) chains like scikit-learn


def test_mlp_regressor_learns_a_smooth_function() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(300, 1))
    y = np.sin(X[:, 0])
    reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", max_iter=120,
                       learning_rate_init=0.01, batch_size=32, random_state=0)  # fmt: skip
    reg.fit(X, y)
    assert reg.score(X, y) > 0.98
