"""Models with scikit-learn's `fit` / `predict` / `predict_proba` / `score` conventions.

`fit` returns the loss history (a list, see `calcml.ml.training.History`) which also forwards
attribute access to the model, so `model.fit(X, y).predict(X)` chains as in scikit-learn.

>>> from calcml.ml.data import load_iris
>>> X, y = load_iris()
>>> clf = LogisticRegression(C=1.0)
>>> history = clf.fit(X, y)
>>> round(clf.score(X, y), 2)
0.97
"""

from __future__ import annotations

from calcml.ml.linear import (
    Lasso,
    LinearRegression,
    LogisticRegression,
    Ridge,
    accuracy_score,
    r2_score,
)
from calcml.ml.mlp import MLPClassifier, MLPRegressor
from calcml.ml.training import History

__all__ = [
    "History",
    "Lasso",
    "LinearRegression",
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
    "Ridge",
    "accuracy_score",
    "r2_score",
]
