"""Every failure as an HTTP status and a one-line JSON error; never a traceback or a server path.

| status | when |
|--------|------|
| 400 | bad input: a parse error (with its `column`), a value outside the domain, a named limit |
| 404 | no such report or page |
| 413 | request body over 64 kB |
| 414 | query string over 8 kB |
| 421 | Host header not on the allowlist (DNS rebinding); 400 when it is missing |
| 403 | a cross-origin request |
| 422 | the mathematics has no answer calcml can give (no closed form), or calcml could not confirm
|     | its own answer for this input, so it gives none |
| 503 | the lane's queue is full (with Retry-After) |
| 504 | the computation ran past the time limit; its worker was killed |
| 507 | the computation ran past the memory limit |
| 500 | a bug in calcml: logged with its traceback on the server, a generic message to the client |
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path
from typing import Any

from calcml.core.errors import (
    BudgetExceeded,
    CalcmlError,
    LimitError,
    NoClosedFormError,
    ParseError,
    VerificationError,
)

MAX_MESSAGE = 300
INTERNAL_MESSAGE = "internal error in calcml; the server log has the details"

#: directories whose names must never reach a client
_PRIVATE_DIRS = sorted({str(Path(__file__).parents[3]), sys.prefix, sys.base_prefix,
                        str(Path.home())} - {"/", ""}, key=len, reverse=True)  # fmt: skip
#: an absolute path that starts a word (so `1/x/y` is maths, not a path)
_PATH = re.compile(r"(?<![\w)\]}.])/(?:[\w.~-]+/)+[\w.~-]*")


def one_line(message: str) -> str:
    """A message fit for a client: its first line, no server paths, at most 300 characters.

    >>> one_line("bad token at column 3\\nTraceback ...")
    'bad token at column 3'
    >>> one_line("cannot open /etc/passwd here; 1/x/y is fine")
    'cannot open … here; 1/x/y is fine'
    """
    first = message.strip().splitlines()[0] if message.strip() else ""
    for private in _PRIVATE_DIRS:
        first = first.replace(private, "…")
    first = _PATH.sub("…", first)
    return first if len(first) <= MAX_MESSAGE else first[: MAX_MESSAGE - 1] + "…"


def classify(exc: BaseException, memory_mib: int) -> tuple[int, dict[str, Any], str | None]:
    """(status, JSON body, text for the server log or None) for an exception a report raised.

    >>> from calcml.core.errors import ParseError
    >>> classify(ParseError("unexpected ')'", column=4), 1024)[:2]
    (400, {'error': "unexpected ')'", 'column': 4})
    """
    message = one_line(str(exc)) or type(exc).__name__
    if isinstance(exc, ParseError):
        body: dict[str, Any] = {"error": message}
        if exc.column is not None:
            body["column"] = exc.column
        return 400, body, None
    if isinstance(exc, LimitError):
        return 400, {"error": message, "limit": exc.limit}, None
    if isinstance(exc, NoClosedFormError):
        return 422, {"error": message}, None
    if isinstance(exc, VerificationError):
        body = {"error": "calcml could not confirm its own answer for this input, so it gives "
                         f"none ({message})"}  # fmt: skip
        return 422, body, _trace(exc)
    if isinstance(exc, BudgetExceeded):
        return 504, {"error": f"time limit: {message}", "limit": "time"}, None
    if isinstance(exc, CalcmlError | ValueError | ArithmeticError):
        return 400, {"error": message}, None
    if isinstance(exc, RecursionError):
        return 400, {"error": "expression nested too deeply"}, None
    if isinstance(exc, MemoryError):
        return memory_error(memory_mib)[0], memory_error(memory_mib)[1], None
    return 500, {"error": INTERNAL_MESSAGE}, _trace(exc)


def memory_error(memory_mib: int, died: bool = False) -> tuple[int, dict[str, Any]]:
    """507 naming the memory limit; `died` when the worker stopped instead of raising."""
    if died:
        text = (f"memory limit: the worker stopped, most likely past its limit of "
                f"{memory_mib} MiB")  # fmt: skip
    else:
        text = f"memory limit: the computation needed more than {memory_mib} MiB"
    return 507, {"error": text, "limit": "memory", "mib": memory_mib}


def time_error(seconds: float) -> tuple[int, dict[str, Any]]:
    """504 naming the time limit."""
    text = f"time limit: the computation ran past {seconds:g} s and its worker was stopped"
    return 504, {"error": text, "limit": "time", "seconds": seconds}


def busy_error(lane: str) -> tuple[int, dict[str, Any]]:
    """503: the lane is full; the client should retry."""
    text = f"busy: every {lane} worker is taken and the queue is full; retry shortly"
    return 503, {"error": text, "lane": lane}


def _trace(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
