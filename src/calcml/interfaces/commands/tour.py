"""`calcml tour`: a short guided tour of calcml, every number computed live."""

from __future__ import annotations

import click
from rich.panel import Panel

from calcml.interfaces.output import console, guarded


def _section(title: str, why: str) -> None:
    console.print()
    console.print(Panel.fit(f"[bold]{title}[/bold]\n{why}", border_style="cyan"))


def _show(label: str, value: object) -> None:
    console.print(f"  {label}", markup=False, end="")
    console.print(f"{value}", markup=False)


def _derivatives() -> None:
    import calcml as cm
    from calcml.symbolic.steps import to_text

    _section("1. Derivatives", "How a function changes as its input changes, rule by rule.")
    d = cm.diff("x^3*sin(x)", steps=True)
    console.print(to_text(d.steps), markup=False)
    _show("verified: " if d.check.passed else "not verified: ", d.check.note)
    t = cm.tangent("x^2", at=3)
    _show("tangent to x² at x = 3 (the slope is the derivative): ", f"y = {t.line.text()}")
    g = cm.gradient("(1-x)^2 + 100(y-x^2)^2")
    _show("∇ Rosenbrock = ", f"({', '.join(p.text() for p in g)})")


def _integrals() -> None:
    import calcml as cm
    from calcml.symbolic.steps import to_text

    _section("2. Integrals", "Accumulation: the fundamental theorem turns an antiderivative "
                             "into an area.")  # fmt: skip
    r = cm.integrate("x^2", ("x", 0, 3), steps=True)
    console.print(to_text(r.steps), markup=False)
    _show("∫₀³ x² dx = ", r.exact)
    parts = cm.integrate("exp(x)*sin(x)", "x", steps=True)
    cyclic = "cyclic" in dict(parts.steps.details)  # the integral came back: solved for it
    how = "cyclic integration by parts" if cyclic else parts.note
    _show(f"∫ {cm.parse('exp(x)*sin(x)').text()} dx = ", f"{parts.exact.text()} + C   ({how})")
    x = cm.symbol("x")
    area = cm.integrate(cm.parse("cos(t)"), ("t", 0, x))
    area = getattr(area, "exact", area)
    _show("F(x) = ∫₀ˣ cos(t) dt = ", area.text())
    _show("d/dx F(x) = ", f"{cm.diff(area, x).text()}   (the fundamental theorem)")
    n = cm.integrate("exp(-x^2)", ("x", 0, 1))
    label = f"∫₀¹ {cm.parse('exp(-x^2)').text()} dx = "
    if n.exact is not None:  # the fundamental theorem gave a closed form (through erf)
        _show(label, f"{n.exact.text()} ≈ {n.value:.15g}  ({n.note})")
    else:
        _show(label, f"{n.value:.15g}  ({n.method}, error ≤ {n.error_estimate:.0e})")
    _show("lim x→0 sin(x)/x = ", cm.limit("sin(x)/x", "x", 0))


def _extrema() -> None:
    import calcml as cm

    _section("3. Optimal values", "Set the derivative to zero and classify what you find.")
    for p in cm.critical_points("x^3 - 3x"):
        _show(f"x = {p.point[cm.symbol('x')]}: ", f"{p.kind} ({p.test})")


def _backprop() -> None:
    import numpy as np

    import calcml as cm

    _section("4. Backpropagation", "The chain rule, applied backwards through a graph of arrays.")
    rng = np.random.default_rng(0)
    w = cm.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    x = cm.tensor(rng.normal(size=(4, 3)))
    loss = cm.tanh(x @ w).sum()
    loss.backward()
    _show("loss = sum(tanh(x @ w)) = ", f"{float(loss.data):.6f}")
    _show("∂loss/∂w[0] = ", np.array2string(w.grad[0], precision=6))
    cm.check_grads(lambda v: cm.tanh(x.data @ v).sum(), w.data, order=2)
    _show("check_grads: ", "reverse and forward mode agree with central differences, "
                           "orders 1 and 2")  # fmt: skip


def _learning() -> None:
    import calcml as cm
    from calcml.ml import LogisticRegression, StandardScaler, load_dataset, train_test_split
    from calcml.stats.metrics import roc_auc_score

    _section("5. Learning", "Gradient descent on a loss: descent on a formula, then a real model.")
    r = cm.minimize("(1-x)^2 + 100(y-x^2)^2", [-1.5, 2.0], method="adam", lr=0.01, steps=2000)
    _show("Adam on Rosenbrock from (-1.5, 2): ", f"({r.x[0]:.4f}, {r.x[1]:.4f})")
    _show("  ", r.stopping)
    if r.classification is not None:
        _show("  ", r.classification.sentence)
    data = load_dataset("breast_cancer")
    X_tr, X_te, y_tr, y_te = train_test_split(
        data.X, data.y, test_size=0.25, random_state=0, stratify=data.y
    )
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    model = LogisticRegression()
    model.fit(X_tr, y_tr)
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    _show("logistic regression on breast cancer: ",
          f"test accuracy {model.score(X_te, y_te):.3f}, ROC AUC {auc:.3f}")  # fmt: skip


def _distributions() -> None:
    from calcml.stats.distributions import normal

    _section("6. Probability", "A density's CDF is its integral; its mean and variance too.")
    d = normal(0, 1)
    _show("standard normal: P(X ≤ 1.96) = ∫ pdf = ", f"{d.cdf(1.96):.12f}")
    mean, var = d.mean(steps=True), d.var(steps=True)
    # where each came from, as its own steps record it (the integrator, or quadrature)
    sources = {dict(r.steps.details).get("source", r.method) for r in (mean, var)}
    _show("mean, variance: ", f"{mean.exact.text()}, {var.exact.text()}   (∫ x·pdf dx and "
          f"∫ (x - μ)²·pdf dx, found by {' and '.join(sorted(sources))})")


SECTIONS = [_derivatives, _integrals, _extrema, _backprop, _learning, _distributions]


@click.command("tour")
@guarded
def tour_command() -> None:
    """A short guided tour of what calcml does, every result computed live.

    \b
    Example:
      calcml tour
    """
    console.print("[bold]calcml[/bold]: calculus for machine learning, computed and explained.")
    for section in SECTIONS:
        section()
    console.print("\nNext: calcml --help, or `calcml diff \"your function\" --steps`.")
