"""How every command speaks: rich text for people, one JSON object for scripts, one-line errors.

Exit codes: 0 success, 1 the mathematics has no answer (no closed form, divergent), 2 bad input,
3 calcml's own check proved its result wrong (a bug in calcml: please report it), 70 any
other internal error (the message asks for a report; CALCML_DEBUG=1 re-raises).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from calcml.core.errors import CalcmlError, NoClosedFormError, VerificationError

EXIT_NO_ANSWER = 1
EXIT_BAD_INPUT = 2
EXIT_SELF_CHECK = 3
EXIT_INTERNAL = 70


class _Console:
    """rich's console, imported on first need: plain lines (`markup=False`, which is what rich
    would print unchanged with highlighting off and soft wrapping on) go straight out, so a cold
    `calcml diff` does not pay ~40 ms for importing rich; styled text and panels go to rich."""

    def __init__(self) -> None:
        self._rich: Any = None

    def print(self, *objects: Any, markup: bool = True, end: str = "\n", **kwargs: Any) -> None:
        plain = not objects or not markup
        if plain and not kwargs and all(isinstance(o, str) for o in objects):
            click.echo(" ".join(objects) + end, nl=False)
            return
        self.rich.print(*objects, markup=markup, end=end, **kwargs)

    @property
    def rich(self) -> Any:
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(highlight=False, soft_wrap=True)
        return self._rich


console = _Console()


def emit_json(payload: dict[str, Any]) -> None:
    """Print one JSON object (NaN and infinities written as strings, not invalid tokens)."""
    click.echo(json.dumps(jsonable(payload), ensure_ascii=False))


def jsonable(value: Any) -> Any:
    """The payload with NaN and infinities as strings, so it is strict JSON; shared by `--json`
    output and the web workers, which must send the very same cleaning."""
    if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def emit_report(name: str, **params: Any) -> None:
    """Print the JSON of report `name` (the web API's `/api/NAME`) for the given options.

    Options left unset (None, False) are left out; the rest are passed as text, as the web sends.
    """
    from calcml.interfaces.reports import REPORTS

    text = {k: "1" if v is True else str(v) for k, v in params.items() if v not in (None, False)}
    emit_json(REPORTS[name].build(text))


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """One line on stderr and the exit code; never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn calcml's errors into one-line messages and the right exit code."""
    try:
        yield
    except click.exceptions.ClickException:
        raise  # click's own usage errors already print one line and exit 2
    except NoClosedFormError as exc:
        fail(str(exc), EXIT_NO_ANSWER)
    except VerificationError as exc:  # not the input's fault: calcml computed a wrong result
        fail(f"calcml's own check failed, please report it: {exc}", EXIT_SELF_CHECK)
    except (CalcmlError, ValueError, ArithmeticError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, EXIT_BAD_INPUT)
    except BrokenPipeError:  # the reader stopped early (`calcml ... | head`): not an error
        sys.stderr.close()
        os._exit(0)
    except RecursionError:
        fail("expression nested too deeply", EXIT_BAD_INPUT)
    except MemoryError:
        fail("expression too large for memory", EXIT_BAD_INPUT)
    except Exception as exc:
        if os.environ.get("CALCML_DEBUG"):
            raise
        fail(f"internal error, please report it ({type(exc).__name__}: {exc}); "
             "set CALCML_DEBUG=1 for the traceback", EXIT_INTERNAL)  # fmt: skip


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator form of `user_errors` for click commands."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with user_errors():
            return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def parse_point(text: str) -> list[float]:
    """`-1.5,2` -> [-1.5, 2.0], with a clear error."""
    try:
        return [float(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of numbers") from None
