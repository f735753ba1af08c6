"""Classifying critical points: the second-derivative, higher-derivative and Hessian tests.

Each test returns its verdict with the reasoning as a `Step`, so a learner sees why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcml.core.errors import DomainError
from calcml.core.evaluate import evaluate_float
from calcml.core.expr import Expr, Number, Symbol, number
from calcml.symbolic.extrema.records import Value, show
from calcml.symbolic.simplify import expand
from calcml.symbolic.steps import Step

#: Highest derivative order the numeric higher-derivative test tries.
MAX_TEST_ORDER = 8

#: A derivative or eigenvalue this small relative to the scale counts as zero numerically.
ZERO_TOLERANCE = 1e-8


@dataclass(frozen=True)
class Verdict:
    """The outcome of a test: kind, the test's name, its reasoning and the numbers behind it."""

    kind: str
    test: str
    step: Step
    data: dict[str, Any]


def value_at(expr: Expr, point: dict[Symbol, Value]) -> Value:
    """expr at the point: an exact expression when the point is exact, else a float.

    Raises DomainError where expr is undefined (division by zero, NaN).
    """
    if all(isinstance(v, Expr) for v in point.values()):
        exact = expand(expr.subs(point))  # type: ignore[arg-type]
        if isinstance(exact, Number) or not exact.free_symbols:
            _check_finite(float(exact))
            return exact
    v = evaluate_float(expr, {s.name: float(c) for s, c in point.items()})
    _check_finite(v)
    return v


def _check_finite(v: float) -> None:
    if not math.isfinite(v):
        raise DomainError("not defined at this point")


def sign_of(value: Value) -> int:
    v = value.value if isinstance(value, Number) else float(value)
    return (v > 0) - (v < 0)


def derivative_test(x: Symbol, point: Value, nth: Callable[[int], Expr], order: int | None
                    ) -> Verdict:  # fmt: skip
    """The second-derivative test, or the higher-derivative test when f''(c) = 0.

    Arguments:
        x: the variable; point: the critical point c.
        nth: k -> the k-th derivative of f.
        order: the order of the first nonzero derivative when it is known exactly (from the
            multiplicity of c as a root of f'), else None to find it numerically.
    """
    values: dict[int, Value] = {}

    def at(k: int) -> Value:
        if k not in values:
            values[k] = value_at(nth(k), {x: point})
        return values[k]

    n = order if order is not None else _first_nonzero(at)
    if n is None:
        return _inconclusive(x, point, nth, at)
    s = sign_of(at(n))
    kind = ("minimum" if s > 0 else "maximum") if n % 2 == 0 else "neither"
    test = "second-derivative test" if n == 2 else "higher-derivative test"
    subs = tuple(_derivative_step(x, point, nth(k), at(k), k) for k in range(2, n))
    details = (("x", _as_expr(point)), ("verdict", _verdict_text(point, n, at(n), s, kind)))
    step = Step(test, nth(n), _as_expr(at(n)), subs, "", details)
    return Verdict(kind, test, step, {"order": n, "derivative": at(n)})


def _first_nonzero(at: Callable[[int], Value]) -> int | None:
    scale = 1.0
    for k in range(2, MAX_TEST_ORDER + 1):
        v = at(k)
        if isinstance(v, Number) and v.is_exact:
            if v.value != 0:
                return k
            continue
        if abs(float(v)) > ZERO_TOLERANCE * scale:
            return k
        scale = max(scale, abs(float(v)))
    return None


def _verdict_text(point: Value, n: int, value: Value, s: int, kind: str) -> str:
    at = f"({show(point)})"
    name = "f''" if n == 2 else f"f^({n})"
    lower = "" if n == 2 else ("f''" if n == 3 else f"f''…f^({n - 1})") + f"{at} = 0, "
    rel = ">" if s > 0 else "<"
    if n % 2 == 0:
        parity = "" if n == 2 else f", order {n} is even"
        return f"{lower}{name}{at} = {show(value)} {rel} 0{parity}: local {kind}"
    return f"{lower}{name}{at} = {show(value)} ≠ 0, order {n} is odd: neither (inflection point)"


def _derivative_step(x: Symbol, point: Value, expr: Expr, value: Value, k: int) -> Step:
    name = "f''" if k == 2 else f"f^({k})"
    return Step("evaluate", expr, _as_expr(value), (), "",
                (("x", _as_expr(point)), ("so", f"{name}(x) = 0, look further")))  # fmt: skip


def _inconclusive(x: Symbol, point: Value, nth: Callable[[int], Expr],
                  at: Callable[[int], Value]) -> Verdict:  # fmt: skip
    k = MAX_TEST_ORDER
    step = Step("higher-derivative test", nth(k), _as_expr(at(k)), (), "",
                (("x", _as_expr(point)),
                 ("verdict", f"derivatives 2..{k} vanish numerically: inconclusive")))
    return Verdict("inconclusive", "higher-derivative test", step, {})


def _as_expr(v: Value) -> Expr:
    return v if isinstance(v, Expr) else number(float(v))


def hessian_test(f: Expr, variables: tuple[Symbol, ...], point: dict[Symbol, Value],
                 hessian: list[list[Expr]]) -> Verdict:  # fmt: skip
    """The Hessian test: all eigenvalues > 0 minimum, < 0 maximum, mixed signs saddle,
    any ≈ 0 (and no mixed signs) inconclusive."""
    entries = [[value_at(h, point) for h in row] for row in hessian]
    matrix = np.array([[float(e) for e in row] for row in entries])
    eig = np.linalg.eigvalsh(matrix)
    scale = max(1.0, float(np.max(np.abs(eig))))
    singular = _exactly_singular(entries) or bool(np.any(np.abs(eig) <= ZERO_TOLERANCE * scale))
    kind = hessian_kind(eig, singular, scale)
    text = ", ".join(f"{v:.6g}" for v in eig)
    reason = {"minimum": "all eigenvalues > 0: local minimum",
              "maximum": "all eigenvalues < 0: local maximum",
              "saddle": "eigenvalues of both signs: saddle point",
              "inconclusive": "an eigenvalue is 0: the test is inconclusive"}[kind]  # fmt: skip
    details = (("point", _point_text(point)), ("Hessian", _matrix_text(entries)),
               ("eigenvalues", text), ("verdict", reason))  # fmt: skip
    step = Step("Hessian test", f, _as_expr(value_at(f, point)), (), "", details)
    return Verdict(kind, "Hessian test", step, {"eigenvalues": [float(v) for v in eig]})


def hessian_kind(eig: np.ndarray, singular: bool, scale: float) -> str:
    """"minimum", "maximum", "saddle" or "inconclusive" from the Hessian's eigenvalues (those
    within `ZERO_TOLERANCE * scale` of 0 count as 0); shared by the symbolic Hessian test and
    the numeric point classification of `bridge`, which must name points alike."""
    big = eig[np.abs(eig) > ZERO_TOLERANCE * scale]
    if np.any(big > 0) and np.any(big < 0):
        return "saddle"
    if singular:
        return "inconclusive"
    return "minimum" if np.all(eig > 0) else "maximum"


def _exactly_singular(entries: list[list[Value]]) -> bool:
    if not all(isinstance(e, Number) and e.is_exact for row in entries for e in row):
        return False
    import flint

    m = flint.fmpq_mat([[flint.fmpq(e.value.numerator, e.value.denominator)  # type: ignore[union-attr]
                         if hasattr(e.value, "denominator") else e.value for e in row]  # type: ignore[union-attr]
                        for row in entries])  # fmt: skip
    return m.det() == 0


def _point_text(point: dict[Symbol, Value]) -> str:
    names = ", ".join(s.name for s in point)
    values = ", ".join(show(v) for v in point.values())
    return f"({names}) = ({values})" if len(point) > 1 else f"{names} = {values}"


def _matrix_text(entries: list[list[Value]]) -> str:
    return "[" + "; ".join(", ".join(show(e) for e in row) for row in entries) + "]"
