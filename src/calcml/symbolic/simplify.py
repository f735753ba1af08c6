"""Explicit simplification: rewrites that canonical form does not do on its own.

`simplify` tries a short, visible list of rewrites and keeps the shortest equivalent form.
Each rewrite is a plain function from expression to expression.
"""

from __future__ import annotations

from collections.abc import Callable

from calcml.core.expr import Add, Apply, Expr, Mul, Number, Pow, Symbol, add, mul, power

#: Expressions larger than this (distinct nodes) are left as they are: simplification is for
#: results a person reads, and its cost must not grow with machine-sized expressions.
MAX_SIMPLIFY_NODES = 300

#: A product of sums is expanded only if it yields at most this many terms.
MAX_EXPANDED_TERMS = 64


def expand(expr: Expr, max_terms: int = MAX_EXPANDED_TERMS) -> Expr:
    """Distribute products over sums and expand small integer powers of sums.

    >>> from calcml import parse
    >>> expand(parse("(x+1)^2*(x-1)"))
    x**3 + x**2 - x - 1
    """
    done: dict[Expr, Expr] = {}
    for node in expr.walk():
        if not node.args:
            done[node] = node
            continue
        args = [done[a] for a in node.args]
        if isinstance(node, Mul):
            done[node] = _distribute(args, max_terms)
        elif isinstance(node, Pow) and isinstance(args[0], Add) and _small_power(args[1]):
            n = args[1].value  # type: ignore[attr-defined]
            done[node] = _distribute([args[0]] * n, max_terms) if n > 0 else node.func(*args)
        else:
            done[node] = node.func(*args)
    return done[expr]


def _small_power(e: Expr) -> bool:
    return isinstance(e, Number) and isinstance(e.value, int) and -8 <= e.value <= 8


def _distribute(factors: list[Expr], max_terms: int) -> Expr:
    count, sums = 1, 0
    for f in factors:
        if isinstance(f, Add):
            count *= len(f.args)
            sums += 1
    if count > max_terms or not sums:  # too many terms, or nothing to distribute over
        return mul(*factors)
    terms = [mul()]  # the empty product, 1
    for f in factors:
        parts = f.args if isinstance(f, Add) else (f,)
        terms = [mul(t, p) for t in terms for p in parts]
    return add(*terms)


def _expand_numerator(expr: Expr) -> Expr:
    """In `N * D^-k`, expand N alone: quotient-rule results often collapse this way."""
    if not isinstance(expr, Mul):
        return expr
    num = [f for f in expr.args if not _is_reciprocal(f)]
    den = [f for f in expr.args if _is_reciprocal(f)]
    if not den or not num:
        return expr
    return mul(expand(mul(*num)), *den)


def _is_reciprocal(f: Expr) -> bool:
    return isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.value < 0


def _sign_over_abs(expr: Expr) -> Expr:
    """`sign(u)·|u|^k -> u·|u|^(k-1)` inside products: d/dx ln|x| reads 1/x, not sign(x)/|x|."""
    if not any(isinstance(n, Apply) and n.prim.name == "sign" for n in expr.walk()):
        return expr
    done: dict[Expr, Expr] = {}
    for node in expr.walk():
        if not node.args:
            done[node] = node
            continue
        args = [done[a] for a in node.args]
        if isinstance(node, Mul):
            args = _merge_signs(args)
        same = all(x is y for x, y in zip(args, node.args, strict=True))
        done[node] = node if same else node.func(*args)
    return done[expr]


def _merge_signs(factors: list[Expr]) -> list[Expr]:
    from calcml.core.registry import ABS

    powers: dict[Expr, Expr] = {}  # u -> k for each factor |u|^k
    for f in factors:
        g, k = (f.base, f.exp) if isinstance(f, Pow) else (f, None)
        if isinstance(g, Apply) and g.prim.name == "abs":
            powers[g.arg] = k if k is not None else mul()
    signs = {f.arg for f in factors
             if isinstance(f, Apply) and f.prim.name == "sign" and f.arg in powers}  # fmt: skip
    if not signs:
        return factors
    out = []
    for f in factors:
        g = f.base if isinstance(f, Pow) else f
        if isinstance(g, Apply) and g.prim.name in ("sign", "abs") and g.arg in signs:
            continue
        out.append(f)
    for u in signs:  # sign(u)·|u|^k = u·|u|^(k-1), built apart so that u and u^(k-1) merge
        out.append(mul(u, power(ABS(u), add(powers[u], -1))))
    return out


def _cancel(expr: Expr) -> Expr:
    """A rational function of one variable over Q in lowest terms (flint gcd)."""
    if not isinstance(expr, Mul | Add) or len(expr.free_symbols) != 1:
        return expr
    if not any(_is_reciprocal(n) and isinstance(n.base, Add) for n in expr.walk()):
        return expr  # no denominator with terms to cancel
    from calcml.symbolic.polys import from_rational, to_rational  # lazily: loads python-flint

    var = next(iter(expr.free_symbols))
    pq = to_rational(expr, var)
    if pq is None:
        return expr
    return from_rational(pq[0], pq[1], var)


def poly_coefficients(expr: Expr, var: Symbol, max_degree: int = 8) -> list[Expr] | None:
    """Coefficients `[c0, c1, ...]` (free of var, parameters allowed) of a small polynomial.

    Works on expanded sums of `c * var^k`; used where parameters rule out flint.
    """
    coeffs: dict[int, list[Expr]] = {}
    expanded = expand(expr)
    for term in expanded.args if isinstance(expanded, Add) else (expanded,):
        found = _monomial(term, var)
        if found is None or found[0] > max_degree:
            return None
        coeffs.setdefault(found[0], []).append(found[1])
    top = max(coeffs, default=0)
    return [add(*coeffs.get(k, [])) for k in range(top + 1)]


def _monomial(term: Expr, var: Symbol) -> tuple[int, Expr] | None:
    factors = term.args if isinstance(term, Mul) else (term,)
    degree, rest = 0, []
    for f in factors:
        if f is var:
            degree += 1
        elif isinstance(f, Pow) and f.base is var and isinstance(f.exp, Number):
            if not isinstance(f.exp.value, int) or f.exp.value < 0:
                return None
            degree += f.exp.value
        elif f.has(var):
            return None
        else:
            rest.append(f)
    return degree, mul(*rest)


REWRITES: list[Callable[[Expr], Expr]] = [expand, _expand_numerator, _sign_over_abs, _cancel]


def simplify(expr: Expr) -> Expr:
    """The shortest of `expr` and its rewrites (by printed length); `expr` itself on ties.

    >>> from calcml import parse
    >>> simplify(parse("(x+1)^2 - x^2"))
    2*x + 1
    """
    if _too_big(expr):
        return expr
    best, best_cost = expr, _cost(expr)
    for rewrite in REWRITES:
        candidate = rewrite(expr)
        if candidate is best:
            continue
        cost = _cost(candidate)
        if cost < best_cost:
            best, best_cost = candidate, cost
    return best


def _too_big(expr: Expr) -> bool:
    """More than MAX_SIMPLIFY_NODES distinct nodes, or a printed tree many times larger."""
    tree: dict[Expr, int] = {}
    for count, node in enumerate(expr.walk()):
        if count > MAX_SIMPLIFY_NODES:
            return True
        tree[node] = 1 + sum(tree[a] for a in node.args)
    return tree[expr] > 20 * MAX_SIMPLIFY_NODES


def _cost(expr: Expr) -> int:
    """The size of the expression written out as a tree (cheap: no printing)."""
    tree: dict[Expr, int] = {}
    for node in expr.walk():
        tree[node] = 1 + sum(tree[a] for a in node.args)
    return tree[expr]
