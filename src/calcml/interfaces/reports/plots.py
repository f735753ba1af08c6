"""Plot data: f and f' sampled on a grid, Riemann sums, and 2-D grids for contour maps.

Samples come from compiled functions (one NumPy program for f and f'), so a plot of 1000
points costs one call. A curve is broken (a null between two samples) where it has a pole or a
jump: the page then never joins the two sides with a vertical line. A gap is found by bisection:
on an interval where f changes, halve it ~40 times, keeping the half where f changes most; a
continuous f's change shrinks with the interval, a jump's or a pole's does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from calcml.interfaces.reports.base import (
    MAX_GRID,
    MAX_SAMPLES,
    Params,
    finite_or_none,
    integer,
    mathml,
    number,
    report,
    text,
)

#: halvings of a suspect interval (2^-40 of a grid step is below any continuous change)
BISECTIONS = 40


def _compiled(f: Any, x: Any) -> Any:
    """f and f' as one vectorized function of x (errors as NaN, never as warnings)."""
    import numpy as np

    from calcml.core.evaluate import compile as compile_expr
    from calcml.symbolic.diff import diff

    program = compile_expr([f, diff(f, x)], [x])

    def run(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            ys, ds = program(np.asarray(xs, dtype=np.float64))
        shape = np.shape(xs)
        return (np.broadcast_to(np.asarray(ys, dtype=np.float64), shape).copy(),
                np.broadcast_to(np.asarray(ds, dtype=np.float64), shape).copy())  # fmt: skip

    return run


def breaks(fn: Any, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Indices i where the curve must not be drawn from xs[i] to xs[i+1] (pole, jump, gap).

    Arguments:
        fn: the vectorized function sampled (array -> array).
        xs, ys: the grid (increasing) and the values on it.

    >>> import numpy as np
    >>> xs = np.linspace(-1, 1, 6)
    >>> breaks(np.sign, xs, np.sign(xs)).tolist()
    [2]
    """
    import numpy as np

    with np.errstate(all="ignore"):
        return _breaks(fn, xs, ys)


def _breaks(fn: Any, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    import numpy as np

    a, b = xs[:-1].copy(), xs[1:].copy()
    fa, fb = ys[:-1].copy(), ys[1:].copy()
    gap = ~(np.isfinite(fa) & np.isfinite(fb))
    start = np.abs(fb - fa)
    suspect = np.flatnonzero(~gap & (start > 0))
    a, b, fa, fb = a[suspect], b[suspect], fa[suspect], fb[suspect]
    for _ in range(BISECTIONS):
        m = (a + b) / 2
        fm = fn(m)
        left = np.abs(fm - fa) >= np.abs(fb - fm)
        left = np.where(np.isfinite(fm), left, True)
        b, fb = np.where(left, m, b), np.where(left, fm, fb)
        a, fa = np.where(left, a, m), np.where(left, fa, fm)
    change = np.abs(fb - fa)
    jump = ~np.isfinite(change) | (change > 0.25 * start[suspect])
    gap[suspect[jump]] = True
    return np.flatnonzero(gap)


def broken(values: np.ndarray, cuts: np.ndarray, xs: np.ndarray) -> tuple[list, list]:
    """xs and values with a null inserted after each cut: what the page draws as separate runs."""
    x_out: list[float | None] = []
    y_out: list[float | None] = []
    ys = finite_or_none(values)
    cut = set(cuts.tolist())
    for i, (x, y) in enumerate(zip(xs.tolist(), ys, strict=True)):
        x_out.append(x)
        y_out.append(y)
        if i in cut and ys[i] is not None and i + 1 < len(ys) and ys[i + 1] is not None:
            x_out.append(None)
            y_out.append(None)
    return x_out, y_out


def _window(params: Params) -> tuple[float, float]:
    lo = number(params, "xmin", -5.0)
    hi = number(params, "xmax", 5.0)
    if not lo < hi:
        raise ValueError(f"xmin must be below xmax, got {lo:g} and {hi:g}")
    return lo, hi


@report("samples", "cheap")
def samples_report(params: Params) -> dict[str, Any]:
    """f and f' on `n` points of [`xmin`, `xmax`], with nulls where the curve breaks.

    >>> r = samples_report({"expr": "1/x", "xmin": "-1", "xmax": "1", "n": "10"})
    >>> None in r["y"], len(r["x"]) == len(r["y"]), len(r["dx"]) == len(r["dy"])
    (True, True, True)
    """
    import numpy as np

    from calcml.symbolic.diff import diff
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    f = parse(expr)
    x = default_variable(f, params.get("wrt") or None)
    lo, hi = _window(params)
    n = integer(params, "n", 801, 2, MAX_SAMPLES)
    fn = _compiled(f, x)
    xs = np.linspace(lo, hi, n)
    ys, ds = fn(xs)
    xs_out, y_out = broken(ys, breaks(lambda v: fn(v)[0], xs, ys), xs)
    dcuts = breaks(lambda v: fn(v)[1], xs, ds)
    dx_out, dy_out = broken(ds, dcuts, xs)
    d = diff(f, x)
    return {"input": expr, "var": x.name, "xmin": lo, "xmax": hi, "n": n,
            "function": str(f), "derivative": str(d),
            "mathml": mathml(f.latex()), "derivative_mathml": mathml(d.latex()),
            "x": xs_out, "y": y_out, "dx": dx_out, "dy": dy_out}  # fmt: skip


@report("riemann", "slow")
def riemann_report(params: Params) -> dict[str, Any]:
    """∫_a^b f exactly, the left, right and midpoint sums for n = 1 … `nmax`, and F(x) = ∫_a^x f.

    The sums are computed here at the exact points a + i·h (the page only picks one by its
    slider); F is the cumulative trapezoid rule on a fine grid of [xmin, xmax].

    >>> r = riemann_report({"expr": "x^2", "a": "0", "b": "3", "nmax": "4"})
    >>> r["exact"]["value"], r["sums"]["left"][3], r["sums"]["right"][0]
    (9.0, 5.90625, 27.0)
    """
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    f = parse(expr)
    x = default_variable(f, params.get("wrt") or None)
    a, b = number(params, "a", 0.0), number(params, "b", 1.0)
    if not a < b:
        raise ValueError(f"a must be below b, got {a:g} and {b:g}")
    nmax = integer(params, "nmax", 200, 1, 1000)
    fn = _compiled(f, x)
    sums = riemann_sums(lambda v: fn(v)[0], a, b, nmax)
    r = integrate(f, (x, params.get("a") or repr(a), params.get("b") or repr(b)), steps=False)
    exact = {"value": r.value, "method": r.method, "error_estimate": r.error_estimate,
             "result": str(r.exact) if r.exact is not None else None, "note": r.note}  # fmt: skip
    if r.exact is not None:
        exact["mathml"] = mathml(r.exact.latex())
    lo, hi = _window({"xmin": params.get("xmin") or repr(min(a, -5.0)),
                      "xmax": params.get("xmax") or repr(max(b, 5.0))})  # fmt: skip
    gx, gF = accumulation(lambda v: fn(v)[0], a, lo, hi, integer(params, "n", 801, 2, MAX_SAMPLES))
    return {"input": expr, "var": x.name, "a": a, "b": b, "nmax": nmax, "exact": exact,
            "sums": {k: finite_or_none(v) for k, v in sums.items()},
            "F": {"x": gx.tolist(), "y": finite_or_none(gF),
                  "method": "cumulative trapezoid rule on the plotted grid"}}  # fmt: skip


def riemann_sums(fn: Any, a: float, b: float, nmax: int) -> dict[str, np.ndarray]:
    """Left, right and midpoint sums of fn over [a, b] for n = 1 … nmax (index n - 1)."""
    import numpy as np

    out: dict[str, list[float]] = {"left": [], "right": [], "midpoint": []}
    for n in range(1, nmax + 1):
        h = (b - a) / n
        i = np.arange(n)
        for rule, shift in (("left", 0.0), ("right", 1.0), ("midpoint", 0.5)):
            out[rule].append(float(np.sum(fn(a + (i + shift) * h)) * h))
    return {k: np.array(v) for k, v in out.items()}


def accumulation(fn: Any, a: float, lo: float, hi: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """F(x) = ∫_a^x f on n points of [lo, hi] by the cumulative trapezoid rule (NaN past a gap)."""
    import numpy as np

    xs = np.union1d(np.linspace(lo, hi, n), [a])
    ys = fn(xs)
    with np.errstate(all="ignore"):
        steps = (ys[1:] + ys[:-1]) / 2 * np.diff(xs)
        F = np.concatenate([[0.0], np.cumsum(steps)])
        k = int(np.searchsorted(xs, a))
        F = F - F[k]
    bad = ~np.isfinite(ys)
    after = np.maximum.accumulate(np.where(bad & (np.arange(len(xs)) >= k), 1, 0)) > 0
    before = np.maximum.accumulate(np.where(bad & (np.arange(len(xs)) <= k), 1, 0)[::-1])[::-1] > 0
    F[after | before] = np.nan
    return xs, F


@report("contour", "cheap")
def contour_report(params: Params) -> dict[str, Any]:
    """f(x, y) on an `n` × `n` grid of [xmin, xmax] × [ymin, ymax] (rows are y), nulls off-domain.

    >>> r = contour_report({"expr": "x^2 + y^2", "n": "3", "xmin": "-1", "xmax": "1",
    ...                     "ymin": "-1", "ymax": "1"})
    >>> r["z"]
    [[2.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 2.0]]
    """
    import numpy as np

    from calcml.core.evaluate import compile as compile_expr
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    f = parse(expr)
    names = _two_variables(f, params.get("vars") or "")
    x0, x1 = number(params, "xmin", -2.0), number(params, "xmax", 2.0)
    y0, y1 = number(params, "ymin", -1.0), number(params, "ymax", 3.0)
    if not (x0 < x1 and y0 < y1):
        raise ValueError("the window must have xmin < xmax and ymin < ymax")
    n = integer(params, "n", 80, 2, MAX_GRID)
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.broadcast_to(np.asarray(compile_expr(f, names)(X, Y), dtype=np.float64), X.shape)
    return {"input": expr, "function": str(f), "variables": names, "mathml": mathml(f.latex()),
            "x": xs.tolist(), "y": ys.tolist(),
            "z": [finite_or_none(row) for row in Z]}  # fmt: skip


def _two_variables(f: Any, spec: str) -> list[str]:
    names = spec.replace(",", " ").split() or sorted(s.name for s in f.free_symbols)
    if len(names) == 1 and not spec:
        names = [*names, "y"] if names[0] != "y" else ["x", "y"]
    if len(names) != 2:
        raise ValueError(f"a contour map needs a function of two variables, got "
                         f"{', '.join(names) or 'none'}")  # fmt: skip
    return names
