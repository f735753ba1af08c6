"""The linear models' direct solvers on arrays of another array-API namespace (CuPy on a GPU):
least squares and ridge by the namespace's `linalg`, and logistic regression's Newton steps
with the exact Hessian written out (the functional `hessian` is NumPy-only).

The data, the parameters and every matrix stay on X's device; what comes back to the host is
a Python float per iteration (the loss, and the largest gradient component for the stopping
test). Least squares without a penalty uses the pseudo-inverse, whose cutoff for small singular
values (max(n, d) * eps) is the one NumPy's `lstsq(rcond=None)` uses, so a rank-deficient X
gets the same minimum-norm answer; ridge solves the penalized normal equations, as on NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from calcml.autodiff import Tensor
from calcml.autodiff.namespaces import device_of
from calcml.ml._devices import abs_max, beside, floating, softmax_rows
from calcml.ml.training import History


def fit_linear(model: Any, xp: Any, X: Any, y: Any) -> History:
    """`LinearRegression.fit` (and Ridge's) for X of namespace `xp`; sets coef_ (an array of
    `xp`), intercept_ (a float) and loss_history_ on `model`."""
    X = floating(xp, X)
    y = beside(xp, y, X, X.dtype)
    d = X.shape[1]
    if model.fit_intercept:
        x_mean, y_mean = xp.mean(X, axis=0), xp.mean(y)
    else:
        x_mean = xp.zeros(d, dtype=X.dtype, device=device_of(X))
        y_mean = xp.asarray(0.0, dtype=X.dtype, device=device_of(X))
    Xc, yc = X - x_mean, y - y_mean
    if model.solver == "closed_form":
        P = model._penalty_matrix(d)
        if np.any(P):
            rhs = xp.reshape(xp.matmul(Xc.T, yc), (d, 1))
            coef = xp.linalg.solve(Xc.T @ Xc + beside(xp, P, X, X.dtype), rhs)[:, 0]
        else:
            coef = xp.matmul(xp.linalg.pinv(Xc), yc)
        history = History([float(xp.mean((yc - xp.matmul(Xc, coef)) ** 2))], model=model)
    elif model.solver == "gd":
        coef, history = model._fit_gd(Xc, yc)
    else:
        raise ValueError(f"unknown solver {model.solver!r}: closed_form or gd")
    model.coef_ = coef
    model.intercept_ = float(y_mean - xp.sum(x_mean * coef))
    model.loss_history_ = history
    return history


def scaled_start(xp: Any, Xc: Any, penalized: np.ndarray) -> tuple[Any, ...]:
    """What `LinearRegression._fit_gd` starts from, on Xc's device: the column scales, the
    standardized data, zero weights, the scaled ridge weights and the Hessian's eigenvalues
    (floats, for the step size and the momentum)."""
    n, d = Xc.shape
    scale = xp.std(Xc, axis=0)
    scale = xp.where(scale == 0, xp.ones_like(scale), scale)
    Z = Xc / scale
    ridge = beside(xp, penalized, Xc, Xc.dtype) / scale**2 / n
    eye = xp.eye(d, dtype=Xc.dtype, device=device_of(Xc))
    eig = xp.linalg.eigvalsh(xp.matmul(Z.T, Z) / n + eye * ridge)
    eig = [float(eig[0]), float(eig[-1])]
    return scale, Z, xp.zeros(d, dtype=Xc.dtype, device=device_of(Xc)), ridge, eig


def with_ones(xp: Any, X: Any) -> Any:
    """[X, 1]: X with a column of ones for the intercept."""
    ones = xp.ones((X.shape[0], 1), dtype=X.dtype, device=device_of(X))
    return xp.concat([X, ones], axis=1)


def weighted_gram(xp: Any, A: Any, w: Any) -> Any:
    """A^T diag(w) A."""
    return xp.matmul(A.T, A * xp.reshape(w, (A.shape[0], 1)))


def logistic_hessian(model: Any, xp: Any, X: Any, W: Any, b: Any) -> Any:
    """The exact Hessian of mean log-loss + ||W||^2 / (2 C n) in the flat order of
    [W.ravel(), b] (W of shape (d, k), row-major), as `calcml.autodiff.hessian` gives it."""
    n, d = X.shape
    k = W.shape[1]
    A = X if b is None else with_ones(xp, X)
    z = xp.matmul(X, W) + (0.0 if b is None else b)
    if model.binary_:
        e = xp.exp(-xp.abs(z[:, 0]))
        s = e / (1.0 + e) ** 2  # p (1 - p) without cancellation
        H = weighted_gram(xp, A, s) / n
    else:
        P = softmax_rows(xp, z)
        # block (c, c2) = A^T diag(p_c (δ_cc2 - p_c2)) A
        rows = [[P[:, c] * (float(c == c2) - P[:, c2]) for c2 in range(k)] for c in range(k)]
        blocks = [xp.stack([weighted_gram(xp, A, w) for w in row]) for row in rows]
        m = A.shape[1]
        H = xp.reshape(xp.permute_dims(xp.stack(blocks), (2, 0, 3, 1)), (m * k, m * k)) / n
    reg = np.zeros(H.shape[0])
    reg[: d * k] = 1.0 / (model.C * n)
    eye = xp.eye(H.shape[0], dtype=H.dtype, device=device_of(H))
    return H + eye * beside(xp, reg, H, H.dtype)


def newton(model: Any, xp: Any, params: list[Tensor], objective: Callable[[], Tensor],
           X: Any) -> History:  # fmt: skip
    """Newton's method on the device, as `LogisticRegression._fit_newton` on NumPy: the
    gradient by autodiff, the Hessian written out, the step by the namespace's `linalg`
    (the pseudo-inverse for the multinomial model with intercepts, whose Hessian is singular
    along a common shift of the intercepts)."""
    W, b = params[0], (params[1] if len(params) > 1 else None)
    singular = not model.binary_ and b is not None
    history = History(model=model)
    for _ in range(min(model.max_iter, 100)):
        for p in params:
            p.grad = None
        loss = objective()
        loss.backward()
        history.append(float(loss.data))
        if max(abs_max(p.grad) for p in params) < model.tol:
            break
        g = xp.concat([xp.reshape(p.grad, (-1,)) for p in params])
        H = logistic_hessian(model, xp, X, W.data, None if b is None else b.data)
        if singular:
            step = xp.matmul(xp.linalg.pinv(H), g)
        else:
            step = xp.linalg.solve(H, xp.reshape(g, (-1, 1)))[:, 0]
        start = 0
        for p in params:
            size = p.data.size
            p.data = p.data - xp.reshape(step[start : start + size], p.data.shape)
            start += size
    model.n_iter_ = len(history)
    return history
