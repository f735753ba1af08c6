"""`calcml integrate`: antiderivatives with steps, definite integrals exact or honestly numeric."""

from __future__ import annotations

from typing import Any

import click

from calcml.core.limits import DEFAULT_INTEGRATION_SECONDS
from calcml.interfaces.output import EXIT_NO_ANSWER, console, emit_report, fail, guarded


@click.command("integrate", context_settings={"ignore_unknown_options": True})
@click.argument("expr")
@click.option("--wrt", default=None, help="The variable of integration (default: the only one).")
@click.option("--from", "lower", default=None, help="Lower limit (a number, pi/2, -oo).")
@click.option("--to", "upper", default=None, help="Upper limit (a number, oo, or a variable).")
@click.option("--steps", is_flag=True, help="Show each rule applied.")
@click.option("--numeric", is_flag=True, help="Use numeric quadrature (definite integrals).")
@click.option("--latex", is_flag=True, help="Print LaTeX.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--seconds", type=float, default=DEFAULT_INTEGRATION_SECONDS, show_default=True,
              help="Time budget of the symbolic search.")  # fmt: skip
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), default=None,
              help="Shade the area from --from to --to (finite numbers) in this PNG.")  # fmt: skip
@guarded
def integrate_command(expr: str, wrt: str | None, lower: str | None, upper: str | None,
                      steps: bool, numeric: bool, latex: bool, as_json: bool,
                      seconds: float, plot_file: str | None) -> None:  # fmt: skip
    """Integrate EXPR: an antiderivative (+ C), or from --from to --to.

    Every antiderivative is checked by differentiating it back; a definite integral is F(b) - F(a)
    only where F is continuous, and numeric (with its error estimate, said plainly) otherwise.

    \b
    Examples:
      calcml integrate "x^2" --from 0 --to 3 --steps         # ∫ from 0 to 3 of x² dx = 9
      calcml integrate "x*exp(x)" --steps                    # = x·e^x - e^x + C
      calcml integrate "exp(-x^2)" --from -oo --to oo --json # "result": "sqrt(pi)"
      calcml integrate "cos(t)" --wrt t --from 0 --to x      # = sin(x)
      calcml integrate "sin(x)" --from 0 --to 4 --plot area.png   # = -cos(4) + 1
    """
    from calcml.core.errors import BudgetExceeded
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    if (lower is None) != (upper is None):
        raise ValueError("give both --from and --to for a definite integral, or neither")
    if seconds <= 0:
        raise ValueError("--seconds must be positive")
    if plot_file and lower is None:
        raise ValueError("--plot draws the area of a definite integral: give --from and --to")
    f = parse(expr)
    x = default_variable(f, wrt)
    spec: Any = x if lower is None else (x, lower, upper)
    try:
        if as_json:
            if plot_file:
                _plot(integrate(f, spec, numeric=numeric, seconds=seconds), f, x, plot_file)
            emit_report("integrate", expr=expr, wrt=wrt, numeric=numeric, seconds=seconds,
                        **{"from": lower, "to": upper})  # fmt: skip
            return
        r = integrate(f, spec, steps=True, numeric=numeric, seconds=seconds)
    except BudgetExceeded as exc:
        fail(f"{exc}; no antiderivative found in time (try --seconds, or give limits for a "
             "numeric value)", EXIT_NO_ANSWER)  # fmt: skip
        return
    if plot_file:
        _plot(r, f, x, plot_file)
    if latex:
        from calcml.symbolic.steps import to_latex

        click.echo(to_latex(r.steps) if steps and r.steps else r._repr_latex_().strip("$"))
        return
    _human(r, f, x.name, _bound(r.lower, lower), _bound(r.upper, upper), steps)
    if plot_file:
        console.print(f"plot written to {plot_file}", markup=False)


def _bound(value: Any, typed: str | None) -> str | None:
    """A limit as the printer writes it (∞, π/2), so the answer has one notation throughout."""
    text = getattr(value, "text", None)
    return text() if callable(text) else typed


def _plot(r: Any, f: Any, x: Any, path: str) -> None:
    """The shaded area of a definite integral with numeric limits (`interfaces.plots`)."""
    import math

    from calcml.interfaces.plots import plot_area

    try:
        a, b = float(r.lower), float(r.upper)
    except (TypeError, ValueError):
        a = b = math.nan
    if r.value is None or not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError("--plot needs finite numeric limits (an area to shade)")
    plot_area(f, x, a, b, float(r.value), path)


def _human(r: Any, f: Any, var: str, lower: str | None, upper: str | None, steps: bool) -> None:
    from calcml.symbolic.steps import to_text

    if steps and r.steps is not None:
        console.print(to_text(r.steps), markup=False)
        console.print()
    if r.lower is None:
        console.print(f"∫ {f.text()} d{var} = {r.exact.text()} + C", markup=False)
    elif r.value is None:
        console.print(f"∫ from {lower} to {upper} of {f.text()} d{var} = {r.exact.text()}",
                      markup=False)  # fmt: skip
    else:
        head = f"∫ from {lower} to {upper} of {f.text()} d{var} ="
        if r.method == "symbolic":
            exact = r.exact.text()
            tail = "" if exact == _plain(r.value) else f" ≈ {r.value:.15g}"
            console.print(f"{head} {exact}{tail}", markup=False)
        else:
            console.print(f"{head} {r.value:.15g} ± {r.error_estimate:.1e} (numeric)",
                          markup=False)  # fmt: skip
    mark = "✓" if r.verified else "⚠"
    console.print(f"{mark} {r.method}: {r.note}" if r.note else f"{mark} {r.method}", markup=False)


def _plain(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.15g}"
