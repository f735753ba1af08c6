"""The lark transformer that builds canonical expressions as the grammar reduces."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from calcml.core.errors import LimitError, ParseError
from calcml.core.evaluate import substitute
from calcml.core.expr import MINUS_ONE, PI, E, Expr, Number, add, apply, mul, number, power, symbol
from calcml.core.limits import MAX_INTEGER_BITS, MAX_NESTING_DEPTH
from calcml.core.registry import ABS
from calcml.symbolic.parse.lexer import Token, limit_depth
from calcml.symbolic.parse.names import FUNCTIONS, INVERSES, function_key

# --- the grammar and the nodes it builds ---------------------------------------------------------


class _Sum:
    """Terms of a sum being read: one `add` at the end keeps a long sum linear."""

    __slots__ = ("depth", "items")

    def __init__(self, first: Expr, depth: int):
        self.items, self.depth = [first], depth


class _Product(_Sum):
    """Factors of a product being read; one `mul` at the end."""

    __slots__ = ()


class _Exponent:
    """The power written on a function name: `sin^2`, `sin²`, `sin^{-1}`."""

    __slots__ = ("value",)

    def __init__(self, value: Expr):
        self.value = value


Value = tuple[Expr, int]  # a finished expression and its nesting depth


def _done(v: Any) -> Value:
    if isinstance(v, _Product):
        return mul(*v.items), v.depth
    if isinstance(v, _Sum):
        return add(*v.items), v.depth
    return v


def _open_product(v: Any) -> _Product:
    return v if type(v) is _Product else _Product(*_done(v))


def _factors(v: Any) -> tuple[list[Expr], int]:
    """The factors of a product still being read, or the one finished expression."""
    if type(v) is _Product:
        return v.items, v.depth
    e, d = _done(v)
    return [e], d


def _nest(e: Expr, depth: int) -> Value:
    """One level deeper; the depth of what is built stays within MAX_NESTING_DEPTH."""
    if depth >= MAX_NESTING_DEPTH:
        raise limit_depth(None)
    return e, depth + 1


def _power(base: Expr, exp: Expr) -> Expr:
    """`power`, after `_check_power` when both are numbers."""
    if isinstance(base, Number) and isinstance(exp, Number):
        _check_power(base.value, exp.value)
    return power(base, exp)


def _check_power(b: Any, e: Any) -> None:
    """Refuse, with a message that stays short, number powers the core cannot finish well.

    Past MAX_INTEGER_BITS the core raises a LimitError whose message prints b and e, which
    Python refuses for integers of 4300 digits and more (`2^2^2^2^2^2`); and it searches for an
    exact root of index q by trying 2^q, which never ends for q = 10^12.
    """
    if b in (0, 1, -1) or e in (0, 1):
        return
    if isinstance(b, float) or isinstance(e, float):
        exact = e if isinstance(b, float) else b
        if not isinstance(exact, float) and _bits(exact) > 1100:
            raise LimitError(f"{_short(exact)} is too large for a float", "float range")
        return
    if isinstance(e, Fraction) and e.denominator > MAX_INTEGER_BITS:
        raise LimitError(f"the root index {_short(e.denominator)} is larger than "
                         f"{MAX_INTEGER_BITS:,} (MAX_INTEGER_BITS)",
                         "MAX_INTEGER_BITS")  # fmt: skip
    if isinstance(e, int) and abs(e) * max(_bits(b), 1) > MAX_INTEGER_BITS:
        raise LimitError(f"{_short(b)}^{_short(e)} would have more than {MAX_INTEGER_BITS:,} "
                         "bits (MAX_INTEGER_BITS)", "MAX_INTEGER_BITS")  # fmt: skip


def _bits(v: int | Fraction) -> int:
    f = Fraction(v)
    return max(abs(f.numerator).bit_length(), f.denominator.bit_length())


def _short(v: int | Fraction) -> str:
    """A number as text, or its size where the digits would be too many to read."""
    return str(v) if _bits(v) <= 64 else f"(a number of about {int(_bits(v) * 0.30103):,} digits)"


class Build:
    """Grammar callbacks: each rule's node, built while lark reduces (no tree, no recursion)."""

    def start(self, c: list) -> Expr:
        return _done(c[0])[0]

    def number(self, c: list) -> Value:
        return number(c[0].value), 0

    def name(self, c: list) -> Value:
        return symbol(c[0].value), 0

    def const(self, c: list) -> Value:
        return (PI if c[0].value == "pi" else E), 0

    def group(self, c: list) -> Any:
        """Brackets keep a product open, so `x/(2*(x + y))` divides by each factor."""
        return c[0]

    def abs_bars(self, c: list) -> Value:
        e, d = _done(c[0])
        return _nest(apply(ABS, e), d)

    def add(self, c: list) -> _Sum:
        return self._sum(c[0], _done(c[1]))

    def sub(self, c: list) -> _Sum:
        e, d = _done(c[1])
        return self._sum(c[0], (mul(MINUS_ONE, e), d))

    def mul(self, c: list) -> _Product:
        return self._product(c[0], _done(c[1]))

    implicit = mul

    def div(self, c: list) -> _Product:
        """`a/(b*c)` divides by b and by c: a product in brackets stays open (see `group`)."""
        acc = _open_product(c[0])
        factors, depth = _factors(c[1])
        acc.items.extend(_power(f, MINUS_ONE) for f in factors)
        acc.depth = max(acc.depth, depth)
        return acc

    @staticmethod
    def _sum(left: Any, right: Value) -> _Sum:
        acc = left if type(left) is _Sum else _Sum(*_done(left))
        acc.items.append(right[0])
        acc.depth = max(acc.depth, right[1])
        return acc

    @staticmethod
    def _product(left: Any, right: Value) -> _Product:
        acc = _open_product(left)
        acc.items.append(right[0])
        acc.depth = max(acc.depth, right[1])
        return acc

    def neg(self, c: list) -> _Product:
        """`-a` is the factor -1 in a product left open, so `-(x + y)/x` keeps x + y whole."""
        acc = _open_product(c[0])
        acc.items.append(MINUS_ONE)
        acc.depth = _nest(MINUS_ONE, acc.depth)[1]
        return acc

    def pos(self, c: list) -> Value:
        return _nest(*_done(c[0]))

    def pow(self, c: list) -> Value:
        (b, db), (x, dx) = _done(c[0]), _done(c[1])
        return _nest(_power(b, x), max(db, dx))

    def sup(self, c: list) -> Value:
        b, d = _done(c[0])
        return _nest(_power(b, number(c[1].value)), d)

    def root(self, c: list) -> Value:
        index = c[0].value if isinstance(c[0].value, int) else 2
        e, d = _done(c[1])
        return _nest(_power(e, number(Fraction(1, index))), d)

    def nth_root(self, c: list) -> Value:
        (n, dn), (e, de) = _done(c[1]), _done(c[2])
        return _nest(_power(e, _power(n, MINUS_ONE)), max(dn, de))

    def frac(self, c: list) -> Value:
        (top, dt), (bottom, db) = _factors(c[1]), _factors(c[2])
        return mul(*top, *(_power(f, MINUS_ONE) for f in bottom)), max(dt, db)

    def fpow(self, c: list) -> _Exponent:
        item = c[0]
        return _Exponent(number(item.value) if isinstance(item, Token) else _done(item)[0])

    def fpow_neg(self, c: list) -> _Exponent:
        return _Exponent(number(-c[0].value))

    def args(self, c: list) -> list[Value]:
        return [_done(v) for v in c]

    def call(self, c: list) -> Value:
        exponent = c[1].value if isinstance(c[1], _Exponent) else None
        return _call(c[0], exponent, c[-1])

    def call_bare(self, c: list) -> Value:
        exponent = c[1].value if isinstance(c[1], _Exponent) else None
        return _call(c[0], exponent, [_done(c[-1])])

    def evaluate_at(self, c: list) -> Value:
        """`\\left. f \\right|_{x=a}`: f with a put for x."""
        (body, db), (at, da) = _done(c[0]), _done(c[2])
        return substitute(body, {symbol(c[1].value): at}), max(db, da)


def _call(func: Token, exponent: Expr | None, args: list[Value]) -> Value:
    key: str = func.value
    if key.startswith("log_"):  # \log_b
        base = key[4:]
        if base in ("2", "10"):  # \log_2 and \log_{10}: the printer's forms of log2, log10
            key = "log" + base
        else:
            key, args = "log", [*args, (number(int(base)) if base.isdigit() else symbol(base), 0)]
    elif key not in FUNCTIONS:  # ψₙ of an order not yet made (polygamma12)
        key = function_key(key) or key
    low, high, build = FUNCTIONS[key]
    if not low <= len(args) <= high:
        count = str(low) if low == high else f"{low} or {high}"
        symbol_too = "; for the symbol β times a bracket, write beta*(…)" if key == "beta" else ""
        raise ParseError(f"'{key}' at column {func.column} takes {count} argument"
                         f"{'s' if high > 1 else ''}, not {len(args)}{symbol_too}",
                         func.column)  # fmt: skip
    if exponent is MINUS_ONE:
        if key not in INVERSES:
            raise ParseError(f"'{key}^-1' at column {func.column}: calcml has no inverse of "
                             f"{key}; write 1/{key}(x) for the reciprocal",
                             func.column)  # fmt: skip
        build, exponent = FUNCTIONS[INVERSES[key]][2], None
    value = build([a for a, _ in args])
    if exponent is not None:
        value = _power(value, exponent)
    return _nest(value, max(d for _, d in args))
