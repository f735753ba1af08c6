"""`calcml dist` (a distribution's pdf, cdf and moments as integrals) and `calcml auc`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from calcml.interfaces.output import EXIT_BAD_INPUT, console, emit_json, fail, guarded

#: friendly option -> the family parameter it sets (only where the family has it)
FRIENDLY = {"mu": "mu", "sigma": "sigma", "lam": "lam", "a": "a", "b": "b", "k": "k",
            "theta": "theta", "nu": "nu", "s": "s", "x0": "x0", "gamma": "gamma"}  # fmt: skip


def friendly_options(fn: Any) -> Any:
    for name in reversed(FRIENDLY):
        flags = [f"--{name}"] + (["--lambda", "--rate"] if name == "lam" else [])
        fn = click.option(*flags, name, type=float, default=None,
                          help=f"Parameter {name}.")(fn)  # fmt: skip
    return fn


@click.command("dist")
@click.argument("family")
@friendly_options
@click.option("--param", "-p", "extra", multiple=True, metavar="NAME=VALUE",
              help="Any parameter, as name=value (repeatable).")
@click.option("--pdf", "pdf_at", type=float, default=None, help="Density at X.")
@click.option("--cdf", "cdf_at", type=float, default=None, help="P(X ≤ x) = ∫ pdf up to x.")
@click.option("--sf", "sf_at", type=float, default=None, help="P(X > x) = ∫ pdf from x.")
@click.option("--mean", is_flag=True, help="E[X] = ∫ x pdf(x) dx.")
@click.option("--var", is_flag=True, help="Var X = ∫ (x - E[X])² pdf(x) dx.")
@click.option("--entropy", is_flag=True, help="-∫ pdf log pdf.")
@click.option("--moment", type=int, default=None, help="E[X^K] = ∫ x^K pdf(x) dx.")
@click.option("--steps", is_flag=True, help="Show the integral behind each number.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def dist_command(family: str, extra: tuple[str, ...], pdf_at: float | None,
                 cdf_at: float | None, sf_at: float | None, mean: bool, var: bool,
                 entropy: bool, moment: int | None, steps: bool, as_json: bool,
                 **friendly: float | None) -> None:  # fmt: skip
    """A distribution's density and the integrals of it: cdf, mean, variance, moments.

    FAMILY is one of normal, uniform, exponential, laplace, logistic, gamma, beta,
    student_t (or t), cauchy.

    \b
    Examples:
      calcml dist normal --mu 0 --sigma 1 --cdf 1.96 --steps   # cdf(1.96) = 0.9750021048517795
      calcml dist gamma --k 2 --theta 1 --cdf 3 --mean --var --json
      calcml dist t -p nu=3 --var      # var = 3.0
      calcml dist t -p nu=2 --var      # exit 1: the variance diverges to +∞
    """
    d = build_distribution(family, friendly, extra)
    asked = _questions(pdf_at, cdf_at, sf_at, mean, var, entropy, moment)
    if as_json:
        from calcml.interfaces.reports.probability import dist_json

        payload = dist_json(d, asked, steps)
        emit_json(payload)
        answers = payload["results"]
    else:
        from calcml.interfaces.reports.probability import ask

        answers = [ask(d, q, arg) for q, arg in asked]
        _print(d, answers, steps)
    if any(a["divergent"] for a in answers):
        raise SystemExit(1)


def build_distribution(family: str, friendly: dict[str, float | None], extra: tuple[str, ...]):
    from calcml.interfaces.reports.probability import exact_number
    from calcml.stats.distributions import FAMILIES

    fam = FAMILIES.get(family.lower())
    if fam is None:
        raise click.BadParameter(f"unknown distribution {family!r}; known: "
                                 f"{', '.join(FAMILIES)}", param_hint="FAMILY")  # fmt: skip
    params: dict[str, float] = {}
    for name, value in friendly.items():
        if value is None:
            continue
        if FRIENDLY[name] not in fam.params:
            fail(f"{fam.name} has no parameter {name!r}; it has {', '.join(fam.params)}",
                 EXIT_BAD_INPUT)  # fmt: skip
        params[FRIENDLY[name]] = exact_number(value)
    for item in extra:
        name, _, value = item.partition("=")
        name = "lam" if name.strip() in ("lambda", "rate") else name.strip()
        try:
            params[name] = exact_number(float(value))
        except ValueError:
            fail(f"--param wants NAME=VALUE with a number, got {item!r}", EXIT_BAD_INPUT)
    try:
        return fam(**params)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def _questions(pdf_at, cdf_at, sf_at, mean, var, entropy, moment) -> list[tuple[str, Any]]:
    asked = [(q, a) for q, a in (("pdf", pdf_at), ("cdf", cdf_at), ("sf", sf_at),
                                 ("moment", moment)) if a is not None]  # fmt: skip
    asked += [(q, None) for q, flag in (("mean", mean), ("var", var), ("entropy", entropy))
              if flag]  # fmt: skip
    return asked or [("mean", None), ("var", None)]


def _print(d: Any, answers: list[dict[str, Any]], steps: bool) -> None:
    from calcml.symbolic.steps import to_text

    console.print(f"{d!r}: pdf(x) = {d.pdf_expr.text()}", markup=False)
    for a in answers:
        r = a["integral"]
        if a["divergent"]:
            console.print(f"{a['quantity']}: divergent — {a['message']}", markup=False)
            continue
        if steps and r is not None:
            console.print(to_text(r.steps), markup=False)
        how = ""
        if r is not None:
            how = f"   [{r.method}" + (f", error ≤ {r.error_estimate:.1e}]"
                                      if r.method == "quadrature" else "]")  # fmt: skip
        console.print(f"{a['quantity']} = {a['value']!r}{how}", markup=False)


# --- auc ---------------------------------------------------------------------------------------


@click.command("auc")
@click.option("--labels", "labels_file", type=click.Path(dir_okay=False), required=True,
              help="CSV of labels (one column), or the CSV holding both columns.")
@click.option("--scores", "scores_file", type=click.Path(dir_okay=False), default=None,
              help="CSV of scores (one column); default: the labels file.")
@click.option("--labels-column", default=None, help="Column (name or 0-based index) of labels.")
@click.option("--scores-column", default=None, help="Column (name or 0-based index) of scores.")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), default=None,
              help="Save the ROC curve to this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def auc_command(labels_file: str, scores_file: str | None, labels_column: str | None,
                scores_column: str | None, plot_file: str | None,
                as_json: bool) -> None:  # fmt: skip
    """The area under the ROC curve of scores against binary labels.

    \b
    Examples:
      calcml auc --labels y.csv --scores s.csv
      calcml auc --labels data.csv --labels-column y --scores-column p --plot roc.png
    """
    import numpy as np

    from calcml.stats.metrics import roc_auc_score, roc_curve

    labels = _column(labels_file, labels_column, 0)
    scores_raw = _column(scores_file or labels_file, scores_column,
                         None if scores_file else 1)  # fmt: skip
    if len(labels) != len(scores_raw):
        raise ValueError(f"{len(labels)} labels but {len(scores_raw)} scores")
    y, scores = _labels(labels), _floats(scores_raw, "scores")
    value = roc_auc_score(y, scores)
    fpr, tpr, _ = roc_curve(y, scores)
    positive = int(np.sum(y == np.max(y)))
    counts = {"positives": positive, "negatives": len(y) - positive}
    if plot_file:
        _plot(fpr, tpr, value, plot_file)
    if as_json:
        emit_json({"auc": value, **counts, "n": len(y), "roc_points": len(fpr),
                   "meaning": "area under the ROC curve (true positive rate against false "
                              "positive rate) = P(score of a random positive > score of a "
                              "random negative), ties counted 1/2",
                   **({"plot": plot_file} if plot_file else {})})  # fmt: skip
        return
    console.print(f"AUC = {value!r}", markup=False)
    console.print(f"the area under the ROC curve (∫₀¹ TPR d FPR over {len(fpr)} points), "
                  f"from {counts['positives']} positives and {counts['negatives']} negatives",
                  markup=False)  # fmt: skip
    if plot_file:
        console.print(f"ROC curve saved to {plot_file}", markup=False)


def _column(path: str, column: str | None, default: int | None) -> list[str]:
    """One column of a CSV (by header name or index); a header row is skipped if not numeric."""
    import csv

    file = Path(path)
    if not file.is_file():
        raise ValueError(f"no such file: {path}")
    rows = [r for r in csv.reader(file.read_text().splitlines()) if r and any(c.strip() for c in r)]
    if not rows:
        raise ValueError(f"{path} is empty")
    header = rows[0] if not _numeric_row(rows[0]) else None
    body = rows[1:] if header else rows
    index = _index(column, header, default, len(rows[0]), path)
    try:
        return [r[index].strip() for r in body]
    except IndexError:
        raise ValueError(f"{path}: a row has no column {index}") from None


def _index(column: str | None, header: list[str] | None, default: int | None, width: int,
           path: str) -> int:  # fmt: skip
    if column is None:
        if width == 1:
            return 0
        if default is None:
            raise ValueError(f"{path} has {width} columns: say which with --scores-column")
        return default
    if header and column in [h.strip() for h in header]:
        return [h.strip() for h in header].index(column)
    if column.isdigit() and int(column) < width:
        return int(column)
    raise ValueError(f"{path} has no column {column!r}")


def _numeric_row(row: list[str]) -> bool:
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return True


def _floats(values: list[str], what: str):
    import numpy as np

    try:
        out = np.array([float(v) for v in values])
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    if not np.isfinite(out).all():
        raise ValueError(f"{what} must be finite (found NaN or infinity)")
    return out


def _labels(values: list[str]):
    import numpy as np

    try:
        return np.array([float(v) for v in values])
    except ValueError:
        return np.array(values)


def _plot(fpr: Any, tpr: Any, value: float, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.fill_between(fpr, tpr, alpha=0.2, label=f"area = AUC = {value:.4f}")
    ax.plot(fpr, tpr, lw=2, label="ROC curve")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

