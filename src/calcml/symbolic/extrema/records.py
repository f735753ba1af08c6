"""The records extrema results are made of: critical points, extrema, and point reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calcml.core.expr import Expr, Number, Symbol
from calcml.symbolic.steps import Step

Value = Expr | float


def as_float(value: Value) -> float:
    """The float of an exact or float value."""
    return float(value)


def show(value: Value) -> str:
    """Human text of an exact expression or a float (12 significant digits)."""
    if isinstance(value, Expr):
        return value.text()
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "-∞"
    return f"{value:.12g}"


def to_python(value: Value) -> Any:
    """JSON-friendly form: exact numbers as their Python syntax, floats as floats."""
    if isinstance(value, Number) and not value.is_exact:
        return float(value.value)
    if isinstance(value, Expr):
        return str(value)
    return float(value)


@dataclass(frozen=True)
class CriticalPoint:
    """One solution of ∇f = 0.

    Attributes:
        point: variable -> coordinate (an exact expression, or a float when numeric).
        value: f at the point (exact or float).
        exact: True when every coordinate is exact (rational or radical).
        enclosure: variable -> (lo, hi), for numeric coordinates: a bracket where the derivative
            changes sign (as evaluated in floating point), or flint's certified isolating
            interval for a polynomial's root; None when exact or when no bracket was found
            (multi-start Newton).
        kind: "minimum", "maximum", "saddle", "neither" (a horizontal inflection),
            "inconclusive" or "unclassified".
        test: the test that decided (`"second-derivative test"`, `"Hessian test"`, ...).
        steps: the reasoning.
        data: numbers behind the verdict (derivative order, Hessian eigenvalues, ...).
    """

    point: dict[Symbol, Value]
    value: Value
    exact: bool
    enclosure: dict[Symbol, tuple[float, float]] | None = None
    kind: str = "unclassified"
    test: str = ""
    steps: Step | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def coords(self) -> tuple[float, ...]:
        """The coordinates as floats, in the order of `point`."""
        return tuple(as_float(v) for v in self.point.values())

    def describe(self) -> str:
        where = ", ".join(f"{s.name} = {show(v)}" for s, v in self.point.items())
        return f"{where}: {self.kind} (f = {show(self.value)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "point": {s.name: to_python(v) for s, v in self.point.items()},
            "approx": {s.name: as_float(v) for s, v in self.point.items()},
            "value": to_python(self.value),
            "exact": self.exact,
            "enclosure": None if self.enclosure is None
            else {s.name: list(b) for s, b in self.enclosure.items()},
            "kind": self.kind,
            "test": self.test,
            "data": {k: _plain(v) for k, v in self.data.items()},
        }


def _plain(v: Any) -> Any:
    if isinstance(v, Expr):
        return to_python(v)
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


class CriticalPoints(list):
    """A list of `CriticalPoint`, with how it was found and whether it is known to be complete.

    `complete` is False when the points come from a numeric search (bracketing on a finite
    interval, or multi-start Newton) that could have missed some.
    """

    def __init__(self, points: list[CriticalPoint], variables: tuple[Symbol, ...],
                 complete: bool, method: str, steps: Step | None = None,
                 derivative: Expr | None = None):  # fmt: skip
        super().__init__(points)
        self.variables = variables
        self.complete = complete
        self.method = method
        self.steps = steps
        self.derivative = derivative

    def as_dict(self) -> dict[str, Any]:
        return {
            "variables": [v.name for v in self.variables],
            "complete": self.complete,
            "method": self.method,
            "points": [p.as_dict() for p in self],
        }


@dataclass(frozen=True)
class Candidate:
    """A point where a global extremum may sit, and why it is a candidate."""

    point: dict[Symbol, Value]
    value: Value
    reason: str  # "critical point", "endpoint", "boundary", "not differentiable"

    def as_dict(self) -> dict[str, Any]:
        return {"point": {s.name: to_python(v) for s, v in self.point.items()},
                "value": to_python(self.value), "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class Extremum:
    """A global minimum or maximum: its value and every point where it is attained."""

    value: Value
    points: tuple[dict[Symbol, Value], ...]

    def describe(self, most: int = 6) -> str:
        where = " and ".join(", ".join(f"{s.name} = {show(v)}" for s, v in p.items())
                             for p in self.points[:most])  # fmt: skip
        more = f" and {len(self.points) - most} more points" if len(self.points) > most else ""
        return f"{show(self.value)} at {where}{more}"

    def as_dict(self) -> dict[str, Any]:
        return {"value": to_python(self.value),
                "points": [{s.name: to_python(v) for s, v in p.items()} for p in self.points]}


@dataclass(frozen=True)
class Extrema:
    """Global extrema of f on a domain.

    `minimum`/`maximum` are None when there is none; `notes` then says why (for instance
    "no global maximum (f → ∞ as x → ∞)").
    """

    f: Expr
    domain: tuple[tuple[float, float], ...]
    minimum: Extremum | None
    maximum: Extremum | None
    candidates: tuple[Candidate, ...]
    critical: CriticalPoints
    notes: tuple[str, ...]
    steps: Step

    def as_dict(self) -> dict[str, Any]:
        return {
            "function": str(self.f),
            "domain": [list(d) for d in self.domain],
            "minimum": None if self.minimum is None else self.minimum.as_dict(),
            "maximum": None if self.maximum is None else self.maximum.as_dict(),
            "candidates": [c.as_dict() for c in self.candidates],
            "critical_points": self.critical.as_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PointReport:
    """Where an optimizer stopped: the nearest critical point and its kind."""

    kind: str  # minimum, maximum, saddle, inconclusive, or "none" when Newton found no point
    sentence: str
    start: tuple[float, ...]
    critical: tuple[float, ...] | None
    distance: float | None
    eigenvalues: tuple[float, ...]
    gradient_norm: float
