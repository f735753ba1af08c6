"""Reports of the calculus views: integrals, tangent lines, gradients, critical points.

Each builds the JSON of `calcml CMD --json` (and of `/api/CMD`); the CLI adds nothing to it.
"""

from __future__ import annotations

from typing import Any

from calcml.interfaces.reports.base import (
    Params,
    flag,
    integer,
    jsonable,
    mathml,
    number,
    report,
    steps_json,
    text,
)


@report("diff", "cheap")
def diff_report(params: Params) -> dict[str, Any]:
    """d/dx of `expr` (with `wrt`, `order`, `at`, `steps`), as `calcml diff --json` prints it.

    >>> r = diff_report({"expr": "x^3"})
    >>> r["result"], r["verified"]
    ('3*x**2', True)
    """
    from calcml.symbolic.diff import diff
    from calcml.symbolic.parse import parse

    expr = params.get("expr", "")
    order = integer(params, "order", 1, 1, 50)
    f = parse(expr)
    d = diff(f, params.get("wrt") or None, order, steps=True)
    payload: dict[str, Any] = {"input": expr, "parsed": str(f), "var": d.var.name,
                               "order": order, "result": str(d.result),
                               "latex": d.result.latex(), "verified": d.verified,
                               "check": d.check.note,
                               "mathml": mathml(d.result.latex())}  # fmt: skip
    at = params.get("at")
    if at:
        value = d.result.evaluate(**{d.var.name: parse(at)})
        payload.update(at=at, value=jsonable(value))
    if flag(params, "steps"):
        payload["steps"] = steps_json(d.steps) if d.steps else None
    return payload


@report("integrate", "slow")
def integrate_report(params: Params) -> dict[str, Any]:
    """∫ `expr` d`wrt` (+ C), or from `from` to `to`: exact with steps, or numeric said plainly.

    >>> r = integrate_report({"expr": "x^2", "from": "0", "to": "3"})
    >>> r["result"], r["value"], r["method"]
    ('9', 9.0, 'symbolic')
    """
    from calcml.core.limits import DEFAULT_INTEGRATION_SECONDS
    from calcml.symbolic.definite import integrate
    from calcml.symbolic.inputs import default_variable
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    lower, upper = params.get("from") or None, params.get("to") or None
    if (lower is None) != (upper is None):
        raise ValueError("give both from and to for a definite integral, or neither")
    seconds = number(params, "seconds", DEFAULT_INTEGRATION_SECONDS, 1e-3, 86400.0)
    f = parse(expr)
    x = default_variable(f, params.get("wrt") or None)
    spec: Any = x if lower is None else (x, lower, upper)
    r = integrate(f, spec, steps=True, numeric=flag(params, "numeric"), seconds=seconds)
    latex = r.exact.latex() if r.exact is not None else f"{r.value!r}"
    payload: dict[str, Any] = {
        "input": expr, "parsed": str(f), "var": x.name,
        "result": str(r.exact) if r.exact is not None else repr(r.value),
        "latex": latex, "mathml": mathml(latex), "integrand_mathml": mathml(f.latex()),
        "verified": r.verified, "method": r.method, "note": r.note,
        "steps": steps_json(r.steps),
    }  # fmt: skip
    if r.lower is not None:
        payload.update({"from": lower, "to": upper})
    if r.lower is not None and r.value is not None:
        payload.update(value=r.value, error_estimate=r.error_estimate)
    return payload


@report("tangent", "cheap")
def tangent_report(params: Params) -> dict[str, Any]:
    """The tangent line to `expr` at x = `at`: y = f(a) + f'(a)(x - a).

    >>> r = tangent_report({"expr": "x^2", "at": "3"})
    >>> r["slope"], r["result"], r["slope_value"]
    ('6', '6*x - 9', 6.0)
    """
    from calcml.symbolic.derivatives import tangent
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    t = tangent(parse(expr), parse(text(params, "at")), params.get("wrt") or None)
    return {"input": expr, "var": t.var.name, "at": str(t.at), "value": str(t.value),
            "slope": str(t.slope), "slope_value": jsonable(t.slope),
            "result": str(t.line), "latex": t.line.latex(),
            "mathml": mathml("y = " + t.line.latex()), "verified": t.check.passed,
            "check": t.check.note}  # fmt: skip


@report("grad", "cheap")
def grad_report(params: Params) -> dict[str, Any]:
    """∇`expr`: every partial derivative (variables `wrt`, comma-separated), optionally `at`.

    >>> grad_report({"expr": "x^2*y", "at": "1,2"})["value"]
    [4.0, 1.0]
    """
    from calcml.symbolic.derivatives import checked_gradient, wrt_symbols
    from calcml.symbolic.parse import parse

    expr = text(params, "expr")
    f = parse(expr)
    xs = wrt_symbols(f, params.get("wrt") or None)
    if not xs:
        raise ValueError(f"{f} has no variable: its gradient is empty")
    parts, check = checked_gradient(f, xs)
    payload: dict[str, Any] = {
        "input": expr, "variables": [x.name for x in xs], "result": [str(g) for g in parts],
        "latex": [g.latex() for g in parts], "mathml": [mathml(g.latex()) for g in parts],
        "verified": check is not None and check.passed,
        "check": check.note if check is not None else "not checked",
    }  # fmt: skip
    at = params.get("at")
    if at:
        point = [parse(p) for p in at.split(",")]
        if len(point) != len(xs):
            raise ValueError(f"at has {len(point)} values for {len(xs)} variables")
        env = {x.name: p for x, p in zip(xs, point, strict=True)}
        payload["value"] = [jsonable(g.evaluate(**env)) for g in parts]
    return payload


@report("critical", "slow")
def critical_report(params: Params) -> dict[str, Any]:
    """Critical points of `expr` (∇f = 0), each classified; `on` limits the search ("a,b;c,d").

    >>> [p["kind"] for p in critical_report({"expr": "x^3 - 3x"})["points"]]
    ['maximum', 'minimum']
    """
    from calcml.symbolic.extrema import critical_points
    from calcml.symbolic.inputs import to_expr

    expr = text(params, "expr")
    f = to_expr(expr)
    pairs = _boxes(params.get("on") or "")
    domain = pairs[0] if pairs and len(pairs) == 1 else (pairs or None)
    found = critical_points(f, params.get("vars") or None, domain)
    payload = {"input": expr, "function": str(f), **found.as_dict(),
               "mathml": mathml(f.latex())}  # fmt: skip
    if flag(params, "steps") and found.steps is not None:
        payload["steps"] = steps_json(found.steps)
    return payload


@report("extrema", "slow")
def extrema_report(params: Params) -> dict[str, Any]:
    """Global minimum and maximum of `expr` on the interval or box `on` ("a,b" or "a,b;c,d";
    inf and -inf allowed): critical points inside, the boundary, non-differentiable points.

    >>> r = extrema_report({"expr": "x^3 - 3x", "on": "-2,3"})
    >>> r["maximum"]["value"], r["minimum"]["value"]
    ('18', '-2')
    """
    from calcml.symbolic.extrema import extrema
    from calcml.symbolic.inputs import to_expr

    expr = text(params, "expr")
    pairs = []
    for part in (p for p in text(params, "on").split(";") if p.strip()):
        ends = [e.strip() for e in part.split(",")]
        if len(ends) != 2 or not all(ends):
            raise ValueError(f"{part!r} is not an interval a,b (for example -2,3)")
        pairs.append((ends[0], ends[1]))
    result = extrema(to_expr(expr), pairs[0] if len(pairs) == 1 else pairs,
                     params.get("vars") or None)  # fmt: skip
    payload = {"input": expr, **result.as_dict()}
    if flag(params, "steps"):
        payload["steps"] = steps_json(result.steps)
    return payload


def _boxes(spec: str) -> list[tuple[float, float]]:
    """ "-2,3;0,1" -> [(-2.0, 3.0), (0.0, 1.0)], one interval per variable."""
    out = []
    for part in (p for p in spec.split(";") if p.strip()):
        ends = [e.strip() for e in part.split(",")]
        if len(ends) != 2:
            raise ValueError(f"{part!r} is not an interval a,b (for example -2,3)")
        try:
            out.append((float(ends[0]), float(ends[1])))
        except ValueError:
            raise ValueError(f"{part!r} is not an interval of two numbers") from None
    return out
