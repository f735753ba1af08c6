"""Partial derivatives of a sum of monomials, term by term: the power rule without a sweep.

Polynomials, quadratic forms, linear models and their losses are sums whose terms hold each
variable only as a factor `x` or a power `x^k` with a number k. Their partials need no
backpropagation: d/dx of `c·x^k·rest` is `c·k·x^(k-1)·rest`, and the new product is already in
canonical order (only one exponent changed), so it is built without `mul`'s search for equal
bases. Any other term (a variable inside a function, a sum or an exponent) sends the whole
expression to the general reverse sweep.
"""

from __future__ import annotations

from calcml.core.expr import (
    ZERO,
    Add,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    number,
    power,
    product_of_distinct,
)


def termwise_partials(f: Expr, variables: list[Symbol], live: set[Expr]) -> list[Expr] | None:
    """∂f/∂v for each v in `variables` when f is a sum of monomials in them, else None.

    `live` holds every node of f that contains one of `variables`; other factors of a term
    (numbers, parameters, functions of other symbols) are constants and ride along.
    """
    if f not in live:
        return [ZERO] * len(variables)
    parts: dict[Expr, list[Expr]] = {v: [] for v in variables}
    for term in f.args if f.__class__ is Add else (f,):
        if term in live and not _term_partials(term, live, parts):
            return None
    return [add(*parts[v]) for v in variables]


def _term_partials(term: Expr, live: set[Expr], parts: dict[Expr, list[Expr]]) -> bool:
    """Append d(term)/dv to `parts[v]` for each variable v of the term; False if it is not a
    monomial in them."""
    factors = term.args if term.__class__ is Mul else (term,)
    coeff, start = (factors[0].value, 1) if factors[0].__class__ is Number else (1, 0)  # type: ignore[attr-defined]
    for i in range(start, len(factors)):
        factor = factors[i]
        if factor not in live:
            continue
        if factor.__class__ is Symbol:
            base, k = factor, 1
        elif (factor.__class__ is Pow and factor.args[0] in parts
              and factor.args[1].__class__ is Number):  # fmt: skip
            base, k = factor.args[0], factor.args[1].value  # type: ignore[attr-defined]
        else:
            return False
        rest = [*factors[start:i], *factors[i + 1 :]]
        if k != 1:
            rest.append(power(base, number(k - 1)))
        parts[base].append(product_of_distinct(coeff * k, rest))
    return True
