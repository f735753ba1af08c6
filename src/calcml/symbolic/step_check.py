"""Every step of an explanation is a true equation, checked before anyone sees it.

A step states d/dx [f] = g, ∫ f dx = F + Σ c·∫ g dv, ∫_a^b f dx = v, or a rewrite A = B (see
`calcml.symbolic.steps`). Each kind is checked the way final answers are:

- derivative steps by central differences (`verify.check_derivative`);
- integral steps by differentiating F back and comparing with f minus the integrals the step
  leaves (`verify.agree`, as `integrate.driver.verified` does); an integral in a new variable
  u = h(x) counts as g(h(x))·h′(x);
- rewrites by evaluating both sides at random points (`verify.check_equal`), after putting
  u = h(x) back where the step introduced u;
- definite integrals against numeric quadrature, at random values of any parameters.

`certify(tree, ...)` returns the tree with every step marked `checked=True`, or, if any step
fails, one plain step that states only the checked answer and says why the steps are withheld: a
false step is a bug in calcml and is never shown. Setting the environment variable
`CALCML_CHECK_STEPS=0` skips the checks (the steps are then shown unmarked, `checked: false`),
which is how the cost of checking is measured.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

from calcml.core.evaluate import Program, substitute
from calcml.core.expr import Expr, Symbol, add, mul, number, symbol
from calcml.symbolic.steps import DEFINITE, DERIVATIVE, INTEGRAL, Step
from calcml.symbolic.verify import agree, check_derivative

#: The note that replaces steps of which one failed its check.
WITHHELD = ("calcml could not confirm every step of its explanation, so the steps are not "
            "shown; the answer itself was checked")  # fmt: skip

# --- late binding ------------------------------------------------------------------------------
# This module sits below the ones whose steps it checks (`diff`, `integrate` and `definite_steps`
# call `certify`), yet a check needs two of them: the exact derivative and numeric quadrature.
# They are bound late, in the one way calcml.symbolic binds late: the higher module calls
# `provide` when it is imported. `calcml.symbolic` imports `diff`, so "diff" is always there;
# "quad" is there wherever a definite-integral step can exist (only `definite`, which imports
# `quadrature`, makes them). A check whose helper is missing fails (the steps are withheld), it
# never passes.

#: What the checks take from higher modules: "diff" (`diff.diff`), "quad" (`quadrature.quad`).
_PROVIDED: dict[str, Callable[..., Any]] = {}


def provide(name: str, fn: Callable[..., Any]) -> None:
    """Give the step checks `fn` as `name` ("diff" or "quad"); called by `symbolic.diff` and
    `symbolic.quadrature` at import, since this module cannot import them (they import it)."""
    if name not in ("diff", "quad"):
        raise ValueError(f"the step checks take 'diff' and 'quad', not {name!r}")
    _PROVIDED[name] = fn


class _Missing(Exception):
    """A check's helper was never provided: the step counts as not confirmed."""


def _provided(name: str) -> Callable[..., Any]:
    fn = _PROVIDED.get(name)
    if fn is None:
        raise _Missing(f"the step checks need calcml.symbolic.{name}, which is not loaded")
    return fn


def checks_enabled() -> bool:
    """False when `CALCML_CHECK_STEPS=0` (for measuring what the checks cost)."""
    return os.environ.get("CALCML_CHECK_STEPS", "1") != "0"


def check_step(step: Step) -> bool:
    """Is this one step's equation true? (Its sub-steps are not looked at.)

    >>> from calcml import parse, symbol
    >>> x = symbol("x")
    >>> check_step(Step("power rule", x**2, x**3 / 3, operation="∫ dx"))
    True
    >>> check_step(Step("power rule", x**2, x**3, operation="∫ dx"))
    False
    """
    kind = step.kind
    try:
        if kind == DERIVATIVE:
            return _derivative(step)
        if kind == INTEGRAL:
            return _integral(step)
        if kind == DEFINITE:
            return _definite(step)
        return _rewrite(step)
    except _Missing:
        return False


def first_false(tree: Step) -> Step | None:
    """The first step of `tree` (parents first) whose equation is false, or None."""
    seen: dict[Step, bool] = {}
    for step in tree.walk():
        ok = seen.get(step)
        if ok is None:
            ok = seen[step] = check_step(step)
        if not ok:
            return step
    return None


def certify(tree: Step | None, fallback: Step) -> Step | None:
    """`tree` with every step marked checked, or `fallback` (marked, with the withheld-steps
    note) when a step of `tree` is false. Unchanged when checks are switched off."""
    if tree is None or not checks_enabled():
        return tree
    if first_false(tree) is None:
        return mark(tree)
    note = replace(fallback, substeps=(), details=(*fallback.details, ("note", WITHHELD)))
    return replace(note, checked=check_step(note))


def mark(tree: Step) -> Step:
    """A copy of `tree` with `checked=True` on every step (built bottom-up, iteratively)."""
    done: dict[int, Step] = {}
    order = list(tree.walk())
    for step in reversed(order):
        if id(step) not in done:
            subs = tuple(done[id(s)] for s in step.substeps)
            done[id(step)] = replace(step, substeps=subs, checked=True)
    return done[id(tree)]


def _var(step: Step) -> Symbol:
    return symbol(step.var)


def _derivative(step: Step) -> bool:
    if step.expr is step.result and not step.expr.free_symbols:
        return False
    check = check_derivative(step.expr, step.result, _var(step))
    if check.points >= 3:
        return check.passed
    diff = _provided("diff")  # too few points: compare with the exact derivative
    return _agree(diff(step.expr, _var(step), verify=False), step.result, _var(step))


def _integral(step: Step) -> bool:
    diff = _provided("diff")
    x = _var(step)
    if not step.integrals:  # as `integrate.driver.verified` checks an antiderivative
        return agree(diff(step.result, x, verify=False), step.expr, x)
    rest = []
    for c, g, v in step.integrals:
        if v is not x:
            if step.relation is None or step.relation[0] is not v:
                return False
            h = step.relation[1]
            g = mul(substitute(g, {v: h}), diff(h, x, verify=False))
        rest.append(mul(c, g))
    # d/dx of the right side, compared with the integrand (relative to its size)
    return _agree(add(diff(step.result, x, verify=False), *rest), step.expr, x)


def _rewrite(step: Step) -> bool:
    a, b = step.expr, step.result
    if step.relation is not None:
        u, h = step.relation
        a, b = substitute(a, {u: h}), substitute(b, {u: h})
    names = sorted(a.free_symbols | b.free_symbols, key=_variable_first)
    return _agree(a, b, names[0] if names else symbol("x"))


def _variable_first(s: Symbol) -> tuple[int, str]:
    """The likely variable first (it is sampled over a wider range than parameters)."""
    order = ("x", "t", "u", "θ", "y", "z")
    return (order.index(s.name) if s.name in order else len(order), s.name)


def _agree(a: Expr, b: Expr, var: Symbol) -> bool:
    if a is b:
        return True
    quick = _agree_in_floats(a, b, var)
    if quick is not None:
        return quick
    return agree(a, b, var)


#: Points of the quick check in Python floats, and the relative tolerance of every rewrite check.
_POINTS = 24
_RTOL = 1e-7


def _agree_in_floats(a: Expr, b: Expr, var: Symbol) -> bool | None:
    """The same check as `verify.agree` (the variable over [-3, 3] and (0.1, 3), parameters in
    (0.5, 2)), point by point in Python floats while NumPy is not loaded: a cold `calcml diff
    --steps` need not load NumPy for its simplify step. None where it cannot decide."""
    import random
    import sys

    if "numpy" in sys.modules:
        return None
    program = Program([a, b], [var], discover=True)
    if len(program.steps) > 200 or not program.has_scalar_form():
        return None
    rng, usable = random.Random(0), 0
    for k in range(_POINTS):
        point = [rng.uniform(0.5, 2.0) for _ in program.variables]
        point[0] = rng.uniform(-3, 3) if k < _POINTS // 2 else rng.uniform(0.1, 3)
        try:
            av, bv = program.at_point(*point)
        except (ArithmeticError, ValueError):
            continue
        if math.isfinite(av) and math.isfinite(bv):
            if abs(av - bv) > _RTOL * (1 + abs(av)):
                return False
            usable += 1
    return True if usable >= 3 else None


def _definite(step: Step) -> bool:
    """∫_a^b f dx = v, against quadrature at three random values of any parameters."""
    quad = _provided("quad")
    x = _var(step)
    a, b = step.bounds
    params = sorted((step.expr.free_symbols | step.result.free_symbols) - {x},
                    key=lambda s: s.name)  # fmt: skip
    trials = [{}] if not params else [
        {p: number(Fraction(7 + 5 * i + 3 * j, 8)) for j, p in enumerate(params)}
        for i in range(3)]  # fmt: skip
    for values in trials:
        f = substitute(step.expr, values)
        try:
            want = float(substitute(step.result, values))
            r = quad(f, x, _bound(a, values), _bound(b, values))
        except (ArithmeticError, ValueError, TypeError):
            return False
        if not r.reliable or not math.isfinite(want):
            return False
        if abs(r.value - want) > 1e-6 * (1 + abs(want)) + 10 * r.error_estimate:
            return False
    return True


def _bound(p, values):
    return substitute(p, values) if isinstance(p, Expr) else p
