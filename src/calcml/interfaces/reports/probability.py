"""Reports of the probability view: a distribution's pdf with its cdf, mean and variance as
integrals, and the ROC curve of a model trained on a bundled data set."""

from __future__ import annotations

from typing import Any

from calcml.interfaces.reports import Params, finite_or_none, integer, mathml, number, report, text


@report("dist", "slow")
def dist_report(params: Params) -> dict[str, Any]:
    """The pdf of `family` (parameters as `mu`, `sigma`, ...) sampled, P(X ≤ `x`), mean, variance.

    >>> r = dist_report({"family": "normal", "x": "0"})
    >>> r["cdf"]["value"], r["mean"]["value"], r["var"]["value"]
    (0.5, 0.0, 1.0)
    """
    import numpy as np

    from calcml.stats.distributions import FAMILIES

    name = text(params, "family", "normal").lower()
    family = FAMILIES.get(name)
    if family is None:
        raise ValueError(f"unknown distribution {name!r}; known: {', '.join(FAMILIES)}")
    unknown = sorted(set(params) - set(family.params) - {"family", "x", "n"})
    if unknown:
        raise ValueError(f"{family.name} has no parameter {unknown[0]!r}; it has "
                         f"{', '.join(family.params)}")  # fmt: skip
    values = {p: _exact(number(params, p, 0.0)) for p in family.params if params.get(p)}
    try:
        d = family(**values)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    out: dict[str, Any] = {"family": family.name, "params": list(family.params),
                           "distribution": repr(d), "pdf_expr": str(d.pdf_expr),
                           "mathml": mathml(d.pdf_expr.latex())}  # fmt: skip
    for what in ("mean", "var"):
        out[what] = _integral(lambda w=what: getattr(d, w)(steps=True))
    lo, hi = _window(d, out)
    x = number(params, "x", (lo + hi) / 2)
    out["cdf"] = {"x": x, **_integral(lambda: d.cdf(x, steps=True))}
    xs = np.linspace(lo, hi, integer(params, "n", 401, 2, 4000))
    with np.errstate(all="ignore"):
        out.update(x=xs.tolist(), pdf=finite_or_none(d.pdf(xs)))
    return out


def _exact(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _integral(call: Any) -> dict[str, Any]:
    """One integral's value and how it was found (or why it has none)."""
    from calcml.stats.distributions import DivergentError

    try:
        r = call()
    except DivergentError as err:
        return {"value": None, "divergent": True, "message": str(err)}
    return {"value": float(r.value), "divergent": False, "method": r.method,
            "error_estimate": r.error_estimate, "note": r.note,
            "exact": str(r.exact) if r.exact is not None else None}  # fmt: skip


def _window(d: Any, out: dict[str, Any]) -> tuple[float, float]:
    """Where to plot: mean ± 4 standard deviations, clipped to the support (±10 without them)."""
    import numpy as np

    lo, hi = d.support
    mean, var = out["mean"]["value"], out["var"]["value"]
    if mean is not None and var is not None and np.isfinite(var):
        a, b = mean - 4 * var**0.5, mean + 4 * var**0.5
    else:
        a, b = -10.0, 10.0
    a, b = max(a, lo), min(b, hi)
    if a == lo and np.isfinite(lo):
        a -= 0.1 * (b - a)
    if b == hi and np.isfinite(hi):
        b += 0.1 * (b - a)
    return float(a), float(b)


@report("roc", "slow")
def roc_report(params: Params) -> dict[str, Any]:
    """ROC curve and AUC of logistic regression trained on a bundled binary data set.

    The split is stratified (`seed`), features standardized on the training part; the curve is
    the test part's. Counts at each threshold let the page fill the confusion matrix.

    >>> r = roc_report({"data": "breast_cancer"})
    >>> 0.9 < r["auc"] <= 1, r["fpr"][0], r["tpr"][-1]
    (True, 0.0, 1.0)
    """
    import numpy as np

    from calcml.ml.data import StandardScaler, load_dataset, train_test_split
    from calcml.ml.models import LogisticRegression
    from calcml.stats.metrics import roc_auc_score, roc_curve

    name = text(params, "data", "breast_cancer")
    if name != "breast_cancer":
        raise ValueError("the ROC view has one binary data set: breast_cancer")
    seed = integer(params, "seed", 0, 0, 2**31 - 1)
    C = number(params, "C", 1.0, 1e-6, 1e6)
    ds = load_dataset(name)
    X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=0.25, random_state=seed,
                                              stratify=ds.y)  # fmt: skip
    scaler = StandardScaler().fit(X_tr)
    model = LogisticRegression(C=C)
    model.fit(scaler.transform(X_tr), y_tr)
    scores = model.predict_proba(scaler.transform(X_te))[:, 1]
    fpr, tpr, thresholds = roc_curve(y_te, scores, drop_intermediate=False)
    positives = int(np.sum(y_te == 1))
    return {"data": name, "model": "logistic regression", "C": C, "seed": seed,
            "n_test": len(y_te), "positives": positives, "negatives": len(y_te) - positives,
            "auc": float(roc_auc_score(y_te, scores)),
            "trapezoid_area": float(np.trapezoid(tpr, fpr)),
            "fpr": fpr.tolist(), "tpr": tpr.tolist(),
            "thresholds": finite_or_none(thresholds)}  # fmt: skip
