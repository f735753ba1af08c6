"""Critical points: where ∇f = 0, exactly where the algebra allows, numerically otherwise."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from calcml.core.errors import DomainError, NoClosedFormError
from calcml.core.evaluate import compile as compile_expr
from calcml.core.expr import ZERO, Apply, Expr, Symbol, mul
from calcml.symbolic.diff import diff
from calcml.symbolic.extrema import numeric
from calcml.symbolic.extrema.classify import derivative_test, hessian_test, value_at
from calcml.symbolic.extrema.polys import Root, multivariate, poly_to_expr, real_roots, univariate
from calcml.symbolic.extrema.records import CriticalPoint, CriticalPoints, Value, show
from calcml.symbolic.extrema.system import solve_system
from calcml.symbolic.inputs import to_expr, to_symbol
from calcml.symbolic.steps import Step

#: Where numeric searches look when no domain is given.
DEFAULT_INTERVAL = (-10.0, 10.0)

Box = list[tuple[float, float]]


def critical_points(f: Any, vars: Any = None, domain: Any = None) -> CriticalPoints:
    """Solve ∇f = 0 and classify every solution.

    Arguments:
        f: an expression or text.
        vars: the variables (a symbol, a name, "x y", or a list); by default f's free symbols.
        domain: (a, b) in one variable, or one (a, b) per variable; points outside are dropped.
            Numeric searches use it, or [-10, 10] per variable when it is None.

    Returns:
        A list of `CriticalPoint` (`.complete` says whether the list is proven complete).

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> [(str(p.point[x]), p.kind) for p in critical_points(x**3 - 3*x)]
    [('-1', 'maximum'), ('1', 'minimum')]
    """
    f = to_expr(f)
    variables = choose_variables(f, vars)
    refuse_jumps(f)
    if len(variables) == 1:
        return _one_variable(f, variables[0], _interval(domain))
    return _several(f, variables, _box(domain, len(variables)))


#: Step functions whose jumps sit wherever their argument is an integer: f' = 0 between them
#: says nothing about where f is largest, and calcml does not locate the jumps.
JUMPS = ("floor", "ceil")


def refuse_jumps(f: Expr) -> None:
    """Refuse f with floor or ceil of a variable: its extremes sit at jumps calcml cannot list."""
    for node in f.walk():
        if isinstance(node, Apply) and node.prim.name in JUMPS and node.arg.free_symbols:
            raise NoClosedFormError(f"{node.prim.name}({node.arg}) jumps wherever its argument is "
                                    "an integer; calcml does not locate those jumps, so it gives "
                                    "no critical points or extremes here")  # fmt: skip


def choose_variables(f: Expr, vars: Any) -> tuple[Symbol, ...]:
    if vars is None:
        chosen = tuple(sorted(f.free_symbols, key=lambda s: s.name))
        return chosen or (to_symbol("x"),)
    if isinstance(vars, str):
        vars = vars.replace(",", " ").split()
    chosen = (to_symbol(vars),) if isinstance(vars, Symbol) else tuple(to_symbol(v) for v in vars)
    extra = sorted(s.name for s in f.free_symbols - set(chosen))
    if extra:
        raise ValueError(f"give values for the parameters {', '.join(extra)} first")
    return chosen


def _interval(domain: Any) -> tuple[float, float] | None:
    if domain is None:
        return None
    if len(domain) == 1 and isinstance(domain[0], Sequence):
        domain = domain[0]
    a, b = (float(v) for v in domain)
    if not a <= b:
        raise ValueError(f"the interval [{a}, {b}] is empty")
    return a, b


def _box(domain: Any, n: int) -> Box | None:
    if domain is None:
        return None
    box = [(float(a), float(b)) for a, b in domain]
    if len(box) != n or any(not a <= b for a, b in box):
        raise ValueError(f"the domain needs one non-empty (a, b) for each of the {n} variables")
    return box


def search_interval(domain: tuple[float, float] | None) -> tuple[float, float]:
    """A finite interval for numeric searches: the domain, with infinite ends cut at ±10 (or 20
    past the finite end)."""
    a, b = domain if domain is not None else DEFAULT_INTERVAL
    lo = a if math.isfinite(a) else min(DEFAULT_INTERVAL[0], b - 20)
    hi = b if math.isfinite(b) else max(DEFAULT_INTERVAL[1], a + 20)
    return lo, hi


# --- one variable ------------------------------------------------------------------------------


class Derivatives:
    """f, f', f'', ... of one variable, computed on demand and kept."""

    def __init__(self, f: Expr, x: Symbol):
        self.x = x
        self.items = [f]

    def __call__(self, k: int) -> Expr:
        while len(self.items) <= k:
            self.items.append(diff(self.items[-1], self.x, verify=False))
        return self.items[k]


def _one_variable(f: Expr, x: Symbol, domain: tuple[float, float] | None) -> CriticalPoints:
    derivation = diff(f, x, steps=True)
    nth = Derivatives(f, x)
    nth.items.append(derivation.result)
    rational = univariate(f, x)
    if rational is not None:
        points, solve, complete, method = _rational_points(f, x, nth, rational, domain)
    else:
        points, solve, complete, method = _numeric_points(f, x, nth, domain)
    subs = tuple(s for s in (derivation.steps, solve) if s is not None)
    subs += tuple(p.steps for p in points if p.steps is not None)
    step = Step("critical points", f, nth(1), subs, f"d/d{x.name}")
    return CriticalPoints(points, (x,), complete, method, step, nth(1))


def _rational_points(f: Expr, x: Symbol, nth: Derivatives, rational: tuple,
                     domain: tuple[float, float] | None) -> tuple:  # fmt: skip
    num, den = rational
    top = num.derivative() * den - num * den.derivative()
    if top.is_zero():
        step = Step("solve", nth(1), ZERO, (), "", (("so", "f' = 0 everywhere: f is constant"),))
        return [], step, True, "f is constant: every point is critical"
    roots = [r for r in real_roots(top) if _inside(r.approx, r.lo, r.hi, domain)]
    points = [p for p in (_exact_point(f, x, nth, r) for r in roots) if p is not None]
    details = (("numerator of f'", poly_to_expr(top, x)), ("factored", _factored(top, x)),
               (x.name, ", ".join(show(next(iter(p.point.values()))) for p in points) or "none"))
    step = Step("solve", nth(1), ZERO, (), "", details)
    return points, step, True, "exact: real roots of the factored numerator of f'"


def _factored(p: Any, x: Symbol) -> Expr:
    c, factors = p.factor()
    return mul(poly_to_expr(p.__class__([c]), x),
               *(poly_to_expr(g, x) ** int(m) for g, m in factors))  # fmt: skip


def _inside(approx: float, lo: float, hi: float, domain: tuple[float, float] | None) -> bool:
    return domain is None or (domain[0] <= hi and lo <= domain[1] and
                              domain[0] <= approx <= domain[1])  # fmt: skip


def _exact_point(f: Expr, x: Symbol, nth: Derivatives, root: Root) -> CriticalPoint | None:
    coordinate: Value = root.exact if root.exact is not None else root.approx
    try:
        value = value_at(f, {x: coordinate})
    except (DomainError, ZeroDivisionError):
        return None  # f is undefined there
    verdict = derivative_test(x, coordinate, nth, root.multiplicity + 1)
    enclosure = None if root.exact is not None else {x: (root.lo, root.hi)}
    return CriticalPoint({x: coordinate}, value, root.exact is not None, enclosure, verdict.kind,
                         verdict.test, verdict.step, verdict.data)  # fmt: skip


def _numeric_points(f: Expr, x: Symbol, nth: Derivatives, domain: tuple[float, float] | None
                    ) -> tuple:  # fmt: skip
    a, b = search_interval(domain)
    g, dg = compile_expr(nth(1), [x]), compile_expr(nth(2), [x])
    fvalue = compile_expr(f, [x])
    scale = _typical(g, a, b)
    points = []
    for lo0, hi0 in numeric.brackets(g, a, b):
        lo, hi = numeric.refine(g, dg, lo0, hi0)
        point = _numeric_point(f, x, nth, (lo, hi), (lo0, hi0), g, fvalue, scale)
        if point is not None:
            points.append(point)
    where = ", ".join(show(p.point[x]) for p in points) or "none found"
    details = (("method", f"sign changes of f' on [{a:g}, {b:g}], Newton-polished"),
               (x.name, where))  # fmt: skip
    step = Step("solve", nth(1), ZERO, (), "", details)
    return points, step, False, f"numeric: sign changes of f' on [{a:g}, {b:g}]"


def _typical(g: Callable, a: float, b: float) -> float:
    with np.errstate(all="ignore"):
        ys = np.abs(np.asarray(g(np.linspace(a, b, 201)), dtype=float))
    ys = ys[np.isfinite(ys)]
    return float(np.median(ys)) if ys.size else 1.0


def _numeric_point(f: Expr, x: Symbol, nth: Derivatives, bracket: tuple[float, float],
                   grid: tuple[float, float], g: Callable, fvalue: Callable,
                   scale: float) -> CriticalPoint | None:  # fmt: skip
    lo, hi = bracket
    c = 0.5 * (lo + hi)
    with np.errstate(all="ignore"):
        ends = [abs(float(g(np.float64(t)))) for t in (lo, hi)]
        value = float(fvalue(np.float64(c)))
    if not math.isfinite(value) or min(ends) > 1e-6 * (1 + scale):
        return None  # a pole or a jump of f', not a zero
    verdict = derivative_test(x, c, nth, None)
    kind = verdict.kind
    if kind == "inconclusive":  # the bracket still shows how f' changes sign
        kind = "minimum" if float(g(np.float64(grid[0]))) < 0 else "maximum"
    return CriticalPoint({x: c}, value, False, {x: (lo, hi)}, kind, verdict.test, verdict.step,
                         {**verdict.data, "bracket": [lo, hi]})  # fmt: skip


# --- several variables -------------------------------------------------------------------------


def gradient_and_hessian(f: Expr, variables: tuple[Symbol, ...]) -> tuple[list, list]:
    grad = [diff(f, v, verify=False) for v in variables]
    hess = [[diff(g, v, verify=False) for v in variables] for g in grad]
    return grad, hess


def _several(f: Expr, variables: tuple[Symbol, ...], box: Box | None) -> CriticalPoints:
    grad, hess = gradient_and_hessian(f, variables)
    exact = _exact_solutions(grad, variables)
    if exact is not None:
        coords = [p for p in exact if _in_box(p, variables, box)]
        complete, method = True, "exact: the system factors or triangularizes"
    else:
        search = box or [DEFAULT_INTERVAL] * len(variables)
        coords = _newton_solutions(grad, hess, variables, search)
        complete = False
        method = "numeric: multi-start Newton on ∇f = 0 (the list may be incomplete)"
    points = [p for p in (_classified(f, variables, c, hess, exact is not None) for c in coords)
              if p is not None]  # fmt: skip
    subs = [Step("partial derivative", f, g, (), f"∂/∂{v.name}")
            for v, g in zip(variables, grad, strict=True)]
    found = "; ".join(_tuple_text(p.point) for p in points) or "none"
    subs.append(Step("solve", f, ZERO, (), "∇", (("method", method), ("solutions", found))))
    subs.extend(p.steps for p in points if p.steps is not None)
    step = Step("critical points", f, ZERO, tuple(subs), "∇")
    return CriticalPoints(points, variables, complete, method, step)


def _tuple_text(point: dict[Symbol, Value]) -> str:
    return f"({', '.join(s.name for s in point)}) = ({', '.join(show(v) for v in point.values())})"


def _exact_solutions(grad: list[Expr], variables: tuple[Symbol, ...]) -> list | None:
    eqs = []
    for g in grad:
        pair = multivariate(g, variables)
        if pair is None:
            return None
        eqs.append(pair[0])
    return solve_system(eqs, variables)


def _in_box(point: dict[Symbol, Value], variables: tuple, box: Box | None) -> bool:
    if box is None:
        return True
    return all(a <= float(point[v]) <= b for v, (a, b) in zip(variables, box, strict=True))


def _newton_solutions(grad: list[Expr], hess: list[list[Expr]], variables: tuple,
                      box: Box) -> list[dict[Symbol, Value]]:  # fmt: skip
    g_fn = compile_expr(grad, list(variables))
    h_fn = compile_expr([h for row in hess for h in row], list(variables))
    n = len(variables)

    def g(v: np.ndarray) -> np.ndarray:
        return np.array([float(t) for t in g_fn(*v)])

    def h(v: np.ndarray) -> np.ndarray:
        return np.array([float(t) for t in h_fn(*v)]).reshape(n, n)

    found = [p for p in (numeric.newton_system(g, h, s) for s in numeric.starts(box))
             if p is not None and _near_box(p, box)]  # fmt: skip
    return [dict(zip(variables, (float(c) for c in p), strict=True))
            for p in numeric.dedupe(found)]  # fmt: skip


def _near_box(p: np.ndarray, box: Box) -> bool:
    return all(a - 1e-9 * (1 + abs(a)) <= c <= b + 1e-9 * (1 + abs(b))
               for c, (a, b) in zip(p, box, strict=True))  # fmt: skip


def _classified(f: Expr, variables: tuple, point: dict[Symbol, Value], hess: list[list[Expr]],
                exact: bool) -> CriticalPoint | None:  # fmt: skip
    try:
        value = value_at(f, point)
        verdict = hessian_test(f, variables, point, hess)
    except (DomainError, ZeroDivisionError):
        return None
    return CriticalPoint(dict(point), value, exact, None, verdict.kind, verdict.test,
                         verdict.step, verdict.data)  # fmt: skip
