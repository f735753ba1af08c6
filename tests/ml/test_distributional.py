"""Distributional regression trained on the mean CRPS (an integral loss) vs Gaussian NLL."""

from __future__ import annotations

import numpy as np

from calcml.autodiff import check_grads
from calcml.ml.data import StandardScaler, load_dataset, train_test_split
from calcml.ml.distributional import DistributionalRegressor, compare_on_diabetes


def test_each_model_is_best_on_the_loss_it_was_trained_on():
    d = load_dataset("diabetes")
    X_tr, _, y_tr, _ = train_test_split(d.X, d.y, test_size=0.3, random_state=0)
    X_tr = StandardScaler().fit(X_tr).transform(X_tr)
    by_crps = DistributionalRegressor("crps", hidden=0, epochs=1500, lr=0.05).fit(X_tr, y_tr)
    by_nll = DistributionalRegressor("nll", hidden=0, epochs=1500, lr=0.05).fit(X_tr, y_tr)
    a, b = by_crps.evaluate(X_tr, y_tr), by_nll.evaluate(X_tr, y_tr)
    assert a["crps"] < b["crps"] and b["nll"] < a["nll"]
    assert abs(by_crps.history_[-1] - a["crps"]) < 1e-3  # the objective is the mean CRPS


def test_held_out_figures_are_sensible():
    out = compare_on_diabetes(epochs=1500)
    for loss in ("crps", "nll"):
        assert 0.8 < out[loss]["coverage_90"] < 0.97
        assert 25 < out[loss]["crps"] < 40 and 5 < out[loss]["nll"] < 6


def test_both_objectives_pass_check_grads():
    y = np.array([0.3, -1.0, 2.0])
    for loss in ("crps", "nll"):
        m = DistributionalRegressor(loss)
        check_grads(lambda mu, s, m=m: m.objective(mu, s, y), np.array([0.0, -0.5, 1.0]),
                    np.array([1.0, 0.7, 2.0]), order=1)  # fmt: skip
