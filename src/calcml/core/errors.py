"""The exceptions calcml raises for its users: each one says what went wrong and where."""

from __future__ import annotations


class CalcmlError(Exception):
    """Base class of every error calcml raises on purpose."""


class ParseError(CalcmlError, ValueError):
    """Text that is not an expression; carries the 1-based column and what was expected."""

    def __init__(self, message: str, column: int | None = None, expected: str | None = None):
        self.column = column
        self.expected = expected
        super().__init__(message)


class LimitError(CalcmlError, ValueError):
    """Work or input past one of the named limits in `calcml.core.limits`."""

    def __init__(self, message: str, limit: str):
        self.limit = limit
        super().__init__(message)


class DomainError(CalcmlError, ValueError):
    """A value outside where the mathematics is defined (division by zero, log of a negative)."""


class VerificationError(CalcmlError):
    """A computed result failed its independent check; this is a bug in calcml, please report it."""


class NoClosedFormError(CalcmlError):
    """The mathematics has no answer calcml can give in closed form (for example an integral)."""


class BudgetExceeded(CalcmlError):
    """A computation ran out of its time budget."""

    def __init__(self, message: str, seconds: float):
        self.seconds = seconds
        super().__init__(message)
