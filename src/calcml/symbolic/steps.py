"""Steps are data; prose is a view.

A `Step` is a frozen record: the rule applied, the expression it was applied to, the result, the
sub-steps it needed and a few named details (`u = x^2` for a substitution). This module is the one
place that turns steps into words: plain text, LaTeX, HTML and JSON all render from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from calcml.core.expr import Expr

#: What each rule says, as a formula a student can check.
RULE_FORMULAS: dict[str, str] = {
    "constant": "d/dx c = 0",
    "variable": "d/dx x = 1",
    "sum": "(f + g)' = f' + g'",
    "constant multiple": "(c·f)' = c·f'",
    "power": "d/dx xⁿ = n·xⁿ⁻¹",
    "product": "(f·g)' = f'·g + f·g'",
    "quotient": "(f/g)' = (f'·g − f·g')/g²",
    "chain": "d/dx f(u) = f'(u)·du/dx",
    "exponential": "d/dx eˣ = eˣ, d/dx aˣ = aˣ·ln a",
    "logarithm": "d/dx ln x = 1/x",
    "trigonometric": "sin' = cos, cos' = −sin, tan' = sec², …",
    "inverse trigonometric": "asin' = 1/√(1−x²), atan' = 1/(1+x²), …",
    "hyperbolic": "sinh' = cosh, cosh' = sinh, tanh' = 1 − tanh²",
    "inverse hyperbolic": "asinh' = 1/√(x²+1), …",
    "general power": "(fᵍ)' = fᵍ·(g'·ln f + g·f'/f)",
    "absolute value": "d/dx |x| = sign(x)",
    "sign": "d/dx sign(x) = 0 (x ≠ 0)",
    "step function": "d/dx H(x) = 0 (x ≠ 0)",
    "error function": "d/dx erf(x) = 2/√π·e^(−x²)",
    "sigmoid": "σ' = σ·(1 − σ)",
    "softplus": "softplus' = σ",
    "relu": "relu'(x) = H(x)",
    "gamma function": "Γ'(x) = Γ(x)·ψ(x)",
    "log-gamma": "d/dx ln Γ(x) = ψ(x)",
    "polygamma": "ψ' = ψ₁, ψₙ' = ψₙ₊₁",
    "logit": "logit'(x) = 1/(x·(1 − x))",
    "sinc": "sinc(x) = sin(πx)/(πx), sinc'(x) = (cos(πx) − sinc(x))/x",
    "floor and ceiling": "d/dx ⌊x⌋ = d/dx ⌈x⌉ = 0 (x not an integer)",
    "simplify": "rewrite in a simpler equivalent form",
}


@dataclass(frozen=True)
class Step:
    """One rule applied: `expr` became `result` by `rule`, through `substeps`.

    `operation` says what was done to `expr` (`"d/dx"`, `"∫ dx"`); `details` holds named
    facts such as `{"u": x**2}` for a chain rule or substitution.
    """

    rule: str
    expr: Expr
    result: Expr
    substeps: tuple[Step, ...] = ()
    operation: str = ""
    details: tuple[tuple[str, Any], ...] = field(default=())

    def walk(self) -> Iterator[Step]:
        """Every step of the tree, parents first (iterative)."""
        stack = [self]
        while stack:
            step = stack.pop()
            yield step
            stack.extend(reversed(step.substeps))

    def count(self) -> int:
        return sum(1 for _ in self.walk())

    def rules(self) -> list[str]:
        return [s.rule for s in self.walk()]


def _show(value: Any, form: str) -> str:
    if isinstance(value, Expr):
        return {"text": value.text, "latex": value.latex, "python": value.__str__}[form]()
    return str(value)


def _line(step: Step, form: str = "text") -> str:
    op = step.operation
    before = _show(step.expr, form)
    after = _show(step.result, form)
    head = f"{op} [{before}]" if op else before
    extra = ", ".join(f"{k} = {_show(v, form)}" for k, v in step.details)
    extra = f" ({extra})" if extra else ""
    return f"{step.rule}{extra}: {head} = {after}"


def to_text(step: Step) -> str:
    """An indented outline, one rule a line, with the rule's formula the first time it appears."""
    lines: list[str] = []
    seen: set[str] = set()
    stack: list[tuple[Step, int]] = [(step, 0)]
    while stack:
        s, depth = stack.pop()
        formula = ""
        if s.rule not in seen and s.rule in RULE_FORMULAS:
            seen.add(s.rule)
            formula = f"   [{RULE_FORMULAS[s.rule]}]"
        lines.append("  " * depth + _line(s) + formula)
        stack.extend((c, depth + 1) for c in reversed(s.substeps))
    return "\n".join(lines)


def to_latex(step: Step) -> str:
    """An `itemize` tree of the steps."""
    parts: list[str] = []
    stack: list[Step | str] = [step]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        op = _latex_operation(item.operation)
        parts.append(
            f"\\item \\textbf{{{item.rule}}}: ${op}\\left[{item.expr.latex()}\\right] = "
            f"{item.result.latex()}$"
        )
        if item.substeps:
            stack.append("\\end{itemize}")
            stack.extend(reversed(item.substeps))
            stack.append("\\begin{itemize}")
    return "\\begin{itemize}\n" + "\n".join(parts) + "\n\\end{itemize}"


def _latex_operation(op: str) -> str:
    if op.startswith("d/d"):
        return f"\\frac{{d}}{{d{op[3:]}}}"
    if op.startswith("∫"):
        return f"\\int \\, d{op[-1]}" if op else ""
    return op


def to_html(step: Step) -> str:
    """Nested lists; formulas are LaTeX inside `\\( \\)` for a local renderer to typeset."""
    parts: list[str] = ["<ul class='steps'>"]
    stack: list[Step | str] = [step]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        op = _latex_operation(item.operation)
        maths = _escape(f"{op}\\left[{item.expr.latex()}\\right] = {item.result.latex()}")
        details = "".join(_html_detail(k, v) for k, v in item.details)
        parts.append(f"<li><b>{_escape(item.rule)}</b>{details}: \\({maths}\\)")
        stack.append("</li>")
        if item.substeps:
            stack.append("</ul>")
            stack.extend(reversed(item.substeps))
            stack.append("<ul>")
    parts.append("</ul>")
    return "".join(parts)


def _html_detail(name: str, value: Any) -> str:
    maths = _escape(_show(value, "latex"))
    return f" <span class='detail'>{_escape(name)} = \\({maths}\\)</span>"


def to_json(step: Step) -> dict[str, Any]:
    """`{"rule", "expr", "result", "substeps", ...}` with expressions in Python syntax."""
    root: dict[str, Any] = {}
    stack: list[tuple[Step, dict[str, Any]]] = [(step, root)]
    while stack:
        s, node = stack.pop()
        node.update(
            rule=s.rule,
            operation=s.operation,
            expr=str(s.expr),
            result=str(s.result),
            latex=f"{s.expr.latex()} \\to {s.result.latex()}",
            details={k: _show(v, "python") for k, v in s.details},
            substeps=[],
        )
        for child in s.substeps:
            child_node: dict[str, Any] = {}
            node["substeps"].append(child_node)
            stack.append((child, child_node))
    return root


def _escape(text: str) -> str:
    import html  # only HTML output needs it: a cold `calcml diff` does not load it

    return html.escape(text)
