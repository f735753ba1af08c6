"""A heuristic Risch search in the spirit of Bronstein's "poor man's integrator".

The integrand is read as a rational function of x and its building blocks θ (eˣ, ln x, sin x,
asin x, √u, …), closed under differentiation: asin x brings √(1 − x²), sin x brings cos x. The
antiderivative is guessed as F = U/V + Σ cⱼ·ln pⱼ, where V collects the factors of the
integrand's denominator with their multiplicity lowered by one (kept for a "special" factor
such as eˣ, which divides its own derivative), the pⱼ are the irreducible factors of the
denominator, and U is a polynomial in x and the θ of bounded total degree with unknown rational
coefficients. F' = f is linear in the unknowns; the exact linear system is solved over Q with
flint, and the driver verifies the result like any other. Square roots are normalized (a power
R^k of R = u^(1/q) is reduced to k < q, and R leaves denominators) so that identities that hold
only through R^q = u are found.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb, lcm

from flint import fmpq, fmpq_mat, fmpq_mpoly, fmpq_mpoly_ctx

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, number, power
from calcml.core.registry import ABS, LOG
from calcml.symbolic.integrate.algebra import Frac
from calcml.symbolic.integrate.base import Antiderivative, Context, free_of, make
from calcml.symbolic.polys import fraction
from calcml.symbolic.steps import INTEGRAL_FORMULAS

#: Bounds that keep the linear system small: building blocks, total degree of U, unknowns.
MAX_BLOCKS = 6
MAX_DEGREE = 5
MAX_UNKNOWNS = 300
#: Only the integrand itself: sub-integrals are many, and the other methods explain them better.
MAX_DEPTH = 1

_KERNELS = {"exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan",
            "asinh", "acosh", "atanh", "erf"}  # fmt: skip


def poor_mans_risch(expr: Expr, var: Symbol, ctx: Context) -> Antiderivative | None:
    """∫ f dx by an ansatz F = U/V + Σ c·ln p with unknown rational coefficients."""
    if ctx.depth > MAX_DEPTH or expr.free_symbols != {var}:
        return None
    tower = Tower.build(expr, var)
    if tower is None:
        return None
    f = tower.convert(expr)
    if f is None:
        return None
    ctx.budget.check()
    v, logs = tower.denominator_guess(f)
    degree = max(1, min(MAX_DEGREE, _total(f.num) - _total(f.den) + _total(v) + 1))
    for d in range(degree, min(degree + 2, MAX_DEGREE + 1)):
        ctx.budget.check()
        solved = tower.solve(f, v, logs, d, ctx)
        if solved is not None:
            u, cs, size = solved
            result = add(mul(tower.to_expr(u), power(tower.to_expr(v), -1)),
                         *(mul(number(c), LOG(ABS(tower.to_expr(p))))
                           for c, p in zip(cs, logs, strict=True) if c != 0))  # fmt: skip
            guess = "U/V + Σ c·ln|p|" if logs else "U/V"
            details = (("ansatz", f"F = {guess}, U a polynomial of degree ≤ {d} in "
                        + ", ".join(str(g) for g in tower.gens)),
                       ("V", tower.to_expr(v)),
                       ("p", ", ".join(str(tower.to_expr(p)) for p in logs) or "none"),
                       ("linear system", f"{size[0]} equations in {size[1]} unknowns"))  # fmt: skip
            return make("heuristic Risch", expr, var, result, (),
                        details, "heuristic Risch", INTEGRAL_FORMULAS["heuristic Risch"])
    return None


#: U, the logarithms' coefficients, and the size of the linear system (equations, unknowns).
Solution = tuple[fmpq_mpoly, list[Fraction], tuple[int, int]]


def _total(p: fmpq_mpoly) -> int:
    return max((sum(e) for e, _ in p.terms()), default=0)


class Tower:
    """x and the building blocks θ as generators of one polynomial ring, with their derivatives
    (as reduced fractions) and, for each square-root-like block R = u^(1/q), its radicand u."""

    def __init__(self, var: Symbol, blocks: list[Expr], roots: dict[Expr, int]):
        self.var, self.blocks, self.roots = var, blocks, roots  # roots: base -> q
        self.gens = [var, *(power(b, number(Fraction(1, roots[b]))) if b in roots else b
                            for b in blocks)]  # fmt: skip
        self.ctx = fmpq_mpoly_ctx.get(tuple(f"t{i}" for i in range(len(self.gens))), "lex")
        self.index = {b: i + 1 for i, b in enumerate(blocks)}
        self.radicand: dict[int, fmpq_mpoly] = {}
        self.derivs: list[Frac] = []

    @staticmethod
    def build(expr: Expr, var: Symbol) -> Tower | None:
        """The blocks of expr and of their derivatives, or None when there are too many."""
        from calcml.symbolic.diff import diff

        blocks: list[Expr] = []
        roots: dict[Expr, int] = {}
        pending = [expr]
        while pending:
            for node in pending.pop().walk():
                kind = _block(node, var)
                if kind is None:
                    continue
                base, q = kind
                if q > 1:
                    roots[base] = lcm(roots.get(base, 1), q)
                if base not in blocks:
                    blocks.append(base)
                    if len(blocks) > MAX_BLOCKS:
                        return None
                    pending.append(diff(base if q > 1 else node, var, verify=False))
        if any(isinstance(b, Apply) and b in roots for b in blocks):
            return None  # √(eˣ) would be both a block and a radicand
        if not blocks:
            return None
        tower = Tower(var, blocks, roots)
        return tower if tower._derivatives() else None

    def _derivatives(self) -> bool:
        from calcml.symbolic.diff import diff

        one = self.ctx.constant(1)
        self.derivs = [Frac(one)]
        for i, b in enumerate(self.blocks, start=1):
            if b in self.roots:  # R = u^(1/q): R' = u'/(q·R^(q-1))
                q = self.roots[b]
                u = self.convert(b)
                du = self.convert(diff(b, self.var, verify=False))
                if u is None or du is None or not u.den.is_one():
                    return False
                self.radicand[i] = u.num
                r = self.ctx.gens()[i]
                d = du / Frac(one * q * r ** (q - 1))
            else:
                d = self.convert(diff(b, self.var, verify=False))
                if d is None:
                    return False
            self.derivs.append(self.normal(d))
        return True

    def convert(self, expr: Expr) -> Frac | None:
        """expr as a fraction of polynomials in the generators, or None."""
        done: dict[Expr, Frac | None] = {}
        gens = self.ctx.gens()
        for node in expr.walk():
            if node in done:
                continue
            if node is self.var:
                done[node] = Frac(gens[0])
            elif node in self.index and node not in self.roots:
                done[node] = Frac(gens[self.index[node]])
            elif isinstance(node, Number):
                done[node] = Frac(self.ctx.constant(_fmpq(node.value))) if node.is_exact else None
            elif isinstance(node, Pow) and node.base in self.roots and isinstance(node.exp, Number):
                k = Fraction(node.exp.value) * self.roots[node.base]
                r = gens[self.index[node.base]]
                if k.denominator != 1:
                    done[node] = None
                else:
                    one = self.ctx.constant(1)
                    k = int(k)
                    done[node] = Frac(r**k) if k >= 0 else Frac(one, r ** (-k))
            elif not node.args or any(done.get(a) is None for a in node.args):
                done[node] = None
            else:
                done[node] = _combine(node, done, self.ctx)
        got = done.get(expr)
        return None if got is None else self.normal(got)

    def normal(self, f: Frac) -> Frac:
        """R^k with k ≥ q becomes u·R^(k-q); a monomial R^k in the denominator moves up."""
        num, den = f.num, f.den
        for i, u in self.radicand.items():
            q = self.roots[self.blocks[i - 1]]
            k = min(e[i] for e, _ in den.terms())
            if k:
                r = self.ctx.gens()[i]
                den = den / r**k
                up = (-k) % q
                num, den = num * r**up, den * u ** ((k + up) // q)
            num = self._reduce(num, i, u, q)
            den = self._reduce(den, i, u, q)
        return Frac(num, den)

    def _reduce(self, p: fmpq_mpoly, i: int, u: fmpq_mpoly, q: int) -> fmpq_mpoly:
        if all(e[i] < q for e, _ in p.terms()):
            return p
        out = self.ctx.constant(0)
        r = self.ctx.gens()[i]
        for e, c in p.terms():
            k = e[i]
            mono = self.ctx.from_dict({tuple(0 if j == i else x for j, x in enumerate(e)): c})
            out += mono * u ** (k // q) * r ** (k % q)
        return out

    def derive(self, p: fmpq_mpoly) -> Frac:
        """D(p) = Σ ∂p/∂tᵢ·tᵢ'."""
        total = Frac(self.ctx.constant(0))
        for i, d in enumerate(self.derivs):
            part = p.derivative(i)
            if not part.is_zero():
                total = total + Frac(part) * d
        return self.normal(total)

    def denominator_guess(self, f: Frac) -> tuple[fmpq_mpoly, list[fmpq_mpoly]]:
        """V (factors of f's denominator, one power fewer unless special) and the log candidates."""
        v = self.ctx.constant(1)
        logs = []
        for p, e in f.den.factor()[1]:
            dp = self.derive(p)
            special = divmod(dp.num, p)[1].is_zero()
            v = v * p ** (e if special else e - 1)
            if not special:
                logs.append(p)
        return v, logs

    def solve(self, f: Frac, v: fmpq_mpoly, logs: list[fmpq_mpoly], degree: int,
              ctx: Context) -> Solution | None:  # fmt: skip
        """U and the c's with (U/V + Σ c·ln p)' = f, or None when the system has no solution."""
        monomials = self._monomials(degree)
        if monomials is None or len(monomials) + len(logs) > MAX_UNKNOWNS:
            return None
        vf, dv = Frac(v), self.derive(v)
        columns = []
        for m in monomials:
            ctx.budget.check()
            columns.append(self.normal(self.derive(m) / vf - Frac(m) * dv / (vf * vf)))
        columns += [self.derive(p) / Frac(p) for p in logs]
        common = f.den
        for c in columns:
            common = common * c.den / common.gcd(c.den)
        rows: dict[tuple[int, ...], int] = {}
        entries: list[dict[tuple[int, ...], fmpq]] = []
        for c in [*columns, f]:
            scaled = c.num * (common / c.den)
            entries.append(dict(scaled.terms()))
            for e in entries[-1]:
                rows.setdefault(e, len(rows))
        n = len(columns)
        matrix = fmpq_mat(len(rows), n + 1)
        for j, col in enumerate(entries):
            for e, value in col.items():
                matrix[rows[e], j] = value
        reduced, rank = matrix.rref()
        solution = [fmpq(0)] * n
        for r in range(rank):
            lead = next(j for j in range(n + 1) if reduced[r, j] != 0)
            if lead == n:
                return None  # inconsistent: 0 = 1
            solution[lead] = reduced[r, n]
        u = sum((m * s for m, s in zip(monomials, solution, strict=False)), self.ctx.constant(0))
        cs = [fraction(s) for s in solution[len(monomials) :]]
        return u, cs, (len(rows), n)

    def _monomials(self, degree: int) -> list[fmpq_mpoly] | None:
        n = len(self.gens)
        if comb(n + degree, degree) > 4 * MAX_UNKNOWNS:
            return None
        caps = [self.roots[self.blocks[i - 1]] - 1 if i in self.radicand else degree
                for i in range(n)]  # fmt: skip
        out: list[tuple[int, ...]] = [()]
        for cap in caps:
            out = [(*e, k) for e in out for k in range(min(cap, degree) + 1)]
        return [self.ctx.from_dict({e: 1}) for e in out if sum(e) <= degree]

    def to_expr(self, p: fmpq_mpoly) -> Expr:
        terms = []
        for exps, c in p.terms():
            factors = [power(g, int(k)) for g, k in zip(self.gens, exps, strict=True) if k]
            terms.append(mul(number(fraction(c)), *factors))
        return add(*terms)


def _block(node: Expr, var: Symbol) -> tuple[Expr, int] | None:
    """(block, q): a function of x (q = 1), or the base u of a root u^(p/q) (q > 1)."""
    if isinstance(node, Apply) and node.prim.name in _KERNELS and not free_of(node, var):
        return node, 1
    if isinstance(node, Pow) and not free_of(node.base, var) and isinstance(node.exp, Number):
        value = node.exp.value
        if isinstance(value, Fraction) and value.denominator > 1:
            return node.base, value.denominator
    return None


def _fmpq(v: int | Fraction) -> fmpq:
    f = Fraction(v)
    return fmpq(f.numerator, f.denominator)


def _combine(node: Expr, done: dict[Expr, Frac | None], ctx: fmpq_mpoly_ctx) -> Frac | None:
    parts = [done[a] for a in node.args]
    if isinstance(node, Add):
        acc = parts[0]
        for p in parts[1:]:
            acc = acc + p
        return acc
    if isinstance(node, Mul):
        acc = parts[0]
        for p in parts[1:]:
            acc = acc * p
        return acc
    if isinstance(node, Pow) and isinstance(node.exp, Number) and isinstance(node.exp.value, int):
        n = node.exp.value
        base = parts[0]
        if abs(n) > 12 or (n < 0 and base.is_zero()):
            return None
        out = Frac(ctx.constant(1))
        for _ in range(abs(n)):
            out = out * base
        return out if n >= 0 else Frac(out.den, out.num)
    return None
