"""Symbolic differentiation, memoized over the DAG, with every step named by its rule.

One pass over the expression's DAG, children before parents, computes each distinct node's
derivative once, so shared subexpressions are differentiated once and results share structure.
With `steps=True` the same pass also records, for each node, the rule that produced its
derivative; the rules themselves are the same either way, so the answer never depends on
whether you asked for steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from calcml.core.errors import LimitError, VerificationError
from calcml.core.evaluate import substitute
from calcml.core.expr import (
    MINUS_ONE,
    ONE,
    ZERO,
    Add,
    Apply,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    add,
    construction,
    mul,
    number,
    power,
    symbol,
)
from calcml.core.limits import MAX_DIFF_ORDER, MAX_STEP_NODES
from calcml.core.registry import LOG
from calcml.symbolic import step_check
from calcml.symbolic.inputs import default_variable, to_expr
from calcml.symbolic.simplify import simplify
from calcml.symbolic.steps import Step
from calcml.symbolic.termwise import termwise_partials
from calcml.symbolic.verify import Check, check_derivative

_NAMES = "uvwpqrstabcdefghijklmnoz"


class _Lazy:
    """An unevaluated sum or product of derivatives.

    Canonical products flatten, so building d/dx of a depth-n chain level by level would make n
    products of 1, 2, …, n factors: quadratic. Derivatives are combined lazily instead and put
    in canonical form once, at the end, each maximal product or sum in one call: linear.

    A small lazy operand of the same kind is spliced in when it is combined (its arguments
    copied, at most `_SPLICE` of them), so most lazy nodes arrive at the end already flat
    (`flat`: no argument is a lazy node of the same kind) and skip the gathering pass.
    """

    __slots__ = ("args", "flat", "op")

    def __init__(self, op, args: tuple, flat: bool):
        self.op = op
        self.args = args
        self.flat = flat


#: A lazy operand with at most this many arguments is copied into the node that combines it;
#: a larger one is nested, so a depth-n chain still costs O(n) in all.
_SPLICE = 16


def _lazy_mul(*factors):
    if len(factors) == 2:  # the common case: one factor is often 1 (d/dx x, a linear inner)
        a, b = factors
        if a is ONE or b is ZERO:
            return b
        if b is ONE or a is ZERO:
            return a
        if a.__class__ is not _Lazy and b.__class__ is not _Lazy:
            return _Lazy(mul, factors, True)
    return _lazy(mul, ONE, ZERO, factors)


def _lazy_add(*terms):
    return _lazy(add, ZERO, None, terms)


def _lazy(op, unit: Expr, absorbing: Expr | None, items: tuple):
    out: list = []
    flat = True
    for item in items:
        if item.__class__ is _Lazy:
            if item.op is op:
                if len(item.args) <= _SPLICE:
                    out.extend(item.args)
                    flat = flat and item.flat
                    continue
                flat = False
        elif item is unit:
            continue
        elif item is absorbing:
            return item
        out.append(item)
    if len(out) > 1:
        return _Lazy(op, tuple(out), flat)
    return out[0] if out else unit


def _materialize(root, done: dict[int, Expr] | None = None) -> Expr:
    """Canonical form of a lazy DAG, gathering nested same-kind nodes into one call.

    `done` may be shared between calls on parts of one DAG, so shared parts are built once.
    """
    if root.__class__ is not _Lazy:
        return root
    done = {} if done is None else done
    stack: list = [root]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        leaves = node.args if node.flat else _gather(node)
        pending = [leaf for leaf in leaves if leaf.__class__ is _Lazy and id(leaf) not in done]
        if pending:  # build them first; this node is met again after them
            stack.extend(pending)
            continue
        stack.pop()
        done[id(node)] = node.op(*[leaf if leaf.__class__ is not _Lazy else done[id(leaf)]
                                   for leaf in leaves])  # fmt: skip
    return done[id(root)]


def _gather(node: _Lazy) -> list:
    leaves, stack = [], [node]
    while stack:
        item = stack.pop()
        if item.__class__ is _Lazy and item.op is node.op:
            stack.extend(reversed(item.args))
        else:
            leaves.append(item)
    return leaves


@dataclass(frozen=True)
class Derivation:
    """A derivative with its steps and its independent check."""

    input: Expr
    var: Symbol
    order: int
    result: Expr
    steps: Step | None
    check: Check

    @property
    def verified(self) -> bool:
        return self.check.passed

    def _repr_latex_(self) -> str:
        return f"$\\frac{{d}}{{d{self.var.name}}}\\left[{self.input.latex()}\\right] = " \
               f"{self.result.latex()}$"  # fmt: skip


class _Differentiator:
    """One differentiation with respect to one variable: memo of node -> (derivative, step)."""

    def __init__(self, var: Symbol, with_steps: bool, root: Expr):
        self.var = var
        self.with_steps = with_steps
        self.memo: dict[Expr, tuple[Expr, Step | None]] = {}
        self.op = f"d/d{var.name}"
        # with steps, every node's derivative is shown, so combine canonically right away
        self.mul = mul if with_steps else _lazy_mul
        self.add = add if with_steps else _lazy_add
        self.names = _chain_names(root, var) if with_steps else {}
        taken = {s.name for s in root.free_symbols} if with_steps else set()
        self.free_names = [n for n in _NAMES if n not in taken]

    def derive(self, root: Expr) -> tuple[Expr, Step | None]:
        for node in root.walk():
            if node not in self.memo:
                self.memo[node] = self._one(node)
        return self.memo[root]

    def result(self, root: Expr) -> tuple[Expr, Step | None]:
        derivative, step = self.derive(root)
        return _materialize(derivative), step

    def d(self, node: Expr) -> Expr:
        found = self.memo.get(node)
        return (found if found is not None else self.derive(node))[0]

    def step(self, node: Expr) -> Step | None:
        found = self.memo.get(node)
        return (found if found is not None else self.derive(node))[1]

    def _steps(self, nodes) -> tuple:
        """The steps of `nodes`' derivatives (none are kept without `steps=True`)."""
        return tuple(self.step(n) for n in nodes) if self.with_steps else ()

    def _make(self, rule: str, node: Expr, result: Expr, subs: tuple = (), details: tuple = ()):
        if not self.with_steps:
            return result, None
        substeps = tuple(s for s in subs if s is not None)
        return result, Step(rule, node, result, substeps, self.op, details)

    # --- the rules -------------------------------------------------------------------------
    def _one(self, node: Expr) -> tuple[Expr, Step | None]:
        kind = node.__class__
        if kind is Symbol:
            return self._make("variable" if node is self.var else "constant", node,
                              ONE if node is self.var else ZERO)  # fmt: skip
        if not node.args or self._constant(node):  # numbers, constants, no variable inside
            return self._make("constant", node, ZERO)
        if kind is Add:
            return self._sum(node)
        if kind is Mul:
            return self._product(node)
        if kind is Pow:
            return self._power(node)  # type: ignore[arg-type]
        return self._function(node)  # type: ignore[arg-type]

    def _constant(self, node: Expr) -> bool:
        memo = self.memo
        return all(memo[a][0] is ZERO for a in node.args)

    def _sum(self, node: Expr) -> tuple[Expr, Step | None]:
        memo = self.memo
        result = self.add(*[memo[t][0] for t in node.args])
        return self._make("sum", node, result, self._steps(node.args))

    def _product(self, node: Mul) -> tuple[Expr, Step | None]:
        varying, constant = [], []
        memo = self.memo  # every factor's derivative is known: children come first
        for f in node.args:
            (constant if memo[f][0] is ZERO else varying).append(f)
        if len(varying) == 1:
            f = varying[0]
            result = self.mul(*constant, memo[f][0])
            details = (("c", mul(*constant)),) if self.with_steps else ()
            return self._make("constant multiple", node, result, (self.step(f),), details)
        den = [power(f.base, -f.exp) for f in varying if _is_reciprocal(f)]  # type: ignore[attr-defined]
        if den and len(den) < len(varying):
            num = [f for f in varying if not _is_reciprocal(f)]
            return self._quotient(node, constant, mul(*num), mul(*den))
        return self._product_rule(node, constant, varying)

    def _product_rule(self, node: Expr, constant: list[Expr], varying: list[Expr]):
        memo, lazy_mul = self.memo, self.mul
        # numbers are distributed over the terms, as canonical form would do anyway
        numbers = all(c.__class__ is Number for c in constant)
        scale = constant if numbers else []
        terms = [lazy_mul(*scale, memo[f][0], *varying[:i], *varying[i + 1 :])
                 for i, f in enumerate(varying)]  # fmt: skip
        result = self.add(*terms) if numbers else self.mul(*constant, self.add(*terms))
        return self._make("product", node, result, self._steps(varying))

    def _quotient(self, node: Expr, constant: list[Expr], num: Expr, den: Expr):
        dn, dd = self.d(num), self.d(den)
        result = self.mul(*constant, self.add(self.mul(dn, den), self.mul(MINUS_ONE, num, dd)),
                          power(den, -2))
        details = (("f", num), ("g", den))
        return self._make("quotient", node, result, (self.step(num), self.step(den)), details)

    def _power(self, node: Pow) -> tuple[Expr, Step | None]:
        base, exp = node.base, node.exp
        db, de = self.d(base), self.d(exp)
        if de is ZERO:
            lower = number(exp.value - 1) if isinstance(exp, Number) else add(exp, -1)
            outer = self.mul(exp, power(base, lower))
            return self._chain(node, "power", base, outer, lambda u: power(u, exp))
        if db is ZERO:
            outer = mul(node, _ln(base))
            return self._chain(node, "exponential", exp, outer, lambda u: power(base, u))
        result = self.mul(node, self.add(self.mul(de, _ln(base)),
                                         self.mul(exp, db, power(base, -1))))
        return self._make("general power", node, result, (self.step(base), self.step(exp)))

    def _function(self, node: Apply) -> tuple[Expr, Step | None]:
        prim, arg = node.prim, node.arg
        outer = prim.partial(arg)
        return self._chain(node, prim.rule, arg, outer, prim)

    def _chain(self, node: Expr, rule: str, inner: Expr, outer: Expr, rebuild) -> tuple:
        """`outer` is f'(inner); apply the chain rule unless inner is the variable itself."""
        d_inner = self.d(inner)
        result = self.mul(outer, d_inner)
        if inner is self.var or not self.with_steps:
            return self._make(rule, node, result)
        u = symbol(self.free_names[min(self.names.get(node, 0), len(self.free_names) - 1)])
        f_u = rebuild(u)
        outer_u = _replace(outer, inner, u)
        if outer_u.has(self.var):  # canonical form hid the inner expression: derive f(u) afresh
            outer_u = diff(f_u, u, verify=False)
        outer_step = Step(rule, f_u, outer_u, (), f"d/d{u.name}")
        details = (("u" if u.name == "u" else u.name, inner),)
        return self._make("chain", node, result, (outer_step, self.step(inner)), details)


def _is_reciprocal(f: Expr) -> bool:
    return isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.value < 0


def _ln(base: Expr) -> Expr:
    return LOG(base)


def _replace(expr: Expr, old: Expr, new: Expr) -> Expr:
    return substitute(expr, {old: new})


def _chain_names(root: Expr, var: Symbol) -> dict[Expr, int]:
    """For each chain-rule node, how many chain rules enclose it (u, then v, then w, …)."""
    depth: dict[Expr, int] = {}
    stack = [(root, 0)]
    while stack:
        node, level = stack.pop()
        if node in depth:
            continue
        depth[node] = level
        for child in node.args:
            nested = isinstance(node, Apply | Pow) and child is not var
            stack.append((child, level + 1 if nested else level))
    return depth


def reverse_partials(f: Expr, variables: list[Symbol]) -> list[Expr]:
    """All first partials of `f` in one reverse sweep over its DAG (symbolic backpropagation).

    Each node's adjoint (∂f/∂node) is the sum over its parents of the parent's adjoint times the
    local derivative, so a gradient costs one pass, not one pass per variable. Adjoints flow only
    into subexpressions that contain one of `variables` (a Hessian row skips every term without
    the remaining variables), and products are combined lazily, each put in canonical form once.
    """
    order = list(f.walk())
    live = live_nodes(order, set(variables))
    termwise = termwise_partials(f, variables, live)
    if termwise is not None:  # a sum of monomials: the power rule, term by term
        return termwise
    return _sweep(f, variables, order, live)


def live_nodes(order: list[Expr], wanted: set[Expr]) -> set[Expr]:
    """The nodes of `order` (children first) that contain one of `wanted`."""
    live: set[Expr] = set()
    for node in order:
        if node in wanted or (node.args and not live.isdisjoint(node.args)):
            live.add(node)
    return live


def _sweep(f: Expr, variables: list[Symbol], order: list[Expr], live: set[Expr]) -> list[Expr]:
    """The reverse sweep of `reverse_partials` over f's nodes `order` (children first)."""
    wanted = set(variables)
    adjoint: dict[Expr, list] = {f: [ONE]} if f in live else {}
    total: dict[Expr, object] = {}
    for node in reversed(order):
        parts = adjoint.pop(node, None)
        if parts is None:
            continue
        bar = parts[0] if len(parts) == 1 else _lazy_add(*parts)
        if node in wanted:
            total[node] = bar
        else:
            _pull_back(node, bar, live, adjoint)
    done: dict[int, Expr] = {}
    return [_materialize(total.get(v, ZERO), done) for v in variables]


def _pull_back(node: Expr, bar: object, live: set[Expr], adjoint: dict[Expr, list]) -> None:
    """Add bar·∂node/∂child to the adjoint of each child in `live`; products stay lazy."""
    kind = node.__class__
    args = node.args
    if kind is Add:
        for a in args:
            if a in live:
                adjoint.setdefault(a, []).append(bar)
    elif kind is Mul:
        for i, a in enumerate(args):
            if a in live:
                adjoint.setdefault(a, []).append(_lazy_mul(bar, *args[:i], *args[i + 1 :]))
    elif kind is Pow:
        base, exp = args
        if base in live:
            lower = number(exp.value - 1) if exp.__class__ is Number else add(exp, -1)  # type: ignore[attr-defined]
            adjoint.setdefault(base, []).append(_lazy_mul(bar, exp, power(base, lower)))
        if exp in live:
            adjoint.setdefault(exp, []).append(_lazy_mul(bar, node, _ln(base)))
    elif kind is Apply:
        arg = args[0]
        if arg in live:
            adjoint.setdefault(arg, []).append(_lazy_mul(bar, node.prim.partial(arg)))  # type: ignore[attr-defined]


def diff(expr, var=None, n: int = 1, *, steps: bool = False, verify: bool = True):
    """The n-th derivative of `expr` with respect to `var`.

    Arguments:
        expr: an expression or text (`"x^3*sin(x)"`).
        var: the variable (a symbol or its name); optional when there is only one.
        n: the order.
        steps: return a `Derivation` (result, steps tree, check) instead of the expression.
        verify: check the result against central differences, re-checking in ball arithmetic
            the points they cannot settle; an error proven there raises `VerificationError`
            (calcml's own failure) rather than return a wrong answer. A check that cannot
            decide leaves the `Derivation` unverified, with the reason in its `check.note`.

    Returns:
        The derivative, or a `Derivation` when `steps=True`.

    >>> import calcml as cm
    >>> cm.diff("x^3*sin(x)")
    x**3*cos(x) + 3*x**2*sin(x)
    >>> cm.diff("sin(x^2)", steps=True).steps.rule
    'chain'
    """
    f = to_expr(expr)
    x = default_variable(f, var)
    if not 0 <= n <= MAX_DIFF_ORDER:
        raise LimitError(f"order {n} is outside 0..{MAX_DIFF_ORDER} (MAX_DIFF_ORDER)",
                         "MAX_DIFF_ORDER")  # fmt: skip
    with_steps = steps and f.size() <= MAX_STEP_NODES
    with construction():
        current, tree, check = _differentiate(f, x, n, with_steps, verify)
    if verify and n and check.rejected:
        raise VerificationError(f"its d/d{x.name} of {_short(f)} is {_short(current)}, but "
                                f"{check.note}")  # fmt: skip
    if not steps:
        return current
    if tree is not None:  # every step checked; a false one withholds the steps, not the answer
        tree = step_check.certify(tree, Step("derivative", tree.expr, current, (), f"d/d{x.name}"))
    return Derivation(f, x, n, current, tree, check)


def _short(expr: Expr, most: int = 160) -> str:
    """An expression's text for a one-line message, cut short with an ellipsis."""
    text = str(expr)
    return text if len(text) <= most else text[: most - 1] + "…"


def _differentiate(f: Expr, x: Symbol, n: int, with_steps: bool, verify: bool):
    """The n-th derivative, its steps tree and its numeric check."""
    current, tree, previous = f, None, f
    for _ in range(n):
        previous = current
        current, tree = _Differentiator(x, with_steps, previous).result(previous)
        simpler = simplify(current)
        if simpler is not current and with_steps and tree is not None:
            tree = Step("derivative", previous, simpler,
                        (tree, Step("simplify", current, simpler)), f"d/d{x.name}")  # fmt: skip
        current = simpler
    check = check_derivative(previous, current, x) if verify and n else Check(False, 0, 0.0, "")
    return current, tree, check


step_check.provide("diff", diff)  # the late binding described in calcml.symbolic

__all__ = ["Derivation", "diff", "reverse_partials"]
