"""Read text and LaTeX as calcml expressions, without ever evaluating code.

Hostile input is bounded before any grammar runs, in passes linear in its length: a length
check; a Unicode pass that maps look-alike operators and full-width forms to ASCII and rejects
homoglyphs, invisible characters inside names and bidi controls; and a tokenizer that tells
functions from constants and symbols, pairs absolute-value bars, reads superscripts and checks
bracket nesting. Only then does a LALR(1) `lark` grammar run (`grammar.lark` for text,
`latex.lark` for LaTeX), building canonical nodes as it reduces: no parse tree is kept, nothing
recurses, and the depth of the expression being built is checked as it grows.
"""

from __future__ import annotations

import difflib
import functools
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from calcml.core.errors import LimitError, ParseError
from calcml.core.evaluate import substitute
from calcml.core.expr import (
    HALF,
    MINUS_ONE,
    PI,
    ZERO,
    E,
    Expr,
    Number,
    add,
    apply,
    mul,
    number,
    power,
    symbol,
)
from calcml.core.limits import (
    MAX_INPUT_LENGTH,
    MAX_INTEGER_BITS,
    MAX_LITERAL_DIGITS,
    MAX_NESTING_DEPTH,
)
from calcml.core.registry import ABS, PRIMITIVES, log_base, relu

__all__ = ["parse", "parse_definition"]

#: Longest name of a symbol or function, in characters (a limit local to parsing).
MAX_NAME_LENGTH = 100

# --- names -------------------------------------------------------------------------------------

Handler = tuple[int, int, Callable[[list[Expr]], Expr]]  # least and most arguments, builder


def _unary(name: str) -> Handler:
    prim = PRIMITIVES[name]
    return 1, 1, lambda a: prim(a[0])


def _log(a: list[Expr]) -> Expr:
    return PRIMITIVES["log"](a[0]) if len(a) == 1 else log_base(a[0], a[1])


def _max(a: list[Expr]) -> Expr:
    """max(0, x) is relu(x); otherwise (a + b + |a - b|)/2, exact for real a and b."""
    if a[0] is ZERO or a[1] is ZERO:
        return relu(a[1] if a[0] is ZERO else a[0])
    return (a[0] + a[1] + apply(ABS, a[0] - a[1])) * HALF


def _min(a: list[Expr]) -> Expr:
    """min(0, x) is -relu(-x); otherwise (a + b - |a - b|)/2."""
    if a[0] is ZERO or a[1] is ZERO:
        return -relu(-(a[1] if a[0] is ZERO else a[0]))
    return (a[0] + a[1] - apply(ABS, a[0] - a[1])) * HALF


FUNCTIONS: dict[str, Handler] = {
    **{name: _unary(name) for name in PRIMITIVES},
    "log": (1, 2, _log),
    "sqrt": (1, 1, lambda a: power(a[0], HALF)),
    "cbrt": (1, 1, lambda a: power(a[0], number(Fraction(1, 3)))),
    "log10": (1, 1, lambda a: log_base(a[0], number(10))),
    "log2": (1, 1, lambda a: log_base(a[0], number(2))),
    "max": (2, 2, _max),
    "min": (2, 2, _min),
}
ALIASES = {
    "ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
    "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh", "artanh": "atanh",
    "arctanh": "atanh", "cosec": "csc", "sgn": "sign", "Abs": "abs", "ReLU": "relu",
    "Heaviside": "heaviside", "logistic": "sigmoid",
}  # fmt: skip
_INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh",
             "tanh": "atanh"}  # fmt: skip
_CONSTANTS = {"pi": "pi", "e": "E", "E": "E"}
_INFINITIES = {"inf", "Inf", "INF", "infinity", "Infinity", "oo", "nan", "NaN", "NAN", "zoo"}
_KEYWORDS = set(keyword.kwlist) - {"lambda"}  # λ is a common parameter name
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
_GREEK_NAMES = set(_GREEK.values()) | {"omicron", "Upsilon"}
# Letters that look like Latin ones; rejected with the Latin letter as a suggestion.
_LOOKALIKES = dict(zip("аеорсухіјѕԁһӏАВЕКМНОРСТХοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                       "aeopcyxijsdhlABEKMHOPCTXoABEZHIKMNOPTYX", strict=True))  # fmt: skip


def _function_key(name: str) -> str | None:
    key = ALIASES.get(name, name)
    return key if key in FUNCTIONS else None


def _suggest(name: str, choices: list[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[found[0]]}'?" if found else ""


_FUNCTION_NAMES = sorted(set(FUNCTIONS) | set(ALIASES))


# --- the public functions ----------------------------------------------------------------------


def parse(text: str, *, latex: bool | None = None) -> Expr:
    """The expression that `text` writes, in canonical form; never evaluates code.

    Reads what people type (`2x^2`, `x**2`, `sin^2 x`, `e^x`, `ln|x|`, `log(x, 2)`, `√x`, `x²`,
    `|x|`, `π`) and a LaTeX subset (`\\frac`, `\\sqrt[n]{}`, `x^{...}`, `\\sin`, `\\left(`,
    `\\cdot`), chosen when the text holds a backslash, brace or `$` unless `latex` says.
    A definition `f(x) = ...` gives its body. `str(e)` and `e.latex()` parse back to `e`.

    Arguments:
        text: the expression; at most MAX_INPUT_LENGTH characters.
        latex: True or False to force a reading; None to detect it.
    Returns:
        the expression, interned (equal expressions are the same object).
    Raises:
        ParseError: not an expression; the message names the column and what was expected.
        LimitError: past a limit of `calcml.core.limits` (length, nesting, number size).
        DomainError: a value outside the mathematics (`1/0`, `log(0)`).

    >>> parse("2x^2 + sin^2 x")
    2*x**2 + sin(x)**2
    >>> parse(r"\\frac{1}{2}\\sqrt{x} - \\ln|x|")
    sqrt(x)/2 - log(abs(x))
    >>> parse("sinn(x)")
    Traceback (most recent call last):
    calcml.core.errors.ParseError: unknown function 'sinn' at column 1; did you mean 'sin'?
    """
    return _read(text, latex)[1]


def parse_definition(text: str, *, latex: bool | None = None) -> tuple[str, tuple[str, ...], Expr]:
    """A function definition `f(x, y) = x^2 y` read as (name, parameters, body).

    >>> parse_definition("f(x, y) = x^2 y")
    ('f', ('x', 'y'), x**2*y)
    """
    head, body = _read(text, latex)
    if head is None:
        raise ParseError("expected a definition such as f(x) = x^2 at column 1", 1, "'='")
    return head[0], head[1], body


def _read(text: str, latex: bool | None) -> tuple[tuple[str, tuple[str, ...]] | None, Expr]:
    if not isinstance(text, str):
        raise TypeError(f"parse reads a str, not {type(text).__name__}")
    if len(text) > MAX_INPUT_LENGTH:
        raise LimitError(
            f"the input has {len(text):,} characters; the limit is {MAX_INPUT_LENGTH:,} "
            "(MAX_INPUT_LENGTH)",
            "MAX_INPUT_LENGTH",
        )
    src = _Source(text)
    is_latex = bool(re.search(r"[\\{}$]", src.text)) if latex is None else latex
    lexer = (_LatexLexer if is_latex else _TextLexer)(src)
    tokens = lexer.run()
    head, body = _split_definition(tokens, src)
    if head is None and lexer.unknown_head is not None:
        raise lexer.unknown_head
    if not body:
        what = "empty input" if head is None else "unexpected end of input"
        raise ParseError(f"{what} at column {src.end}; expected an expression", src.end,
                         "an expression")  # fmt: skip
    return head, _run(body, is_latex, src)


# --- Unicode -------------------------------------------------------------------------------------

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
_KEEP = set(_SUPERSCRIPTS + _SUBSCRIPTS + "√∛∜π∞") | set(_GREEK)
_OPERATORS = {"−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "∗": "*", "÷": "/", "∕": "/"}
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # "Trojan Source"
_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")


class _Source:
    """The text after the Unicode pass, with the original column of each character."""

    def __init__(self, text: str):
        self.original = text
        self.end = len(text) + 1
        self.cols: list[int] | None = None
        self.text = text if text.isascii() else self._normalize(text)

    def col(self, pos: int) -> int:
        if self.cols is None:
            return pos + 1
        return self.cols[pos] if pos < len(self.cols) else self.end

    def _normalize(self, text: str) -> str:
        out: list[str] = []
        cols: list[int] = []
        invisible: list[int] = []  # invisible characters since the last visible one
        before = ""
        for i, ch in enumerate(text):
            if ch in _INVISIBLE or (not ch.isascii() and unicodedata.category(ch) == "Cf"):
                if ch in _BIDI:
                    raise ParseError(f"bidirectional control {_describe(ch)} at column {i + 1} "
                                     "is not allowed", i + 1)  # fmt: skip
                invisible.append(i)
                piece = " "
            else:
                if invisible and before.isalnum() and ch.isalnum():
                    j = invisible[0]
                    raise ParseError(f"invisible character {_describe(text[j])} at column "
                                     f"{j + 1} inside a name", j + 1)  # fmt: skip
                invisible.clear()
                before = ch
                keep = ch.isascii() or ch in _KEEP
                piece = ch if keep else _OPERATORS.get(ch) or _foreign(ch, i + 1)
            out.append(piece)
            cols.extend([i + 1] * len(piece))
        self.cols = cols
        return "".join(out)


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def _foreign(ch: str, col: int) -> str:
    """The ASCII a non-ASCII character stands for, or a ParseError saying why there is none."""
    category = unicodedata.category(ch)
    if ch.isspace():
        return " "
    if category.startswith("M"):
        raise ParseError(f"combining mark {_describe(ch)} at column {col} is not allowed", col)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if unicodedata.decomposition(ch).startswith(("<super>", "<sub>")):
        raise ParseError(f"{_describe(ch)} at column {col} is not supported; write ^ or _", col)
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and all(c.isascii() or c in _KEEP for c in folded):
        return folded
    if ch in _LOOKALIKES:
        raise ParseError(f"character '{ch}' {_describe(ch)} at column {col} is not allowed; "
                         f"did you mean '{_LOOKALIKES[ch]}'?", col)  # fmt: skip
    raise ParseError(f"character '{ch}' {_describe(ch)} at column {col} is not allowed", col)


# --- tokens --------------------------------------------------------------------------------------

_OPERAND_END = {"NUMBER", "NAME", "CONST", "SUP", "_RPAR", "_RBRACE", "_RBRACK", "_BAR_CLOSE"}
_SHOW = {"_RPAR": ")", "_RBRACE": "}", "_RBRACK": "]", "_BAR_CLOSE": "|", "_EVAL_CLOSE": "\\right|",
         "_COMMA": ",", "_EQUALS": "="}  # fmt: skip


_AT = "\x00"  # stands for the column in messages, filled in by _Lexer.error


def _limit_depth(col: int | None) -> LimitError:
    where = f" at column {col}" if col else ""
    return LimitError(
        f"nesting deeper than {MAX_NESTING_DEPTH}{where} (MAX_NESTING_DEPTH)", "MAX_NESTING_DEPTH"
    )


class Token:
    """One token for the grammar: lark needs only `type`; the rest is for callbacks and errors.

    Lighter than `lark.Token` (a str subclass), which matters at 100,000 characters.
    """

    __slots__ = ("column", "end_pos", "start_pos", "type", "value")
    line = end_line = 1

    def __init__(self, kind: str, value: Any, start: int, column: int, end: int):
        self.type, self.value, self.start_pos, self.column, self.end_pos = (
            kind, value, start, column, end)  # fmt: skip

    @property
    def end_column(self) -> int:
        return self.column + self.end_pos - self.start_pos

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class _Lexer:
    """What the two tokenizers share: the output, the bracket stack and the nesting depth.

    The depth counts brackets, and counts the brackets of a function's or command's argument
    twice (the application and the group), so `sin(sin(...))` nests as deep as its meaning.
    """

    def __init__(self, src: _Source):
        self.src = src
        self.s = src.text
        self.tokens: list[Token] = []
        self.stack: list[tuple[str, str, int, int, str | None]] = []  # closer, opener, pos, ...
        self.depth = 0
        self.unknown_head: ParseError | None = None

    def error(self, message: str, pos: int, expected: str | None = None) -> ParseError:
        """A ParseError whose message has the column of `pos` where it says `_AT`."""
        col = self.src.col(pos)
        return ParseError(message.replace(_AT, str(col)), col, expected)

    def emit(self, kind: str, value: Any, start: int, end: int) -> None:
        col = start + 1 if self.src.cols is None else self.src.col(start)
        self.tokens.append(Token(kind, value, start, col, end))

    @property
    def prev(self) -> str | None:
        return self.tokens[-1].type if self.tokens else None

    def open(self, kind: str, closer: str, start: int, end: int, weight: int = 1,
             then: str | None = None) -> None:  # fmt: skip
        self.depth += weight
        if self.depth > MAX_NESTING_DEPTH:
            raise _limit_depth(self.src.col(start))
        self.stack.append((closer, self.s[start:end], start, weight, then))
        self.emit(kind, self.s[start:end], start, end)

    def close(self, kind: str, start: int, end: int) -> str | None:
        shown = self.s[start:end]
        if not self.stack:
            raise self.error(f"unmatched '{shown}' at column {_AT}; nothing is open", start)
        closer, opener, pos, weight, then = self.stack.pop()
        if closer != kind:
            raise self.error(
                f"'{shown}' at column {_AT} does not close '{opener}' opened at column "
                f"{self.src.col(pos)}; expected '{_SHOW.get(closer, closer)}'",
                start, repr(_SHOW.get(closer, closer)),
            )  # fmt: skip
        self.depth -= weight
        self.emit(kind, shown, start, end)
        return then

    def finish(self) -> list[Token]:
        if self.stack:
            _, opener, pos, _, _ = self.stack[-1]
            raise self.error(f"unbalanced '{opener}' opened at column {_AT}", pos,
                             repr(_SHOW.get(self.stack[-1][0])))  # fmt: skip
        return self.tokens

    def bar(self, start: int, end: int, explicit: bool = False) -> None:
        """`|` closes an open bar after an operand, and opens one anywhere else."""
        closing = bool(self.stack) and self.stack[-1][0] == "_BAR_CLOSE"
        if closing and self.prev in _OPERAND_END:
            self.close("_BAR_CLOSE", start, end)
        elif self.prev == "_BAR_OPEN" and not explicit:
            raise self.error(f"'||' at column {_AT} reads as a norm; calcml works with real "
                             "numbers: write |x| or abs(abs(x))", start - 1)  # fmt: skip
        else:
            self.open("_BAR_OPEN", "_BAR_CLOSE", start, end)

    def number(self, literal: str, start: int) -> None:
        """A numeric literal: exact when it is an integer, a float when it has a point or e."""
        if self.prev in _OPERAND_END:
            last = self.tokens[-1]
            raise self.error(f"number '{literal}' at column {_AT} follows "
                             f"'{self.s[last.start_pos : last.end_pos]}' with no operator between "
                             "them", start,
                             "an operator")  # fmt: skip
        plain = literal.isdigit()  # the common case, kept fast: an integer without separators
        digits = len(literal) if plain else _digit_count(literal)
        if digits > MAX_LITERAL_DIGITS:
            raise LimitError(f"the number at column {self.src.col(start)} has {digits:,} digits; "
                             f"the limit is {MAX_LITERAL_DIGITS:,} (MAX_LITERAL_DIGITS)",
                             "MAX_LITERAL_DIGITS")  # fmt: skip
        value = int(literal) if plain else _literal_value(literal.replace("_", ""))
        if isinstance(value, float) and not math.isfinite(value):
            raise LimitError(f"the number '{literal}' at column {self.src.col(start)} is too "
                             "large for a float", "float range")  # fmt: skip
        self.emit("NUMBER", value, start, start + len(literal))

    def name_checks(self, name: str, start: int) -> None:
        """Names are identifiers, never Python: no dunders, keywords, infinities or huge names."""
        if len(name) > MAX_NAME_LENGTH:
            raise LimitError(f"the name at column {self.src.col(start)} has {len(name):,} "
                             f"characters; the limit is {MAX_NAME_LENGTH} (MAX_NAME_LENGTH)",
                             "MAX_NAME_LENGTH")  # fmt: skip
        if name.startswith("_") or "__" in name:
            raise self.error(f"name '{name}' at column {_AT} is not allowed: names cannot "
                             "start with '_' or contain '__'", start)  # fmt: skip
        if name in _KEYWORDS:
            raise self.error(f"'{name}' at column {_AT} is a Python keyword; calcml reads "
                             "expressions, not code", start)  # fmt: skip
        if name in _INFINITIES:
            raise self.error(f"'{name}' at column {_AT}: infinity and NaN are not numbers "
                             "calcml can work with", start)  # fmt: skip

    def _greek(self, text: str, start: int, end: int) -> None:
        if text[0] == "π":
            self.emit("CONST", "pi", start, end)
            return
        name = _GREEK.get(text[0])
        if name is None:
            raise self.error(f"character '{text[0]}' at column {_AT} is not allowed; "
                             f"did you mean '{_LOOKALIKES.get(text[0], '?')}'?", start)  # fmt: skip
        if len(text) > 1:
            name += "_" + text[1:].translate(_SUB_ASCII)
        self.emit("NAME", name, start, end)

    def _sup(self, text: str, start: int, end: int) -> None:
        value = text.translate(_SUP_ASCII)
        if not re.fullmatch(r"[-+]?[0-9]+", value):
            raise self.error(f"superscript '{text}' at column {_AT} is not a number", start)
        self.emit("SUP", int(value), start, end)


def _literal_value(clean: str) -> int | float:
    if clean[:2] in ("0x", "0X"):
        return int(clean, 16)
    if "." in clean or "e" in clean or "E" in clean:
        return float(clean)
    return int(clean)


def _digit_count(literal: str) -> int:
    """Digits of a literal's mantissa (all of them for hexadecimal)."""
    if literal[:2] in ("0x", "0X"):
        return len(literal) - 2 - literal.count("_")
    return sum(c.isdigit() for c in re.split("[eE]", literal)[0])


class _TokenList(Lexer):
    """Hands lark the tokens our tokenizers already made."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: Any):
        pass

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        return iter(lexer_state.text)


# --- the text tokenizer --------------------------------------------------------------------------

_TEXT_TOKEN = re.compile(
    r"""
     (?P<space>\s+|\#[^\n]*)
    |(?P<hex>0[xX][0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*)
    |(?P<number>(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)
                (?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*[₀-₉]*)
    |(?P<greek>[α-ωΑ-Ωϕϑϵ][₀-₉]*)
    |(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)
    |(?P<caret>\*\*|\^)
    |(?P<compare>==|!=|<=|>=|:=)
    |(?P<op>[-+*/,=])
    |(?P<paren>[()])
    |(?P<bar>\|)
    |(?P<root>[√∛∜])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_TEXT_OPS = {"+": "_PLUS", "-": "_MINUS", "*": "_STAR", "/": "_SLASH", ",": "_COMMA"}
_SUP_ASCII = str.maketrans(_SUPERSCRIPTS, "0123456789-+")
_SUB_ASCII = str.maketrans(_SUBSCRIPTS, "0123456789")
_WHY_NOT = {
    "'": "quotes and primes are not allowed", '"': "quotes are not allowed",
    "!": "factorials are not supported", ";": "only one expression is allowed",
    ":": "':' is not allowed", "[": "use parentheses for grouping",
    "]": "use parentheses for grouping", "{": "use parentheses (or LaTeX with a backslash)",
    "}": "use parentheses (or LaTeX with a backslash)", "∞": "infinity is not a number calcml "
    "can work with",
}  # fmt: skip


class _TextLexer(_Lexer):
    """Tokens of plain text; names are classified here so the grammar stays LALR(1)."""

    def run(self) -> list[Token]:
        s = self.s
        derivative = re.search(r"(?<![A-Za-z0-9_])d[A-Za-z]?\s*/\s*d[A-Za-z]", s)
        if derivative:
            raise self.error(f"derivative notation at column {_AT} is not an expression; "
                             "use diff()", derivative.start())  # fmt: skip
        handlers = {name: getattr(self, "_" + name) for name in _TEXT_TOKEN.groupindex}
        for m in _TEXT_TOKEN.finditer(s):  # the last alternative matches any character
            handlers[m.lastgroup](m.group(), m.start(), m.end())  # type: ignore[index]
        return self.finish()

    def _space(self, text: str, start: int, end: int) -> None:
        pass

    def _hex(self, text: str, start: int, end: int) -> None:
        self.number(text, start)

    def _number(self, text: str, start: int, end: int) -> None:
        self.number(text, start)

    def _name(self, text: str, start: int, end: int) -> None:
        name = text
        if text[-1] in _SUBSCRIPTS:
            stem = text.rstrip(_SUBSCRIPTS)
            name = f"{stem}_{text[len(stem) :].translate(_SUB_ASCII)}"
        self.name_checks(name, start)
        if name in _CONSTANTS:
            self.emit("CONST", _CONSTANTS[name], start, end)
            return
        key = _function_key(name)
        if key is not None:
            self.emit("FUNC", key, start, end)
            return
        if self.s[end : end + 1] == "(" and _is_word(name) and name not in _GREEK_NAMES:
            problem = self.error(f"unknown function '{name}' at column {_AT}"
                                 f"{_suggest(name, _FUNCTION_NAMES)}", start)  # fmt: skip
            if self.tokens:
                raise problem
            self.unknown_head = problem  # unless the text turns out to be a definition
        self.emit("NAME", name, start, end)

    def _caret(self, text: str, start: int, end: int) -> None:
        self.emit("_CARET", text, start, end)

    def _compare(self, text: str, start: int, end: int) -> None:
        raise self.error(f"'{text}' at column {_AT}: comparisons and assignments are not "
                         "expressions", start)  # fmt: skip

    def _op(self, text: str, start: int, end: int) -> None:
        if text == "=":
            if self.stack:
                raise self.error(f"unexpected '=' at column {_AT}; expected an expression",
                                 start)  # fmt: skip
            self.emit("DEF_EQ", text, start, end)
            return
        self.emit(_TEXT_OPS[text], text, start, end)

    def _paren(self, text: str, start: int, end: int) -> None:
        if text == ")":
            self.close("_RPAR", start, end)
        else:
            self.open("_LPAR", "_RPAR", start, end, 2 if self.prev == "FUNC" else 1)

    def _bar(self, text: str, start: int, end: int) -> None:
        self.bar(start, end)

    def _root(self, text: str, start: int, end: int) -> None:
        self.emit("ROOT", "√∛∜".index(text) + 2, start, end)

    def _other(self, text: str, start: int, end: int) -> None:
        raise _unexpected_character(self, text, start)


def _is_word(name: str) -> bool:
    """A name of two or more letters (`foo`, not `x1` or `x_1`), which could be a function."""
    return sum(c.isalpha() for c in name) >= 2


def _unexpected_character(lexer: _Lexer, ch: str, start: int) -> ParseError:
    if ch == "." and lexer.prev in ("NAME", "CONST", "_RPAR", "NUMBER"):
        return lexer.error(f"'.' at column {_AT} is not allowed: there is no attribute access "
                           "or method call", start)  # fmt: skip
    if ch in _WHY_NOT:
        return lexer.error(f"unexpected '{ch}' at column {_AT}: {_WHY_NOT[ch]}", start)
    if ch.isprintable():
        return lexer.error(f"unexpected character '{ch}' at column {_AT}", start)
    return lexer.error(f"control character {_describe(ch)} at column {_AT} is not allowed",
                       start)  # fmt: skip


# --- the LaTeX tokenizer -------------------------------------------------------------------------

_LATEX_TOKEN = re.compile(
    r"""
     (?P<space>\s+|%[^\n]*|\$+|\\[,;:!\ ()\[\]])
    |(?P<sci>[0-9]+\.[0-9]*\s*\\cdot\s*10\^\{\s*[-+]?[0-9]+\s*\})
    |(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
    |(?P<command>\\(?:[A-Za-z]+\*?|.))
    |(?P<letters>[A-Za-z]+)
    |(?P<greek>[α-ωΑ-Ωϕϑϵ])
    |(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)
    |(?P<op>[-+*/,=^_])
    |(?P<bracket>[()\[\]{}])
    |(?P<bar>\|)
    |(?P<root>√)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_LATEX_OPS = {"+": "_PLUS", "-": "_MINUS", "*": "_TIMES", "/": "_DIV", ",": "_COMMA"}
_BRACKETS = {"(": ("_LPAR", "_RPAR"), "[": ("_LBRACK", "_RBRACK"), "{": ("_LBRACE", "_RBRACE")}
_CLOSERS = {")": "_RPAR", "]": "_RBRACK", "}": "_RBRACE"}
_LATEX_FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "ln", "log", "exp", "max", "min",
}  # fmt: skip
_OPERATOR_NAMES = {"H": "heaviside", **ALIASES}
_GREEK_COMMANDS = {name: name for name in _GREEK_NAMES} | {
    "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
    "varsigma": "sigma",
}  # fmt: skip
_NAME_COMMANDS = {"mathit", "mathrm", "text", "textit", "textrm", "mathsf", "mathbf", "mathnormal"}
_SKIPPED = {"quad", "qquad", "displaystyle", "textstyle", "limits", "nolimits"}
_ENVIRONMENTS = {"equation", "equation*", "displaymath", "math"}
_UNSUPPORTED = {
    "int": "integrals are not expressions; use integrate()",
    "iint": "integrals are not expressions; use integrate()",
    "sum": "sums are not supported", "prod": "products are not supported",
    "lim": "limits are not expressions; use limit()",
    "partial": "derivative notation is not an expression; use diff()",
    "nabla": "derivative notation is not an expression; use grad()",
    "infty": "infinity is not a number calcml can work with",
    "binom": "binomial coefficients are not supported",
    "lceil": "ceiling is not supported", "lfloor": "floor is not supported",
    "|": "norms are not supported; calcml works with real numbers",
}  # fmt: skip
_DERIVATIVE = re.compile(
    r"\\[dtc]?frac\s*\{\s*(?:d|\\mathrm\s*\{\s*d\s*\}|\\partial)[^{}]*\}\s*"
    r"\{\s*(?:d|\\mathrm\s*\{\s*d\s*\}|\\partial)"
)
_APPLIED = re.compile(r"\s*(?:\(|\\left\s*\()")  # `\sigma(` is sigmoid, `\sigma x` a symbol
_KNOWN_COMMANDS = sorted(
    _LATEX_FUNCTIONS | set(_GREEK_COMMANDS) | _NAME_COMMANDS | _SKIPPED
    | {"frac", "dfrac", "tfrac", "sqrt", "left", "right", "cdot", "times", "div", "pi",
       "operatorname", "lvert", "rvert", "vert", "begin", "end"}
)  # fmt: skip


class _LatexLexer(_Lexer):
    """Tokens of LaTeX; TeX's one-character arguments (`\\frac12`, `x^2`) are split out here."""

    def __init__(self, src: _Source):
        super().__init__(src)
        self.pending: str | None = None  # an argument is due: "frac1", "frac2", "arg", "sup"
        self.pos = 0

    def run(self) -> list[Token]:
        s, match = self.s, _LATEX_TOKEN.match
        handlers = {name: getattr(self, "_" + name, None) for name in _LATEX_TOKEN.groupindex}
        while self.pos < len(s):
            m = match(s, self.pos)  # the last alternative matches any character
            kind, start = str(m.lastgroup), self.pos
            self.pos = m.end()
            if kind == "space":
                continue
            if self.pending is not None and self._argument(kind, m.group(), start):
                continue
            handlers[kind](m.group(), start, self.pos)  # type: ignore[misc]
        return self.finish()

    def _argument(self, kind: str, text: str, start: int) -> bool:
        """Read a one-character argument if one is due here; True when it was consumed."""
        due, self.pending = self.pending, None
        if kind == "op" and text == "-" and due == "sup":
            self.emit("_MINUS", text, start, start + 1)
            self.pending = "sup"
            return True
        if kind == "bracket" and text == "{":
            then = "frac2" if due == "frac1" else None
            self.open("_LBRACE", "_RBRACE", start, start + 1, 2, then)
            return True
        if kind in ("number", "letters"):
            if due == "sup" and kind == "number" and len(text) > 1 and text[1].isdigit():
                raise self.error(f"'^{text}' at column {_AT} means ^{{{text[0]}}}{text[1:]} in "
                                 f"LaTeX; write ^{{{text}}}", start - 1)  # fmt: skip
            self.pos = start + 1
            if kind == "number":
                self.emit("NUMBER", int(text[0]), start, start + 1)
            else:
                self.letter(text[0], start)
        elif kind in ("command", "greek"):
            getattr(self, "_" + kind)(text, start, self.pos)
        else:
            return False
        self.pending = "frac2" if due == "frac1" else None
        return True

    def letter(self, ch: str, start: int) -> None:
        if ch == "e":
            self.emit("CONST", "E", start, start + 1)
        else:
            self.emit("NAME", ch, start, start + 1)

    def _sci(self, text: str, start: int, end: int) -> None:
        """`1.5 \\cdot 10^{-5}`: how the printer writes a float, read back as that float."""
        mantissa, exponent = re.fullmatch(r"([0-9.]+)\s*\\cdot\s*10\^\{\s*([-+]?[0-9]+)\s*\}",
                                          text).groups()  # fmt: skip
        self.number(f"{mantissa}e{exponent}", start)

    def _number(self, text: str, start: int, end: int) -> None:
        self.number(text, start)

    def _letters(self, text: str, start: int, end: int) -> None:
        if text in _LATEX_FUNCTIONS or text in ("sqrt", "sigmoid", "relu", "abs"):
            self.emit("FUNC", _function_key(text), start, end)
            return
        if text == "pi":
            self.emit("CONST", "pi", start, end)
            return
        if len(text) > 1 and self.s[end : end + 1] == "(":
            hint = _suggest(text, _FUNCTION_NAMES)
            if hint:
                raise self.error(f"unknown function '{text}' at column {_AT}{hint}", start)
        for i, ch in enumerate(text):
            self.letter(ch, start + i)

    def _root(self, text: str, start: int, end: int) -> None:
        self.emit("SQRT", text, start, end)
        self.pending = "arg"

    def _op(self, text: str, start: int, end: int) -> None:
        if text == "^":
            self.emit("_CARET", text, start, end)
            self.pending = "sup"
        elif text == "_":
            self.subscript(start)
        elif text == "=":
            self.emit("_EQUALS" if self.stack else "DEF_EQ", text, start, end)
        else:
            self.emit(_LATEX_OPS[text], text, start, end)

    def subscript(self, start: int) -> None:
        """`x_1`, `x_{12}`, `\\alpha_i` name one symbol; `\\log_2` is a logarithm base."""
        m = re.compile(r"\s*(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9])([0-9]?))").match(
            self.s, start + 1)  # fmt: skip
        last = self.tokens[-1] if self.tokens else None
        if m is None or last is None or last.type not in ("NAME", "FUNC", "CONST"):
            raise self.error(f"subscript '_' at column {_AT} must follow a name and hold letters "
                             "or digits", start)  # fmt: skip
        if m.group(3):
            raise self.error(f"'_{m.group(2)}{m.group(3)}' at column {_AT} means "
                             f"_{{{m.group(2)}}}{m.group(3)} in LaTeX; write "
                             f"_{{{m.group(2)}{m.group(3)}}}", start)  # fmt: skip
        sub = m.group(1) or m.group(2)
        self.pos = m.end()
        if last.type == "FUNC" and last.value == "log":
            self.tokens[-1] = Token("FUNC", f"log_{sub}", last.start_pos, last.column, self.pos)
            return
        stem = {"E": "e"}.get(last.value, last.value) if last.type == "CONST" else last.value
        name = f"{stem}_{sub}"
        self.name_checks(name, last.start_pos or 0)
        self.tokens[-1] = Token("NAME", name, last.start_pos, last.column, self.pos)

    def _bracket(self, text: str, start: int, end: int) -> None:
        if text in _CLOSERS:
            then = self.close(_CLOSERS[text], start, end)
            if then is not None:
                self.pending = then
            return
        kind, closer = _BRACKETS[text]
        self.open(kind, closer, start, end, 2 if self.prev == "FUNC" else 1)

    def _bar(self, text: str, start: int, end: int) -> None:
        self.bar(start, end)

    def _other(self, text: str, start: int, end: int) -> None:
        if text == "&":
            raise self.error(f"unexpected '&' at column {_AT}: alignment is not supported", start)
        raise _unexpected_character(self, text, start)

    # --- commands ----------------------------------------------------------------------------

    def _command(self, text: str, start: int, end: int) -> None:
        name = text[1:]
        if name in _SKIPPED:
            return
        if name in _LATEX_FUNCTIONS:
            self.function(name, start, end)
        elif name == "sigma" and _APPLIED.match(self.s, end):
            self.emit("FUNC", "sigmoid", start, end)  # the printer's form of sigmoid
        elif name in _GREEK_COMMANDS:
            self.emit("NAME", _GREEK_COMMANDS[name], start, end)
        elif name == "pi":
            self.emit("CONST", "pi", start, end)
        elif name in ("cdot", "times", "ast"):
            self.emit("_TIMES", text, start, end)
        elif name == "div":
            self.emit("_DIV", text, start, end)
        elif name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.fraction(start, end)
        elif name == "sqrt":
            self.root(start, end)
        elif name in ("left", "right", "lvert", "rvert", "vert", "mid", "{", "}"):
            self.delimiter(name, start, end)
        elif name in _NAME_COMMANDS or name in ("operatorname", "operatorname*"):
            self.braced_name(name, start, end)
        elif name in ("begin", "end"):
            self.environment(start, end)
        else:
            raise self.unknown_command(name, start)

    def unknown_command(self, name: str, start: int) -> ParseError:
        if name in _UNSUPPORTED:
            return self.error(f"'\\{name}' at column {_AT}: {_UNSUPPORTED[name]}", start)
        hint = _suggest(name, _KNOWN_COMMANDS)
        hint = hint.replace("'", "'\\", 1) if hint else ""
        return self.error(f"unknown LaTeX command '\\{name}' at column {_AT}{hint}", start)

    def function(self, name: str, start: int, end: int) -> None:
        key = _function_key(name)
        self.emit("FUNC", key, start, end)

    def fraction(self, start: int, end: int) -> None:
        if _DERIVATIVE.match(self.s, start):
            raise self.error(f"derivative notation at column {_AT} is not an expression; "
                             "use diff()", start)  # fmt: skip
        self.emit("FRAC", "frac", start, end)
        self.pending = "frac1"

    def root(self, start: int, end: int) -> None:
        self.emit("SQRT", "sqrt", start, end)
        m = re.compile(r"\s*\[").match(self.s, end)
        if m:
            self.pos = m.end()
            self.open("_LIDX", "_RBRACK", m.end() - 1, m.end(), 2, "arg")
        else:
            self.pending = "arg"

    def delimiter(self, name: str, start: int, end: int) -> None:
        """`\\left(`, `\\right|`, `\\lvert`, `\\{`: brackets written as commands."""
        if name in ("{", "}"):
            self._bracket("(" if name == "{" else ")", start, end)
            return
        if name in ("lvert", "rvert", "vert", "mid"):
            self.bar_command(name, start, end)
            return
        m = re.compile(r"\s*(\(|\)|\[|\]|\||\.|\\\{|\\\}|\\[lr]?vert\b|\\\|)").match(self.s, end)
        if m is None:
            raise self.error(f"'\\{name}' at column {_AT} must be followed by a delimiter",
                             start)  # fmt: skip
        self.pos = m.end()
        delim = m.group(1).lstrip("\\")
        if delim == "|" and m.group(1) == "\\|":
            raise self.unknown_command("|", start)
        if delim == "." and name == "left":
            self.open("_EVAL_OPEN", "_EVAL_CLOSE", start, self.pos)
        elif delim in ("(", "[", "{"):
            self._bracket(delim if delim != "{" else "(", start, self.pos)
        elif delim in (")", "]", "}"):
            self._bracket(delim if delim != "}" else ")", start, self.pos)
        elif delim == "." or (name == "right" and delim != "|" and "vert" not in delim):
            raise self.error(f"'\\{name}{delim}' at column {_AT} is not supported", start)
        else:
            self.bar_command("lvert" if name == "left" else "rvert", start, self.pos)

    def bar_command(self, name: str, start: int, end: int) -> None:
        if name == "lvert":
            self.open("_BAR_OPEN", "_BAR_CLOSE", start, end)
        elif name == "rvert" and self.stack and self.stack[-1][0] == "_EVAL_CLOSE":
            self.close("_EVAL_CLOSE", start, end)
            m = re.compile(r"\s*_\s*(?=\{)").match(self.s, end)
            if m is None:
                raise self.error(f"'\\right|' at column {_AT} must be followed by _{{x=a}}", start)
            self.pos = m.end()
        elif name == "rvert":
            self.close("_BAR_CLOSE", start, end)
        else:
            self.bar(start, end, explicit=True)

    def braced_name(self, command: str, start: int, end: int) -> None:
        """`\\mathit{theta}` is a symbol, `\\operatorname{erf}` a function, `\\mathrm{e}` e."""
        m = re.compile(r"\s*\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}").match(self.s, end)
        if m is None:
            raise self.error(f"'\\{command}' at column {_AT} must be followed by a name in "
                             "braces", start)  # fmt: skip
        self.pos = m.end()
        name = m.group(1)
        self.name_checks(name, m.start(1))
        if command.startswith("operatorname"):
            key = _function_key(_OPERATOR_NAMES.get(name, name))
            if key is None:
                raise self.error(f"unknown function '{name}' at column {_AT}"
                                 f"{_suggest(name, _FUNCTION_NAMES)}", start)  # fmt: skip
            self.emit("FUNC", key, start, self.pos)
        elif name == "e" and command != "mathit":
            self.emit("CONST", "E", start, self.pos)
        else:
            self.emit("NAME", name, start, self.pos)

    def environment(self, start: int, end: int) -> None:
        m = re.compile(r"\s*\{\s*([A-Za-z*]+)\s*\}").match(self.s, end)
        if m is None or m.group(1) not in _ENVIRONMENTS:
            shown = m.group(1) if m else ""
            raise self.error(f"environment '{shown}' at column {_AT} is not supported", start)
        self.pos = m.end()


# --- the grammar and the nodes it builds ---------------------------------------------------------


class _Sum:
    """Terms of a sum being read: one `add` at the end keeps a long sum linear."""

    __slots__ = ("depth", "items")

    def __init__(self, first: Expr, depth: int):
        self.items, self.depth = [first], depth


class _Product(_Sum):
    """Factors of a product being read; one `mul` at the end."""

    __slots__ = ()


class _Exponent:
    """The power written on a function name: `sin^2`, `sin²`, `sin^{-1}`."""

    __slots__ = ("value",)

    def __init__(self, value: Expr):
        self.value = value


Value = tuple[Expr, int]  # a finished expression and its nesting depth


def _done(v: Any) -> Value:
    if isinstance(v, _Product):
        return mul(*v.items), v.depth
    if isinstance(v, _Sum):
        return add(*v.items), v.depth
    return v


def _open_product(v: Any) -> _Product:
    return v if type(v) is _Product else _Product(*_done(v))


def _factors(v: Any) -> tuple[list[Expr], int]:
    """The factors of a product still being read, or the one finished expression."""
    if type(v) is _Product:
        return v.items, v.depth
    e, d = _done(v)
    return [e], d


def _nest(e: Expr, depth: int) -> Value:
    """One level deeper; the depth of what is built stays within MAX_NESTING_DEPTH."""
    if depth >= MAX_NESTING_DEPTH:
        raise _limit_depth(None)
    return e, depth + 1


def _power(base: Expr, exp: Expr) -> Expr:
    """`power`, after `_check_power` when both are numbers."""
    if isinstance(base, Number) and isinstance(exp, Number):
        _check_power(base.value, exp.value)
    return power(base, exp)


def _check_power(b: Any, e: Any) -> None:
    """Refuse, with a message that stays short, number powers the core cannot finish well.

    Past MAX_INTEGER_BITS the core raises a LimitError whose message prints b and e, which
    Python refuses for integers of 4300 digits and more (`2^2^2^2^2^2`); and it searches for an
    exact root of index q by trying 2^q, which never ends for q = 10^12.
    """
    if b in (0, 1, -1) or e in (0, 1):
        return
    if isinstance(b, float) or isinstance(e, float):
        exact = e if isinstance(b, float) else b
        if not isinstance(exact, float) and _bits(exact) > 1100:
            raise LimitError(f"{_short(exact)} is too large for a float", "float range")
        return
    if isinstance(e, Fraction) and e.denominator > MAX_INTEGER_BITS:
        raise LimitError(f"the root index {_short(e.denominator)} is larger than "
                         f"{MAX_INTEGER_BITS:,} (MAX_INTEGER_BITS)",
                         "MAX_INTEGER_BITS")  # fmt: skip
    if isinstance(e, int) and abs(e) * max(_bits(b), 1) > MAX_INTEGER_BITS:
        raise LimitError(f"{_short(b)}^{_short(e)} would have more than {MAX_INTEGER_BITS:,} "
                         "bits (MAX_INTEGER_BITS)", "MAX_INTEGER_BITS")  # fmt: skip


def _bits(v: int | Fraction) -> int:
    f = Fraction(v)
    return max(abs(f.numerator).bit_length(), f.denominator.bit_length())


def _short(v: int | Fraction) -> str:
    """A number as text, or its size where the digits would be too many to read."""
    return str(v) if _bits(v) <= 64 else f"(a number of about {int(_bits(v) * 0.30103):,} digits)"


class _Build:
    """Grammar callbacks: each rule's node, built while lark reduces (no tree, no recursion)."""

    def start(self, c: list) -> Expr:
        return _done(c[0])[0]

    def number(self, c: list) -> Value:
        return number(c[0].value), 0

    def name(self, c: list) -> Value:
        return symbol(c[0].value), 0

    def const(self, c: list) -> Value:
        return (PI if c[0].value == "pi" else E), 0

    def group(self, c: list) -> Any:
        """Brackets keep a product open, so `x/(2*(x + y))` divides by each factor."""
        return c[0]

    def abs_bars(self, c: list) -> Value:
        e, d = _done(c[0])
        return _nest(apply(ABS, e), d)

    def add(self, c: list) -> _Sum:
        return self._sum(c[0], _done(c[1]))

    def sub(self, c: list) -> _Sum:
        e, d = _done(c[1])
        return self._sum(c[0], (mul(MINUS_ONE, e), d))

    def mul(self, c: list) -> _Product:
        return self._product(c[0], _done(c[1]))

    implicit = mul

    def div(self, c: list) -> _Product:
        """`a/(b*c)` divides by b and by c: a product in brackets stays open (see `group`)."""
        acc = _open_product(c[0])
        factors, depth = _factors(c[1])
        acc.items.extend(_power(f, MINUS_ONE) for f in factors)
        acc.depth = max(acc.depth, depth)
        return acc

    @staticmethod
    def _sum(left: Any, right: Value) -> _Sum:
        acc = left if type(left) is _Sum else _Sum(*_done(left))
        acc.items.append(right[0])
        acc.depth = max(acc.depth, right[1])
        return acc

    @staticmethod
    def _product(left: Any, right: Value) -> _Product:
        acc = _open_product(left)
        acc.items.append(right[0])
        acc.depth = max(acc.depth, right[1])
        return acc

    def neg(self, c: list) -> _Product:
        """`-a` is the factor -1 in a product left open, so `-(x + y)/x` keeps x + y whole."""
        acc = _open_product(c[0])
        acc.items.append(MINUS_ONE)
        acc.depth = _nest(MINUS_ONE, acc.depth)[1]
        return acc

    def pos(self, c: list) -> Value:
        return _nest(*_done(c[0]))

    def pow(self, c: list) -> Value:
        (b, db), (x, dx) = _done(c[0]), _done(c[1])
        return _nest(_power(b, x), max(db, dx))

    def sup(self, c: list) -> Value:
        b, d = _done(c[0])
        return _nest(_power(b, number(c[1].value)), d)

    def root(self, c: list) -> Value:
        index = c[0].value if isinstance(c[0].value, int) else 2
        e, d = _done(c[1])
        return _nest(_power(e, number(Fraction(1, index))), d)

    def nth_root(self, c: list) -> Value:
        (n, dn), (e, de) = _done(c[1]), _done(c[2])
        return _nest(_power(e, _power(n, MINUS_ONE)), max(dn, de))

    def frac(self, c: list) -> Value:
        (top, dt), (bottom, db) = _factors(c[1]), _factors(c[2])
        return mul(*top, *(_power(f, MINUS_ONE) for f in bottom)), max(dt, db)

    def fpow(self, c: list) -> _Exponent:
        item = c[0]
        return _Exponent(number(item.value) if isinstance(item, Token) else _done(item)[0])

    def fpow_neg(self, c: list) -> _Exponent:
        return _Exponent(number(-c[0].value))

    def args(self, c: list) -> list[Value]:
        return [_done(v) for v in c]

    def call(self, c: list) -> Value:
        exponent = c[1].value if isinstance(c[1], _Exponent) else None
        return _call(c[0], exponent, c[-1])

    def call_bare(self, c: list) -> Value:
        exponent = c[1].value if isinstance(c[1], _Exponent) else None
        return _call(c[0], exponent, [_done(c[-1])])

    def evaluate_at(self, c: list) -> Value:
        """`\\left. f \\right|_{x=a}`: f with a put for x."""
        (body, db), (at, da) = _done(c[0]), _done(c[2])
        return substitute(body, {symbol(c[1].value): at}), max(db, da)


def _call(func: Token, exponent: Expr | None, args: list[Value]) -> Value:
    key: str = func.value
    if key.startswith("log_"):  # \log_b
        base = key[4:]
        key, args = "log", [*args, (number(int(base)) if base.isdigit() else symbol(base), 0)]
    low, high, build = FUNCTIONS[key]
    if not low <= len(args) <= high:
        count = str(low) if low == high else f"{low} or {high}"
        raise ParseError(f"'{key}' at column {func.column} takes {count} argument"
                         f"{'s' if high > 1 else ''}, not {len(args)}", func.column)  # fmt: skip
    if exponent is MINUS_ONE:
        if key not in _INVERSES:
            raise ParseError(f"'{key}^-1' at column {func.column}: calcml has no inverse of "
                             f"{key}; write 1/{key}(x) for the reciprocal",
                             func.column)  # fmt: skip
        build, exponent = FUNCTIONS[_INVERSES[key]][2], None
    value = build([a for a, _ in args])
    if exponent is not None:
        value = _power(value, exponent)
    return _nest(value, max(d for _, d in args))


@functools.cache
def _parser(latex: bool) -> Lark:
    grammar = Path(__file__).with_name("latex.lark" if latex else "grammar.lark").read_text()
    # The LALR tables are cached on disk by lark: a cold start must not rebuild them.
    return Lark(grammar, parser="lalr", lexer=_TokenList, transformer=_Build(), cache=True)


_STARTS = {"NUMBER", "NAME", "CONST", "FUNC", "ROOT", "FRAC", "SQRT", "_LPAR", "_LBRACE",
           "_LBRACK", "_BAR_OPEN", "_EVAL_OPEN"}  # fmt: skip


def _run(tokens: list[Token], latex: bool, src: _Source) -> Expr:
    try:
        return _parser(latex).parse(tokens)  # type: ignore[return-value]
    except UnexpectedToken as err:
        raise _syntax_error(err, tokens, src) from None
    except UnexpectedInput as err:  # pragma: no cover - our token list leaves only the above
        raise ParseError(f"cannot read the input: {err}", getattr(err, "column", None)) from None
    except OverflowError as err:  # a float meeting a huge exact integer in the core
        raise LimitError(f"a number is too large for a float ({err})", "float range") from None
    except RecursionError:  # pragma: no cover - a last defence: nothing here recurses
        raise LimitError("the expression is nested too deeply", "MAX_NESTING_DEPTH") from None


def _syntax_error(err: UnexpectedToken, tokens: list[Token], src: _Source) -> ParseError:
    tok = err.token
    if tok.type == "$END":
        where, col = f"unexpected end of input at column {src.end}", src.end
    else:
        shown = src.text[tok.start_pos : tok.end_pos]
        where, col = f"unexpected '{shown}' at column {tok.column}", tok.column
    wanted = set(err.expected)
    if wanted & _STARTS and not wanted & {"_STAR", "_SLASH", "_TIMES", "_DIV"}:
        expected = "an expression"
    else:
        closer = _open_bracket_before(tok, tokens)
        expected = "an operator or " + (f"'{closer}'" if closer else "the end of the input")
    return ParseError(f"{where}; expected {expected}", col, expected)


_CLOSING = {"_RPAR", "_RBRACE", "_RBRACK", "_BAR_CLOSE", "_EVAL_CLOSE"}
_OPENERS = {"_LPAR": ")", "_LBRACE": "}", "_LBRACK": "]", "_LIDX": "]", "_BAR_OPEN": "|",
            "_EVAL_OPEN": "\\right|"}  # fmt: skip


def _open_bracket_before(stop: Token, tokens: list[Token]) -> str | None:
    """The closer the innermost bracket still open at `stop` is waiting for."""
    waiting: list[str] = []
    for tok in tokens:
        if tok is stop:
            break
        if tok.type in _OPENERS:
            waiting.append(_OPENERS[tok.type])
        elif tok.type in _CLOSING and waiting:
            waiting.pop()
    return waiting[-1] if waiting else None


def _split_definition(
    tokens: list[Token], src: _Source
) -> tuple[tuple[str, tuple[str, ...]] | None, list[Token]]:
    """`f(x, y) = body` gives (("f", ("x", "y")), body tokens); other text has no head."""
    equals = [i for i, t in enumerate(tokens) if t.type == "DEF_EQ"]
    if not equals:
        return None, tokens
    if len(equals) > 1:
        col = tokens[equals[1]].column
        raise ParseError(f"unexpected '=' at column {col}; a definition has one '='", col)
    i = equals[0]
    head = tokens[:i]
    kinds = [t.type for t in head]
    shape = ["NAME", "_LPAR", *(["NAME", "_COMMA"] * ((len(head) - 2) // 2))[:-1], "_RPAR"]
    if len(head) < 4 or kinds != shape:
        col = tokens[i].column
        raise ParseError(f"'=' at column {col}: only a definition such as f(x, y) = x*y may "
                         "contain '='", col, "a definition")  # fmt: skip
    params = tuple(str(t.value) for t in head[2:-1:2])
    if len(set(params)) != len(params):
        raise ParseError(f"a parameter is repeated in '{src.original[: tokens[i].column - 1]}'",
                         head[0].column)  # fmt: skip
    return (str(head[0].value), params), tokens[i + 1 :]
