"""Signs that the shape of an expression proves: x² + 1 > 0, eˣ·x⁴ ≥ 0.

`|u| = u` when u ≥ 0 wherever it is defined, so ln|x² + 1| is ln(x² + 1), as a textbook writes
it. The test is structural and cheap (no numbers are sampled): sums and products of positive or
non-negative parts, even powers, even roots, functions whose values are never negative, and
quadratics a·x² + b·x + c with a > 0 and b² < 4ac (the sign of a root-free parabola).
Anything it cannot see through counts as of unknown sign, so it never claims a sign wrongly.

>>> from calcml.core.expr import symbol
>>> x = symbol("x")
>>> sign_of(x**2 + 1), sign_of(x**2), sign_of(x - 1), sign_of(x**2 - x + 1)
(1, 0, None, 1)
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.nodes import Add, Apply, Constant, Expr, Mul, Number, Pow, Symbol

#: Functions whose values are > 0 (POSITIVE) or >= 0 (NON_NEGATIVE) for every real argument.
POSITIVE = frozenset({"exp", "cosh", "sigmoid", "softplus", "sech"})
NON_NEGATIVE = frozenset({"abs", "relu", "heaviside"})

#: How deep the test looks: a sign hidden deeper counts as unknown (and no user-sized
#: expression can overflow the stack).
MAX_SIGN_DEPTH = 8


def sign_of(e: Expr, depth: int = MAX_SIGN_DEPTH) -> int | None:
    """1 when e > 0, 0 when e ≥ 0 wherever e is defined (as its shape proves); None unknown."""
    kind = e.__class__
    if kind is Number or kind is Constant:
        v = e.value  # type: ignore[attr-defined]
        return 1 if v > 0 else 0 if v == 0 else None
    if depth <= 0:
        return None
    if kind is Apply:
        name = e.prim.name  # type: ignore[attr-defined]
        return 1 if name in POSITIVE else 0 if name in NON_NEGATIVE else None
    if kind is Pow:
        return _power_sign(e.args[0], e.args[1], depth - 1)
    if kind is Mul:
        return _combined(e.args, depth - 1, True)
    if kind is Add:
        found = _combined(e.args, depth - 1, False)
        return found if found is not None else _quadratic_sign(e.args)
    return None


def _combined(parts: tuple[Expr, ...], depth: int, product: bool) -> int | None:
    """A product is > 0 when every factor is; a sum when every term is ≥ 0 and one is > 0."""
    signs = []
    for p in parts:
        s = sign_of(p, depth)
        if s is None:
            return None
        signs.append(s)
    return int(all(signs)) if product else int(any(signs))


def _power_sign(base: Expr, exp: Expr, depth: int) -> int | None:
    if exp.__class__ is not Number or not exp.is_exact:  # type: ignore[attr-defined]
        return 1 if sign_of(base, depth) == 1 else None
    k = Fraction(exp.value)  # type: ignore[attr-defined]
    even = k.numerator % 2 == 0 or k.denominator % 2 == 0  # x², x^(1/2): never negative
    if not even:
        return sign_of(base, depth)
    if k < 0:
        return 1  # 1/x², 1/√u: > 0 wherever defined
    return 1 if sign_of(base, depth) == 1 else 0


def _quadratic_sign(terms: tuple[Expr, ...]) -> int | None:
    """1 for a·x² + b·x + c with numeric a > 0 and b² − 4ac < 0 (clearly, in floats)."""
    coeffs = [0.0, 0.0, 0.0]
    var = None
    for t in terms:
        factors = t.args if t.__class__ is Mul else (t,)
        c, degree = 1.0, 0
        for f in factors:
            value = _constant(f)
            if value is not None:
                c *= value
                continue
            base, k = (f.args[0], f.args[1]) if f.__class__ is Pow else (f, None)
            k = 1 if k is None else k.value if k.__class__ is Number else None  # type: ignore[attr-defined]
            if degree or base.__class__ is not Symbol or k not in (1, 2) or var not in (None, base):
                return None
            var, degree = base, k
        coeffs[degree] += c
    c0, b, a = coeffs
    disc = b * b - 4 * a * c0
    return 1 if var is not None and a > 0 and disc < -1e-9 * (b * b + abs(4 * a * c0)) else None


def _constant(e: Expr) -> float | None:
    """The float value of a number, a constant, or a number to a number power."""
    kind = e.__class__
    if kind is Number or kind is Constant:
        return float(e.value)  # type: ignore[attr-defined]
    if kind is Pow and e.args[0].__class__ is Number and e.args[1].__class__ is Number:
        base, exp = float(e.args[0].value), float(e.args[1].value)  # type: ignore[attr-defined]
        return base**exp if base > 0 else None
    return None
