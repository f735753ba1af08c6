"""Steps are data; prose is a view.

A `Step` is a frozen record of one true equation: the rule applied, the expression it was applied
to, the result, the sub-steps it needed and a few named quantities (`u = x² + 1`, `du = 2x dx`).
Its `operation` says which equation it states:

- `"d/dx"`: d/dx [expr] = result;
- `"∫ dx"`: ∫ expr dx = result + Σ c·∫ g dv (the `integrals`, for steps that leave an integral,
  such as ∫ u dv = u·v − ∫ v du);
- `"∫ dx"` with `bounds`: the definite integral ∫_a^b expr dx = result;
- `""`: a rewrite, expr = result (an identity, a decomposition, a substitution undone).

`relation = (u, h)` says that a new variable u stands for h, an expression in the old one.
`checked` is set by `calcml.symbolic.step_check`, which checks every step's equation before
any is shown. This module is the one place that turns steps into words: plain text, LaTeX, HTML
and JSON all render from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from calcml.core.expr import Expr, Number, Symbol

#: What each derivative rule says, as a formula a student can check.
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

#: What each integration rule says, in integral form (a step's own `hint` comes first).
INTEGRAL_FORMULAS: dict[str, str] = {
    "constant": "∫ c dx = c·x",
    "constant multiple": "∫ c·f dx = c·∫ f dx",
    "sum rule": "∫ (f + g) dx = ∫ f dx + ∫ g dx",
    "power rule": "∫ xⁿ dx = xⁿ⁺¹/(n + 1) (n ≠ −1), ∫ 1/x dx = ln|x|",
    "substitution": "∫ f(u(x))·u′(x) dx = ∫ f(u) du",
    "rewrite in u": "∫ f(u(x))·u′(x) dx = ∫ f(u) du",
    "linear substitution": "∫ f(a·x + b) dx = (1/a)·F(a·x + b)",
    "undo the substitution": "put u back in terms of x",
    "integration by parts": "∫ u dv = u·v − ∫ v du",
    "parts formula": "∫ u dv = u·v − ∫ v du",
    "find v": "v = ∫ dv",
    "partial fractions": "P/Q = A/(x − r) + … + (B·x + C)/(x² + p·x + q) + …, each integrated",
    "logarithm": "∫ 1/(x − r) dx = ln|x − r|",
    "completing the square": "x² + p·x + q = (x + p/2)² + (q − p²/4); ∫ du/(u² + a²) = atan(u/a)/a",
    "Hermite reduction": "∫ c/fᵏ dx = R/fᵏ⁻¹ + ∫ d/fᵏ⁻¹ dx (reduce the power of f)",
    "Rothstein–Trager": "∫ c/f dx = Σ z·ln|gcd(f, c − z·f′)| over the roots z of the resultant",
    "trigonometric identity": "sin² x = (1 − cos 2x)/2, cos² x = (1 + cos 2x)/2, sin² + cos² = 1",
    "reduction formula": "∫ sinⁿ x dx = −sinⁿ⁻¹ x·cos x/n + (n − 1)/n·∫ sinⁿ⁻² x dx, …",
    "trigonometric substitution": "x = a·sin θ, dx = a·cos θ dθ turns √(a² − x²) into a·cos θ",
    "back-substitution": "undo the substitution with the right triangle",
    "rewrite": "replace the integrand by an equal expression",
    "simplify": "rewrite in a simpler equivalent form",
    "fundamental theorem": "∫ₐᵇ f dx = F(b) − F(a), where F′ = f",
    "improper integral": "∫ₐ^∞ f dx = lim_{t→∞} ∫ₐᵗ f dx; at a pole of f at a, "
                         "∫ₐᵇ f dx = lim_{s→a⁺} ∫ₛᵇ f dx",
    "numeric quadrature": "∫ₐᵇ f dx ≈ Σ wᵢ·f(xᵢ), with an estimated error",
    "table of integrals": "∫ f(x) dx = F(x) from the table, where F′ = f",
    "polynomial": "∫ Σ aₖ·xᵏ dx = Σ aₖ·xᵏ⁺¹/(k + 1)",
    "the same integral again": "∫ c·f dx = c·∫ f dx, with f the integrand we started from",
    "quadratic radical": "∫ R(x)/√Q dx = T(x)·√Q + λ·∫ dx/√Q, with T and λ from matching "
                         "coefficients",
    "undetermined coefficients": "guess the form of F with unknown coefficients, then match F′ = f",
    "Gaussian integral": "∫ e^(−u²) du = (√π/2)·erf(u), after completing the square in the "
                         "exponent",
    "heuristic Risch": "guess F = U/V + Σ c·ln|p| with unknown coefficients and solve F′ = f "
                       "(Risch's structure theorem says which V and p can occur)",
    "combine radicals": "√A·√B = √(A·B) for A, B ≥ 0",
    "tangent half-angle substitution": "t = tan(x/2): sin x = 2t/(1 + t²), "
                                       "cos x = (1 − t²)/(1 + t²), dx = 2 dt/(1 + t²)",
    "product to sum": "sin A·cos B = (sin(A + B) + sin(A − B))/2, …",
    "expand": "multiply out, then integrate term by term",
    "real quadratic factors": "split the quartic into two real quadratics, then complete each "
                              "square",
    "trigonometric powers": "∫ sinᵐ x·cosⁿ x dx: an odd power gives u = cos x or u = sin x; even "
                            "powers use sin² x = (1 − cos 2x)/2",
    "the answer": "the answer, differentiated back to the integrand",
    "derivative": "differentiate, then simplify",
    "split at discontinuities": "∫ₐᵇ f dx = ∫ₐᶜ f dx + ∫꜀ᵇ f dx where F jumps at c",
}

DERIVATIVE = "derivative"
INTEGRAL = "integral"
DEFINITE = "definite integral"
REWRITE = "rewrite"


@dataclass(frozen=True)
class Step:
    """One rule applied, stated as an equation (see the module docstring for which).

    `details` holds named quantities such as `(("u", x**2 + 1), ("du", 2*x))`; `hint` is the
    rule's formula where it depends on the step (the table entry used), else the rule's own.
    """

    rule: str
    expr: Expr
    result: Expr
    substeps: tuple[Step, ...] = ()
    operation: str = ""
    details: tuple[tuple[str, Any], ...] = field(default=())
    integrals: tuple[tuple[Expr, Expr, Symbol], ...] = ()
    relation: tuple[Symbol, Expr] | None = None
    bounds: tuple[Any, Any] | None = None
    hint: str = ""
    checked: bool = False

    @property
    def kind(self) -> str:
        """Which equation the step states: derivative, integral, definite integral or rewrite."""
        if self.operation.startswith("d/d"):
            return DERIVATIVE
        if self.operation.startswith("∫"):
            return DEFINITE if self.bounds is not None or self.operation[1:2] == "_" else INTEGRAL
        return REWRITE

    @property
    def var(self) -> str:
        """The name of the variable the operation is taken in (`"x"` for `"∫ dx"`)."""
        op = self.operation
        if op.startswith("d/d"):
            return op[3:]
        return op.rsplit(" d", 1)[-1] if op.startswith("∫") else ""

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

    def get(self, name: str, default: Any = None) -> Any:
        """The named quantity `name` (`step.get("u")`), or `default`."""
        return next((v for k, v in self.details if k == name), default)


def formula(step: Step) -> str:
    """The rule's formula in the form of the step: integral rules for integral steps."""
    if step.hint:
        return step.hint
    table = RULE_FORMULAS if step.kind == DERIVATIVE else INTEGRAL_FORMULAS
    rule = step.rule
    if rule.startswith("rewrite in "):
        rule = "rewrite in u"
    return table.get(rule) or table.get(rule.split(" (")[0], "")


def _show(value: Any, form: str) -> str:
    if isinstance(value, Expr):
        return {"text": value.text, "latex": value.latex, "python": value.__str__}[form]()
    return str(value)


def _wrap(value: Expr, form: str) -> str:
    shown = _show(value, form)
    if value.__class__.__name__ == "Add":
        return f"\\left({shown}\\right)" if form == "latex" else f"({shown})"
    return shown


def _integral(integrand: Expr, var: str, form: str, bounds: tuple[Any, Any] | None = None) -> str:
    """`∫ f dx`, or `∫_{a}^{b} f dx` with bounds (∞ for an infinite one)."""
    body = _wrap(integrand, form)
    lim = f"_{{{_bound(bounds[0], form)}}}^{{{_bound(bounds[1], form)}}}" if bounds else ""
    if form == "latex":
        return f"\\int{lim} {body} \\, d{var}"
    return f"∫{lim} {body} d{var}"


def _bound(p: Any, form: str) -> str:
    if isinstance(p, Expr):
        return _show(p, form)
    text = {"oo": "∞", "-oo": "-∞", "inf": "∞", "-inf": "-∞"}.get(repr(p).strip("'"), str(p))
    return text.replace("∞", "\\infty") if form == "latex" else text


def _legacy_bounds(op: str) -> tuple[str, str] | None:
    """The bounds written into an operation string `∫_{a}^{b} dt` (distribution steps)."""
    if not op.startswith("∫_{") or "}^{" not in op:
        return None
    lo, rest = op[3:].split("}^{", 1)
    return lo, rest.rsplit("} d", 1)[0]


def lhs(step: Step, form: str = "text") -> str:
    """The left side of the step's equation, in `form` ("text", "latex" or "python")."""
    kind = step.kind
    if kind == DERIVATIVE:
        if form == "latex":
            return f"\\frac{{d}}{{d{step.var}}}\\left[{step.expr.latex()}\\right]"
        return f"d/d{step.var} [{_show(step.expr, form)}]"
    if kind in (INTEGRAL, DEFINITE):
        return _integral(step.expr, step.var, form, step.bounds or _legacy_bounds(step.operation))
    written = step.get("as written")  # a left side that canonical forms would fold away
    if written:
        return written if form == "text" else f"\\text{{{written}}}"
    return _show(step.expr, form)


def rhs(step: Step, form: str = "text") -> str:
    """The right side: the result, plus any integrals the step leaves to do."""
    if not step.integrals:
        return _show(step.result, form)
    parts = [] if _is_zero(step.result) else [_show(step.result, form)]
    for c, g, v in step.integrals:
        negative = isinstance(c, Number) and c.value < 0
        c = -c if negative else c
        scale = "" if _is_one(c) else _wrap(c, form) + (" " if form == "latex" else "·")
        term = scale + _integral(g, v.name, form)
        if parts:
            parts.append(("- " if form == "latex" else "− ") + term if negative else "+ " + term)
        else:
            parts.append(("-" if form == "latex" else "−") + term if negative else term)
    return " ".join(parts)


def _is_zero(e: Expr) -> bool:
    return isinstance(e, Number) and e.value == 0


def _is_one(e: Expr) -> bool:
    return isinstance(e, Number) and e.value == 1


def equation(step: Step, form: str = "text") -> str:
    """`lhs = rhs` (≈ for a numeric approximation)."""
    sign = "≈" if step.rule == "numeric quadrature" else "="
    if form == "latex":
        sign = "\\approx" if sign == "≈" else "="
    return f"{lhs(step, form)} {sign} {rhs(step, form)}"


def quantities(step: Step, form: str = "text") -> list[tuple[str, str]]:
    """The named quantities as (name, shown value), differentials with their `dx`:
    `("du", "2x·dx")`. A substitution's u is shown under its own name (`v`, `t`)."""
    out = []
    times = " \\, " if form == "latex" else "·"
    for k, v in step.details:
        if k == "as written":
            continue
        name, shown = _named(step, k), _show(v, form)
        if not isinstance(v, Expr) and form == "latex":
            shown = f"\\text{{{shown}}}"
        if k in ("du", "dv", "dx") and isinstance(v, Expr):
            d = f"d{step.relation[0].name}" if k == "dx" and step.relation else f"d{step.var}"
            shown = f"{_wrap(v, form)}{times}{d}"
            if _is_one(v) or _is_one(-v):
                shown = d if _is_one(v) else f"-{d}"
        out.append((name, shown))
    return out


def _named(step: Step, key: str) -> str:
    if step.relation is not None and key in ("u", "du") and step.relation[0].name != "u":
        return key.replace("u", step.relation[0].name)
    return key


def _line(step: Step, form: str = "text") -> str:
    named = quantities(step, form)
    extra = "; ".join(f"{k} = {v}" for k, v in named)
    extra = f" ({extra})" if extra else ""
    return f"{step.rule}{extra}: {equation(step, form)}"


def to_text(step: Step) -> str:
    """An indented outline, one step a line, each rule's formula the first time it appears."""
    lines: list[str] = []
    seen: set[str] = set()
    stack: list[tuple[Step, int]] = [(step, 0)]
    while stack:
        s, depth = stack.pop()
        hint = formula(s)
        shown = ""
        if hint and hint not in seen:
            seen.add(hint)
            shown = f"   [{hint}]"
        lines.append("  " * depth + _line(s) + shown)
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
        named = ", ".join(f"{_latex_name(k)} = {v}" for k, v in quantities(item, "latex"))
        named = f" (${named}$)" if named else ""
        parts.append(f"\\item \\textbf{{{item.rule}}}{named}: ${equation(item, 'latex')}$")
        if item.substeps:
            stack.append("\\end{itemize}")
            stack.extend(reversed(item.substeps))
            stack.append("\\begin{itemize}")
    return "\\begin{itemize}\n" + "\n".join(parts) + "\n\\end{itemize}"


_GREEK = {"θ": "\\theta", "dθ": "d\\theta"}


def _latex_name(name: str) -> str:
    if name in _GREEK:
        return _GREEK[name]
    return name if len(name) <= 2 and name.isalpha() else f"\\text{{{name}}}"


def to_html(step: Step) -> str:
    """Nested lists; formulas are LaTeX inside `\\( \\)` for a local renderer to typeset."""
    parts: list[str] = ["<ul class='steps'>"]
    stack: list[Step | str] = [step]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        maths = _escape(equation(item, "latex"))
        details = "".join(_html_detail(k, v) for k, v in quantities(item, "latex"))
        parts.append(f"<li><b>{_escape(item.rule)}</b>{details}: \\({maths}\\)")
        stack.append("</li>")
        if item.substeps:
            stack.append("</ul>")
            stack.extend(reversed(item.substeps))
            stack.append("<ul>")
    parts.append("</ul>")
    return "".join(parts)


def _html_detail(name: str, shown: str) -> str:
    return f" <span class='detail'>\\({_escape(_latex_name(name))} = {_escape(shown)}\\)</span>"


def to_json(step: Step) -> dict[str, Any]:
    """`{"rule", "equation": {"lhs", "rhs", "text", "latex"}, "quantities", "hint", "checked",
    "substeps", ...}`; `expr`, `result` and `details` are in Python syntax."""
    root: dict[str, Any] = {}
    stack: list[tuple[Step, dict[str, Any]]] = [(step, root)]
    while stack:
        s, node = stack.pop()
        node.update(
            rule=s.rule,
            kind=s.kind,
            operation=s.operation,
            expr=str(s.expr),
            result=str(s.result),
            equation=_equation_json(s),
            latex=equation(s, "latex"),
            details={k: _show(v, "python") for k, v in s.details},
            quantities={k: v for k, v in quantities(s)},
            hint=formula(s),
            checked=s.checked,
            substeps=[],
        )
        for child in s.substeps:
            child_node: dict[str, Any] = {}
            node["substeps"].append(child_node)
            stack.append((child, child_node))
    return root


def _equation_json(s: Step) -> dict[str, str]:
    return {"lhs": lhs(s), "rhs": rhs(s), "text": equation(s), "latex": equation(s, "latex")}


def _escape(text: str) -> str:
    import html  # only HTML output needs it: a cold `calcml diff` does not load it

    return html.escape(text)
