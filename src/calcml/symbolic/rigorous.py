"""Values and first derivatives of expressions as rigorous enclosures, in Arb's ball arithmetic.

The numeric checks in `verify` use double-precision central differences, which cannot decide a
point where the function oscillates faster than the step, where a pole is near, or where the
difference cancels to rounding. There this module evaluates the expression at that exact point
as a truncated power series `f(x0 + t) = f(x0) + f'(x0)·t + O(t²)` over python-flint's `arb_series`
balls: the coefficient of `t` is an interval that certainly holds the true derivative, computed by
Arb's own series arithmetic, not by calcml's derivative rules. The precision rises until the
balls are narrow enough to decide.

A primitive missing from `SERIES`, a kink at the point (`|x|` at 0) or a value outside the
domain raises `Undecidable`: the point is then left undecided, never called wrong.
python-flint is imported only when a check first needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from calcml.core.expr import Add, Apply, Constant, Expr, Mul, Number, Pow, Symbol, post_order
from calcml.core.lazy import LazyModule

flint: Any = LazyModule("flint", globals(), "flint")

#: The working precisions tried in turn, in bits: each a few times the one before, so a point
#: that needs 1,000 bits costs about as much as one evaluation at 1,000 bits.
PRECISIONS = (64, 192, 576, 1728, 5184)


class Undecidable(Exception):
    """The point cannot be decided in ball arithmetic; the message says why."""


class _Wider(ArithmeticError):
    """A ball straddles a place where the function changes form (0 for |x|, a pole): more
    precision may narrow it; at the last precision it makes the point undecidable."""


def coefficient(s: Any, k: int) -> Any:
    """The k-th Taylor coefficient of an `arb_series` (Arb drops trailing zeros)."""
    cs = s.coeffs()
    return cs[k] if k < len(cs) else flint.arb(0)


def _sign_of(s: Any) -> int:
    """+1 or -1 for a series whose value is certainly positive or negative."""
    c = coefficient(s, 0)
    if c > 0:
        return 1
    if c < 0:
        return -1
    raise _Wider("a kink, a pole or a domain edge at the point (a value that may be 0)")


def _positive(s: Any) -> Any:
    if _sign_of(s) < 0:
        raise Undecidable("a logarithm or a root of a negative value")
    return s


def _exp(s: Any) -> Any:
    return s.exp()


def _sinh(s: Any) -> Any:
    return (s.exp() - (-s).exp()) / 2


def _cosh(s: Any) -> Any:
    return (s.exp() + (-s).exp()) / 2


def _tanh(s: Any) -> Any:
    return 1 - 2 / ((2 * s).exp() + 1) if _sign_of_or_zero(s) >= 0 else 2 / ((-2 * s).exp() + 1) - 1


def _sign_of_or_zero(s: Any) -> int:
    c = coefficient(s, 0)
    return -1 if c < 0 else 1


def _sigmoid(s: Any) -> Any:
    return 1 / ((-s).exp() + 1) if _sign_of_or_zero(s) >= 0 else s.exp() / (s.exp() + 1)


def _softplus(s: Any) -> Any:
    # log(1 + e^s) = max(s, 0) + log(1 + e^-|s|), which never overflows
    if _sign_of_or_zero(s) >= 0:
        return s + ((-s).exp() + 1).log()
    return (s.exp() + 1).log()


def _jet(value: Callable[[Any], Any], slope: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A primitive Arb has no series for, from its value and derivative (series of length ≤ 2)."""

    def series(s: Any) -> Any:
        if s.prec > 2:
            raise Undecidable("a series longer than a first derivative")
        c0 = coefficient(s, 0)
        return value(c0) + slope(c0) * (s - c0)

    return series


def _trigamma(x: Any) -> Any:
    return flint.arb.zeta(flint.arb(2), x)  # ψ₁(x) = ζ(2, x), the Hurwitz zeta function


#: Registry primitive name -> its power series over arb balls. Unknown names are undecidable;
#: a new primitive is one line here.
SERIES: dict[str, Callable[[Any], Any]] = {
    "exp": _exp,
    "log": lambda s: _positive(s).log(),
    "sin": lambda s: s.sin(),
    "cos": lambda s: s.cos(),
    "tan": lambda s: s.tan(),
    "cot": lambda s: s.cos() / s.sin(),
    "sec": lambda s: 1 / s.cos(),
    "csc": lambda s: 1 / s.sin(),
    "asin": lambda s: s.asin(),
    "acos": lambda s: s.acos(),
    "atan": lambda s: s.atan(),
    "sinh": _sinh,
    "cosh": _cosh,
    "tanh": _tanh,
    "sech": lambda s: 1 / _cosh(s),
    "csch": lambda s: 1 / _sinh(s),
    "coth": lambda s: 1 / _tanh(s),
    "asinh": lambda s: (s * _sign_of_or_zero(s) + (s * s + 1).sqrt()).log() * _sign_of_or_zero(s),
    "acosh": lambda s: (s + _positive(s * s - 1).sqrt()).log(),
    "atanh": lambda s: ((1 + s).log() - (1 - s).log()) / 2,
    "abs": lambda s: s * _sign_of(s),
    "sign": lambda s: s * 0 + _sign_of(s),
    "heaviside": lambda s: s * 0 + (1 if _sign_of(s) > 0 else 0),
    "relu": lambda s: s if _sign_of(s) > 0 else s * 0,
    "erf": lambda s: s.erf(),
    "erfc": lambda s: s.erfc(),
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "log1p": lambda s: _positive(s + 1).log(),
    "expm1": lambda s: s.exp() - 1,
    "gamma": lambda s: s.gamma(),
    "lgamma": lambda s: (s.gamma() * _sign_of(s.gamma())).log(),  # log|Γ|, as SciPy's gammaln
    "digamma": _jet(lambda x: x.digamma(), _trigamma),
    "trigamma": _jet(_trigamma, lambda x: -2 * flint.arb.zeta(flint.arb(3), x)),
    "asec": lambda s: (1 / s).acos(),
    "acsc": lambda s: (1 / s).asin(),
    "acot": lambda s: (1 / s).atan(),  # atan(1/x): SymPy's branch, odd, jumps at 0
    "asech": lambda s: SERIES["acosh"](1 / s),
    "acsch": lambda s: SERIES["asinh"](1 / s),
    "acoth": lambda s: SERIES["atanh"](1 / s),
    "exp2": lambda s: (s * flint.arb(2).log()).exp(),
    "log2": lambda s: _positive(s).log() / flint.arb(2).log(),
    "log10": lambda s: _positive(s).log() / flint.arb(10).log(),
    "logit": lambda s: _positive(s).log() - _positive(1 - s).log(),
    "sinc": lambda s: (s * flint.arb.pi()).sin() / (s * flint.arb.pi()),
    "floor": lambda s: _steps(s, lambda c: c.floor()),
    "ceil": lambda s: _steps(s, lambda c: c.ceil()),
}


def _steps(s: Any, level: Callable[[Any], Any]) -> Any:
    """floor and ceil: constant (derivative 0) where the ball holds no integer, else a jump."""
    c0 = coefficient(s, 0)
    value = level(c0)
    if not value.is_exact():
        raise Undecidable("a jump of floor/ceil at the point")
    return s * 0 + value


def _polygamma(n: int) -> Callable[[Any], Any]:
    """ψₙ(x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x), with ψₙ' = ψₙ₊₁: the registry's `polygamma{n}` records."""

    def value(k: int) -> Callable[[Any], Any]:
        return lambda x: (-1) ** (k + 1) * flint.arb(k).fac() * flint.arb.zeta(flint.arb(k + 1), x)

    return _jet(value(n), value(n + 1))


def series_rule(name: str) -> Callable[[Any], Any] | None:
    """The series of the registry primitive `name`, or None (the point is then undecidable)."""
    rule = SERIES.get(name)
    if rule is None and name.startswith("polygamma") and name[9:].isdigit():
        return _polygamma(int(name[9:]))
    return rule


@contextmanager
def precision(bits: int) -> Iterator[None]:
    """Arb's working precision, restored afterwards."""
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old


def series_values(exprs: Sequence[Expr], seeds: dict[Symbol, tuple[float, float]],
                  length: int = 2) -> list[Any]:  # fmt: skip
    """Each expression as an `arb_series` in t, where each symbol s is `value + slope·t` from
    `seeds` (floats, taken exactly); at the current precision.

    >>> from calcml.core.expr import symbol
    >>> x = symbol("x")
    >>> s, = series_values([x**3], {x: (2.0, 1.0)})
    >>> float(coefficient(s, 1).mid())
    12.0
    """
    done: dict[Expr, Any] = {}
    for node in post_order(exprs):
        done[node] = _node(node, done, seeds, length)
    return [done[e] for e in exprs]


def _node(node: Expr, done: dict[Expr, Any], seeds: dict[Symbol, tuple[float, float]],
          length: int) -> Any:  # fmt: skip
    arb_series, arb = flint.arb_series, flint.arb
    cls = node.__class__
    if cls is Symbol:
        if node not in seeds:
            raise Undecidable(f"no value for {node}")
        value, slope = seeds[node]  # type: ignore[index]
        return arb_series([arb(value), arb(slope)], prec=length)
    if cls is Number:
        return arb_series([_number(node.value)], prec=length)  # type: ignore[attr-defined]
    if cls is Constant:
        return arb_series([_constant(node)], prec=length)
    args = [done[a] for a in node.args]
    if cls is Add:
        return _fold(args, lambda a, b: a + b)
    if cls is Mul:
        return _fold(args, lambda a, b: a * b)
    if cls is Pow:
        return _power(node, args[0], args[1])
    if cls is Apply:
        rule = series_rule(node.prim.name)  # type: ignore[attr-defined]
        if rule is None or len(args) != 1:
            raise Undecidable(f"no interval form for {node.prim.name}")  # type: ignore[attr-defined]
        return rule(args[0])
    raise Undecidable(f"no interval form for {type(node).__name__}")


def _fold(items: list[Any], op: Callable[[Any, Any], Any]) -> Any:
    total = items[0]
    for item in items[1:]:
        total = op(total, item)
    return total


def _number(value: Any) -> Any:
    arb = flint.arb
    if isinstance(value, int):
        return arb(flint.fmpz(value))
    if isinstance(value, float):
        return arb(value)
    return arb(flint.fmpq(value.numerator, value.denominator))


def _constant(node: Constant) -> Any:
    arb = flint.arb
    if node.name == "pi":
        return arb.pi()
    if node.name == "E":
        return arb.const_e()
    raise Undecidable(f"no interval value for the constant {node.name}")


def _power(node: Pow, base: Any, exponent: Any) -> Any:
    e = node.exp
    if isinstance(e, Number) and float(e.value).is_integer() and abs(e.value) <= 1 << 20:
        n = int(e.value)
        if n >= 0:
            return base**n
        if coefficient(base, 0).contains(0):
            raise _Wider("a pole at the point (a base that may be 0)")
        return 1 / base ** (-n)
    return (exponent * _positive(base).log()).exp()


def decide_slopes(fs: Sequence[Expr], rows: Sequence[Sequence[Expr]],
                  seeds: dict[Symbol, tuple[float, float]], direction: Sequence[float],
                  tol: float, weight: float, floor: float) -> tuple[bool, float]:  # fmt: skip
    """At one point: does each claimed gradient row, dotted with `direction`, match the true
    slope of its function along it, to `tol` relative to |claim| + weight·|f| + floor?

    The seeds move each variable by its component of `direction` (parameters by 0), so the
    t-coefficient of f's series is its exact slope ∇f·d. Returns (agrees, relative error);
    `agrees` is False only when the enclosures prove an error above `tol`. Raises
    `Undecidable` when even the widest precision leaves the answer open.
    """
    flat = [g for row in rows for g in row]

    def compare() -> list[tuple[Any, Any, Any]]:
        values = series_values([*fs, *flat], seeds)
        n, m = len(fs), len(direction)
        out = []
        for i in range(n):
            claim = _fold([coefficient(values[n + i * m + k], 0) * flint.arb(d)
                           for k, d in enumerate(direction)], lambda a, b: a + b)  # fmt: skip
            out.append((coefficient(values[i], 1), claim, coefficient(values[i], 0)))
        return out

    return _decide(compare, tol, weight, floor)


def decide_values(a: Expr, b: Expr, seeds: dict[Symbol, tuple[float, float]],
                  tol: float) -> tuple[bool, float]:  # fmt: skip
    """At one point: does b equal a, to `tol` relative to 1 + |a|? As `decide_slopes`."""

    def compare() -> list[tuple[Any, Any, Any]]:
        av, bv = (coefficient(v, 0) for v in series_values([a, b], seeds, length=1))
        return [(bv, av, av)]

    return _decide(compare, tol, 0.0, 1.0)


def _decide(compare: Callable[[], list[tuple[Any, Any, Any]]], tol: float, weight: float,
            floor: float) -> tuple[bool, float]:  # fmt: skip
    """Run `compare` (triples of true value, claim, and f) at rising precision until every
    relative error is proven at most `tol`, or one is proven above it."""
    why = "the enclosures stayed too wide"
    try:
        flint.ctx  # noqa: B018 (imports python-flint on the first re-check)
    except ImportError as exc:
        raise Undecidable(f"python-flint is not available ({exc})") from None
    for bits in PRECISIONS:
        with precision(bits):
            try:
                triples = compare()
            except _Wider as exc:
                why = str(exc)
                continue
            except (ArithmeticError, ValueError) as exc:
                why = f"ball arithmetic failed ({exc})"
                continue
            verdict = _judge(triples, tol, weight, floor)
        if verdict is not None:
            return verdict
    raise Undecidable(f"{why} at {PRECISIONS[-1]} bits")


def _judge(triples: list[tuple[Any, Any, Any]], tol: float, weight: float,
           floor: float) -> tuple[bool, float] | None:  # fmt: skip
    """(agrees, worst relative error) when the balls decide, else None."""
    worst = 0.0
    for true, claim, f in triples:
        if not (true.is_finite() and claim.is_finite() and f.is_finite()):
            return None
        relative = (true - claim) / (abs(claim) + weight * abs(f) + floor)  # balls throughout
        if not relative.is_finite():  # wider than any number (NaN compares as no decision)
            return None
        low, high = float(relative.abs_lower()), float(relative.abs_upper())
        if low > tol:
            return False, low
        if high > tol:
            return None
        worst = max(worst, high)
    return True, worst
