"""Printers: Python syntax (`str`), a human form with unicode, and LaTeX.

Each printer maps a node to a *template* (its precedence and a list of strings and child slots);
one iterative driver expands templates, so a 100,000-node expression prints without recursion and
in time linear in the output. Sums print as `a - b` and products with negative powers as `a/b`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

from calcml.core import nodes
from calcml.core.expr import (
    ONE,
    Add,
    Apply,
    Constant,
    Expr,
    Mul,
    Number,
    Pow,
    Symbol,
    mul,
    number,
    power,
)

ADD, NEG, MUL, POW, ATOM = 10, 15, 20, 30, 100
Item = str | tuple[Expr, int]
Template = tuple[int, list[Item]]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_MINUS_ONE_KEY = number(-1).key  # exactly -1: a float -1.0 must print as a power, not as 1/x
_CHUNK_DIGITS = 4000  # below Python's limit on int -> str conversion (4300 digits by default)
_CHUNK = 10**_CHUNK_DIGITS


def _int_text(n: int) -> str:
    """The decimal digits of n, also past Python's 4300-digit limit on `str(int)`."""
    if -_CHUNK < n < _CHUNK:
        return str(n)
    sign, n = ("-" if n < 0 else ""), abs(n)
    chunks: list[int] = []
    while n:
        n, low = divmod(n, _CHUNK)
        chunks.append(low)
    head = str(chunks.pop())
    return sign + head + "".join(str(c).zfill(_CHUNK_DIGITS) for c in reversed(chunks))


def _ordered_terms(node: Add) -> list[Expr]:
    """Terms highest degree first and the number last, as people write polynomials."""
    terms = list(node.args)
    if isinstance(terms[0], Number):
        terms = terms[1:] + terms[:1]
    return sorted(terms, key=_degree, reverse=True)


def _degree(term: Expr) -> float:
    """The total degree of a term in its symbols (other factors count 0); numbers lowest."""
    if isinstance(term, Number):
        return -1.0
    degree = 0.0
    for f in term.args if isinstance(term, Mul) else (term,):
        if isinstance(f, Symbol):
            degree += 1
        elif isinstance(f, Pow) and isinstance(f.base, Symbol) and isinstance(f.exp, Number):
            degree += float(f.exp.value)
    return degree


def _is_unit(coeff: Fraction | float | int) -> bool:
    """An exact coefficient 1 goes unwritten; a float 1.0 is written, or it would read back as 1."""
    return coeff == 1 and not isinstance(coeff, float)


def _negative(node: Expr) -> bool:
    if isinstance(node, Number):
        return node.value < 0
    return isinstance(node, Mul) and isinstance(node.args[0], Number) and node.args[0].value < 0


def _split_fraction(node: Expr) -> tuple[Fraction | float, list[Expr], list[Expr]]:
    """coefficient, numerator factors, denominator factors (with positive exponents)."""
    factors = node.args if isinstance(node, Mul) else (node,)
    coeff: Fraction | float = Fraction(1)
    num: list[Expr] = []
    den: list[Expr] = []
    for f in factors:
        if isinstance(f, Number):
            coeff = f.value if isinstance(f.value, float) else Fraction(f.value)
        elif isinstance(f, Pow) and isinstance(f.exp, Number) and f.exp.value < 0:
            exact_one = f.exp.key == _MINUS_ONE_KEY
            den.append(f.base if exact_one else power(f.base, number(-f.exp.value)))
        else:
            num.append(f)
    return coeff, num, den


class Printer:
    """Python syntax; the base the other forms override."""

    lparen, rparen = "(", ")"
    times = "*"
    div = "/"
    constants: ClassVar[dict[str, str]] = {"pi": "pi", "E": "E"}

    def render(self, root: Expr) -> str:
        out: list[str] = []
        stack: list[Item] = [(root, 0)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
                continue
            node, need = item
            prec, items = self.template(node)
            if prec < need:
                items = [self.lparen, *items, self.rparen]
            stack.extend(reversed(items))
        return "".join(out)

    def template(self, node: Expr) -> Template:
        if isinstance(node, Number):
            return self.number(node.value)
        if isinstance(node, Symbol):
            return ATOM, [self.symbol(node.name)]
        if isinstance(node, Constant):
            return ATOM, [self.constants[node.name]]
        if isinstance(node, Add):
            return self.add(node)
        if isinstance(node, Apply):
            return self.function(node)
        if isinstance(node, Pow) and not (isinstance(node.exp, Number) and node.exp.value < 0):
            return self.power(node)
        return self.product(node)

    def symbol(self, name: str) -> str:
        return name

    def number(self, value) -> Template:
        if isinstance(value, float):
            text = repr(value)
            return (NEG if value < 0 else ATOM), [text]
        if isinstance(value, Fraction):
            top, bottom = _int_text(value.numerator), _int_text(value.denominator)
            return (NEG if value < 0 else MUL), [f"{top}{self.div}{bottom}"]
        return (NEG if value < 0 else ATOM), [_int_text(value)]

    def add(self, node: Add) -> Template:
        items: list[Item] = []
        for i, term in enumerate(_ordered_terms(node)):
            if _negative(term):
                items += [" - " if i else "-", (mul(-1, term), MUL if i else NEG + 1)]
            else:
                items += [" + "] if i else []
                items.append((term, ADD + 1 if i else ADD))
        return ADD, items

    def product(self, node: Expr) -> Template:
        coeff, num, den = _split_fraction(node)
        items: list[Item] = []
        sign = coeff < 0
        coeff = -coeff if sign else coeff
        if isinstance(coeff, Fraction):
            top, bottom = coeff.numerator, coeff.denominator
        else:
            top, bottom = coeff, 1
        factors: list[Item] = [] if _is_unit(top) and num else [self.number(top)[1][0]]
        factors += [(f, MUL) for f in num]
        items += self.join_factors(factors)
        denominator = [*([_int_text(bottom)] if bottom != 1 else []), *den]
        if denominator:
            items += self.divide(denominator)
        if sign:
            return NEG, ["-", *items]
        return MUL, items

    def join_factors(self, factors: list[Item]) -> list[Item]:
        items: list[Item] = []
        for i, f in enumerate(factors):
            if i:
                items.append(self.times)
            items.append(f)
        return items

    def divide(self, den: list) -> list[Item]:
        if len(den) == 1:
            d = den[0]
            return [self.div, d if isinstance(d, str) else (d, MUL + 1)]
        parts = [d if isinstance(d, str) else (d, MUL) for d in den]
        return [self.div, self.lparen, *self.join_factors(parts), self.rparen]

    def power(self, node: Pow) -> Template:
        base, exp = node.base, node.exp
        if exp.key == (0, Fraction(1, 2), "Fraction"):
            return ATOM, ["sqrt(", (base, 0), ")"]
        return POW, [(base, POW + 1), "**", (exp, ATOM)]

    def function(self, node: Apply) -> Template:
        return ATOM, [node.prim.name, "(", (node.arg, 0), ")"]


class HumanPrinter(Printer):
    """`x² + 2x·sin(x)`, `√x`, `π`, `|x|`, `e^x`, `ln x`."""

    times = "·"
    constants: ClassVar[dict[str, str]] = {"pi": "π", "E": "e"}

    def power(self, node: Pow) -> Template:
        base, exp = node.base, node.exp
        if exp.key == (0, Fraction(1, 2), "Fraction"):
            if isinstance(base, Symbol | Number | Constant):
                return ATOM, ["√", (base, ATOM)]
            return ATOM, ["√(", (base, 0), ")"]
        if isinstance(exp, Number) and isinstance(exp.value, int):
            return POW, [(base, POW + 1), str(exp.value).translate(_SUPERSCRIPT)]
        return POW, [(base, POW + 1), "^", (exp, ATOM)]

    def join_factors(self, factors: list[Item]) -> list[Item]:
        items: list[Item] = []
        for i, f in enumerate(factors):
            if i and not (isinstance(factors[i - 1], str) and self._juxtaposes(f)):
                items.append(self.times)
            items.append(f)
        return items

    @staticmethod
    def _juxtaposes(f: Item) -> bool:
        node = f[0] if isinstance(f, tuple) else None
        return isinstance(node, Symbol | Constant) or (
            isinstance(node, Pow) and isinstance(node.base, Symbol) and isinstance(node.exp, Number)
        )

    def function(self, node: Apply) -> Template:
        name = node.prim.name
        if name == "abs":  # |(|x| + 1)|: "||" would read as a norm
            inner = any(isinstance(n, Apply) and n.prim is node.prim for n in node.arg.walk())
            return ATOM, ["|(" if inner else "|", (node.arg, 0), ")|" if inner else "|"]
        if name == "exp":
            return POW, ["e^", (node.arg, ATOM)]
        return ATOM, [node.prim.text, "(", (node.arg, 0), ")"]


class LatexPrinter(Printer):
    """LaTeX that `parse` reads back: `\\frac`, `\\sqrt`, `\\sin`, `e^{...}`."""

    lparen, rparen = "\\left(", "\\right)"
    times = " \\cdot "
    constants: ClassVar[dict[str, str]] = {"pi": "\\pi", "E": "e"}

    def symbol(self, name: str) -> str:
        return name if len(name) == 1 else f"\\mathit{{{name}}}"

    def number(self, value) -> Template:
        if isinstance(value, Fraction):
            sign = "-" if value < 0 else ""
            top, bottom = _int_text(abs(value.numerator)), _int_text(value.denominator)
            return (NEG if value < 0 else ATOM), [f"{sign}\\frac{{{top}}}{{{bottom}}}"]
        if isinstance(value, float):
            text = repr(value)
            if "e" in text:  # the mantissa keeps a point, so parse reads the float back
                mantissa, exponent = text.split("e")
                mantissa += "" if "." in mantissa else ".0"
                text = f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
                return (NEG if value < 0 else MUL), [text]
            return (NEG if value < 0 else ATOM), [text]
        return super().number(value)

    def product(self, node: Expr) -> Template:
        coeff, num, den = _split_fraction(node)
        sign = coeff < 0
        coeff = -coeff if sign else coeff
        top, bottom = (coeff.numerator, coeff.denominator) if isinstance(coeff, Fraction) else (
            coeff, 1)  # fmt: skip
        factors: list[Item] = [] if _is_unit(top) and num else [self.number(top)[1][0]]
        factors += [(f, MUL) for f in num]
        numerator = self.join_factors(factors)
        if bottom != 1 or den:
            denominator = self.join_factors(
                [*([_int_text(bottom)] if bottom != 1 else []), *[(d, MUL) for d in den]]
            )
            body = ["\\frac{", *_braced(numerator), "}{", *_braced(denominator), "}"]
            return (NEG, ["-", *body]) if sign else (ATOM, body)
        return (NEG, ["-", *numerator]) if sign else (MUL, numerator)

    def join_factors(self, factors: list[Item]) -> list[Item]:
        items: list[Item] = []
        for i, f in enumerate(factors):
            if i:
                items.append(self.times if _starts_with_digit(f) else " ")
            items.append(f)
        return items

    def power(self, node: Pow) -> Template:
        base, exp = node.base, node.exp
        if isinstance(exp, Number) and isinstance(exp.value, Fraction) and exp.value.numerator == 1:
            root = exp.value.denominator
            index = "" if root == 2 else f"[{root}]"
            return ATOM, [f"\\sqrt{index}{{", (base, 0), "}"]
        return POW, [(base, POW + 1), "^{", (exp, 0), "}"]

    def function(self, node: Apply) -> Template:
        name = node.prim.name
        if name == "abs":
            return ATOM, ["\\left|", (node.arg, 0), "\\right|"]
        if name == "exp" and node.arg is not ONE:  # e^{1} would read back as the constant e
            return POW, ["e^{", (node.arg, 0), "}"]
        return ATOM, [node.prim.latex, "\\left(", (node.arg, 0), "\\right)"]


def _braced(items: list[Item]) -> list[Item]:
    """A lone factor inside \\frac{...}{...} braces needs no parentheses."""
    if len(items) == 1 and isinstance(items[0], tuple):
        return [(items[0][0], 0)]
    return items


def _starts_with_digit(item: Item) -> bool:
    if isinstance(item, str):
        return item[:1].isdigit()
    node = item[0]
    while isinstance(node, Pow | Mul) and node.args:
        node = node.args[0]
    return isinstance(node, Number)


_PYTHON, _HUMAN, _LATEX = Printer(), HumanPrinter(), LatexPrinter()


def python_form(expr: Expr) -> str:
    """Python syntax that `calcml.parse` reads back to the same expression."""
    return _PYTHON.render(expr)


def human_form(expr: Expr) -> str:
    return _HUMAN.render(expr)


def latex_form(expr: Expr) -> str:
    return _LATEX.render(expr)


__all__ = ["human_form", "latex_form", "python_form"]


nodes.bind_late(python_form=python_form, human_form=human_form, latex_form=latex_form)
