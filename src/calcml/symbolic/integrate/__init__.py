"""Antiderivatives with steps, each one verified by differentiating it back.

Public names (stable; `calcml.integrate` wraps them with definite ranges):

- `integrate_indefinite(expr, var=None, *, steps=False, seconds=DEFAULT_INTEGRATION_SECONDS)`:
  the antiderivative as an `Expr` (no constant of integration), or an `Integral` record with its
  steps and check when `steps=True`. Raises `NoClosedFormError` when no method finds one and
  `BudgetExceeded` when the time budget runs out.
- `antiderivative(expr, var, *, budget)`: the search itself, returning an `Antiderivative`
  (`result`, `step`, `method`) or None; for callers that manage their own `Budget`.
- `Antiderivative`, `Integral`, `Budget`, `METHODS` (the ordered list of methods, each a plain
  function `method(expr, var, ctx) -> Antiderivative | None`), `MAX_INTEGRATION_DEPTH`.

Parameters are symbols. Where the answer depends on a case, the generic answer is returned and the
step that assumed it carries a `("condition", "n ≠ -1")` detail; where it depends on a parameter's
sign, parameters are taken as positive and the step says so with an `("assumption", "a > 0")`
detail (`conditions(step)` collects both). ∫ x^-1 dx is ln|x|: logarithms of expressions that
may be negative carry an `abs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calcml.core.errors import NoClosedFormError, VerificationError
from calcml.core.expr import Expr, Symbol
from calcml.core.limits import DEFAULT_INTEGRATION_SECONDS
from calcml.symbolic.integrate.base import (
    MAX_INTEGRATION_DEPTH,
    Antiderivative,
    Budget,
    op,
    verified,
)
from calcml.symbolic.integrate.driver import METHODS, search
from calcml.symbolic.step_check import certify
from calcml.symbolic.steps import Step
from calcml.symbolic.verify import Check, check_derivative


@dataclass(frozen=True)
class Integral:
    """An antiderivative with its steps and its independent check.

    `rejected` counts candidates that methods proposed and verification threw away (each is a
    bug in a method; the answer is still right).
    """

    input: Expr
    var: Symbol
    result: Expr
    steps: Step
    method: str
    check: Check
    rejected: int = 0

    @property
    def verified(self) -> bool:
        return self.check.passed

    @property
    def conditions(self) -> tuple[str, ...]:
        return conditions(self.steps)

    def _repr_latex_(self) -> str:
        return f"$\\int {self.input.latex()}\\,d{self.var.name} = {self.result.latex()} + C$"


def antiderivative(expr: Expr, var: Symbol, *, budget: Budget) -> Antiderivative | None:
    """A verified antiderivative of `expr` in `var`, or None when no method finds one.

    Raises `BudgetExceeded` when `budget` runs out.
    """
    return search(expr, var, budget)[0]


def integrate_indefinite(
    expr: Any, var: Any = None, *, steps: bool = False,
    seconds: float = DEFAULT_INTEGRATION_SECONDS,
) -> Expr | Integral:  # fmt: skip
    """∫ expr d(var), verified by differentiating back.

    Arguments:
        expr: an expression or text.
        var: the variable (symbol or name); optional when there is only one.
        steps: return an `Integral` (result, steps, method, check) instead of the expression.
        seconds: the time budget.

    Returns:
        The antiderivative (without `+ C`), or an `Integral` when `steps=True`.

    Raises:
        NoClosedFormError: no method found an antiderivative.
        BudgetExceeded: the budget ran out first.
        VerificationError: (with `steps=True`) differentiating the answer back proved it wrong,
            a bug in calcml. A check that cannot decide leaves the `Integral` unverified.

    >>> from calcml import symbol, sin
    >>> x = symbol("x")
    >>> integrate_indefinite(x * sin(x), x)
    -x*cos(x) + sin(x)
    """
    from calcml.symbolic.inputs import default_variable, to_expr

    f = to_expr(expr)
    x = default_variable(f, var)
    found, ctx = search(f, x, Budget(seconds))
    if found is None:
        raise NoClosedFormError(f"no closed form found for ∫ {f} d{x.name} by calcml's methods")
    if not steps:
        return found.result
    check = check_derivative(found.result, f, x)
    if check.rejected:  # the search verified it by values; a proven error here is calcml's bug
        raise VerificationError(f"its antiderivative of {f} is {found.result}, but differentiated "
                                f"back: {check.note}")  # fmt: skip
    tree = certify(found.step, Step("the answer", f, found.result, (), op(x)))
    return Integral(f, x, found.result, tree, in_words(found.method), check, len(ctx.rejected))


#: The methods as a textbook names them (the search's own names are short labels).
METHOD_WORDS = {
    "rational": "partial fractions",
    "rational with parameters": "partial fractions",
    "table": "the table of integrals",
    "linearity": "the sum and constant-multiple rules",
    "quadratic radical": "a quadratic radical (square completed)",
    "heuristic Risch": "a Risch-style search (a guessed form with unknown coefficients)",
    "Weierstrass substitution": "the Weierstrass substitution t = tan(x/2)",
    "Bioche's rule": "Bioche's rule (u = cos x, sin x or tan x by the integrand's symmetry)",
    "Gaussian integral": "the Gaussian integral (error function)",
    "hyperbolic Bioche's rule": "Bioche's rule for sinh and cosh (u = cosh x, sinh x or tanh x)",
    "Pythagorean radical": "cosh² x − sinh² x = 1 under the root",
    "hyperbolic powers": "the substitution the powers of sinh x and cosh x pick",
    "hyperbolic substitution": "u = a hyperbolic function, with cosh² x − sinh² x = 1",
    "exponential base": "the substitution u = gˣ (aˣ = e^(x·ln a))",
    "Pythagorean square": "a Pythagorean square under the root (√(1 − cos² x) = |sin x|)",
    "absolute value": "the sign σ = |g|/g taken out as a constant (±1 where g ≠ 0)",
    "trigonometric substitution": "the substitution u = sin x, cos x, tan x, … with "
                                  "sin² x + cos² x = 1",
    "hyperbolic substitution for roots": "the substitution u = sinh x, cosh x or tanh x with "
                               "cosh² x − sinh² x = 1",
    "even radical substitution": "the substitution t = x/√(p·x² + q)",
    "reduction formula": "the reduction formula (the non-elementary parts cancel)",
}


def in_words(method: str) -> str:
    """A method's name as a textbook says it: `"rational"` -> `"partial fractions"`."""
    return METHOD_WORDS.get(method, method)


def conditions(step: Step) -> tuple[str, ...]:
    """Every `assumption` and `condition` detail in a steps tree, once each (`"a > 0"`,
    `"n ≠ -1"`)."""
    out: list[str] = []
    for s in step.walk():
        out.extend(str(v) for k, v in s.details
                   if k in ("assumption", "condition") and str(v) not in out)  # fmt: skip
    return tuple(out)


__all__ = [
    "DEFAULT_INTEGRATION_SECONDS",
    "MAX_INTEGRATION_DEPTH",
    "METHODS",
    "Antiderivative",
    "Budget",
    "Integral",
    "antiderivative",
    "conditions",
    "integrate_indefinite",
    "verified",
]
