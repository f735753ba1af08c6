"""c·ln|w + a| − c·ln|w − a| written 2c·atanh(w/a) or 2c·atanh(a/w), as textbooks write it.

Partial fractions leave ∫ du/(1 − 2u²) as (ln|u + √2/2| − ln|u − √2/2|)/(2√2); the textbook's
answer is atanh(√2·u)/√2. Since atanh z = ½·ln((1 + z)/(1 − z)) for |z| < 1,

    ln|w + a| − ln|w − a| = 2·atanh(w/a)  where |w| < |a|,   = 2·atanh(a/w)  where |w| > |a|.

Which one applies is read off the integrand's domain: |w/a| is sampled wherever the integrand is
finite, and the pair is rewritten only when it stays on one side of 1 at every sample (otherwise
the logarithms stay), so the answer is real wherever the integrand is.
"""

from __future__ import annotations

from typing import Any

from calcml.core.evaluate import Program, evaluate_float, substitute
from calcml.core.expr import ZERO, Add, Apply, Expr, Symbol, add, mul, power
from calcml.core.registry import ABS, ATANH, LOG
from calcml.symbolic.integrate.base import free_of, split_constant


def logs_to_atanh(result: Expr, expr: Expr, var: Symbol) -> Expr:
    """result with each pair c·ln|w + a| − c·ln|w − a| written with atanh (see the module)."""
    tried: set[Expr] = set()
    for _ in range(MAX_PAIRS):  # one sum at a time: a rewritten inner sum changes the outer one
        node = next((n for n in result.walk() if isinstance(n, Add) and n not in tried), None)
        while node is not None:
            tried.add(node)
            new = _paired(node, expr, var)
            if new is not None:
                result = substitute(result, {node: new})
                break
            node = next((n for n in result.walk() if isinstance(n, Add) and n not in tried),
                        None)  # fmt: skip
        else:
            return result
    return result


#: Most sums rewritten in one answer.
MAX_PAIRS = 8


def _paired(node: Add, expr: Expr, var: Symbol) -> Expr | None:
    logs = {}
    for t in node.args:
        c, g = split_constant(t, var)
        shifted = _log_of_shift(g, var)
        if shifted is not None:
            logs[t] = (c, *shifted)
    done, out = set(), []
    for t, (c, w, a) in logs.items():
        if t in done:
            continue
        partner = next((s for s, (c2, w2, a2) in logs.items() if s not in done and s is not t
                        and w2 is w and _opposite(a, a2) and _opposite(c, c2)), None)  # fmt: skip
        if partner is None:
            continue
        z = mul(w, power(a, -1))
        side = _side(z, expr, var)
        if side is None:
            continue
        done.update((t, partner))
        arg = z if side < 0 else power(z, -1)
        negative = _negative(split_constant(arg, var)[0])  # atanh(−z) = −atanh z
        out.append(mul(-2 if negative else 2, c, ATANH(mul(-1, arg) if negative else arg)))
    if not done:
        return None
    return add(*(t for t in node.args if t not in done), *out)


def _negative(k: Expr) -> bool:
    try:
        return evaluate_float(k, {}) < 0
    except (ArithmeticError, ValueError):
        return False


def _opposite(a: Expr, b: Expr) -> bool:
    """a = −b (constants, compared in floats: 1/(4√3) and √3/12 are one number)."""
    try:
        va, vb = evaluate_float(a, {}), evaluate_float(b, {})
    except (ArithmeticError, ValueError):
        return False
    return va != 0 and abs(va + vb) <= 1e-12 * abs(va)


def _log_of_shift(g: Expr, var: Symbol) -> tuple[Expr, Expr] | None:
    """(w, a) when g = ln|w + a| (or ln(w + a), the bars dropped as w + a > 0), a a constant
    and w not."""
    if not (isinstance(g, Apply) and g.prim is LOG):
        return None
    inside = g.arg.arg if isinstance(g.arg, Apply) and g.arg.prim is ABS else g.arg
    if not isinstance(inside, Add):
        return None
    a = add(*(t for t in inside.args if free_of(t, var)))
    w = add(*(t for t in inside.args if not free_of(t, var)))
    if free_of(w, var) or a is ZERO:
        return None
    return w, a


def _side(z: Expr, expr: Expr, var: Symbol) -> int | None:
    """−1 if |z| < 1, +1 if |z| > 1 at every sampled point where the integrand is finite."""
    import numpy as np

    xs = np.concatenate([np.linspace(-6, 6, 241), np.linspace(-40, 40, 81)])
    try:
        with np.errstate(all="ignore"):
            f, zv = (np.broadcast_to(np.asarray(v, float), xs.shape)
                     for v in Program([expr, z], [var])(xs))  # fmt: skip
    except (ArithmeticError, ValueError, TypeError):
        return None
    with np.errstate(all="ignore"):
        ok = np.isfinite(f) & np.isfinite(zv)
        mag: Any = np.abs(zv[ok])
    if ok.sum() < 20:
        return None
    if np.all(mag < 1 - 1e-9):
        return -1
    if np.all(mag > 1 + 1e-9):
        return 1
    return None


__all__ = ["logs_to_atanh"]
