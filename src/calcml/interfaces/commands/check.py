"""`calcml check`: is my derivative or antiderivative right?"""

from __future__ import annotations

import click

from calcml.interfaces.output import console, emit_json, guarded

#: exit code when the answer is wrong (0: right, 2: bad input)
EXIT_WRONG = 1


@click.command("check", context_settings={"ignore_unknown_options": True})
@click.argument("kind", type=click.Choice(["derivative", "integral", "diff", "antiderivative"],
                                          case_sensitive=False))  # fmt: skip
@click.argument("expr")
@click.argument("answer")
@click.option("--wrt", default=None, help="The variable (default: the only one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def check_command(kind: str, expr: str, answer: str, wrt: str | None, as_json: bool) -> None:
    """Check ANSWER as the derivative (or an antiderivative) of EXPR.

    An antiderivative may differ from calcml's by a constant (write + C or not). Where the
    answer is wrong, calcml names a point where it differs, with both values, then shows its
    own steps. Exit code: 0 right, 1 wrong, 2 bad input.

    \b
    Examples:
      calcml check derivative "x^2*sin(x)" "2x*sin(x) + x^2*cos(x)"
      calcml check integral "x*cos(x)" "x*sin(x) + cos(x) + C"
      calcml check integral "1/x" "ln(x)"   # exit 1: wrong: your answer is undefined at x
    """
    from calcml.interfaces.reports.check import run_check

    out, steps = run_check({"kind": kind, "expr": expr, "answer": answer, "wrt": wrt or ""})
    if as_json:
        emit_json(out)
    else:
        _human(out, steps)
    if not out["correct"]:
        raise SystemExit(EXIT_WRONG)


def _human(out: dict, steps: object) -> None:
    from calcml.symbolic.parse import parse
    from calcml.symbolic.steps import to_text

    def shown(key: str) -> str:  # the JSON's Python syntax, printed as every human output is
        return parse(out[key]).text()

    x = out["var"]
    what = f"d/d{x} [{shown('input')}]" if out["kind"] == "derivative" \
        else f"∫ {shown('input')} d{x}"  # fmt: skip
    mark = "✓" if out["correct"] else "✗"
    console.print(f"{mark} {what}: your answer {shown('answer')}", markup=False)
    console.print(out["message"], markup=False)
    if out.get("constant") is not None and abs(out["constant"]) > 1e-12:
        console.print(f"(it differs from calcml's {shown('expected')} by the constant "
                      f"{out['constant']:.12g})", markup=False)  # fmt: skip
    if not out["correct"]:
        console.print(f"calcml's answer: {shown('expected')}", markup=False)
        if steps is not None:
            console.print("steps:", markup=False)
            console.print(to_text(steps), markup=False)
