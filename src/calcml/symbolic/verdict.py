"""The verdict of a numeric check, from its per-point errors: the points central differences
settle, the points ball arithmetic re-checks (see `rigorous`), and what the result may claim.

A check is never unsure in the wrong direction: only an error proven in ball arithmetic rejects
a result (`Check.rejected`); points nothing can decide leave it unverified, with the reason in
`Check.note`, never refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NEEDED = 3

#: Re-checks one point in ball arithmetic: (agrees, its relative error), or raises Undecidable.
Recheck = Callable[[list[float]], tuple[bool, float]]


@dataclass(frozen=True)
class Check:
    """The outcome of a numeric check: passed, how many points, the worst relative error, why."""

    passed: bool
    points: int
    worst_error: float
    note: str
    #: True only when a point was proven wrong (in ball arithmetic): then the result is wrong,
    #: and calcml must not return it. Not passed and not rejected means undecided.
    rejected: bool = False

    def __bool__(self) -> bool:
        return self.passed


#: A point agrees when its relative error in floats is at most this; the other points of the
#: domain are re-checked in ball arithmetic.
AGREE = 1e-10
#: Ball arithmetic rejects an exact claim whose relative error at a point is proven above this.
PROVEN = 1e-12
#: A point whose floats disagree by more than this (the check's old threshold) is a clear
#: disagreement: if ball arithmetic cannot settle it, the result is left unverified.
CLEAR = 1e-6
#: At most this many points are re-checked in ball arithmetic, for at most `_RECHECK_SECONDS`.
_MAX_RECHECKS = 24
_RECHECK_SECONDS = 3.0


def verdict(errors: Any, points: list[list[float]], recheck: Recheck, how: str) -> Check:
    """The outcome from the per-point errors (NaN: off the domain; inf: no usable step size).

    Points that agree to `AGREE` count at once; the others are re-checked in ball arithmetic,
    which either settles them (agree, or a proven error: the result is rejected) or leaves them
    undecided. Only a proven error rejects; too few settled points, or a clear disagreement that
    stays undecided, leave the result unverified, with the reason in the note.

    >>> settle = lambda point: (True, 0.0)  # a re-check that finds agreement
    >>> verdict([1e-12, 1e-7, 1e-11], [[0.5], [1.0], [1.5]], settle, "floats").note
    'checked by floats at 2 points and in ball arithmetic at 1 more (worst relative error 1.0e-11)'
    >>> c = verdict([1e-12, 1e-12, 0.5], [[0.5], [1.0], [2.0]], lambda p: (False, 0.5), "floats")
    >>> c.rejected, c.note.split(":")[0]
    (True, 'it is wrong at (2)')
    """
    errs = [float(e) for e in errors]
    domain = [k for k, e in enumerate(errs) if not math.isnan(e)]
    settled = [errs[k] for k in domain if errs[k] <= AGREE]
    doubtful = sorted((k for k in domain if errs[k] > AGREE),
                      key=lambda k: (math.isinf(errs[k]), -errs[k]))  # fmt: skip
    found = _recheck_all(doubtful, errs, points, recheck, _Rechecked())
    if found.failed is None and len(settled) + len(found.errors) < NEEDED:
        # too few points in double precision's domain (its floats overflowed, say): try the
        # others in ball arithmetic, which has no overflow
        off = [k for k, e in enumerate(errs) if math.isnan(e)]
        found = _recheck_all(off, errs, points, recheck, found)
    n = len(settled) + len(found.errors)
    if found.failed is not None:
        k, error = found.failed
        where = ", ".join(f"{v:.17g}" for v in points[k])
        note = (f"it is wrong at ({where}): {how} disagree, and ball arithmetic proves a "
                f"relative error of {error:.1e}")  # fmt: skip
        return Check(False, n, error, note, rejected=True)
    worst = max(settled + found.errors, default=math.nan)
    if found.open or n < NEEDED:
        return Check(False, n, worst, _undecided_note(n, found))
    return Check(True, n, worst, f"checked {_where(how, len(settled), len(found.errors))} "
                 f"(worst relative error {worst:.1e})")  # fmt: skip


def _where(how: str, plain: int, balls: int) -> str:
    """'by central differences at 20 points and in ball arithmetic at 4 more', or either part."""
    if not balls:
        return f"by {how} at {plain} points"
    if not plain:
        return f"in ball arithmetic at {balls} points"
    return f"by {how} at {plain} points and in ball arithmetic at {balls} more"


@dataclass
class _Rechecked:
    """What ball arithmetic made of the doubtful points."""

    errors: list[float] = field(default_factory=list)  # of the points it settled as agreeing
    failed: tuple[int, float] | None = None  # a point with a proven error, and that error
    open: int = 0  # clear disagreements (over `CLEAR`) it could not settle
    reasons: list[str] = field(default_factory=list)
    tried: int = 0
    started: float = field(default_factory=time.perf_counter)


def _recheck_all(doubtful: list[int], errs: list[float], points: list[list[float]],
                 recheck: Recheck, out: _Rechecked) -> _Rechecked:  # fmt: skip
    """Re-check the doubtful points in order until one fails or the budget runs out, adding to
    what `out` holds."""
    from calcml.symbolic.rigorous import Undecidable

    deadline = out.started + _RECHECK_SECONDS
    for k in doubtful:
        clear = CLEAR < errs[k] < math.inf
        out.tried += 1
        if out.tried > _MAX_RECHECKS or time.perf_counter() > deadline:
            out.open += clear
            _note_reason(out, "no time left to re-check it")
            continue
        try:
            agree, error = recheck(points[k])
        except Undecidable as exc:
            out.open += clear
            _note_reason(out, str(exc))
            continue
        if not agree:
            out.failed = (k, error)
            return out
        out.errors.append(error)
    return out


def _note_reason(out: _Rechecked, reason: str) -> None:
    if reason not in out.reasons:
        out.reasons.append(reason)


def _undecided_note(n: int, found: _Rechecked) -> str:
    """Why a check could not decide: too few settled points, or disagreements left open."""
    why = f" ({'; '.join(found.reasons)})" if found.reasons else ""
    if found.open:
        return (f"at {found.open} points central differences disagree and ball arithmetic "
                f"could not settle them{why}; {n} points agree")  # fmt: skip
    return f"could not check: only {n} sampled points could be decided, {NEEDED} are needed{why}"
