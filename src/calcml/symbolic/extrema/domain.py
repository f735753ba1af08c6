"""Global extrema on an interval or a box: the closed-interval method, with limits at ±∞.

Candidates are the critical points inside, the boundary (endpoints; faces of a box, by
recursion down to edges and corners) and the points where f is not differentiable (where the
argument of abs, relu, sign or heaviside is 0). The largest and smallest candidate values win,
unless f grows past them towards an infinite end or a pole.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from calcml.core.errors import DomainError
from calcml.core.evaluate import compile as compile_expr
from calcml.core.expr import Apply, Expr, Number, Symbol, as_expr, number, symbol
from calcml.symbolic.extrema import numeric
from calcml.symbolic.extrema.classify import value_at
from calcml.symbolic.extrema.critical import (
    choose_variables,
    critical_points,
    refuse_jumps,
    search_interval,
)
from calcml.symbolic.extrema.polys import real_roots, univariate
from calcml.symbolic.extrema.records import (
    Candidate,
    CriticalPoints,
    Extrema,
    Extremum,
    Value,
    show,
)
from calcml.symbolic.inputs import to_expr
from calcml.symbolic.limits import limit
from calcml.symbolic.steps import Step

#: Functions whose argument's zeros are kinks or jumps of f: candidates for extrema.
NONSMOOTH = ("abs", "relu", "sign", "heaviside")

#: Relative tolerance for two candidate values to count as a tie (exact values tie exactly).
TIE_TOLERANCE = 1e-12

INFINITY = symbol("∞")  # a display-only node for "∞" in steps


def extrema(f: Any, on: Any, vars: Any = None) -> Extrema:
    """The global minimum and maximum of f on a closed interval or a box.

    Arguments:
        f: an expression or text.
        on: (a, b) for one variable (a may be -inf, b inf), or one (a, b) per variable.
        vars: the variables; by default f's free symbols sorted by name.

    Returns:
        `Extrema` with `minimum`/`maximum` (None when there is none; `notes` say why), every
        candidate, the critical points and the reasoning as steps.

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> r = extrema(x**2, on=(-1, float("inf")))
    >>> r.minimum.describe(), r.maximum, r.notes
    ('0 at x = 0', None, ('no global maximum (f → ∞ as x → ∞)',))
    """
    f = to_expr(f)
    variables = choose_variables(f, vars)
    refuse_jumps(f)
    box = _ends(on, len(variables))
    notes: list[str] = []
    candidates, crit = _candidates(f, variables, box, notes, top=True)
    sup, inf, limit_steps = _unbounded(f, variables, box, notes)
    maximum = _best(candidates, +1, sup, notes, variables)
    minimum = _best(candidates, -1, inf, notes, variables)
    domain = tuple((_float(a), _float(b)) for a, b in box)
    steps = _steps(f, variables, domain, crit, candidates, limit_steps, maximum, minimum, notes)
    return Extrema(f, domain, minimum, maximum, tuple(candidates), crit, tuple(notes), steps)


def _ends(on: Any, n: int) -> list[tuple[Expr, Expr]]:
    pairs = [on] if n == 1 and len(on) == 2 and not isinstance(on[0], list | tuple) else list(on)
    if len(pairs) != n:
        raise ValueError(f"give one interval (a, b) for each of the {n} variables")
    box = [(_end(a), _end(b)) for a, b in pairs]
    for a, b in box:
        if not _float(a) < _float(b):
            raise ValueError(f"the interval [{show(a)}, {show(b)}] needs a < b")
    if n > 1 and not all(math.isfinite(_float(e)) for pair in box for e in pair):
        raise ValueError("boxes in several variables must be bounded")
    return box


def _end(value: Any) -> Expr:
    if isinstance(value, str):
        value = value.strip()
        if value.lstrip("+-") in ("inf", "oo", "∞", "infinity"):
            return INFINITY if not value.startswith("-") else -INFINITY
        value = Fraction(value)
    if isinstance(value, float):
        if math.isinf(value):
            return INFINITY if value > 0 else -INFINITY
        value = Fraction(repr(value))  # the decimal the user wrote, exactly
    return as_expr(value)


def _float(e: Expr) -> float:
    if e is INFINITY:
        return math.inf
    if e is -INFINITY:
        return -math.inf
    return float(e)


# --- candidates --------------------------------------------------------------------------------


def _candidates(f: Expr, variables: tuple[Symbol, ...], box: list[tuple[Expr, Expr]],
                notes: list[str], top: bool) -> tuple[list[Candidate], CriticalPoints]:  # fmt: skip
    bounds = [(_float(a), _float(b)) for a, b in box]
    crit = critical_points(f, variables, bounds if len(variables) > 1 else bounds[0])
    if not crit.complete:
        notes.append(f"critical points ({_where(variables, box)}): {crit.method}")
    found = [Candidate(dict(p.point), p.value, "critical point") for p in crit]
    if len(variables) == 1:
        found += _interval_extras(f, variables[0], box[0], notes)
    else:
        found += _faces(f, variables, box, notes)
    return _dedupe(found), crit


def _where(variables: tuple[Symbol, ...], box: list) -> str:
    pairs = zip(variables, box, strict=True)
    return ", ".join(f"{v.name} in [{show(a)}, {show(b)}]" for v, (a, b) in pairs)


def _interval_extras(f: Expr, x: Symbol, ends: tuple[Expr, Expr], notes: list[str]) -> list:
    out = []
    for end in ends:
        if math.isfinite(_float(end)):
            value = _safe_value(f, {x: end})
            if value is not None:
                out.append(Candidate({x: end}, value, "endpoint"))
    a, b = (_float(e) for e in ends)
    for point in _kinks(f, x, a, b, notes):
        value = _safe_value(f, {x: point})
        if value is not None:
            out.append(Candidate({x: point}, value, "not differentiable"))
    return out


def _safe_value(f: Expr, point: dict[Symbol, Value]) -> Value | None:
    try:
        return value_at(f, point)
    except (DomainError, ZeroDivisionError):
        return None


def _kinks(f: Expr, x: Symbol, a: float, b: float, notes: list[str]) -> list[Value]:
    """Zeros in [a, b] of the arguments of abs, relu, sign and heaviside."""
    points: list[Value] = []
    for node in f.walk():
        if isinstance(node, Apply) and node.prim.name in NONSMOOTH and node.arg.has(x):
            points.extend(_zeros(node.arg, x, a, b, notes))
    return points


def _zeros(u: Expr, x: Symbol, a: float, b: float, notes: list[str]) -> list[Value]:
    rational = univariate(u, x)
    if rational is not None and not rational[0].is_zero():
        return [r.exact if r.exact is not None else r.approx for r in real_roots(rational[0])
                if a <= r.approx <= b]  # fmt: skip
    lo, hi = search_interval((a, b))
    g = compile_expr(u, [x])
    notes.append(f"zeros of {u.text()} found numerically on [{lo:g}, {hi:g}]")
    return [0.5 * sum(numeric.refine(g, lambda t: np.nan * t, p, q))
            for p, q in numeric.brackets(g, lo, hi)]  # fmt: skip


def _faces(f: Expr, variables: tuple[Symbol, ...], box: list, notes: list[str]) -> list:
    out: list[Candidate] = []
    for i, v in enumerate(variables):
        rest = variables[:i] + variables[i + 1 :]
        sub_box = box[:i] + box[i + 1 :]
        for end in box[i]:
            face = f.subs({v: end})
            found, _ = _candidates(face, rest, sub_box, notes, top=False)
            for c in found:
                point = dict(c.point)
                point[v] = end
                ordered = {s: point[s] for s in variables}
                out.append(Candidate(ordered, c.value, "boundary"))
    return out


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    kept: dict[tuple, Candidate] = {}
    for c in cands:
        key = tuple(round(float(v), 10) + 0.0 for v in c.point.values())
        if key not in kept:
            kept[key] = c
        elif c.reason not in kept[key].reason:
            old = kept[key]
            kept[key] = Candidate(old.point, old.value, f"{old.reason}, {c.reason}")
    return sorted(kept.values(), key=lambda c: tuple(float(v) for v in c.point.values()))


# --- unbounded ends and poles --------------------------------------------------------------------


def _unbounded(f: Expr, variables: tuple, box: list, notes: list[str]) -> tuple:
    """The sup and inf f approaches without attaining them (at infinite ends or poles)."""
    if len(variables) > 1:
        return None, None, []
    x = variables[0]
    a, b = (_float(e) for e in box[0])
    approaches: list[tuple[float, str]] = []
    steps: list[Step] = []
    for end, direction in ((a, -1), (b, +1)):
        if math.isinf(end):
            lim = limit_at_infinity(f, x, direction)
            where = f"{x.name} → {'∞' if direction > 0 else '-∞'}"
            steps.append(Step("limit", f, _limit_expr(lim), (), f"lim {where}"))
            if lim is None:
                notes.append(f"the behaviour of f as {where} is not known")
            else:
                approaches.append((lim, where))
    approaches += _poles(f, x, a, b)
    sup = max(approaches, default=None, key=lambda t: t[0])
    inf = min(approaches, default=None, key=lambda t: t[0])
    return sup, inf, steps


def _limit_expr(lim: float | None) -> Expr:
    if lim is None:
        return symbol("?")
    if math.isinf(lim):
        return INFINITY if lim > 0 else -INFINITY
    return number(lim)


def limit_at_infinity(f: Expr, x: Symbol, direction: int) -> float | None:
    """lim f as x → ±∞: exact for rational functions (degrees and leading coefficients),
    `calcml.symbolic.limits` when present, else a numeric estimate; None when unknown.

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> limit_at_infinity(x**3 - 3*x, x, -1), limit_at_infinity((2*x + 1) / (x - 5), x, 1)
    (-inf, 2.0)
    """
    rational = univariate(f, x)
    if rational is not None:
        return _rational_limit(*rational, direction)
    found = _library_limit(f, x, direction)
    return found if found is not None else _numeric_limit(f, x, direction)


def _rational_limit(num: Any, den: Any, direction: int) -> float:
    if num.is_zero():
        return 0.0
    dn, dd = int(num.degree()), int(den.degree())
    ratio = float(num.leading_coefficient() / den.leading_coefficient())
    if dn < dd:
        return 0.0
    if dn == dd:
        return ratio
    return math.copysign(math.inf, ratio * direction ** (dn - dd))


def _library_limit(f: Expr, x: Symbol, direction: int) -> float | None:
    try:
        value = limit(f, x, math.inf * direction)
        return float(value)
    except Exception:
        return None


def _numeric_limit(f: Expr, x: Symbol, direction: int) -> float | None:
    g = compile_expr(f, [x])
    with np.errstate(all="ignore"):
        ys = [float(g(np.float64(direction * 10.0**k))) for k in (2, 4, 6, 8)]
    if not all(math.isfinite(y) or math.isinf(y) for y in ys):
        return None
    if all(math.isinf(y) for y in ys[-2:]) and ys[-1] == ys[-2]:
        return ys[-1]
    if abs(ys[-1]) > 1e6 and abs(ys[-1]) > 10 * abs(ys[-2]) > 100 * abs(ys[-3]):
        return math.copysign(math.inf, ys[-1])
    if abs(ys[-1] - ys[-2]) <= 1e-6 * (1 + abs(ys[-1])):
        return ys[-1]
    return None


def _poles(f: Expr, x: Symbol, a: float, b: float) -> list[tuple[float, str]]:
    rational = univariate(f, x)
    if rational is None or rational[1].degree() < 1:
        return []
    g = compile_expr(f, [x])
    out = []
    for r in real_roots(rational[1]):
        if a <= r.approx <= b:
            for side in (-1, 1):
                t = r.approx + side * 1e-9 * (1 + abs(r.approx))
                if a <= t <= b:
                    y = float(g(np.float64(t)))
                    out.append((math.copysign(math.inf, y), f"x → {show(r.approx)} (a pole)"))
    return out


# --- choosing ----------------------------------------------------------------------------------


def _best(cands: list[Candidate], sense: int, approach: tuple | None, notes: list[str],
          variables: tuple) -> Extremum | None:  # fmt: skip
    word = "maximum" if sense > 0 else "minimum"
    if not cands and approach is None:
        return None
    if cands:
        best = max(cands, key=lambda c: sense * float(c.value))
        ties = tuple(c.point for c in cands if _tie(c.value, best.value))
    if approach is not None:
        lim, where = approach
        if not cands or sense * lim > sense * float(best.value) + _tol(lim):
            arrow = "∞" if lim == math.inf else "-∞" if lim == -math.inf else f"{lim:.12g}"
            if math.isinf(lim):
                notes.append(f"no global {word} (f → {arrow} as {where})")
            else:
                notes.append(f"no global {word}: f approaches {arrow} as {where} "
                             "without reaching it")  # fmt: skip
            return None
    return Extremum(best.value, ties)


def _tie(a: Value, b: Value) -> bool:
    if isinstance(a, Number) and isinstance(b, Number) and a.is_exact and b.is_exact:
        return a is b
    fa, fb = float(a), float(b)
    return abs(fa - fb) <= TIE_TOLERANCE * (1 + abs(fb))


def _tol(v: float) -> float:
    return 0.0 if math.isinf(v) else TIE_TOLERANCE * (1 + abs(v))


# --- reasoning ---------------------------------------------------------------------------------


def _steps(f: Expr, variables: tuple, domain: tuple, crit: CriticalPoints, cands: list,
           limits: list[Step], maximum: Extremum | None, minimum: Extremum | None,
           notes: list[str]) -> Step:  # fmt: skip
    subs: list[Step] = [crit.steps] if crit.steps is not None else []
    for c in cands:
        rule = "boundary" if c.reason in ("endpoint", "boundary") else (
            "not differentiable" if c.reason == "not differentiable" else "evaluate")
        details = tuple((s.name, v if isinstance(v, Expr) else number(float(v)))
                        for s, v in c.point.items())
        details = (*details, ("candidate", c.reason))  # fmt: skip
        value = c.value if isinstance(c.value, Expr) else number(float(c.value))
        subs.append(Step(rule, f, value, (), "", details))
    subs.extend(limits)
    for word, ext in (("maximum", maximum), ("minimum", minimum)):
        text = ext.describe() if ext is not None else \
            next((n for n in notes if f"global {word}" in n), f"no global {word}")  # fmt: skip
        value = ext.value if ext is not None else symbol("none")
        subs.append(Step("global extremum", f, value if isinstance(value, Expr)
                         else number(float(value)), (), "", ((word, text),)))  # fmt: skip
    on = " × ".join(f"[{show(a)}, {show(b)}]" for a, b in domain)
    return Step("global extremum", f, f, tuple(subs), "", (("on", on),))
