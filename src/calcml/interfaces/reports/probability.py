"""Reports of the probability view: a distribution's pdf with its cdf, mean and variance as
integrals, and the ROC curve of a model trained on a bundled data set."""

from __future__ import annotations

from typing import Any

from calcml.interfaces.reports.base import (
    Params,
    finite_or_none,
    flag,
    integer,
    mathml,
    number,
    report,
    steps_json,
    text,
)

#: the questions a request may ask, in the order `calcml dist` answers them
VALUED = ("pdf", "cdf", "sf", "moment")
FLAGS = ("mean", "var", "entropy")


@report("dist", "slow")
def dist_report(params: Params) -> dict[str, Any]:
    """`family` (parameters by name: `mu`, `sigma`, ...): the integrals asked (`cdf`, `sf`,
    `pdf`, `moment` at a value; `mean`, `var`, `entropy` as flags; mean and variance when
    nothing is asked), and with `n` the pdf sampled on n points for a plot.

    >>> r = dist_report({"family": "normal", "cdf": "0", "mean": "1", "var": "1"})
    >>> [(q["quantity"], q["value"]) for q in r["results"]]
    [('cdf(0.0)', 0.5), ('mean', 0.0), ('var', 1.0)]
    """
    from calcml.stats.distributions import FAMILIES

    name = text(params, "family", "normal").lower()
    family = FAMILIES.get(name)
    if family is None:
        raise ValueError(f"unknown distribution {name!r}; known: {', '.join(FAMILIES)}")
    known = {"family", "n", "steps", *VALUED, *FLAGS}
    unknown = sorted(set(params) - set(family.params) - known)
    if unknown:
        raise ValueError(f"{family.name} has no parameter {unknown[0]!r}; it has "
                         f"{', '.join(family.params)}")  # fmt: skip
    values = {p: exact_number(number(params, p, 0.0)) for p in family.params if params.get(p)}
    try:
        d = family(**values)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    asked = [(q, number(params, q, 0.0)) for q in VALUED if params.get(q)]
    asked = [(q, int(a) if q == "moment" else a) for q, a in asked]
    asked += [(q, None) for q in FLAGS if flag(params, q)]
    return dist_json(d, asked or [("mean", None), ("var", None)], flag(params, "steps"),
                     integer(params, "n", 0, 0, 4000))  # fmt: skip


def dist_json(d: Any, asked: list[tuple[str, Any]], steps: bool, n: int = 0) -> dict[str, Any]:
    """The JSON of `calcml dist --json` and of /api/dist for a built distribution."""
    out: dict[str, Any] = {"distribution": repr(d), "family": d.family.name,
                           "params": list(d.family.params), "pdf_expr": str(d.pdf_expr),
                           "logpdf_expr": str(d.logpdf_expr), "mathml": mathml(d.pdf_expr.latex()),
                           "results": [answer(d, q, arg, steps) for q, arg in asked]}  # fmt: skip
    if n:
        import numpy as np

        lo, hi = _window(d)
        xs = np.linspace(lo, hi, n)
        with np.errstate(all="ignore"):
            out.update(x=xs.tolist(), pdf=finite_or_none(d.pdf(xs)))
    return out


def ask(d: Any, question: str, arg: Any) -> dict[str, Any]:
    """One quantity of `d` as the CLI and the API both ask it: its value, and for the integrals
    (cdf, sf, moments, entropy) the `Integral` record (`integral`) or why it diverges."""
    from calcml.stats.distributions import DivergentError

    label = f"{question}({arg})" if arg is not None else question
    if question == "pdf":
        return {"quantity": label, "value": d.pdf(arg), "integral": None, "divergent": False,
                "logpdf": d.logpdf(arg)}  # fmt: skip
    call = {"cdf": lambda: d.cdf(arg, steps=True), "sf": lambda: d.sf(arg, steps=True),
            "mean": lambda: d.mean(steps=True), "var": lambda: d.var(steps=True),
            "entropy": lambda: d.entropy(steps=True),
            "moment": lambda: d.moment(arg, steps=True)}[question]  # fmt: skip
    try:
        r = call()
    except DivergentError as err:
        return {"quantity": label, "value": err.value, "integral": None, "divergent": True,
                "message": str(err)}  # fmt: skip
    return {"quantity": label, "value": r.value, "integral": r, "divergent": False}


def answer(d: Any, question: str, arg: Any, steps: bool) -> dict[str, Any]:
    """One quantity as JSON: its value, and for integrals how it was found."""
    out = ask(d, question, arg)
    r = out.pop("integral")
    if r is not None:
        out.update(method=r.method, error_estimate=r.error_estimate, note=r.note,
                   exact=str(r.exact) if r.exact is not None else None)  # fmt: skip
        if steps:
            out["steps"] = steps_json(r.steps)
    return out


def exact_number(value: float) -> int | float:
    """Whole numbers as integers, so the closed forms stay exact (σ = 1, not 1.0)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _window(d: Any) -> tuple[float, float]:
    """Where to plot: mean ± 4 standard deviations, clipped to the support (±10 without them)."""
    import numpy as np

    from calcml.stats.distributions import DivergentError

    lo, hi = d.support
    try:
        mean, var = float(d.mean()), float(d.var())
    except DivergentError:
        mean, var = 0.0, float("inf")
    if np.isfinite(mean) and np.isfinite(var):
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
