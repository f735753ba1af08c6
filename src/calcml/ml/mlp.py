"""Multi-layer perceptrons with scikit-learn's interface: `MLPClassifier` and `MLPRegressor`.

The network is a `calcml.ml.nn.MLP`; training is calcml's loop (mini-batches, Adam by default,
optional validation split and early stopping, a progress bar on long terminal runs). The L2
penalty follows scikit-learn: alpha/2 * sum of squared weights / batch size.

X of another array-API namespace (CuPy on a GPU) is trained on there: the network is made with
the same seed and moved beside X (its device and floating dtype), the mini-batches are taken
there by a permutation drawn on the host and copied over once per epoch, the loss is read once
per epoch, and predictions come back in X's namespace.

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
from calcml.ml._devices import (
    accuracy,
    beside,
    encode_labels,
    floating,
    host_copy,
    on_device,
    softmax_rows,
    take_rows,
)
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
    def _fit(self, X: Any, t: Any, n_out: int, stratify: Any) -> History:
        xp = on_device(X)
        X = np.asarray(X, dtype=float) if xp is None else floating(xp, X)
        self.n_features_in_ = X.shape[1]
        sizes = [X.shape[1], *self.hidden_layer_sizes, n_out]
        self.network_ = MLP(sizes, activation=self.activation, seed=self.random_state)
        if xp is not None:  # the same seeded start, moved beside X (its device and dtype)
            self.network_.to(X)
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
            tr, va = validation_split(X.shape[0], self.validation_fraction, self.random_state,
                                      stratify)  # fmt: skip
            X_fit, t_fit = take_rows(X, tr), take_rows(t, tr)
            validation = (take_rows(X, va), take_rows(t, va))
        size = min(200, X_fit.shape[0]) if self.batch_size == "auto" else int(self.batch_size)

        def loss_fn(Xb: Any, tb: Any) -> Tensor:
            out = self.network_(Xb)
            penalty = sum((w * w).sum() for w in weights) * (0.5 * self.alpha / Xb.shape[0])
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

    def _forward(self, X: Any) -> Any:
        """The network's output for X: a NumPy array, or an array of X's namespace."""
        xp = on_device(X)
        with no_grad():
            if xp is not None:
                return self.network_(floating(xp, X)).data
            return np.asarray(self.network_(np.asarray(X, dtype=float)).data)

    def save(self, path: Any) -> Any:
        """Write the network's parameters to a `.npz` file."""
        return self.network_.save(path)


class MLPClassifier(_BaseMLP):
    """A softmax network trained with cross-entropy (scikit-learn's MLPClassifier interface)."""

    def fit(self, X: Any, y: Any) -> History:
        """Fit to X (n, d) and labels y (n,). When X is an array of another namespace (CuPy),
        training runs there (y is moved beside it); `classes_` is then an array there too."""
        xp = on_device(X)
        if xp is None:
            self.classes_, yi = np.unique(np.asarray(y), return_inverse=True)
            stratify = yi
        else:
            self.classes_, yi = encode_labels(xp, y, X)
            # the stratified validation split is drawn on the host: labels on a device are
            # copied there once (explicitly), and only when early stopping asks for the split
            stratify = None
            if self.early_stopping:
                stratify = host_copy(y, "the stratified validation split")
        if self.classes_.shape[0] < 2:
            raise ValueError("a classifier needs at least two classes")
        return self._fit(X, yi, self.classes_.shape[0], stratify)

    def _data_loss(self, out: Tensor, t: Any) -> Tensor:
        return losses.cross_entropy(out, t)

    def _validation_score(self, X: Any, t: Any) -> float:
        z = self._forward(X)
        xp = on_device(z)
        if xp is not None:
            return accuracy(xp, t, xp.argmax(z, axis=1))
        return accuracy_score(t, np.argmax(z, axis=1))

    def predict_proba(self, X: Any) -> Any:
        z = self._forward(X)
        xp = on_device(z)
        if xp is not None:
            return softmax_rows(xp, z)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> Any:
        z = self._forward(X)
        xp = on_device(z)
        if xp is not None:
            return xp.take(self.classes_, xp.argmax(z, axis=1))
        return self.classes_[np.argmax(z, axis=1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy."""
        return accuracy_score(y, self.predict(X))


class MLPRegressor(_BaseMLP):
    """A network with a linear output trained on half the squared error (scikit-learn's loss)."""

    def fit(self, X: Any, y: Any) -> History:
        """Fit to X (n, d) and targets y (n,) or (n, k). When X is an array of another
        namespace (CuPy), training runs there (y is moved beside it, in X's dtype)."""
        xp = on_device(X)
        if xp is None:
            y = np.asarray(y, dtype=float)
            t = y.reshape(len(y), -1)
        else:
            y = beside(xp, y, X, floating(xp, X).dtype)
            t = xp.reshape(y, (y.shape[0], -1))
        self._single = y.ndim == 1
        return self._fit(X, t, t.shape[1], None)

    def _data_loss(self, out: Tensor, t: Any) -> Tensor:
        return 0.5 * losses.mse_loss(out, t) * t.shape[1]

    def _validation_score(self, X: Any, t: Any) -> float:
        return r2_score(t, self._forward(X))

    def predict(self, X: Any) -> Any:
        out = self._forward(X)
        return out[:, 0] if self._single else out

    def score(self, X: Any, y: Any) -> float:
        """R² of the predictions."""
        return r2_score(y, self.predict(X))
