"""`calcml extrema` and `calcml critical`: optimal values with their reasoning."""

from __future__ import annotations

from typing import Any

import click

from calcml.interfaces.output import console, emit_report, guarded


def _intervals(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for text in values:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 2 or not all(parts):
            raise click.BadParameter(f"{text!r} is not an interval a,b (for example -2,3)")
        out.append((parts[0], parts[1]))
    return out


def _say(line: str) -> None:
    console.print(line, markup=False)


def _verdict(step: Any) -> str:
    details = dict(step.details) if step is not None else {}
    return str(details.get("verdict", ""))


@click.command("extrema")
@click.argument("expr")
@click.option("--on", "on", multiple=True, required=True,
              help="Interval a,b (repeat once per variable for a box; inf and -inf allowed).")
@click.option("--vars", "vars_", default=None, help="Variables, e.g. \"x y\" (default: all).")
@click.option("--steps", is_flag=True, help="Show the reasoning step by step.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def extrema_command(expr: str, on: tuple[str, ...], vars_: str | None, steps: bool,
                    as_json: bool) -> None:  # fmt: skip
    """Global minimum and maximum of EXPR on a closed interval or box.

    Candidates are the critical points inside, the endpoints (or the box's boundary) and
    the points where EXPR is not differentiable; infinite ends are handled with limits.

    \b
    Examples:
      calcml extrema "x^3 - 3x" --on -2,3 --steps    # global minimum: -2 at x = -2 and x = 1
      calcml extrema "x^2" --on -1,inf               # no global maximum (f → ∞ as x → ∞)
      calcml extrema "x*y" --on -1,2 --on -1,1 --json
    """
    from calcml.symbolic.extrema import extrema
    from calcml.symbolic.inputs import to_expr
    from calcml.symbolic.steps import to_text

    pairs = _intervals(on)
    if as_json:
        on_ = ";".join(",".join(pair) for pair in pairs)
        emit_report("extrema", expr=expr, on=on_, vars=vars_, steps=steps)
        return
    f = to_expr(expr)
    result = extrema(f, pairs[0] if len(pairs) == 1 else pairs, vars_)
    if steps:
        _say(to_text(result.steps))
        _say("")
    _summary(result)


def _summary(result: Any) -> None:
    from calcml.symbolic.extrema.records import show

    on = " × ".join(f"[{show(a)}, {show(b)}]" for a, b in result.domain)
    _say(f"f = {result.f.text()} on {on}")
    crit = result.critical
    if len(crit.variables) == 1 and crit.derivative is not None:
        x = crit.variables[0].name
        roots = ", ".join(show(p.point[crit.variables[0]]) for p in crit) or "no solution"
        _say(f"f'({x}) = {crit.derivative.text()} = 0  →  {x} = {roots}")
    for p in crit:
        _say(f"  {_verdict(p.steps) or p.describe()}")
    for c in result.candidates:
        where = ", ".join(f"{s.name} = {show(v)}" for s, v in c.point.items())
        _say(f"  f({where}) = {show(c.value)}  ({c.reason})")
    # a numeric search may miss a critical point: then "global" holds among the candidates only
    among = "" if crit.complete else " (among the candidates found)"
    for word, ext in (("maximum", result.maximum), ("minimum", result.minimum)):
        if ext is not None:
            _say(f"global {word}{among}: {ext.describe()}")
    for note in result.notes:
        _say(f"note: {note}")


@click.command("critical")
@click.argument("expr")
@click.option("--vars", "vars_", default=None, help="Variables, e.g. \"x y\" (default: all).")
@click.option("--on", "on", multiple=True, help="Only points in a,b (once per variable).")
@click.option("--steps", is_flag=True, help="Show the reasoning step by step.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def critical_command(expr: str, vars_: str | None, on: tuple[str, ...], steps: bool,
                     as_json: bool) -> None:  # fmt: skip
    """Critical points of EXPR (where the gradient is 0), each classified.

    \b
    Examples:
      calcml critical "x^2 + x*y + y^2 - 3x"   # x = 2, y = -1: minimum (f = -3)
      calcml critical "x^4" --steps            # order 4 is even: local minimum
      calcml critical "sin(x)" --on 0,7 --json
    """
    from calcml.symbolic.extrema import critical_points
    from calcml.symbolic.inputs import to_expr
    from calcml.symbolic.steps import to_text

    if as_json:
        on_ = ";".join(",".join(pair) for pair in _intervals(on))
        emit_report("critical", expr=expr, vars=vars_, on=on_ or None, steps=steps)
        return
    f = to_expr(expr)
    pairs = [(float(a), float(b)) for a, b in _intervals(on)] if on else None
    domain = pairs[0] if pairs and len(pairs) == 1 else pairs
    found = critical_points(f, vars_, domain)
    if steps and found.steps is not None:
        _say(to_text(found.steps))
        _say("")
    _say(f"critical points of {f.text()} ({found.method}):")
    for p in found:
        extra = ""
        if "eigenvalues" in p.data:
            extra = f" (Hessian eigenvalues {', '.join(f'{v:.6g}' for v in p.data['eigenvalues'])})"
        _say(f"  {p.describe()}{extra}")
    if not found:
        _say("  none")
    if not found.complete:
        _say("note: found numerically; the list may be incomplete")
