"""The steps of a definite integral: the fundamental theorem, improper limits, numeric quadrature.

Each step is a true equation that `calcml.symbolic.step_check` checks against numeric quadrature
before it is shown:

    fundamental theorem: ∫_{0}^{π} sin(x) dx = 2
      table of integrals: ∫ sin(x) dx = -cos(x)
      evaluate F(b) − F(a) (F(π) = 1; F(0) = -1): F(π) − F(0) = 1 − (-1) = 2

An infinite end or a pole at an end is an improper integral; the step writes the limit out
(`∫_{0}^{∞} e^(−x) dx = lim t→∞ of ∫_{0}^{t} e^(−x) dx`). Where F jumps inside [a, b],
each piece is its own step.
"""

from __future__ import annotations

from typing import Any

from calcml.core.expr import Expr, Symbol, add, mul
from calcml.symbolic.step_check import certify
from calcml.symbolic.steps import Step


def _shown(p: Any) -> str:
    """A bound as the printer writes it (π/2, -∞), so a step has one notation throughout."""
    text = getattr(p, "text", None)
    return text() if callable(text) else str(p)


def _is_infinite(p: Any) -> bool:
    return not isinstance(p, Expr) and repr(p) in ("oo", "-oo")


def _end(F: Expr, x: Symbol, p: Any, value: Expr, side: str, singular: bool) -> tuple[str, Any]:
    """`("F(b)", value)`, or the limit that gave it at an infinite or singular end."""
    if _is_infinite(p) or singular:
        approach = _shown(p) if _is_infinite(p) else f"{_shown(p)}{'⁻' if side == '-' else '⁺'}"
        return (f"lim {x.name}→{approach} F({x.name})", value)
    return (f"F({_shown(p)})", value)


def _limit_words(x: Symbol, a: Any, b: Any, sing_a: bool, sing_b: bool) -> str:
    """The improper integral as the limit it stands for."""
    lo = "s" if _is_infinite(a) or sing_a else _shown(a)
    hi = "t" if _is_infinite(b) or sing_b else _shown(b)
    lims = []
    if lo == "s":
        lims.append(f"s→{_shown(a)}{'⁺' if sing_a and not _is_infinite(a) else ''}")
    if hi == "t":
        lims.append(f"t→{_shown(b)}{'⁻' if sing_b and not _is_infinite(b) else ''}")
    return (f"lim {', '.join(lims)} of ∫_{{{lo}}}^{{{hi}}} f d{x.name} = "
            f"lim F({hi}) − F({lo})")


def ftc_step(f: Expr, x: Symbol, F: Expr, edges: list[Any], parts: list[tuple[Expr, Expr]],
             singular: list[bool], exact: Expr, antiderivative: Step) -> Step:  # fmt: skip
    """∫_a^b f dx = exact by F(b) − F(a), piece by piece between `edges` (parts holds each
    piece's (F at its right end, F at its left end)); checked, or the answer alone with a
    note."""
    op = f"∫ d{x.name}"
    subs: list[Step] = [antiderivative]
    for i, (hi_v, lo_v) in enumerate(parts):
        p, q = edges[i], edges[i + 1]
        named = (_end(F, x, q, hi_v, "-", singular[i + 1]), _end(F, x, p, lo_v, "+", singular[i]))
        written = f"{named[0][0]} − {named[1][0]} = {hi_v.text()} − ({lo_v.text()})"
        evaluate = Step("evaluate F(b) − F(a)", add(hi_v, mul(-1, lo_v)), add(hi_v, mul(-1, lo_v)),
                        (), "", (("F", F), *named, ("as written", written)))  # fmt: skip
        if len(parts) == 1:
            subs.append(evaluate)
        else:
            subs.append(Step("fundamental theorem", f, add(hi_v, mul(-1, lo_v)), (evaluate,), op,
                             named, bounds=(p, q)))  # fmt: skip
    a, b = edges[0], edges[-1]
    details: list[tuple[str, Any]] = [("F", F)]
    if len(parts) == 1:
        details += [("F(b)", parts[0][0]), ("F(a)", parts[0][1])]
    if len(parts) > 1:
        details.append(("split at", ", ".join(_shown(c) for c in edges[1:-1]) +
                        " (F jumps there, so ∫ is the sum of the pieces)"))  # fmt: skip
    singular = [singular[0] or _blows_up(f, x, a), *singular[1:-1],
                singular[-1] or _blows_up(f, x, b)]  # fmt: skip
    improper = _is_infinite(a) or _is_infinite(b) or singular[0] or singular[-1]
    rule = "fundamental theorem"
    if improper:
        rule = "improper integral"
        details.append(("limit", _limit_words(x, a, b, singular[0], singular[-1])))
    step = Step(rule, f, exact, tuple(subs), op, tuple(details), bounds=(a, b))
    return certify(step, Step(rule, f, exact, (), op, bounds=(a, b)))


def _blows_up(f: Expr, x: Symbol, p: Any) -> bool:
    """Is the integrand undefined or infinite at the finite end p (∫₀¹ dx/√x)?"""
    import math

    from calcml.core.errors import CalcmlError
    from calcml.core.evaluate import substitute

    if _is_infinite(p) or not isinstance(p, Expr) or p.free_symbols:
        return False
    try:
        return not math.isfinite(float(substitute(f, {x: p})))
    except (ArithmeticError, ValueError, TypeError, CalcmlError):
        return True


def numeric_step(f: Expr, x: Symbol, a: Any, b: Any, value: float, error: float,
                 note: str) -> Step:  # fmt: skip
    """∫_a^b f dx ≈ value by adaptive Gauss–Kronrod quadrature, with its error estimate."""
    from calcml.core.expr import number

    infinite = _is_infinite(a) or _is_infinite(b)
    how = ("QUADPACK's adaptive 15-point Gauss–Kronrod rule on the interval mapped to [0, 1] "
           "(QAGI)" if infinite else "QUADPACK's adaptive 21-point Gauss–Kronrod rule with "
           "extrapolation (QAGS)")  # fmt: skip
    details = (("rule", how), ("estimated error", f"{error:.1e} (QUADPACK's estimate, not a "
               "proven bound)"), ("how", note))  # fmt: skip
    step = Step("numeric quadrature", f, number(value), (), f"∫ d{x.name}", details,
                bounds=(a, b))  # fmt: skip
    return certify(step, step)
