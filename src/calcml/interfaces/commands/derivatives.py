"""`calcml diff`, `calcml grad`, `calcml tangent`."""

from __future__ import annotations

import click

from calcml.interfaces.output import console, emit_report, guarded


def _parse(text: str):
    from calcml.symbolic.parse import parse

    return parse(text)


@click.command("diff")
@click.argument("expr")
@click.option("--wrt", default=None, help="Variable to differentiate with respect to.")
@click.option("--order", "-n", default=1, show_default=True, help="Order of the derivative.")
@click.option("--at", "at", default=None, help="Also give the derivative's value at this point.")
@click.option("--steps", is_flag=True, help="Show each rule applied.")
@click.option("--latex", is_flag=True, help="Print LaTeX.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def diff_command(expr: str, wrt: str | None, order: int, at: str | None, steps: bool,
                 latex: bool, as_json: bool) -> None:  # fmt: skip
    """Differentiate EXPR, naming each rule, checked against central differences.

    \b
    Examples:
      calcml diff "x^3*sin(x)" --steps           # d/dx [x³·sin(x)] = x³·cos(x) + 3x²·sin(x)
      calcml diff "exp(-x^2)" --order 2 --at 0   # at x = 0: -2
      calcml diff "x^2*y" --wrt y --json         # "result": "x**2"
    """
    from calcml.symbolic.diff import diff
    from calcml.symbolic.steps import to_latex, to_text

    if as_json:
        emit_report("diff", expr=expr, wrt=wrt, order=order, at=at, steps=steps)
        return
    f = _parse(expr)
    d = diff(f, wrt, order, steps=True)
    value = _value_at(d.result, d.var.name, at) if at is not None else None
    if latex:
        click.echo(to_latex(d.steps) if steps and d.steps else d.result.latex())
        return
    if steps and d.steps:
        console.print(to_text(d.steps), markup=False)
        console.print()
    # d/dx [what was read] = result: the reading shows, so `1/2x` is seen as x/2, not 1/(2x).
    console.print(f"{_operator(d.var.name, order)} [{f.text()}] = {d.result.text()}",
                  markup=False)  # fmt: skip
    if value is not None:
        console.print(f"at {d.var.name} = {at}: {_show(value)}", markup=False)
    if order == 0:
        console.print("order 0 is the function itself: nothing to check", markup=False)
    else:
        console.print(_check_line(d.check), markup=False)


def _operator(var: str, order: int) -> str:
    """`d/dx`, `d²/dx²`, `d¹²/dx¹²`."""
    if order == 1:
        return f"d/d{var}"
    n = str(order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"d{n}/d{var}{n}"


def _value_at(result, name: str, at: str):
    return result.evaluate(**{name: _parse(at)})


def _show(value) -> str:
    from calcml.core.expr import Expr, Number

    if isinstance(value, Number) and value.is_exact:
        return f"{value}" + ("" if isinstance(value.value, int) else f" ≈ {float(value):.12g}")
    if isinstance(value, Expr):
        return value.text()
    return f"{value:.12g}"


def _approx(value) -> str:
    """Exact form, with its decimal value when the exact form is not a plain number."""
    from calcml.core.expr import Number

    if isinstance(value, Number) or value.free_symbols:
        return value.text()
    return f"{value.text()} ≈ {float(value):.12g}"


def _check_line(check) -> str:
    return f"✓ verified: {check.note}" if check.passed else f"⚠ not verified: {check.note}"


@click.command("grad")
@click.argument("expr")
@click.option("--wrt", default=None, help="Comma-separated variables (default: all, sorted).")
@click.option("--at", "at", default=None, help="Point as comma-separated values, in --wrt order.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def grad_command(expr: str, wrt: str | None, at: str | None, as_json: bool) -> None:
    """The gradient ∇f: every partial derivative of EXPR.

    \b
    Examples:
      calcml grad "x^2*y + y^3" --wrt x,y        # ∂f/∂x = 2x·y
      calcml grad "(1-x)^2 + 100(y-x^2)^2" --at 1,1   # ∇f(1,1) = (0, 0)
    """
    from calcml.symbolic.derivatives import checked_gradient, wrt_symbols

    if as_json:
        emit_report("grad", expr=expr, wrt=wrt, at=at)
        return
    f = _parse(expr)
    xs = wrt_symbols(f, wrt)
    parts, check = checked_gradient(f, xs)
    values = None
    if at is not None:
        point = [_parse(p) for p in at.split(",")]
        if len(point) != len(xs):
            raise ValueError(f"--at has {len(point)} values for {len(xs)} variables")
        env = {x.name: p for x, p in zip(xs, point, strict=True)}
        values = [g.evaluate(**env) for g in parts]
    for x, g in zip(xs, parts, strict=True):
        console.print(f"∂f/∂{x.name} = {g.text()}", markup=False)
    if values is not None:
        console.print(f"∇f({at}) = ({', '.join(_show(v) for v in values)})", markup=False)
    console.print(_check_line(check), markup=False)


@click.command("tangent")
@click.argument("expr")
@click.option("--at", "at", required=True, help="The point a where the line touches the graph.")
@click.option("--wrt", default=None, help="The variable (default: the only one).")
@click.option("--plot", "plot_file", default=None, help="Draw the graph and the line to a PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def tangent_command(expr: str, at: str, wrt: str | None, plot_file: str | None,
                    as_json: bool) -> None:  # fmt: skip
    """The tangent line to EXPR at x = a: the derivative is its slope.

    \b
    Example:
      calcml tangent "x^2" --at 3        # y = 6x - 9
      calcml tangent "sin(x)" --at 0 --plot tangent.png   # tangent: y = x
    """
    from calcml.symbolic.derivatives import tangent

    t = tangent(_parse(expr), _parse(at), wrt)
    if plot_file:
        from calcml.interfaces.plots import plot_tangent

        plot_tangent(t, plot_file)
    if as_json:
        emit_report("tangent", expr=expr, at=at, wrt=wrt)
        return
    name = t.var.name
    console.print(f"f({t.at.text()}) = {_approx(t.value)},  f′({t.at.text()}) = "
                  f"{_approx(t.slope)}", markup=False)  # fmt: skip
    console.print(f"tangent: y = {t.line.text()}   (y = f(a) + f′(a)·({name} - a))", markup=False)
    mark = "✓ f′ verified" if t.check.passed else "⚠ f′ not verified"
    console.print(f"{mark}: {t.check.note}", markup=False)
    if plot_file:
        console.print(f"plot written to {plot_file}", markup=False)
