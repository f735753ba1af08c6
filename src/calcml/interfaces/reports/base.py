"""The report registry and the helpers every report module shares: parameters read from text,
MathML, steps and numbers as JSON.

It sits below the report modules (calculus, plots, learning, probability, check), which register
their reports here; the package imports them all so `REPORTS` is complete for its users.
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


#: the most grid points a plot request may ask for (per axis for 2-D grids)
MAX_SAMPLES = 4000
MAX_GRID = 200


def text(params: Params, name: str, default: str | None = None) -> str:
    """A required (or defaulted) text parameter, with a one-line error when it is missing."""
    value = params.get(name)
    if value is None or not str(value).strip():
        if default is None:
            raise ValueError(f"missing parameter {name!r}")
        return default
    return str(value)


def number(params: Params, name: str, default: float, lo: float = -1e12,
           hi: float = 1e12) -> float:  # fmt: skip
    """A finite float parameter within [lo, hi]; accepts calcml constants (`pi/2`, `-e`)."""
    raw = params.get(name)
    if raw is None or not str(raw).strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        from calcml.symbolic.parse import parse

        try:
            value = float(parse(str(raw)))
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if not (lo <= value <= hi):
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    return value


def integer(params: Params, name: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter within [lo, hi]."""
    raw = params.get(name)
    if raw is None or not str(raw).strip():
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if not (lo <= value <= hi):
        raise ValueError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def mathml(latex: str) -> str:
    """LaTeX (as calcml prints it) to presentation MathML, which browsers render offline.

    >>> mathml("x^{2}").startswith("<math")
    True
    """
    from latex2mathml.converter import convert

    return convert(latex)


def steps_json(steps: Any) -> Any:
    """The steps tree as JSON, each step with a `mathml` twin of its `latex` (iterative walk)."""
    from calcml.symbolic.steps import to_json

    if steps is None:
        return None
    tree = to_json(steps)
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.get("latex"):
            node["mathml"] = mathml(node["latex"])
        stack.extend(node.get("substeps") or [])
    return tree


def finite_or_none(values: Any) -> list[float | None]:
    """A float array as a JSON list, NaN and infinities as null (a break in a plotted curve)."""
    import numpy as np

    arr = np.asarray(values, dtype=np.float64).ravel()
    return [float(v) if np.isfinite(v) else None for v in arr.tolist()]


def jsonable(value: Any) -> Any:
    """An exact calcml value as a float where it is a number, else its text."""
    from calcml.core.expr import Expr

    if isinstance(value, Expr):
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return value
