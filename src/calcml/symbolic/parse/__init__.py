"""Read text and LaTeX as calcml expressions, without ever evaluating code.

Hostile input is bounded before any grammar runs, in passes linear in its length: a length
check; a Unicode pass that maps look-alike operators and full-width forms to ASCII and rejects
homoglyphs, invisible characters inside names and bidi controls; and a tokenizer that tells
functions from constants and symbols, pairs absolute-value bars, reads superscripts and checks
bracket nesting. Only then does a LALR(1) `lark` grammar run (`grammar.lark` for text,
`latex.lark` for LaTeX), building canonical nodes as it reduces: no parse tree is kept, nothing
recurses, and the depth of the expression being built is checked as it grows.

Modules, lowest first: names → unicode → unsupported → lexer → latex → build → grammar, then
this package; each imports only modules to its left.
"""

from __future__ import annotations

import re

from calcml.core.errors import LimitError, ParseError
from calcml.core.expr import Expr
from calcml.core.limits import MAX_INPUT_LENGTH
from calcml.symbolic.parse.build import Value as Value
from calcml.symbolic.parse.grammar import parse_tokens
from calcml.symbolic.parse.latex import LatexLexer
from calcml.symbolic.parse.lexer import TextLexer, Token
from calcml.symbolic.parse.names import ALIASES as ALIASES
from calcml.symbolic.parse.names import FUNCTIONS as FUNCTIONS
from calcml.symbolic.parse.names import MAX_NAME_LENGTH as MAX_NAME_LENGTH
from calcml.symbolic.parse.names import Handler as Handler
from calcml.symbolic.parse.unicode import Source

__all__ = ["parse", "parse_definition"]


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
    src = Source(text)
    is_latex = bool(re.search(r"[\\{}$]", src.text)) if latex is None else latex
    lexer = (LatexLexer if is_latex else TextLexer)(src)
    tokens = lexer.run()
    head, body = _split_definition(tokens, src)
    if head is None and lexer.unknown_head is not None:
        raise lexer.unknown_head
    if not body:
        what = "empty input" if head is None else "unexpected end of input"
        raise ParseError(f"{what} at column {src.end}; expected an expression", src.end,
                         "an expression")  # fmt: skip
    return head, parse_tokens(body, is_latex, src)


def _split_definition(
    tokens: list[Token], src: Source
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
