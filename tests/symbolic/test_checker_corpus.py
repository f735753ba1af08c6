"""The derivative checker on a generated corpus, with SymPy as the oracle.

The corpus is rich in what defeats double-precision central differences: oscillation faster
than the step (sin(e^(kx)), cos(sinh(kx))), poles (1/(x-a), tan, log), kinks (|u|, sqrt) and
steep growth (cosh, e^(x²)). For each expression f, SymPy's derivative (read back into calcml)
is the correct one: the checker must never reject it. Three wrong derivatives are planted from
it (one term's coefficient off by 1e-6 relative, one term missing, one term's sign flipped): the
checker must reject each one, never pass it nor leave it undecided. A plant the checker lets
through is a miss unless mpmath finds its error below 1e-9 of the derivative everywhere on a grid
over the sampled range (a term of 1 beside a term of 10^40): no relative check can see that, and
such plants are counted apart as invisible.

The full corpus (5,000 expressions) runs in the slow set; 100 of them and the cases that once
were refused run by default.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import mpmath
import pytest
import sympy

from calcml.core.expr import Add, Expr, add, mul, number, symbol
from calcml.symbolic.parse import parse
from calcml.symbolic.verify import Check, check_derivative

from .sympy_oracle import to_sympy

x = symbol("x")
X = sympy.Symbol("x", real=True)

#: Derivatives calcml once refused as "failed its numeric check" though they were right.
ONCE_REFUSED = ["x*cos(sinh(3x))", "x^3*sin(e^(5x))", "tan(sinh(x)^4)*(1-x)", "x/ln(3x)",
                "cos(e^(x^2))"]  # fmt: skip

#: One-argument wrappers, each a template around the text of its argument {u}.
FAST = ["sin(exp({k}*{u}))", "cos(exp({u}^2))", "sin({k}*{u}^2)", "cos(sinh({k}*{u}))",
        "sin(exp(exp({u})))", "cos({k}0*{u})"]  # fmt: skip
POLES = ["1/({u} - {a})", "tan({u})", "log({u})", "log(abs({u}))", "1/log({k}*{u})",
         "sec({u})", "({u})/({u}^2 - {a})"]  # fmt: skip
KINKS = ["abs({u})", "sqrt({u})", "sqrt(abs({u}))", "abs({u} - {a})*{u}", "({u})^(1/3)"]
SMOOTH = ["exp({u})", "cosh({k}*{u})", "sinh({u})", "atan({k}*{u})", "tanh({k}*{u})",
          "erf({u})", "sigmoid({k}*{u})", "softplus({u})", "exp(-({u})^2)", "({u})^{n}",
          "asinh({u})"]  # fmt: skip
LEAVES = ["x", "{k}*x", "x^2", "x^3", "x - {a}", "{a}*x + 1", "x^2 + {a}"]
BINARY = ["({u})*({v})", "({u}) + ({v})", "({u})/({v})", "({u}) - {k}*({v})", "x^{n}*({u})",
          "(1 - x)*({u})"]  # fmt: skip


def _fill(rng: random.Random, template: str, **parts: str) -> str:
    a = rng.choice(["1/2", "1", "2", "3/2", "-1", "1/3", "5/2"])
    return template.format(k=rng.randint(2, 5), a=a, n=rng.randint(2, 4), **parts)


def _expression(rng: random.Random, depth: int) -> str:
    """A random expression of nesting up to `depth`: half the wrappers fast or singular."""
    if depth == 0 or rng.random() < 0.15:
        return _fill(rng, rng.choice(LEAVES))
    if rng.random() < 0.3:
        return _fill(rng, rng.choice(BINARY), u=_expression(rng, depth - 1),
                     v=_expression(rng, depth - 1))  # fmt: skip
    family = rng.choice([FAST, POLES, KINKS, SMOOTH, SMOOTH])
    return _fill(rng, rng.choice(family), u=_expression(rng, depth - 1))


def corpus(n: int, seed: int = 12) -> list[str]:
    """n distinct expressions (seeded), each under 40 nodes so SymPy stays quick."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        text = _expression(rng, rng.randint(1, 3))
        try:
            if parse(text).size() <= 40 and parse(text).free_symbols == {x}:
                out[text] = None
        except ValueError:
            continue
    return list(out)


def oracle_derivative(f: Expr) -> Expr | None:
    """SymPy's derivative of f, read back by calcml's parser (None if it needs what calcml
    cannot read, such as a Dirac delta)."""
    d = sympy.diff(to_sympy(f), X)
    text = str(d)
    if any(w in text for w in ("Derivative", "DiracDelta", "re(", "im(", "Subs", "zoo", "nan",
                                "atan2", "arg(", "I")):
        return None
    return parse(text.replace("Abs(", "abs("))


def plants(df: Expr, rng: random.Random) -> dict[str, Expr]:
    """Wrong derivatives made from the right one: a term's coefficient times (1 + 1e-6), a term
    left out (when there are several), a term's sign flipped."""
    terms = list(df.args) if isinstance(df, Add) else [df]
    k = rng.randrange(len(terms))
    others = terms[:k] + terms[k + 1:]
    out = {"coefficient": add(*others, mul(number(1 + 1e-6), terms[k])),
           "sign": add(*others, mul(number(-1), terms[k]))}  # fmt: skip
    if others:
        out["missing"] = add(*others)
    return {kind: wrong for kind, wrong in out.items() if wrong is not df}


#: Where a plant's error is looked for: 121 points spread over the checker's range [-3, 3] by
#: the golden ratio, none of them special (a term that vanishes only at x = 0 exactly hides a
#: plant from random samples as well).
GRID = [6 * (k * 0.6180339887498949 % 1) - 3 for k in range(1, 122)]


def visible(right: Expr, wrong: Expr) -> bool:
    """Is |wrong - right| above 1e-9·|right| at some real point of GRID (mpmath, 30 digits)?"""
    base = sympy.lambdify(X, to_sympy(right), "mpmath")
    error = sympy.lambdify(X, to_sympy(wrong) - to_sympy(right), "mpmath")
    with mpmath.workdps(30):
        for t in GRID:
            try:
                b, e = base(mpmath.mpf(t)), error(mpmath.mpf(t))
            except (ArithmeticError, ValueError, TypeError):
                continue
            if all(isinstance(v, mpmath.mpf) and mpmath.isfinite(v) for v in (b, e)) and (
                    abs(e) > 1e-9 * abs(b)):  # fmt: skip
                return True
    return False


@dataclass
class Figures:
    """What the checker made of the corpus."""

    checked: int = 0
    verified: int = 0
    unverified: Counter = field(default_factory=Counter)  # reason -> count
    refused: list = field(default_factory=list)  # correct derivatives rejected: must stay empty
    planted: Counter = field(default_factory=Counter)
    caught: Counter = field(default_factory=Counter)
    missed: list = field(default_factory=list)  # planted errors not rejected: must stay empty
    invisible: Counter = field(default_factory=Counter)  # plants below 1e-9 relative everywhere
    #: plants for functions whose right derivative the checker could not decide either (no
    #: sampled point in the domain, say): nothing could reject them, so they are counted apart
    untestable: int = 0
    skipped: int = 0  # SymPy's derivative used something calcml cannot read

    def summary(self) -> str:
        reasons = "; ".join(f"{n}× {why}" for why, n in self.unverified.most_common())
        return (f"{self.checked} right derivatives checked ({self.skipped} skipped: SymPy's "
                f"form unreadable): {self.verified} verified, {len(self.refused)} refused, "
                f"{sum(self.unverified.values())} unverified [{reasons}]; planted wrong "
                f"derivatives: {dict(self.planted)}, rejected {dict(self.caught)}, "
                f"missed {len(self.missed)}, invisible {dict(self.invisible)}, "
                f"untestable {self.untestable}")

    def record_correct(self, text: str, check: Check) -> None:
        self.checked += 1
        if check.rejected:
            self.refused.append((text, check.note))
        elif check.passed:
            self.verified += 1
        else:
            self.unverified[check.note.split(" (")[0][:80]] += 1

    def record_plant(self, text: str, kind: str, check: Check, right: Expr, wrong: Expr) -> None:
        self.planted[kind] += 1
        if check.rejected:
            self.caught[kind] += 1
        elif visible(right, wrong):
            self.missed.append((text, kind, str(wrong), check.note))
        else:
            self.invisible[kind] += 1


def run(texts: list[str], seed: int = 5) -> Figures:
    rng = random.Random(seed)
    figures = Figures()
    for text in texts:
        f = parse(text)
        df = oracle_derivative(f)
        if df is None:
            figures.skipped += 1
            continue
        check = check_derivative(f, df, x)
        figures.record_correct(text, check)
        for kind, wrong in plants(df, rng).items():
            if check.passed:
                figures.record_plant(text, kind, check_derivative(f, wrong, x), df, wrong)
            else:
                figures.untestable += 1
    return figures


def _assert_sound(figures: Figures) -> None:
    assert not figures.refused, figures.refused[:5]
    assert not figures.missed, figures.missed[:5]


def test_the_derivatives_once_refused_are_verified():
    figures = run(ONCE_REFUSED)
    _assert_sound(figures)
    assert figures.verified == len(ONCE_REFUSED)


def test_a_small_corpus():
    figures = run(corpus(100))
    _assert_sound(figures)
    assert figures.checked >= 90 and figures.verified >= 0.8 * figures.checked


@pytest.mark.slow
def test_the_full_corpus():
    figures = run(corpus(5_100))
    print(figures.summary())
    _assert_sound(figures)
    assert figures.checked >= 5_000
