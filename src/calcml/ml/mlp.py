"""Multi-layer perceptrons with scikit-learn's interface: `MLPClassifier` and `MLPRegressor`.

The network is a `calcml.ml.nn.MLP`; training is calcml's loop (mini-batches, Adam by default,
optional validation split and early stopping, a progress bar on long terminal runs). The L2
penalty follows scikit-learn: alpha/2 * sum of squared weights / batch size.

>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10)
>>> y = np.array([0, 1, 1, 0] * 10)  # XOR
>>> clf = MLPClassifier(hidden_layer_sizes=(8,), activation="tanh", max_iter=300,
...                     learning_rate_init=0.05, random_state=0)
>>> history = clf.fit(X, y)
>>> clf.score(X, y)
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.autodiff import Tensor, no_grad
from calcml.ml import losses
from calcml.ml.linear import accuracy_score, r2_score
from calcml.ml.nn import MLP
from calcml.ml.optim import make_optimizer
from calcml.ml.schedules import make_schedule
from calcml.ml.training import History, fit_loop, validation_split


class _BaseMLP:
    def __init__(self, hidden_layer_sizes: tuple[int, ...] = (100,), activation: str = "relu",
                 alpha: float = 1e-4, batch_size: int | str = "auto",
                 learning_rate_init: float = 1e-3, max_iter: int = 200, solver: str = "adam",
                 schedule: str | None = None, early_stopping: bool = False,
                 validation_fraction: float = 0.1, n_iter_no_change: int = 10, tol: float = 1e-4,
                 random_state: Any = None, verbose: bool | None = None) -> None:  # fmt: skip
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.activation, self.alpha, self.batch_size = activation, alpha, batch_size
        self.learning_rate_init, self.max_iter, self.solver = learning_rate_init, max_iter, solver
        self.schedule, self.early_stopping = schedule, early_stopping
        self.validation_fraction, self.n_iter_no_change = validation_fraction, n_iter_no_change
        self.tol, self.random_state, self.verbose = tol, random_state, verbose

    # subclasses define: _targets(y) -> (train targets, n_outputs), _data_loss(out, t), score
    def _fit(self, X: np.ndarray, t: np.ndarray, n_out: int, stratify: Any) -> History:
        X = np.asarray(X, dtype=float)
        self.n_features_in_ = X.shape[1]
        sizes = [X.shape[1], *self.hidden_layer_sizes, n_out]
        self.network_ = MLP(sizes, activation=self.activation, seed=self.random_state)
        params = self.network_.parameters()
        weights = [p for name, p in self.network_.named_parameters() if name.endswith("weight")]
        optimizer = make_optimizer(self.solver, params, lr=self.learning_rate_init)
        schedule = None
        if self.schedule is not None:
            options = {"T_max": self.max_iter} if self.schedule == "cosine" else {}
            schedule = make_schedule(self.schedule, optimizer, **options)
        validation = None
        X_fit, t_fit = X, t
        if self.early_stopping:
            tr, va = validation_split(len(X), self.validation_fraction, self.random_state,
                                      stratify)  # fmt: skip
            X_fit, t_fit, validation = X[tr], t[tr], (X[va], t[va])
        size = min(200, len(X_fit)) if self.batch_size == "auto" else int(self.batch_size)

        def loss_fn(Xb: np.ndarray, tb: np.ndarray) -> Tensor:
            out = self.network_(Xb)
            penalty = sum((w * w).sum() for w in weights) * (0.5 * self.alpha / len(Xb))
            return self._data_loss(out, tb) + penalty

        history = fit_loop(params, loss_fn, X_fit, t_fit, optimizer, epochs=self.max_iter,
                           batch_size=size, seed=self.random_state, validation=validation,
                           score_fn=self._validation_score if validation else None,
                           early_stopping=self.early_stopping, patience=self.n_iter_no_change,
                           tol=self.tol, schedule=schedule, verbose=self.verbose,
                           description=type(self).__name__, model=self)  # fmt: skip
        self.n_iter_ = len(history)
        self.loss_ = history[-1] if history else float("nan")
        self.loss_curve_ = list(history)
        self.loss_history_ = history
        return history

    def _forward(self, X: Any) -> np.ndarray:
        with no_grad():
            return np.asarray(self.network_(np.asarray(X, dtype=float)).data)

    def save(self, path: Any) -> Any:
        """Write the network's parameters to a `.npz` file."""
        return self.network_.save(path)


class MLPClassifier(_BaseMLP):
    """A softmax network trained with cross-entropy (scikit-learn's MLPClassifier interface)."""

    def fit(self, X: Any, y: Any) -> History:
        self.classes_, yi = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("a classifier needs at least two classes")
        return self._fit(X, yi, len(self.classes_), yi)

    def _data_loss(self, out: Tensor, t: np.ndarray) -> Tensor:
        return losses.cross_entropy(out, t)

    def _validation_score(self, X: np.ndarray, t: np.ndarray) -> float:
        return accuracy_score(t, np.argmax(self._forward(X), axis=1))

    def predict_proba(self, X: Any) -> np.ndarray:
        z = self._forward(X)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self._forward(X), axis=1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy."""
        return accuracy_score(y, self.predict(X))


class MLPRegressor(_BaseMLP):
    """A network with a linear output trained on half the squared error (scikit-learn's loss)."""

    def fit(self, X: Any, y: Any) -> History:
        y = np.asarray(y, dtype=float)
        self._single = y.ndim == 1
        t = y.reshape(len(y), -1)
        return self._fit(X, t, t.shape[1], None)

    def _data_loss(self, out: Tensor, t: np.ndarray) -> Tensor:
        return 0.5 * losses.mse_loss(out, t) * t.shape[1]

    def _validation_score(self, X: np.ndarray, t: np.ndarray) -> float:
        return r2_score(t.ravel(), self._forward(X).ravel())

    def predict(self, X: Any) -> np.ndarray:
        out = self._forward(X)
        return out[:, 0] if self._single else out

    def score(self, X: Any, y: Any) -> float:
        """R² of the predictions."""
        return r2_score(y, self.predict(X))
