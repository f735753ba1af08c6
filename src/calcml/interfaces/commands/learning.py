"""`calcml minimize` (descent on a formula) and `calcml train` (models on bundled data sets)."""

from __future__ import annotations

import time
from typing import Any

import click
import numpy as np

from calcml.interfaces.output import console, emit_json, guarded, parse_point

METHODS = ["gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "newton"]


def _say(line: str) -> None:
    console.print(line, markup=False)


def _fmt(v: Any) -> str:
    if isinstance(v, list | tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return f"{float(v):.10g}"


@click.command("minimize")
@click.argument("expr")
@click.option("--from", "start", required=True, help="Starting point, e.g. -1.5,2.")
@click.option("--method", type=click.Choice(METHODS, case_sensitive=False), default="gd",
              show_default=True, help="The optimizer.")  # fmt: skip
@click.option("--lr", type=float, default=0.01, show_default=True, help="Learning rate.")
@click.option("--steps", type=click.IntRange(0, 10_000_000), default=1000, show_default=True,
              help="Number of updates.")  # fmt: skip
@click.option("--momentum", type=float, default=None, help="Momentum (sgd, rmsprop).")
@click.option("--tol", type=float, default=None,
              help="Stop once |grad f| <= TOL (default: take every step).")  # fmt: skip
@click.option("--vars", "vars_", default=None, help="Variable order, e.g. \"x y\".")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), default=None,
              help="Draw the path on the function's contours to this PNG.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def minimize_command(expr: str, start: str, method: str, lr: float, steps: int,
                     momentum: float | None, tol: float | None, vars_: str | None,
                     plot_file: str | None, as_json: bool) -> None:  # fmt: skip
    """Minimise EXPR by gradient descent (or a variant) and report the path's end.

    \b
    Examples:
      calcml minimize "(1-x)^2 + 100(y-x^2)^2" --from -1.5,2 --method adam --lr 0.01 --steps 2000 \\
        # stopped after 2000 steps (the step limit)
      calcml minimize "x^2 + 10y^2" --from 3,1 --method momentum --lr 0.02 --plot path.png
      calcml minimize "(1-x)^2 + 100(y-x^2)^2" --from -1.5,2 --method newton --lr 1 --tol 1e-10 \\
        # the stopping rule was met

    \b
    The first stops at its step limit, 0.189 from the minimum (1, 1); the last meets its
    stopping rule |∇f| ≤ 1e-10. Each run says which, and its gradient norm.
    """
    from calcml.interfaces.reports.learning import run_minimize

    parse_point(start)
    result, summary = run_minimize({"expr": expr, "start": start, "method": method,
                                    "lr": repr(lr), "steps": str(steps), "vars": vars_ or "",
                                    "momentum": "" if momentum is None else repr(momentum),
                                    "tol": "" if tol is None else repr(tol)})
    if plot_file:
        summary["plot"] = str(result.plot(plot_file))
    if as_json:
        emit_json(summary)
        return
    shown = result.expression.text() if result.expression is not None else expr
    _say(f"f({', '.join(result.variables)}) = {shown}")
    _say(f"{result.method}, lr = {lr:g}, {result.steps} steps from {_fmt(summary['start'])}"
         f" (f = {_fmt(summary['start_value'])})")  # fmt: skip
    marks = sorted({0, *(int(s) for s in np.geomspace(1, max(result.steps, 1), 6)),
                    result.steps})  # fmt: skip
    for t in marks:
        if t < len(result.values):
            _say(f"  step {t:>8}: {_fmt(list(result.points[t]))}  f = {_fmt(result.values[t])}"
                 f"  |∇f| = {result.grad_norms[t]:.3g}")  # fmt: skip
    _say(f"end: {_fmt(result.x)}, f = {_fmt(result.fun)}")
    _say(result.stopping + (" (try a smaller --lr)" if result.diverged else ""))
    if result.classification is not None:
        _say(result.classification.sentence)
    if plot_file:
        _say(f"plot: {summary['plot']}")


# --- train -----------------------------------------------------------------------------------


def _auc(y: np.ndarray, proba: np.ndarray) -> float | None:
    """ROC AUC (binary, or macro one-vs-rest) via calcml.stats once it is there."""
    try:
        from calcml.stats.metrics import roc_auc_score
    except ImportError:
        return None
    if proba.shape[1] == 2:
        return float(roc_auc_score(y == 1, proba[:, 1]))
    return float(np.mean([roc_auc_score(y == k, proba[:, k]) for k in range(proba.shape[1])]))


def _log_loss(y: np.ndarray, proba: np.ndarray) -> float:
    p = np.clip(proba[np.arange(len(y)), y], 1e-300, 1.0)
    return float(-np.mean(np.log(p)))


def _build(model: str, task: str, opts: dict[str, Any]) -> Any:
    from calcml.ml import models

    if model == "logistic":
        return models.LogisticRegression(C=opts["C"], solver=opts["solver"] or "gd")
    if model == "mlp":
        cls = models.MLPClassifier if task == "classification" else models.MLPRegressor
        return cls(hidden_layer_sizes=opts["hidden"], max_iter=opts["epochs"] or 40,
                   batch_size=opts["batch_size"], learning_rate_init=opts["lr"] or 3e-3,
                   random_state=opts["seed"])  # fmt: skip
    if model == "linear":
        return models.LinearRegression(solver=opts["solver"] or "closed_form")
    if model == "ridge":
        return models.Ridge(alpha=opts["alpha"])
    return models.Lasso(alpha=opts["alpha"])


@click.command("train")
@click.argument("model", type=click.Choice(["logistic", "mlp", "linear", "ridge", "lasso"]))
@click.option("--data", "dataset", default="breast_cancer", show_default=True,
              type=click.Choice(["breast_cancer", "iris", "digits", "diabetes"]),
              help="A bundled data set.")  # fmt: skip
@click.option("--test-size", type=float, default=0.25, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Split and init seed.")
@click.option("--C", "C", type=float, default=1.0, show_default=True,
              help="Inverse regularization (logistic), as in scikit-learn.")  # fmt: skip
@click.option("--alpha", type=float, default=1.0, show_default=True, help="Ridge/lasso penalty.")
@click.option("--solver", default=None, help="logistic: gd, plain_gd, newton; linear: gd.")
@click.option("--hidden", default="128", show_default=True, help="MLP hidden sizes, e.g. 128,64.")
@click.option("--epochs", type=int, default=None, help="MLP epochs (default 40).")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--lr", type=float, default=None, help="MLP learning rate (default 0.003).")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), default=None,
              help="Draw the training loss per iteration to this PNG.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def train_command(model: str, dataset: str, test_size: float, seed: int, C: float,
                  alpha: float, solver: str | None, hidden: str, epochs: int | None,
                  batch_size: int, lr: float | None, plot_file: str | None,
                  as_json: bool) -> None:  # fmt: skip
    """Train MODEL on a bundled data set and report loss, accuracy (or R²) and ROC AUC.

    The split is scikit-learn's (stratified for classification, --seed), features are
    standardized with the training part's mean and std.

    \b
    Examples:
      calcml train logistic --data breast_cancer
      calcml train mlp --data digits
      calcml train ridge --data diabetes --alpha 1 --json
      calcml train logistic --data breast_cancer --plot loss.png
    """
    from calcml.ml.data import StandardScaler, load_dataset, train_test_split

    ds = load_dataset(dataset)
    task = ds.task
    if task == "regression" and model == "logistic":
        raise ValueError("logistic regression needs a classification data set")
    if task == "classification" and model in ("linear", "ridge", "lasso"):
        raise ValueError(f"{model} regression needs a regression data set (diabetes)")
    strat = ds.y if task == "classification" else None
    X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=test_size,
                                              random_state=seed, stratify=strat)  # fmt: skip
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    sizes = tuple(int(h) for h in hidden.replace(" ", "").split(",") if h)
    opts = {"C": C, "alpha": alpha, "solver": solver, "hidden": sizes, "epochs": epochs,
            "batch_size": batch_size, "lr": lr, "seed": seed}  # fmt: skip
    estimator = _build(model, task, opts)
    if not as_json:
        _say(f"data: {dataset}, {len(ds.X)} samples x {ds.X.shape[1]} features; "
             f"train {len(X_tr)}, test {len(X_te)} (seed {seed}), standardized")  # fmt: skip
        _say(f"model: {type(estimator).__name__}; training...")
    t0 = time.perf_counter()
    history = estimator.fit(X_tr, y_tr)
    seconds = time.perf_counter() - t0
    if plot_file:
        from calcml.ml.plot import plot_history

        if not len(history):
            raise ValueError(f"{model} regression has no loss history to plot (a closed form)")
        plot_history(history, plot_file, title=f"{model} on {dataset}: training loss",
                     xlabel="iteration")  # fmt: skip
    out: dict[str, Any] = {"model": model, "data": dataset, "n_train": len(X_tr),
                           "n_test": len(X_te), "seed": seed, "seconds": round(seconds, 3),
                           "iterations": len(history),
                           "loss": float(history[-1]) if len(history) else None}  # fmt: skip
    if task == "classification":
        proba_te = estimator.predict_proba(X_te)
        out["train_accuracy"] = float(estimator.score(X_tr, y_tr))
        out["test_accuracy"] = float(estimator.score(X_te, y_te))
        out["test_log_loss"] = _log_loss(y_te, proba_te)
        out["roc_auc"] = _auc(y_te, proba_te)
    else:
        out["train_r2"] = float(estimator.score(X_tr, y_tr))
        out["test_r2"] = float(estimator.score(X_te, y_te))
        out["test_mse"] = float(np.mean((estimator.predict(X_te) - y_te) ** 2))
    if as_json:
        emit_json(out)
        return
    if len(history) > 1:
        marks = sorted({0, len(history) // 4, len(history) // 2, len(history) - 1})
        for i in marks:
            _say(f"  iteration {i + 1:>6}: loss {history[i]:.8g}")
    its = f"{len(history)} iteration{'' if len(history) == 1 else 's'}"
    _say(f"trained in {seconds:.2f} s, {its}; final loss {out['loss']:.8g}")
    multiclass = task == "classification" and len(np.unique(ds.y)) > 2
    auc_label = "test ROC AUC (macro one-vs-rest)" if multiclass else "test ROC AUC"
    for key, label in [("train_accuracy", "train accuracy"), ("test_accuracy", "test accuracy"),
                       ("test_log_loss", "test log-loss"), ("roc_auc", auc_label),
                       ("train_r2", "train R²"), ("test_r2", "test R²"),
                       ("test_mse", "test MSE")]:  # fmt: skip
        if key in out:
            value = out[key]
            shown = "n/a (calcml.stats not available)" if value is None else f"{value:.4f}"
            _say(f"{label}: {shown}")
    if plot_file:
        _say(f"plot: {plot_file}")
