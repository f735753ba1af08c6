"""Exact fields beyond Q for the integrator, and polynomials in x over them.

rational.py works over Q with flint's `fmpq_poly`. An integrand with parameters, 1/(x² + a²),
needs coefficients in Q(a, b, …), the rational functions of the parameters; the real factors
of x⁴ + 1 need coefficients in Q(√2). Both are fields, so one small polynomial class over a
field serves both: division with remainder, the extended Euclidean algorithm and derivatives are
all that partial fractions and Hermite reduction need. Parameters are flint multivariate
polynomials (`fmpq_mpoly`), whose gcd keeps every fraction reduced.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx, fmpq_poly

from calcml.core.expr import Apply, Constant, Expr, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import EXP
from calcml.symbolic.polys import fraction

# --- Q(a, b, ...): fractions of flint multivariate polynomials ------------------------------------


class Frac:
    """num/den, both `fmpq_mpoly` in one context, reduced, den with leading coefficient 1."""

    __slots__ = ("den", "num")

    def __init__(self, num: fmpq_mpoly, den: fmpq_mpoly | None = None):
        if den is None:
            self.num, self.den = num, num.context().constant(1)
            return
        g = num.gcd(den)
        if not g.is_one() and not g.is_zero():
            num, den = num / g, den / g
        lc = den.leading_coefficient()
        self.num, self.den = num / lc, den / lc

    def __add__(self, o: Frac) -> Frac:
        return Frac(self.num * o.den + o.num * self.den, self.den * o.den)

    def __sub__(self, o: Frac) -> Frac:
        return Frac(self.num * o.den - o.num * self.den, self.den * o.den)

    def __mul__(self, o: Frac) -> Frac:
        return Frac(self.num * o.num, self.den * o.den)

    def __truediv__(self, o: Frac) -> Frac:
        assert not o.is_zero(), "division by zero in Q(parameters)"
        return Frac(self.num * o.den, self.den * o.num)

    def __neg__(self) -> Frac:
        return Frac(-self.num, self.den)

    def is_zero(self) -> bool:
        return self.num.is_zero()

    def one(self) -> Frac:
        return Frac(self.num.context().constant(1))

    def of_int(self, n: int) -> Frac:
        return Frac(self.num.context().constant(n))


class ParamField:
    """Q(g1, g2, …) for generators g_i (parameters, π, …), with x as generator 0 of the context.

    Polynomials in x and the parameters are `fmpq_mpoly`s of one lex context; the field's
    elements are the `Frac`s free of x.
    """

    def __init__(self, var: Symbol, gens: list[Expr]):
        self.gens = [var, *gens]
        self.ctx = fmpq_mpoly_ctx.get(tuple(f"g{i}" for i in range(len(self.gens))), "lex")
        self.zero, self.one = self.of(0), self.of(1)

    def of(self, value: int | Fraction) -> Frac:
        f = Fraction(value)
        return Frac(self.ctx.constant(fmpq(f.numerator, f.denominator)))

    def gen(self, i: int) -> fmpq_mpoly:
        return self.ctx.gens()[i]

    def to_expr(self, e: Frac | fmpq_mpoly) -> Expr:
        if isinstance(e, Frac):
            return mul(self.poly_expr(e.num), power(self.poly_expr(e.den), -1))
        return self.poly_expr(e)

    def poly_expr(self, p: fmpq_mpoly) -> Expr:
        terms = []
        for exps, c in p.terms():
            factors = [power(g, int(k)) for g, k in zip(self.gens, exps, strict=True) if k]
            terms.append(mul(number(fraction(c)), *factors))
        return add(*terms)

    def x_coefficients(self, p: fmpq_mpoly) -> list[Frac]:
        """p as Σ c_k x^k with c_k free of x, low degree first."""
        groups: dict[int, dict[tuple[int, ...], fmpq]] = {}
        for exps, c in p.terms():
            groups.setdefault(exps[0], {})[(0, *exps[1:])] = c
        top = max(groups, default=0)
        return [Frac(self.ctx.from_dict(groups.get(k, {}))) for k in range(top + 1)]


def positivity(g: Expr) -> str | None:
    """Whether a generator is positive: "known" (π, e, eᵘ, 2^(1/2)), "assumed" (a parameter,
    which the caller must say it assumed) or None (unknown)."""
    if isinstance(g, Constant):
        return "known" if g.value > 0 else None
    if isinstance(g, Apply) and g.prim is EXP:
        return "known"
    if isinstance(g, Pow) and isinstance(g.base, Number) and g.base.value > 0:
        return "known"
    if isinstance(g, Symbol):
        return "assumed"
    return None


class Signs:
    """Sign decisions in Q(parameters), recording what each one took for granted.

    `assumed` collects the parameters taken as positive; `nonzero` the polynomials taken as not
    zero (a square's sign needs only that).
    """

    def __init__(self, field: ParamField):
        self.field = field
        self.assumed: set[Expr] = set()
        self.nonzero: set[Expr] = set()

    def of(self, e: Frac) -> int | None:
        """+1 or -1 when the sign is decided (parameters positive), None when it is not."""
        if e.is_zero():
            return 0
        a, b = self._poly(e.num), self._poly(e.den)
        return None if a is None or b is None else a * b

    def divides_by(self, e: Frac) -> None:
        """Record that e's denominator must not vanish (a generic answer divides by it)."""
        if not e.den.is_constant():
            self.nonzero.update(self.field.poly_expr(f) for f, _ in e.den.factor()[1])

    def _poly(self, p: fmpq_mpoly) -> int | None:
        content, factored = p.factor()
        sign = 1 if content > 0 else -1
        assumed, nonzero = set(), set()
        for f, m in factored:
            if m % 2 == 0:
                nonzero.add(self.field.poly_expr(f))
                continue
            s, used = self._uniform(f)
            if s is None:
                return None
            sign *= s
            assumed |= used
        self.assumed |= assumed
        self.nonzero |= nonzero
        return sign

    def _uniform(self, f: fmpq_mpoly) -> tuple[int | None, set[Expr]]:
        """The sign of a polynomial whose coefficients all share one sign (generators > 0),
        or of one in known constants only (√5 − 1, cos(π/7)), from its value."""
        numeric = self._numeric(f)
        if numeric is not None:
            return numeric, set()
        signs = {1 if c > 0 else -1 for _, c in f.terms()}
        used: set[Expr] = set()
        for exps, _ in f.terms():
            for g, k in zip(self.field.gens, exps, strict=True):
                if k:
                    kind = positivity(g) if g is not self.field.gens[0] else None
                    if kind is None:
                        return None, set()
                    if kind == "assumed":
                        used.add(g)
        return (signs.pop(), used) if len(signs) == 1 else (None, set())

    def _numeric(self, f: fmpq_mpoly) -> int | None:
        """The sign of f when its generators are numbers (no parameter, not x) and its value
        is far enough from 0 that rounding cannot flip it."""
        from calcml.core.evaluate import evaluate_point

        values = []
        for k, g in enumerate(self.field.gens):
            if not any(exps[k] for exps, _ in f.terms()):
                values.append(0.0)
                continue
            if k == 0 or g.free_symbols:
                return None
            v = evaluate_point(g, {})
            if not isinstance(v, float | int | Fraction):
                return None
            values.append(float(v))
        total = scale = 0.0
        for exps, c in f.terms():
            term = float(fraction(c))
            for v, e in zip(values, exps, strict=True):
                term *= v ** int(e)
            total, scale = total + term, scale + abs(term)
        if abs(total) <= 1e-9 * scale:
            return None
        return 1 if total > 0 else -1

    def details(self) -> tuple[tuple[str, Any], ...]:
        """Step details: the assumption line first, then the conditions."""
        out: list[tuple[str, Any]] = []
        if self.assumed:
            names = sorted(s.name for s in self.assumed if isinstance(s, Symbol))
            out.append(("assumption", ", ".join(names) + " > 0"))
        out.extend(("condition", f"{e} ≠ 0") for e in sorted(self.nonzero, key=str)
                   if not isinstance(e, Number))  # fmt: skip
        return tuple(out)


# --- polynomials in x over a field --------------------------------------------------------------


class UPoly:
    """Σ c_k x^k with coefficients in a field (`Frac`, `NFElem`), low degree first, trimmed."""

    __slots__ = ("c", "zero")

    def __init__(self, coeffs: list[Any], zero: Any):
        while coeffs and coeffs[-1].is_zero():
            coeffs = coeffs[:-1]
        self.c, self.zero = list(coeffs), zero

    def degree(self) -> int:
        return len(self.c) - 1

    def is_zero(self) -> bool:
        return not self.c

    def __getitem__(self, k: int) -> Any:
        return self.c[k] if 0 <= k < len(self.c) else self.zero

    def lead(self) -> Any:
        return self.c[-1]

    def _new(self, coeffs: list[Any]) -> UPoly:
        return UPoly(coeffs, self.zero)

    def __add__(self, o: UPoly) -> UPoly:
        n = max(len(self.c), len(o.c))
        return self._new([self[k] + o[k] for k in range(n)])

    def __sub__(self, o: UPoly) -> UPoly:
        n = max(len(self.c), len(o.c))
        return self._new([self[k] - o[k] for k in range(n)])

    def __mul__(self, o: UPoly) -> UPoly:
        if self.is_zero() or o.is_zero():
            return self._new([])
        out = [self.zero] * (len(self.c) + len(o.c) - 1)
        for i, a in enumerate(self.c):
            if a.is_zero():
                continue
            for j, b in enumerate(o.c):
                out[i + j] = out[i + j] + a * b
        return self._new(out)

    def __pow__(self, n: int) -> UPoly:
        out = self._new([_one_like(self)])
        for _ in range(n):
            out = out * self
        return out

    def scale(self, k: Any) -> UPoly:
        return self._new([a * k for a in self.c])

    def monic(self) -> UPoly:
        return self.scale(_one_like(self) / self.lead())

    def divmod(self, d: UPoly) -> tuple[UPoly, UPoly]:
        assert not d.is_zero(), "polynomial division by zero"
        rem, q = list(self.c), [self.zero] * max(len(self.c) - len(d.c) + 1, 0)
        for k in range(len(self.c) - len(d.c), -1, -1):
            t = rem[k + len(d.c) - 1] / d.lead()
            q[k] = t
            for j, b in enumerate(d.c):
                rem[k + j] = rem[k + j] - t * b
        return self._new(q), self._new(rem[: max(len(d.c) - 1, 0)])

    def __floordiv__(self, d: UPoly) -> UPoly:
        return self.divmod(d)[0]

    def __mod__(self, d: UPoly) -> UPoly:
        return self.divmod(d)[1]

    def derivative(self) -> UPoly:
        return self._new([a * _int_like(self, k) for k, a in enumerate(self.c)][1:])

    def xgcd(self, o: UPoly) -> tuple[UPoly, UPoly, UPoly]:
        """(g, s, t) with s·self + t·o = g, g monic."""
        one = self._new([_one_like(self)])
        r0, r1, s0, s1, t0, t1 = self, o, one, self._new([]), self._new([]), one
        while not r1.is_zero():
            q, r = r0.divmod(r1)
            r0, r1 = r1, r
            s0, s1 = s1, s0 - q * s1
            t0, t1 = t1, t0 - q * t1
        inv = _one_like(self) / r0.lead()
        return r0.scale(inv), s0.scale(inv), t0.scale(inv)


def _one_like(p: UPoly) -> Any:
    """The field's one (`Frac` and `NFElem` both provide `one()` and `of_int()`)."""
    return p.zero.one()


def _int_like(p: UPoly, k: int) -> Any:
    return p.zero.of_int(k)


# --- Q(θ): a real algebraic number θ given by its minimal polynomial ------------------------------


class NumberField:
    """Q(θ) = Q[t]/(m(t)) for an irreducible m, with θ a chosen real root and its expression."""

    def __init__(self, minpoly: fmpq_poly, theta: Expr, approx: float):
        self.m, self.theta, self.approx = minpoly, theta, approx
        self.zero, self.one = self.of(0), self.of(1)

    def of(self, value: int | Fraction | fmpq_poly) -> NFElem:
        if isinstance(value, fmpq_poly):
            return NFElem(value % self.m, self)
        f = Fraction(value)
        return NFElem(fmpq_poly([fmpq(f.numerator, f.denominator)]), self)

    def to_expr(self, e: NFElem) -> Expr:
        return add(*(mul(number(fraction(c)), power(self.theta, k))
                     for k, c in enumerate(e.p.coeffs()) if c != 0))  # fmt: skip


class NFElem:
    """An element of a `NumberField`: a polynomial in θ of degree below the minimal polynomial's."""

    __slots__ = ("k", "p")

    def __init__(self, p: fmpq_poly, k: NumberField):
        self.p, self.k = p, k

    def __add__(self, o: NFElem) -> NFElem:
        return NFElem(self.p + o.p, self.k)

    def __sub__(self, o: NFElem) -> NFElem:
        return NFElem(self.p - o.p, self.k)

    def __mul__(self, o: NFElem) -> NFElem:
        return NFElem((self.p * o.p) % self.k.m, self.k)

    def __truediv__(self, o: NFElem) -> NFElem:
        g, s, _ = o.p.xgcd(self.k.m)
        assert g.degree() == 0, "division by zero in a number field"
        return NFElem((self.p * s / g[0]) % self.k.m, self.k)

    def __neg__(self) -> NFElem:
        return NFElem(-self.p, self.k)

    def is_zero(self) -> bool:
        return self.p.is_zero()

    def one(self) -> NFElem:
        return self.k.one

    def of_int(self, n: int) -> NFElem:
        return self.k.of(n)

    def value(self) -> float:
        return float(sum(float(fraction(c)) * self.k.approx**i
                         for i, c in enumerate(self.p.coeffs())))  # fmt: skip
