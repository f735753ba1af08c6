"""Linear and logistic regression on Dask arrays: full-batch sums over chunks, as dask-glm does.

Each pass over the data is a map-reduce: every row chunk returns its share of a few small sums
(a Gram matrix, a gradient, a Hessian, a loss), a tree adds them up, and the (d+1)-sized system
is solved in memory. Only those sums leave a worker, so ``X`` may be larger than memory (each
pass then recomputes or re-reads its chunks; ``X.persist()`` first when it fits on the workers).

* Linear and ridge regression: two passes (the means, then the centred normal equations
  ``Xc^T Xc w = Xc^T yc``), the same centring as in memory.
* Logistic regression (binary): Newton's method with the exact gradient and Hessian of the same
  objective as in memory, mean log-loss + ||w||^2 / (2 C n), one pass per iteration, halving
  the step while the loss rises.

The computations run on the ``client`` passed (a ``dask.distributed.Client``), else on Dask's
default scheduler.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calcml.core.arrays import compute, is_dask
from calcml.ml.training import History

_SPLIT_EVERY = 8  # fan-in of the tree that adds the chunks' sums
_MAX_NEWTON = 100
_LOSS_SLACK = 1e-14  # a loss this much (relative) above the last is rounding, not a rise


def _as_dask(X: Any, y: Any) -> tuple[Any, Any]:
    """X as 2-D float64 chunked by rows only, y as 1-D with the same row chunks."""
    import dask.array as da

    X = X if is_dask(X) else da.from_array(np.asarray(X, dtype=float), chunks=(1 << 20, -1))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    X = X.astype(np.float64).rechunk({1: -1})
    y = y if is_dask(y) else da.from_array(np.asarray(y))
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must be 1-D with one value per row of X, got shape {y.shape}")
    return X, y.rechunk((X.chunks[0],))


def _add(*parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """Elementwise sum of tuples of sums."""
    return tuple(sum(items[1:], start=items[0]) for items in zip(*parts, strict=True))


def chunk_sums(X: Any, y: Any, func: Any, *args: Any, client: Any = None) -> tuple[Any, ...]:
    """`func(x_chunk, y_chunk, *args)` (a tuple of sums) added over all row chunks."""
    from dask import delayed

    apply, add = delayed(func, pure=True), delayed(_add, pure=True)
    # unoptimized graphs keep the task names, so chunks that X and y share are made once
    rows = X.to_delayed(optimize_graph=False)[:, 0], y.to_delayed(optimize_graph=False)
    parts = [apply(xb, yb, *args) for xb, yb in zip(*rows, strict=True)]
    while len(parts) > 1:
        parts = [add(*parts[i : i + _SPLIT_EVERY]) for i in range(0, len(parts), _SPLIT_EVERY)]
    return compute(parts[0], client=client)[0]


# ---------------------------------------------------------------------------------------------
# Linear regression


def _centred_gram(x: np.ndarray, y: np.ndarray, x_mean: np.ndarray, y_mean: float
                  ) -> tuple[np.ndarray, np.ndarray, float]:  # fmt: skip
    xc, yc = x - x_mean, y.astype(np.float64) - y_mean
    return xc.T @ xc, xc.T @ yc, float(yc @ yc)


def fit_linear(model: Any, X: Any, y: Any, client: Any = None) -> History:
    """`LinearRegression.fit` (and Ridge's) on Dask arrays by the centred normal equations."""
    if model.solver != "closed_form":
        raise ValueError("Dask arrays are fitted by the normal equations: use "
                         f"solver='closed_form', not {model.solver!r}")  # fmt: skip
    X, y = _as_dask(X, y)
    n, d = X.shape
    if model.fit_intercept:
        x_sum, y_sum = compute(X.sum(axis=0), y.astype(np.float64).sum(), client=client)
        x_mean, y_mean = x_sum / n, float(y_sum) / n
    else:
        x_mean, y_mean = np.zeros(d), 0.0
    gram, xty, yty = chunk_sums(X, y, _centred_gram, x_mean, y_mean, client=client)
    penalty = model._penalty_matrix(d)
    if np.any(penalty):
        coef = np.linalg.solve(gram + penalty, xty)
    else:
        coef = np.linalg.lstsq(gram, xty, rcond=None)[0]
    model.coef_ = coef
    model.intercept_ = y_mean - float(x_mean @ coef)
    rss = yty - 2 * float(coef @ xty) + float(coef @ gram @ coef)
    model.loss_history_ = History([max(rss, 0.0) / n], model=model)
    return model.loss_history_


# ---------------------------------------------------------------------------------------------
# Logistic regression


def _logistic_sums(x: np.ndarray, label: np.ndarray, positive: Any, theta: np.ndarray,
                   intercept: bool) -> tuple[float, np.ndarray, np.ndarray]:  # fmt: skip
    """Sum over the chunk's rows of the log-loss, its gradient and its Hessian in theta."""
    from scipy.special import expit

    t = (label == positive).astype(np.float64)
    a = np.c_[x, np.ones(len(x))] if intercept else x
    z = a @ theta
    p = expit(z)
    loss = float(np.sum(np.logaddexp(0.0, z) - t * z))
    return loss, a.T @ (p - t), (a * (p * (1.0 - p))[:, None]).T @ a


def _objective(X: Any, y: Any, positive: Any, theta: np.ndarray, model: Any, client: Any
               ) -> tuple[float, np.ndarray, np.ndarray]:  # fmt: skip
    """Mean log-loss + ||w||^2 / (2 C n) with its gradient and Hessian: one pass."""
    n, d = X.shape
    loss, grad, hess = chunk_sums(X, y, _logistic_sums, positive, theta, model.fit_intercept,
                                  client=client)  # fmt: skip
    ridge = np.zeros(theta.size)
    ridge[:d] = 1.0 / (model.C * n)
    w = theta * ridge
    return loss / n + 0.5 * float(theta @ w), grad / n + w, hess / n + np.diag(ridge)


def _classes(y: Any, client: Any) -> np.ndarray:
    import dask.array as da

    classes = np.sort(compute(da.unique(y), client=client)[0])
    if classes.size < 2:
        raise ValueError("logistic regression needs at least two classes")
    if classes.size > 2:
        raise ValueError(f"Dask arrays are fitted for binary labels only, got {classes.size} "
                         "classes; fit the multinomial model in memory")  # fmt: skip
    return classes


def fit_logistic(model: Any, X: Any, y: Any, client: Any = None) -> History:
    """`LogisticRegression.fit` on Dask arrays: Newton's method, one pass per iteration."""
    if model.solver not in ("gd", "plain_gd", "newton"):
        raise ValueError(f"unknown solver {model.solver!r}: gd, plain_gd or newton")
    X, y = _as_dask(X, y)
    model.classes_ = _classes(y, client)
    model.binary_ = True
    theta = np.zeros(X.shape[1] + (1 if model.fit_intercept else 0))
    state = _objective(X, y, model.classes_[1], theta, model, client)
    history = History(model=model)
    for _ in range(min(model.max_iter, _MAX_NEWTON)):
        loss, grad, hess = state
        history.append(loss)
        if float(np.max(np.abs(grad))) < model.tol:
            break
        step = np.linalg.solve(hess, grad)
        theta, state = _damped_step(X, y, theta, step, state, model, client)
        if state is None:  # no step lowers the loss: the rounding floor is reached
            state = _objective(X, y, model.classes_[1], theta, model, client)
            break
    model.coef_ = theta[None, : X.shape[1]].copy()
    model.intercept_ = theta[X.shape[1] :].copy() if model.fit_intercept else np.zeros(1)
    model.n_iter_, model.loss_history_ = len(history), history
    return history


def _damped_step(X: Any, y: Any, theta: np.ndarray, step: np.ndarray, state: Any, model: Any,
                 client: Any) -> tuple[np.ndarray, Any]:  # fmt: skip
    """theta - s * step for the first s in 1, 1/2, 1/4, ... that does not raise the loss
    (beyond rounding); (theta, None) when none of 30 does."""
    loss = state[0]
    scale = 1.0
    for _ in range(30):
        candidate = theta - scale * step
        found = _objective(X, y, model.classes_[1], candidate, model, client)
        if found[0] <= loss + _LOSS_SLACK * abs(loss):
            return candidate, found
        scale /= 2
    return theta, None
