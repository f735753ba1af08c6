"""Optimal values: critical points, the second-derivative and Hessian tests, extrema on a domain.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> r = extrema(x**3 - 3*x, on=(-2, 3))
>>> r.maximum.describe(), r.minimum.describe()
('18 at x = 3', '-2 at x = -2 and x = 1')
"""

from calcml.symbolic.extrema.bridge import classify_point
from calcml.symbolic.extrema.critical import critical_points
from calcml.symbolic.extrema.domain import extrema
from calcml.symbolic.extrema.records import (
    Candidate,
    CriticalPoint,
    CriticalPoints,
    Extrema,
    Extremum,
    PointReport,
)

__all__ = [
    "Candidate",
    "CriticalPoint",
    "CriticalPoints",
    "Extrema",
    "Extremum",
    "PointReport",
    "classify_point",
    "critical_points",
    "extrema",
]
