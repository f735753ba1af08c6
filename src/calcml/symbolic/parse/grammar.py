"""The lark grammar driver: the cached LALR parsers and their syntax errors."""

from __future__ import annotations

import functools
import os

from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken

from calcml.core.errors import LimitError, ParseError
from calcml.core.expr import Expr
from calcml.symbolic.parse.build import Build
from calcml.symbolic.parse.lexer import Token, TokenList
from calcml.symbolic.parse.unicode import Source


@functools.cache
def _parser(latex: bool) -> Lark:
    name = os.path.join(os.path.dirname(__file__), "latex.lark" if latex else "grammar.lark")
    with open(name, encoding="utf-8") as file:  # os.path, not pathlib: a cold start skips it
        grammar = file.read()
    # The LALR tables are cached on disk by lark: a cold start must not rebuild them.
    return Lark(grammar, parser="lalr", lexer=TokenList, transformer=Build(), cache=True)


_STARTS = {"NUMBER", "NAME", "CONST", "FUNC", "ROOT", "FRAC", "SQRT", "_LPAR", "_LBRACE",
           "_LBRACK", "_BAR_OPEN", "_EVAL_OPEN"}  # fmt: skip


def parse_tokens(tokens: list[Token], latex: bool, src: Source) -> Expr:
    """The expression the grammar builds from `tokens`; the last stage `parse` calls."""
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


def _syntax_error(err: UnexpectedToken, tokens: list[Token], src: Source) -> ParseError:
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
