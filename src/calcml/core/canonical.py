"""Canonical construction: sums, products, powers and function nodes in a light canonical form.

Canonical form on construction is deliberately light: flatten and sort sums and products, fold
numbers, merge like terms and equal bases, `x^0 -> 1`, `x*1 -> x`. Anything costly (expansion,
factoring, identities) is an explicit `simplify` step. `mul` and `add` are the hottest loops in
calcml: each has a fast path for the common case (no like terms, no equal bases) and falls back
to a merging path only when it meets one.

`power` needs two records of the registry (`exp` for `E^u`, `abs` for `(x^2)^(1/2)`); the
registry binds them here at its import (see `late`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

from calcml.core import late, nodes
from calcml.core.errors import DomainError, LimitError
from calcml.core.limits import MAX_INTEGER_BITS
from calcml.core.nodes import (
    ONE,
    ZERO,
    Add,
    Apply,
    E,
    Exact,
    Expr,
    Mul,
    Number,
    Pow,
    Real,
    as_expr,
    lookup,
    number,
    sort_key,
)
from calcml.core.surds import int_root, surd


class Record(Protocol):
    """What `apply` reads of a primitive's record (`registry_base.Primitive`, a layer above)."""

    @property
    def name(self) -> str: ...
    @property
    def impl(self) -> Callable[[Any], Any]: ...
    @property
    def simplify(self) -> Callable[[Expr], Expr | None] | None: ...

# --- late-bound slots (see `late`): set by `registry_elementary`, which defines the records ----
EXP: Record = late.unbound("EXP")
ABS: Record = late.unbound("ABS")
bind_late = late.binder(globals(), ("EXP", "ABS"))


def _compound_key(rank: int, args: tuple[Expr, ...]) -> tuple:
    return sort_key((rank, tuple(a.key for a in args)))


# --- sums --------------------------------------------------------------------------------------


def _like(term: Expr) -> tuple[Real, tuple[Expr, ...]]:
    """`3*x*y -> (3, (x, y))`: the coefficient and the factors that make terms alike.

    The factors stay a tuple (hashed by the identity of its nodes): most terms of a sum meet no
    like term, and their rest node would be built only to be thrown away.
    """
    if term.__class__ is Mul:
        args = term.args
        if args[0].__class__ is Number:
            return args[0].value, args[1:]  # type: ignore[attr-defined]
        return 1, args
    return 1, (term,)


def _product_of(factors: tuple[Expr, ...]) -> Expr:
    return factors[0] if len(factors) == 1 else _compound(Mul, 6, factors)


def _scaled(coeff: Real, rest: Expr) -> Expr:
    if coeff == 1 and not isinstance(coeff, float):
        return rest
    return mul(number(coeff), rest)


def add(*terms: Any) -> Expr:
    """The canonical sum of `terms`: flattened, like terms merged, sorted."""
    try:
        return _add(terms)
    except OverflowError:
        raise LimitError("a number in this sum is too large for a float", "float range") from None


def _add(terms: tuple) -> Expr:
    total: Real = 0
    distinct: dict[tuple[Expr, ...], Expr] = {}  # the factors that make terms alike -> term
    for term in terms:
        if not isinstance(term, Expr):
            term = as_expr(term)
        for part in term.args if term.__class__ is Add else (term,):
            kind = part.__class__
            if kind is Number:
                total += part.key[1]  # its value
                continue
            if kind is Mul:
                args = part.args
                like = args[1:] if args[0].__class__ is Number else args
            else:
                like = (part,)
            if like in distinct:  # like terms to merge: the general path
                return _add_merging(terms)
            distinct[like] = part
    return _sum_node(total, list(distinct.values()))


def _sum_node(total: Real, out: list[Expr]) -> Expr:
    """The sum of the number `total` and the pairwise unlike terms `out`."""
    if total != 0:
        out.append(number(total))
    if not out:
        return number(total)
    if len(out) == 1:
        return out[0]
    out.sort(key=_key)
    return _compound(Add, 5, tuple(out))


def _add_merging(terms: tuple) -> Expr:
    """`_add` where some terms are alike: their coefficients are added."""
    total: Real = 0
    coeffs: dict[tuple[Expr, ...], Real] = {}
    original: dict[tuple[Expr, ...], Expr | None] = {}  # the term as given, while unmerged
    for term in terms:
        if not isinstance(term, Expr):
            term = as_expr(term)
        for part in term.args if term.__class__ is Add else (term,):
            if part.__class__ is Number:
                total += part.value  # type: ignore[attr-defined]
                continue
            c, like = _like(part)
            if like in coeffs:
                coeffs[like] += c
                original[like] = None
            else:
                coeffs[like] = c
                original[like] = part
    out = [original[like] or _scaled(c, _product_of(like)) for like, c in coeffs.items() if c != 0]
    if any(isinstance(t, Add | Number) for t in out):  # a scaled sum distributed: merge again
        return add(number(total), *out)
    return _sum_node(total, out)


def _compound(cls: type, rank: int, args: tuple[Expr, ...]) -> Any:
    """The interned sum or product of sorted `args`; its key is built only when it is new."""
    ident = (cls, *args)
    found = lookup(ident)
    return found if found is not None else cls._intern(ident, args, _compound_key(rank, args))


_key = operator.attrgetter("key")  # the sort key of sums and products (a C call, not Python)


# --- products ----------------------------------------------------------------------------------


def mul(*factors: Any) -> Expr:
    """The canonical product: flattened, numbers folded, equal bases merged, sorted.

    A number times a single sum is distributed (`2*(x+1) -> 2*x + 2`) so like terms can meet.
    """
    try:
        return _mul(factors)
    except OverflowError:
        raise LimitError("a number in this product is too large for a float",
                         "float range") from None  # fmt: skip


def _mul(factors: tuple) -> Expr:
    coeff: Real = 1
    numeric: list[Expr] = []  # the number factors, so a lone one is reused rather than rebuilt
    single: dict[Expr, Expr] = {}  # base -> the factor as given
    for factor in factors:  # class tests, not isinstance: this loop is the hottest in calcml
        if not isinstance(factor, Expr):
            factor = as_expr(factor)
        parts = factor.args if factor.__class__ is Mul else (factor,)
        for part in parts:
            kind = part.__class__
            if kind is Number:
                coeff *= part.key[1]  # its value
                numeric.append(part)
                continue
            base = part.args[0] if kind is Pow else part
            if base in single:  # equal bases to merge: the general path
                return _mul_merging(factors)
            single[base] = part
    if coeff == 0:
        return number(coeff)
    out = list(single.values())
    if not out:
        return number(coeff)
    return _product_node(coeff, numeric, out)


def product_of_distinct(coeff: Real, factors: list[Expr]) -> Expr:
    """The canonical `coeff * factors` for non-number factors whose bases are pairwise distinct
    (the factors of a canonical product, one of them replaced by another power of its base):
    the product without `mul`'s search for equal bases."""
    if not factors:
        return number(coeff)
    return _product_node(coeff, [], factors)


def _product_node(coeff: Real, numeric: list[Expr], out: list[Expr]) -> Expr:
    """The product of `coeff` (its number nodes in `numeric`) and the distinct-base `out`."""
    if len(out) == 1 and out[0].__class__ is Add and coeff != 1:
        return add(*(mul(number(coeff), t) for t in out[0].args))
    out.sort(key=_key)
    if coeff != 1 or isinstance(coeff, float):
        out.insert(0, numeric[0] if len(numeric) == 1 else number(coeff))
    if len(out) == 1:
        return out[0]
    return _compound(Mul, 6, tuple(out))


def _mul_merging(factors: tuple) -> Expr:
    """`_mul` where some bases occur more than once: their exponents are added."""
    coeff: Real = 1
    exponents: dict[Expr, list[Expr]] = {}
    single: dict[Expr, Expr] = {}  # the factor as given, when its base occurs once
    for factor in factors:
        if not isinstance(factor, Expr):
            factor = as_expr(factor)
        for part in factor.args if factor.__class__ is Mul else (factor,):
            if part.__class__ is Number:
                coeff *= part.key[1]
                continue
            base, exp = part.args if part.__class__ is Pow else (part, ONE)
            exponents.setdefault(base, []).append(exp)
            single[base] = part
    if coeff == 0:
        return number(coeff)
    merged = _merge_powers(coeff, exponents, single)
    if isinstance(merged, Expr):
        return merged
    coeff, out = merged
    if not out:
        return number(coeff)
    return _product_node(coeff, [], out)


def _merge_powers(coeff: Real, exponents: dict[Expr, list[Expr]],
                  single: dict[Expr, Expr]) -> Expr | tuple[Real, list[Expr]]:  # fmt: skip
    """Equal bases of a product combined (`x^2·x^3 = x^5`): the new coefficient and factors,
    or the finished product when a merged power turned into a product."""
    out: list[Expr] = []
    for base, exps in exponents.items():
        if len(exps) == 1:
            merged = single[base]
        elif all(e.__class__ is Number for e in exps):
            merged = power(base, number(sum(e.value for e in exps)))  # type: ignore[attr-defined]
        else:
            merged = power(base, add(*exps))
        if isinstance(merged, Number):
            coeff *= merged.value
        elif isinstance(merged, Mul):  # e.g. (x*y)^(1/2) * (x*y)^(1/2) = x*y
            return mul(number(coeff), *out, merged, *_rest(exponents, base))
        elif merged is not ONE:
            out.append(merged)
    if coeff == 0:
        return number(coeff)
    return coeff, out


def _rest(exponents: dict[Expr, list[Expr]], after: Expr) -> list[Expr]:
    keys = list(exponents)
    tail = keys[keys.index(after) + 1 :]
    return [power(b, add(*exponents[b])) for b in tail]


# --- powers ------------------------------------------------------------------------------------


def power(base: Any, exp: Any) -> Expr:
    """The canonical power `base ** exp` (real-valued: `(x^2)^(1/2) = |x|`)."""
    base, exp = as_expr(base), as_expr(exp)
    if exp is ZERO:
        return ONE
    if exp is ONE:
        return base
    if base is ONE:
        return ONE
    if base is E:
        return apply(EXP, exp)
    if isinstance(base, Number) and isinstance(exp, Number):
        folded = _fold_power(base.value, exp.value)
        if folded is not None:
            return folded
        tidy = _surd_node(base, exp)
        if tidy is not None:
            return tidy
    if isinstance(exp, Number) and isinstance(exp.value, int):
        if isinstance(base, Pow):
            return power(base.args[0], mul(base.args[1], exp))
        if isinstance(base, Mul):
            return mul(*(power(f, exp) for f in base.args))
        if exp.value % 2 == 0 and isinstance(base, Apply) and base.prim.name == "abs":
            return power(base.args[0], exp)
    if isinstance(base, Pow) and _is_even_integer(base.args[1]):
        return power(apply(ABS, base.args[0]), mul(base.args[1], exp))
    base_key = base.key[1] if base.key[0] == 1 and not isinstance(base, Pow) else (3, base.key)
    return Pow._intern((Pow, base, exp), (base, exp), (1, base_key, exp.key))


def _pow_node(base: Expr, exp: Expr) -> Expr:
    """The power node itself, with no canonical rewriting (for `_surd_node`)."""
    base_key = base.key[1] if base.key[0] == 1 and not isinstance(base, Pow) else (3, base.key)
    return Pow._intern((Pow, base, exp), (base, exp), (1, base_key, exp.key))


def _surd_node(base: Number, exp: Number) -> Expr | None:
    """A positive rational to a fractional power as `c·s^f` (see `surds`): `8^(1/4) = 2^(3/4)`,
    `1/√2 = √2/2`; None when `base^exp` is already in that form or not a real surd."""
    found = surd(Fraction(base.value), Fraction(exp.value))
    if found is None:
        return None
    c, s, f = found
    if c == 1 and s == base.value and f == exp.value:
        return None
    root = ONE if s == 1 else _pow_node(number(s), number(f))
    return mul(number(c), root)


def _is_even_integer(e: Expr) -> bool:
    return isinstance(e, Number) and isinstance(e.value, int) and e.value % 2 == 0


def _fold_power(b: Real, e: Real) -> Expr | None:
    """Exact powers of numbers where they are exact; None to keep `b^e` symbolic."""
    if isinstance(b, float) or isinstance(e, float):
        if b < 0 and not float(e).is_integer():
            raise DomainError(f"{b}^{e} is not a real number")
        if b == 0 and e < 0:
            raise DomainError("division by zero")
        try:
            return number(float(b) ** float(e))
        except OverflowError:
            raise LimitError(f"{b}^{e} overflows a float", "float range") from None
    if b == 0:
        if e < 0:
            raise DomainError("division by zero")
        return number(0)
    if isinstance(e, int):
        bits = abs(e) * max(_bit_length(b), 1)
        if bits > MAX_INTEGER_BITS and abs(b) != 1:
            raise LimitError(
                f"{_short(b)}^{_short(e)} would have about {_short(bits)} bits; the limit is "
                f"{MAX_INTEGER_BITS:,} (MAX_INTEGER_BITS)",
                "MAX_INTEGER_BITS",
            )
        return number(Fraction(b) ** e)
    root = _exact_root(Fraction(b), e)
    return None if root is None else number(root)


def _short(n: Exact) -> str:
    """A number for an error message: huge integers by their digit count."""
    if isinstance(n, int) and n.bit_length() > 200:
        return f"(a {len(str(abs(n) >> (n.bit_length() - 200)))}+-digit-head number of about " \
               f"{int(n.bit_length() * 0.30103):,} digits)"  # fmt: skip
    return f"{n:,}" if isinstance(n, int) else str(n)


def _bit_length(b: Exact) -> int:
    f = Fraction(b)
    return max(abs(f.numerator).bit_length(), f.denominator.bit_length())


def _exact_root(b: Fraction, e: Fraction) -> Fraction | None:
    """`b^(p/q)` when it is rational and b > 0; None otherwise."""
    if b < 0:
        return None
    q = e.denominator
    if q > max(b.numerator.bit_length(), b.denominator.bit_length(), 1):
        return None  # a root index beyond the bit length: only 0 and 1 have exact roots
    num, den = int_root(b.numerator, q), int_root(b.denominator, q)
    if num is None or den is None:
        return None
    return _fold_power_value(Fraction(num, den), e.numerator)


def _fold_power_value(b: Fraction, p: int) -> Fraction | None:
    if abs(p) * max(_bit_length(b), 1) > MAX_INTEGER_BITS:
        return None
    return b**p


# --- functions ---------------------------------------------------------------------------------


def apply(prim: Record, arg: Any) -> Expr:
    """`prim(arg)` in canonical form: exact values where the record knows them, floats folded."""
    arg = as_expr(arg)
    if isinstance(arg, Number) and not arg.is_exact:
        with _numpy_errors():
            value = float(prim.impl(arg.value))
        if not math.isfinite(value):
            raise DomainError(f"{prim.name}({arg.value}) is not defined")
        return number(value)
    if prim.simplify is not None:
        simple = prim.simplify(arg)
        if simple is not None:
            return simple
    height = arg.key[1][2] + 1 if isinstance(arg, Apply) else 1  # deep chains compare in O(1)
    own = (4, prim.name, height, arg.key)
    node = Apply._intern((Apply, prim.name, arg), (arg,), sort_key(own))
    if not hasattr(node, "prim"):
        object.__setattr__(node, "prim", prim)
    return node


def _numpy_errors():
    import numpy as np

    return np.errstate(all="ignore")

nodes.bind_late(add=add, mul=mul, power=power)
