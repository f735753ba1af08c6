"""Late binding: how a lower module of the core uses behaviour that a higher module defines.

The core's modules import one way, lowest first (see the package docstring). A few things a
lower module needs are defined higher up: `str(expr)` needs the printers, `x + y` needs the
canonical sum, `power(E, u)` needs the registry's `exp` record. The lower module declares each
such name as a module-level *slot*, a stand-in made by `unbound`, and offers one `bind_late`
function made by `binder`; the higher module calls it once, at its own import, with the real
functions. The slots are plain module globals, so a method reads them at the speed of any
global (the arithmetic operators are on hot paths). `calcml.core` imports every higher module,
so by the time any user code runs, every slot is bound.

>>> ns = {"greet": unbound("greet")}
>>> bind_late = binder(ns, ("greet",))
>>> bind_late(greet=lambda: "hello")
>>> ns["greet"]()
'hello'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def unbound(name: str) -> Any:
    """The stand-in of slot `name` until a higher module binds it: calling it says what is
    missing instead of failing somewhere deep with a `None`."""

    def missing(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"{name} is not bound yet: import calcml.core, which loads every layer")

    missing.__name__ = f"unbound_{name}"
    return missing


def binder(namespace: dict[str, Any], names: Iterable[str]) -> Callable[..., None]:
    """The `bind_late` of a module: it sets the declared slots `names` in `namespace` (the
    module's `globals()`), and refuses any other name so that a typo cannot pass silently."""
    declared = frozenset(names)

    def bind_late(**impls: Any) -> None:
        unknown = impls.keys() - declared
        if unknown:
            raise TypeError(f"not a late-bound slot here: {', '.join(sorted(unknown))}")
        namespace.update(impls)

    return bind_late
