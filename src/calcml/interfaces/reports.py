"""One function per request: the JSON that `calcml CMD --json` prints and the web API returns.

Each report takes the request's parameters as text, exactly as a person typed them on the command
line or in the page (`{"expr": "x^2", "at": "3"}`), and returns one JSON-ready dict. The CLI's
`--json` and the web endpoint `/api/NAME` call the same function, so the two cannot drift apart.
Errors are calcml's own exceptions (`ParseError` with its column, `NoClosedFormError`, ...);
each interface turns them into its own form (an exit code, an HTTP status).

`lane` says how costly a report may be: "cheap" ones (derivatives, parsing) never queue behind
"slow" ones (integrals, training) in the web server's worker pools.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Params = Mapping[str, str]
Lane = Literal["cheap", "slow"]


@dataclass(frozen=True)
class Report:
    """A named request: the function that answers it and the lane it runs in."""

    name: str
    build: Callable[[Params], dict[str, Any]]
    lane: Lane


#: report name -> Report; the web API serves exactly these, at /api/NAME.
REPORTS: dict[str, Report] = {}


def report(name: str, lane: Lane) -> Callable[[Callable[[Params], dict[str, Any]]],
                                              Callable[[Params], dict[str, Any]]]:  # fmt: skip
    """Register a report function under `name`."""

    def register(build: Callable[[Params], dict[str, Any]]) -> Callable[[Params], dict[str, Any]]:
        REPORTS[name] = Report(name, build, lane)
        return build

    return register


def flag(params: Params, name: str) -> bool:
    """A boolean parameter: present and not one of "", "0", "false", "no", "off"."""
    return params.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


@report("diff", "cheap")
def diff_report(params: Params) -> dict[str, Any]:
    """d/dx of `expr` (with `wrt`, `order`, `at`, `steps`), as `calcml diff --json` prints it.

    >>> r = diff_report({"expr": "x^3"})
    >>> r["result"], r["verified"]
    ('3*x**2', True)
    """
    from calcml.symbolic.diff import diff
    from calcml.symbolic.parse import parse
    from calcml.symbolic.steps import to_json

    expr = params.get("expr", "")
    order = int(params.get("order", "1") or "1")
    f = parse(expr)
    d = diff(f, params.get("wrt") or None, order, steps=True)
    payload: dict[str, Any] = {"input": expr, "parsed": str(f), "var": d.var.name,
                               "order": order, "result": str(d.result),
                               "latex": d.result.latex(), "verified": d.verified,
                               "check": d.check.note}  # fmt: skip
    at = params.get("at")
    if at:
        value = d.result.evaluate(**{d.var.name: parse(at)})
        payload.update(at=at, value=_jsonable(value))
    if flag(params, "steps"):
        payload["steps"] = to_json(d.steps) if d.steps else None
    return payload


def _jsonable(value: Any) -> Any:
    from calcml.core.expr import Expr

    if isinstance(value, Expr):
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return value
