"""Arithmetic with square roots of polynomials: the field Q(x)(√R₁, …, √Rₖ).

An element is Σ c_S·Π_{i∈S} √Rᵢ over subsets S of the roots, each c_S a rational function of x
kept as a normalized (numerator, denominator) pair of flint polynomials. Products reduce
√Rᵢ·√Rᵢ = Rᵢ; an inverse multiplies by the conjugates (the sign of one root flipped at a time)
until the denominator is free of roots, as in 1/(A + B·√R) = (A − B·√R)/(A² − B²·R). This is
how the derivative of ln(√x + √(x + 1)) or of atan(√x − √(x + 1)) is brought to the form
r₀ + Σ rᵢ·√Rᵢ + … that the rational and radical methods integrate.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq_poly

from calcml.core.expr import Add, Expr, Mul, Number, Pow, Symbol, add, mul, power
from calcml.symbolic.polys import from_rational, to_poly, to_rational

#: Most distinct square roots one element may hold (2ᵏ coefficients).
MAX_ROOTS = 3
#: Largest degree of a coefficient's numerator or denominator.
MAX_DEGREE = 40

Ratio = tuple[fmpq_poly, fmpq_poly]
Element = dict[int, Ratio]  # bit mask of roots -> coefficient


class RootField:
    """Q(x)(√R₁, …, √Rₖ) for the polynomials R (given as expressions in x)."""

    def __init__(self, radicands: list[Expr], var: Symbol):
        self.var = var
        self.radicands = radicands
        self.polys = [to_poly(r, var) for r in radicands]

    @classmethod
    def of(cls, expr: Expr, var: Symbol) -> RootField | None:
        """The field of the square roots of polynomials in x that `expr` holds, or None when
        it holds other algebraic powers (cube roots) or too many roots."""
        radicands: list[Expr] = []
        for n in expr.walk():
            if isinstance(n, Pow) and isinstance(n.exp, Number) and n.base.has(var):
                v = Fraction(n.exp.value) if n.exp.is_exact else None
                if v is None or v.denominator > 2:
                    return None
                if v.denominator == 2 and n.base not in radicands:
                    if to_poly(n.base, var) is None:
                        return None
                    radicands.append(n.base)
        if not radicands or len(radicands) > MAX_ROOTS:
            return None
        return cls(radicands, var)

    # --- conversion --------------------------------------------------------------------------
    def element(self, expr: Expr) -> Element | None:
        """`expr` as an element, or None when it is not in the field (children first)."""
        done: dict[Expr, Element | None] = {}
        for n in expr.walk():
            done[n] = self._node(n, done)
        return done[expr]

    def _node(self, n: Expr, done: dict) -> Element | None:
        if not n.has(self.var) or n is self.var:
            r = to_rational(n, self.var)
            return None if r is None else {0: _normal(*r)} if r[0] != 0 else {}
        if isinstance(n, Add | Mul):
            parts = [done[a] for a in n.args]
            if any(p is None for p in parts):
                return None
            out = parts[0]
            for p in parts[1:]:
                out = self.add(out, p) if isinstance(n, Add) else self.mul(out, p)
                if out is None:
                    return None
            return out
        if isinstance(n, Pow) and isinstance(n.exp, Number) and n.exp.is_exact:
            return self._power(n, done)
        return None

    def _power(self, n: Pow, done: dict) -> Element | None:
        v = Fraction(n.exp.value)
        if v.denominator == 2:
            i = self.radicands.index(n.base) if n.base in self.radicands else -1
            if i < 0:
                return None
            base = {1 << i: (fmpq_poly([1]), fmpq_poly([1]))}
            whole = done[n.base]
            k = int(v - Fraction(1, 2))  # √R^(2k+1) = R^k·√R
            return self._int_power(base, whole, k)
        b = done[n.base]
        return None if b is None else self._int_power({0: (fmpq_poly([1]), fmpq_poly([1]))}, b,
                                                      int(v))  # fmt: skip

    def _int_power(self, start: Element, b: Element | None, k: int) -> Element | None:
        if b is None:
            return None
        if k < 0:
            b = self.inverse(b)
            if b is None:
                return None
            k = -k
        out: Element | None = start
        for _ in range(min(k, 12)):
            out = self.mul(out, b)
            if out is None:
                return None
        return out if k <= 12 else None

    def to_expr(self, e: Element) -> Expr:
        return add(*(mul(from_rational(*c, self.var), self.sqrt_product(m)) for m, c in e.items()))

    def sqrt_product(self, mask: int) -> Expr:
        return mul(*(power(r, Fraction(1, 2)) for i, r in enumerate(self.radicands)
                     if mask >> i & 1))  # fmt: skip

    def radicand_product(self, mask: int) -> Expr:
        return mul(*(r for i, r in enumerate(self.radicands) if mask >> i & 1))

    # --- arithmetic --------------------------------------------------------------------------
    def add(self, a: Element, b: Element) -> Element:
        out = dict(a)
        for m, c in b.items():
            out[m] = _normal(*_plus(out[m], c)) if m in out else c
        return {m: c for m, c in out.items() if c[0] != 0}

    def mul(self, a: Element, b: Element) -> Element | None:
        out: Element = {}
        for m1, c1 in a.items():
            for m2, c2 in b.items():
                num, den = c1[0] * c2[0], c1[1] * c2[1]
                for i, p in enumerate(self.polys):
                    if (m1 & m2) >> i & 1:
                        num *= p
                c = _normal(num, den)
                if max(c[0].degree(), c[1].degree()) > MAX_DEGREE:
                    return None
                m = m1 ^ m2
                out[m] = _normal(*_plus(out[m], c)) if m in out else c
        return {m: c for m, c in out.items() if c[0] != 0}

    def inverse(self, a: Element) -> Element | None:
        """1/a by conjugates: a·σ(a) is free of the root σ flips."""
        if not a:
            return None
        num: Element | None = {0: (fmpq_poly([1]), fmpq_poly([1]))}
        den: Element | None = a
        for i in range(len(self.polys)):
            if all(not (m >> i & 1) for m in den):
                continue
            conj = {m: ((-c[0], c[1]) if m >> i & 1 else c) for m, c in den.items()}
            num, den = self.mul(num, conj), self.mul(den, conj)
            if num is None or den is None or not den:
                return None
        if set(den) != {0}:
            return None
        d_num, d_den = den[0]
        return self.mul(num, {0: _normal(d_den, d_num)})


def _plus(a: Ratio, b: Ratio) -> Ratio:
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def _normal(num: fmpq_poly, den: fmpq_poly) -> Ratio:
    g = num.gcd(den)
    num, den = num // g, den // g
    lead = den.leading_coefficient()
    return num / lead, den / lead


__all__ = ["RootField"]
