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
@guarded
def integrate_command(expr: str, wrt: str | None, lower: str | None, upper: str | None,
                      steps: bool, numeric: bool, latex: bool, as_json: bool,
                      seconds: float) -> None:  # fmt: skip
    """Integrate EXPR: an antiderivative (+ C), or from --from to --to.

    Every antiderivative is checked by differentiating it back; a definite integral is F(b) - F(a)
    only where F is continuous, and numeric (with its error estimate, said plainly) otherwise.

    \b
    Examples:
      calcml integrate "x^2" --from 0 --to 3 --steps
      calcml integrate "x*exp(x)" --steps
      calcml integrate "exp(-x^2)" --from -oo --to oo --json
      calcml integrate "cos(t)" --wrt t --from 0 --to x
    """
    from calcml.core.errors import BudgetExceeded
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    if (lower is None) != (upper is None):
        raise ValueError("give both --from and --to for a definite integral, or neither")
    if seconds <= 0:
        raise ValueError("--seconds must be positive")
    f = parse(expr)
    x = default_variable(f, wrt)
    spec: Any = x if lower is None else (x, lower, upper)
    try:
        if as_json:
            emit_report("integrate", expr=expr, wrt=wrt, numeric=numeric, seconds=seconds,
                        **{"from": lower, "to": upper})  # fmt: skip
            return
        r = integrate(f, spec, steps=True, numeric=numeric, seconds=seconds)
    except BudgetExceeded as exc:
        fail(f"{exc}; no antiderivative found in time (try --seconds, or give limits for a "
             "numeric value)", EXIT_NO_ANSWER)  # fmt: skip
        return
    if latex:
        from calcml.symbolic.steps import to_latex

        click.echo(to_latex(r.steps) if steps and r.steps else r._repr_latex_().strip("$"))
        return
    _human(r, f, x.name, lower, upper, steps)


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
