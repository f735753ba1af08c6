"""Linear models in scikit-learn's conventions, fitted by calcml's own calculus.

`LinearRegression` (closed form or gradient descent), `Ridge`, `Lasso` (proximal gradient) and
`LogisticRegression` (binary and multinomial, `C` as scikit-learn defines it: minimise
C * sum(log-loss) + 0.5 ||W||^2 with the intercept unpenalised). Gradients come from calcml's
autodiff; gradient descent is calcml's SGD with Nesterov momentum at step 1/L.

>>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = 2 * X[:, 0] + 1
>>> model = LinearRegression().fit(X, y)
>>> model.coef_.round(12).tolist(), round(model.intercept_, 12)
([2.0], 1.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.namespaces import refuse, same_place
from calcml.core.arrays import is_dask
from calcml.ml import _device_fit as device_fit
from calcml.ml import losses
from calcml.ml._devices import (
    abs_max,
    accuracy,
    encode_labels,
    floating,
    logistic,
    on_device,
    r2,
    softmax_rows,
    zeros_beside,
)
from calcml.ml._threads import one_blas_thread
from calcml.ml.optim import SGD, Newton
from calcml.ml.penalties import soft_threshold
from calcml.ml.training import History, progress, show_progress


def r2_score(y: Any, pred: Any) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot (beside `pred` when it is an array of
    another namespace)."""
    xp = on_device(pred)
    if xp is not None:
        return r2(xp, y, pred)
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    ss_res = float(((y - pred) ** 2).sum())
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)


def _rows(X: Any, coef: Any = None) -> Any:
    """X as a float array; a Dask array stays one (so predictions stay lazy), and so does an
    array of another array-API namespace (CuPy), which must live where `coef` does."""
    if is_dask(X):
        return X.astype(float)
    xp = on_device(X)
    X = np.asarray(X, dtype=float) if xp is None else floating(xp, X)
    if coef is not None and (xp is not None or on_device(coef) is not None):
        same_place(X, coef)  # a one-line error when the model was fitted elsewhere
    return X


def accuracy_score(y: Any, pred: Any) -> float:
    """The fraction of equal labels (beside `pred` when it is an array of another namespace)."""
    xp = on_device(pred)
    if xp is not None:
        return accuracy(xp, y, pred)
    return float(np.mean(np.asarray(y) == np.asarray(pred)))


def _nesterov_descent(params: list[Tensor], objective: Any, L: float, mu: float, max_iter: int,
                      tol: float, verbose: bool | None, name: str, model: Any,
                      accelerate: bool = True) -> History:  # fmt: skip
    """Gradient descent at step 1/L (Nesterov momentum (√κ-1)/(√κ+1) when `accelerate`),
    until the largest gradient component is below `tol`."""
    kappa = max(L / mu, 1.0) if mu > 0 else 1e6
    momentum = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1) if accelerate else 0.0
    opt = SGD(params, lr=1.0 / L, momentum=momentum, nesterov=momentum > 0)
    history = History(model=model)
    with one_blas_thread(), progress(max_iter, name, show_progress(max_iter, verbose)) as update:
        for it in range(max_iter):
            opt.zero_grad()
            loss = objective()
            loss.backward()
            history.append(float(loss.data))
            gmax = max(abs_max(p.grad) for p in params)
            if gmax < tol:
                break
            if it > 0 and history[-1] > history[-2] and momentum > 0:
                opt.state.clear()  # adaptive restart: drop the momentum when the loss rises
            opt.step()
            if it % 50 == 0:
                update(advance=50, loss=history[-1])
    model.n_iter_ = len(history)
    return history


class _Regressor:
    def score(self, X: Any, y: Any) -> float:
        """R² of the predictions."""
        return r2_score(y, self.predict(X))

    def predict(self, X: Any) -> Any:
        """Predictions; lazy (a Dask array) for a Dask X, an array of X's namespace for CuPy."""
        return _rows(X, self.coef_) @ self.coef_ + self.intercept_


class LinearRegression(_Regressor):
    """Ordinary least squares. `solver="closed_form"` (least squares on centred data, as
    scikit-learn) or `"gd"` (gradient descent on the mean squared error, standardized features).
    """

    def __init__(self, fit_intercept: bool = True, solver: str = "closed_form",
                 max_iter: int = 100_000, tol: float = 1e-10, verbose: bool | None = None
                 ) -> None:  # fmt: skip
        self.fit_intercept, self.solver = fit_intercept, solver
        self.max_iter, self.tol, self.verbose = max_iter, tol, verbose

    def _penalty_matrix(self, n_features: int) -> np.ndarray:
        return np.zeros((n_features, n_features))

    def fit(self, X: Any, y: Any, client: Any = None) -> History:
        """Fit to X (n, d) and y (n,); Dask arrays are fitted chunk by chunk (by the normal
        equations) on `client`, a `dask.distributed.Client`, or Dask's default scheduler."""
        if is_dask(X) or is_dask(y):
            from calcml.ml._dask_fit import fit_linear

            return fit_linear(self, X, y, client)
        xp = on_device(X)
        if xp is not None:
            return device_fit.fit_linear(self, xp, X, y)
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = float(y.mean()) if self.fit_intercept else 0.0
        Xc, yc = X - x_mean, y - y_mean
        if self.solver == "closed_form":
            P = self._penalty_matrix(X.shape[1])
            if np.any(P):
                coef = np.linalg.solve(Xc.T @ Xc + P, Xc.T @ yc)
            else:
                coef = np.linalg.lstsq(Xc, yc, rcond=None)[0]
            history = History([float(np.mean((yc - Xc @ coef) ** 2))], model=self)
        elif self.solver == "gd":
            coef, history = self._fit_gd(Xc, yc)
        else:
            raise ValueError(f"unknown solver {self.solver!r}: closed_form or gd")
        self.coef_ = coef
        self.intercept_ = y_mean - float(x_mean @ coef)
        self.loss_history_ = history
        return history

    def _fit_gd(self, Xc: Any, yc: Any) -> tuple[Any, History]:
        n = Xc.shape[0]
        penalized = self._penalty_matrix(Xc.shape[1]).diagonal()
        xp = on_device(Xc)
        if xp is not None:  # the same start on X's device
            scale, Zd, w0, ridge, eig = device_fit.scaled_start(xp, Xc, penalized)
            Z, w = Tensor(Zd), Tensor(w0, requires_grad=True)
        else:
            scale = Xc.std(axis=0)
            scale[scale == 0] = 1.0
            Z = Tensor(Xc / scale)
            w = Tensor(np.zeros(Xc.shape[1]), requires_grad=True)
            ridge = penalized / scale**2 / n
            eig = np.linalg.eigvalsh(Z.data.T @ Z.data / n + np.diag(ridge))

        def objective() -> Tensor:
            mse = losses.mse_loss(Z @ w, yc) * 0.5
            return mse + 0.5 * (w * w * ridge).sum() if np.any(penalized) else mse

        history = _nesterov_descent([w], objective, float(eig[-1]), float(max(eig[0], 0)),
                                    self.max_iter, self.tol, self.verbose, "gd", self)  # fmt: skip
        return w.data / scale, history


class Ridge(LinearRegression):
    """Least squares plus alpha ||w||^2 (sum of squares, intercept unpenalised), as scikit-learn.

    >>> Ridge(alpha=1.0).fit(np.array([[0.0], [1.0], [2.0]]), np.array([0.0, 1.0, 2.0])).coef_
    array([0.66666667])
    """

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True,
                 solver: str = "closed_form", **kwargs: Any) -> None:  # fmt: skip
        super().__init__(fit_intercept=fit_intercept, solver=solver, **kwargs)
        self.alpha = alpha

    def _penalty_matrix(self, n_features: int) -> np.ndarray:
        return self.alpha * np.eye(n_features)


class Lasso(_Regressor):
    """(1/2n) ||y - Xw - b||^2 + alpha ||w||_1 (scikit-learn's Lasso) by proximal gradient
    (FISTA): a gradient step on the squared error (autodiff), then soft-thresholding."""

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True, max_iter: int = 10_000,
                 tol: float = 1e-8, verbose: bool | None = None) -> None:  # fmt: skip
        self.alpha, self.fit_intercept = alpha, fit_intercept
        self.max_iter, self.tol, self.verbose = max_iter, tol, verbose

    def fit(self, X: Any, y: Any) -> History:
        if on_device(X) is not None:
            raise refuse("Lasso.fit", on_device(X))
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        n, d = X.shape
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(d)
        y_mean = float(y.mean()) if self.fit_intercept else 0.0
        Xc, yc = X - x_mean, y - y_mean
        L = float(np.linalg.eigvalsh(Xc.T @ Xc / n)[-1]) or 1.0
        Xt = Tensor(Xc)
        w, z, t = np.zeros(d), np.zeros(d), 1.0
        history = History(model=self)
        bar = progress(self.max_iter, "lasso", show_progress(self.max_iter, self.verbose))
        with one_blas_thread(), bar as up:
            for it in range(self.max_iter):
                zt = Tensor(z, requires_grad=True)
                smooth = 0.5 * losses.mse_loss(Xt @ zt, yc)
                smooth.backward()
                w_new = soft_threshold(z - zt.grad / L, self.alpha / L)
                t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
                z = w_new + (t - 1) / t_new * (w_new - w)
                change = float(np.max(np.abs(w_new - w))) if d else 0.0
                w, t = w_new, t_new
                r = yc - Xc @ w
                history.append(float(r @ r / (2 * n) + self.alpha * np.abs(w).sum()))
                if it % 50 == 0:
                    up(advance=50, loss=history[-1])
                if change < self.tol:
                    break
        self.coef_, self.intercept_ = w, y_mean - float(x_mean @ w)
        self.n_iter_, self.loss_history_ = len(history), history
        return history


class LogisticRegression:
    """Logistic regression, binary (sigmoid) or multinomial (softmax), as scikit-learn's
    `LogisticRegression(C=...)`: minimise mean log-loss + ||W||^2 / (2 C n), the intercept
    unpenalised (the same minimiser as C * sum log-loss + 0.5 ||W||^2).

    Solvers: `"gd"` (gradient descent with Nesterov momentum at step 1/L, stopping when every
    gradient component is below `tol`), `"plain_gd"` (no momentum), `"newton"` (Newton's method
    with the exact Hessian from autodiff; small problems). Dask arrays (binary labels) are
    always fitted by Newton's method over the chunks, to the same optimum.
    """

    def __init__(self, C: float = 1.0, solver: str = "gd", max_iter: int = 100_000,
                 tol: float = 1e-10, fit_intercept: bool = True,
                 verbose: bool | None = None) -> None:  # fmt: skip
        self.C, self.solver, self.max_iter, self.tol = C, solver, max_iter, tol
        self.fit_intercept, self.verbose = fit_intercept, verbose

    def _objective(self, X: np.ndarray, Y: np.ndarray, W: Tensor, b: Tensor) -> Tensor:
        n = X.shape[0]
        z = Tensor(X) @ W + b
        if self.binary_:
            data_loss = losses.bce_with_logits(z.reshape(-1), Y)
        else:
            data_loss = losses.cross_entropy(z, Y)
        return data_loss + (W * W).sum() * (1.0 / (2 * self.C * n))

    def fit(self, X: Any, y: Any, client: Any = None) -> History:
        """Fit to X (n, d) and labels y (n,); binary Dask arrays are fitted chunk by chunk by
        Newton's method (whatever the solver) on `client`, a `dask.distributed.Client`, or
        Dask's default scheduler."""
        if is_dask(X) or is_dask(y):
            from calcml.ml._dask_fit import fit_logistic

            return fit_logistic(self, X, y, client)
        xp = on_device(X)
        if xp is None:
            X = np.asarray(X, dtype=float)
            self.classes_, yi = np.unique(np.asarray(y), return_inverse=True)
        else:  # fitted on X's device: labels moved there, parameters made there
            X = floating(xp, X)
            self.classes_, yi = encode_labels(xp, y, X)
        k = self.classes_.shape[0]
        if k < 2:
            raise ValueError("logistic regression needs at least two classes")
        self.binary_ = k == 2
        n, d = X.shape
        cols = 1 if self.binary_ else k
        W = Tensor(zeros_beside(X, (d, cols)), requires_grad=True)
        b = Tensor(zeros_beside(X, (cols,)), requires_grad=self.fit_intercept)
        target = yi
        if self.binary_:
            target = yi.astype(float) if xp is None else xp.astype(yi, X.dtype)
        params = [W, b] if self.fit_intercept else [W]

        def objective() -> Tensor:
            return self._objective(X, target, W, b)

        if self.solver in ("gd", "plain_gd"):
            curvature = 0.25 if self.binary_ else 0.5
            mu = 1.0 / (self.C * n)
            L = curvature * self._top_eigenvalue(X) + mu
            history = _nesterov_descent(params, objective, L, mu, self.max_iter, self.tol,
                                        self.verbose, "logistic", self,
                                        accelerate=self.solver == "gd")  # fmt: skip
        elif self.solver == "newton" and xp is not None:
            history = device_fit.newton(self, xp, params, objective, X)
        elif self.solver == "newton":
            history = self._fit_newton(params, objective, X, target)
        else:
            raise ValueError(f"unknown solver {self.solver!r}: gd, plain_gd or newton")
        if xp is None:
            self.coef_ = W.data.T.copy()
            self.intercept_ = np.array(b.data, dtype=float).reshape(-1).copy()
        else:
            self.coef_ = xp.asarray(W.data.T, copy=True)
            self.intercept_ = xp.reshape(xp.asarray(b.data, copy=True), (-1,))
        if not self.binary_:  # softmax ignores a common shift of the intercepts: centre them
            shift = self.intercept_.mean() if xp is None else xp.mean(self.intercept_)
            self.intercept_ = self.intercept_ - shift
        self.loss_history_ = history
        return history

    def _top_eigenvalue(self, X: Any) -> float:
        """The largest eigenvalue of A^T A / n, A = [X, 1] (X without an intercept)."""
        xp = on_device(X)
        if xp is not None:
            A = device_fit.with_ones(xp, X) if self.fit_intercept else X
            return float(xp.max(xp.linalg.eigvalsh(xp.matmul(A.T, A) / A.shape[0])))
        A = np.c_[X, np.ones(len(X))] if self.fit_intercept else X
        return float(np.linalg.eigvalsh(A.T @ A / len(X))[-1])

    def _fit_newton(self, params: list[Tensor], objective: Any, X: np.ndarray,
                    target: np.ndarray) -> History:  # fmt: skip
        from calcml.autodiff import hessian

        W, b = params[0], (params[1] if len(params) > 1 else None)
        size = W.data.size

        def flat(v: Tensor) -> Tensor:
            Wv = v[:size].reshape(W.data.shape)
            bv = v[size:] if b is not None else Tensor(np.zeros(W.data.shape[1]))
            return self._objective(X, target, Wv, bv)

        opt = Newton(params)
        history = History(model=self)
        for _ in range(min(self.max_iter, 100)):
            opt.zero_grad()
            loss = objective()
            loss.backward()
            history.append(float(loss.data))
            if max(float(np.max(np.abs(p.grad))) for p in params) < self.tol:
                break
            v = np.concatenate([p.data.ravel() for p in params])
            opt.step(hessian=hessian(flat)(v))
        self.n_iter_ = len(history)
        return history

    def decision_function(self, X: Any) -> Any:
        z = _rows(X, self.coef_) @ self.coef_.T + self.intercept_
        return z[:, 0] if self.binary_ else z

    def predict_proba(self, X: Any) -> Any:
        z = self.decision_function(X)
        xp = on_device(z)
        if xp is not None:
            if not self.binary_:
                return softmax_rows(xp, z)
            p1 = logistic(xp, z)
            return xp.stack([1 - p1, p1], axis=1)
        if self.binary_:
            from calcml.core.registry import sigmoid

            p1 = np.asarray(sigmoid(z))
            return np.c_[1 - p1, p1]
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> Any:
        proba = self.predict_proba(X)
        xp = on_device(proba)
        if xp is not None:
            return xp.take(self.classes_, xp.argmax(proba, axis=1))
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy."""
        return accuracy_score(y, self.predict(X))

    def objective(self, X: Any, y: Any) -> float:
        """scikit-learn's objective at the fitted parameters: mean log-loss + ||W||^2/(2Cn)
        (NumPy arrays only)."""
        if on_device(X) is not None:
            raise refuse("LogisticRegression.objective", on_device(X))
        _, yi = np.unique(np.asarray(y), return_inverse=True)
        target = yi.astype(float) if self.binary_ else yi
        W, b = Tensor(self.coef_.T), Tensor(self.intercept_)
        return float(self._objective(np.asarray(X, dtype=float), target, W, b).data)
