"""Tokens, the tokenizer base with its bracket-depth checks, and the text tokenizer."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from lark.lexer import Lexer

from calcml.core.errors import LimitError, ParseError
from calcml.core.limits import MAX_LITERAL_DIGITS, MAX_NESTING_DEPTH
from calcml.symbolic.parse.names import (
    APPLIED,
    CONSTANTS,
    FUNCTION_NAMES,
    GREEK,
    GREEK_NAMES,
    INFINITIES,
    KEYWORDS,
    LOOKALIKES,
    MAX_NAME_LENGTH,
    function_key,
    suggest,
)
from calcml.symbolic.parse.unicode import SUBSCRIPTS, SUPERSCRIPTS, Source, describe
from calcml.symbolic.parse.unsupported import unsupported_message

# --- tokens --------------------------------------------------------------------------------------

_OPERAND_END = {"NUMBER", "NAME", "CONST", "SUP", "_RPAR", "_RBRACE", "_RBRACK", "_BAR_CLOSE"}
_SHOW = {"_RPAR": ")", "_RBRACE": "}", "_RBRACK": "]", "_BAR_CLOSE": "|", "_EVAL_CLOSE": "\\right|",
         "_COMMA": ",", "_EQUALS": "="}  # fmt: skip


#: Stands for the column in messages, filled in by LexerBase.error; shared with the LaTeX lexer.
AT = "\x00"


_CHAIN_ATOMS = frozenset({"NUMBER", "NAME", "CONST"})
_SIGNS = frozenset({"_PLUS", "_MINUS", "ROOT"})  # prefix operators


def limit_depth(col: int | None) -> LimitError:
    """The nesting-limit error, one wording for the tokenizers' brackets and the builder's depth."""
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


class LexerBase:
    """What the two tokenizers share: the output, the bracket stack and the nesting depth.

    The depth counts brackets, and counts the brackets of a function's or command's argument
    twice (the application and the group), so `sin(sin(...))` nests as deep as its meaning.
    """

    def __init__(self, src: Source):
        self.src = src
        self.s = src.text
        self.tokens: list[Token] = []
        self.stack: list[tuple[str, str, int, int, str | None]] = []  # closer, opener, pos, ...
        self.depth = 0
        self.carets: dict[int, int] = {}  # bracket level -> length of its current ^-chain
        self.signs = 0  # length of the current run of signs and roots
        self.unknown_head: ParseError | None = None

    def error(self, message: str, pos: int, expected: str | None = None) -> ParseError:
        """A ParseError whose message has the column of `pos` where it says `AT`."""
        col = self.src.col(pos)
        return ParseError(message.replace(AT, str(col)), col, expected)

    def emit(self, kind: str, value: Any, start: int, end: int) -> None:
        col = start + 1 if self.src.cols is None else self.src.col(start)
        self._count_carets(kind, col)
        self.tokens.append(Token(kind, value, start, col, end))

    def _count_carets(self, kind: str, col: int) -> None:
        """`a^b^c^…` and `- - - x` nest; refuse such a chain past the depth limit while
        lexing, before the parser shifts every token of it."""
        if kind in _SIGNS:  # `- - - … x` or `√√√x` nests one prefix inside the next
            self.signs = self.signs + 1 if self.prev in _SIGNS else 1
            if self.signs > MAX_NESTING_DEPTH:
                raise limit_depth(col)
        level = len(self.stack)
        if kind == "_CARET":
            count = self.carets.get(level, 0) + 1
            if count > MAX_NESTING_DEPTH:
                raise limit_depth(col)
            self.carets[level] = count
        elif kind not in _CHAIN_ATOMS or self.prev != "_CARET":
            self.carets[level] = 0

    @property
    def prev(self) -> str | None:
        return self.tokens[-1].type if self.tokens else None

    def open(self, kind: str, closer: str, start: int, end: int, weight: int = 1,
             then: str | None = None) -> None:  # fmt: skip
        self.depth += weight
        if self.depth > MAX_NESTING_DEPTH:
            raise limit_depth(self.src.col(start))
        self.stack.append((closer, self.s[start:end], start, weight, then))
        self.emit(kind, self.s[start:end], start, end)

    def close(self, kind: str, start: int, end: int) -> str | None:
        shown = self.s[start:end]
        if not self.stack:
            raise self.error(f"unmatched '{shown}' at column {AT}; nothing is open", start)
        closer, opener, pos, weight, then = self.stack.pop()
        if closer != kind:
            raise self.error(
                f"'{shown}' at column {AT} does not close '{opener}' opened at column "
                f"{self.src.col(pos)}; expected '{_SHOW.get(closer, closer)}'",
                start, repr(_SHOW.get(closer, closer)),
            )  # fmt: skip
        self.depth -= weight
        self.emit(kind, shown, start, end)
        return then

    def finish(self) -> list[Token]:
        if self.stack:
            _, opener, pos, _, _ = self.stack[-1]
            raise self.error(f"unbalanced '{opener}' opened at column {AT}", pos,
                             repr(_SHOW.get(self.stack[-1][0])))  # fmt: skip
        return self.tokens

    def bar(self, start: int, end: int, explicit: bool = False) -> None:
        """`|` closes an open bar after an operand, and opens one anywhere else."""
        closing = bool(self.stack) and self.stack[-1][0] == "_BAR_CLOSE"
        if closing and self.prev in _OPERAND_END:
            self.close("_BAR_CLOSE", start, end)
        elif self.prev == "_BAR_OPEN" and not explicit:
            raise self.error(f"'||' at column {AT} reads as a norm; calcml works with real "
                             "numbers: write |x| or abs(abs(x))", start - 1)  # fmt: skip
        else:
            self.open("_BAR_OPEN", "_BAR_CLOSE", start, end)

    def number(self, literal: str, start: int) -> None:
        """A numeric literal: exact when it is an integer, a float when it has a point or e."""
        if self.prev in _OPERAND_END:
            last = self.tokens[-1]
            raise self.error(f"number '{literal}' at column {AT} follows "
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
            raise self.error(f"name '{name}' at column {AT} is not allowed: names cannot "
                             "start with '_' or contain '__'", start)  # fmt: skip
        if name in KEYWORDS:
            raise self.error(f"'{name}' at column {AT} is a Python keyword; calcml reads "
                             "expressions, not code", start)  # fmt: skip
        if name in INFINITIES:
            raise self.error(f"'{name}' at column {AT}: infinity and NaN are not numbers "
                             "calcml can work with", start)  # fmt: skip

    def _greek(self, text: str, start: int, end: int) -> None:
        if text[0] == "π":
            self.emit("CONST", "pi", start, end)
            return
        name = GREEK.get(text[0])
        if name is None:
            raise self.error(f"character '{text[0]}' at column {AT} is not allowed; "
                             f"did you mean '{LOOKALIKES.get(text[0], '?')}'?", start)  # fmt: skip
        if len(text) > 1:
            name += "_" + text[1:].translate(_SUB_ASCII)
        self.name_or_function(name, start, end)

    def name_or_function(self, name: str, start: int, end: int) -> None:
        """A symbol, or a function where the name is one (`gamma(x)`, `Γ(x)`, `ψ₁(x)`); a name
        applied like a function that calcml lacks (`f(x)`, `zeta(s)`) is refused, never read as
        a product."""
        applied = APPLIED.match(self.s, end) is not None
        key = function_key(name, applied)
        if key is not None:
            self.emit("FUNC", key, start, end)
            return
        if applied:
            self.refuse_unknown_function(name, start, self.s[end : end + 1] == "(")
        self.emit("NAME", name, start, end)

    def refuse_unknown_function(self, name: str, start: int, adjacent: bool = True) -> None:
        """Raise (or, for the first token, keep for when no definition `f(x) = …` follows) the
        error for `name(` where calcml has no function of that name. A word that calcml does
        not know is refused only when the bracket touches it (`ab (x)` stays ab·x)."""
        why = unsupported_message(name)
        if why is not None:
            problem = self.error(f"'{name}(' at column {AT}: {why}", start)
        elif adjacent and _is_word(name) and name not in GREEK_NAMES:
            problem = self.error(f"unknown function '{name}' at column {AT}"
                                 f"{suggest(name, FUNCTION_NAMES)}", start)  # fmt: skip
        else:
            return
        if self.tokens:
            raise problem
        self.unknown_head = problem  # unless the text turns out to be a definition

    def _sup(self, text: str, start: int, end: int) -> None:
        value = text.translate(_SUP_ASCII)
        if not re.fullmatch(r"[-+]?[0-9]+", value):
            raise self.error(f"superscript '{text}' at column {AT} is not a number", start)
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


class TokenList(Lexer):
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
    |(?P<lngamma>lnΓ(?=\s*\())
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
_SUP_ASCII = str.maketrans(SUPERSCRIPTS, "0123456789-+")
_SUB_ASCII = str.maketrans(SUBSCRIPTS, "0123456789")
_WHY_NOT = {
    "'": "quotes and primes are not allowed", '"': "quotes are not allowed",
    "!": "factorials are not supported", ";": "only one expression is allowed",
    ":": "':' is not allowed", "[": "use parentheses for grouping",
    "]": "use parentheses for grouping", "{": "use parentheses (or LaTeX with a backslash)",
    "}": "use parentheses (or LaTeX with a backslash)", "∞": "infinity is not a number calcml "
    "can work with",
}  # fmt: skip


class TextLexer(LexerBase):
    """Tokens of plain text; names are classified here so the grammar stays LALR(1)."""

    def run(self) -> list[Token]:
        s = self.s
        derivative = re.search(r"(?<![A-Za-z0-9_])d[A-Za-z]?\s*/\s*d[A-Za-z]", s)
        if derivative:
            raise self.error(f"derivative notation at column {AT} is not an expression; "
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
        if text[-1] in SUBSCRIPTS:
            stem = text.rstrip(SUBSCRIPTS)
            name = f"{stem}_{text[len(stem) :].translate(_SUB_ASCII)}"
        self.name_checks(name, start)
        if name in CONSTANTS:
            self.emit("CONST", CONSTANTS[name], start, end)
            return
        self.name_or_function(name, start, end)

    def _lngamma(self, text: str, start: int, end: int) -> None:
        self.emit("FUNC", "lgamma", start, end)  # lnΓ(x), the printer's form of lgamma

    def _caret(self, text: str, start: int, end: int) -> None:
        self.emit("_CARET", text, start, end)

    def _compare(self, text: str, start: int, end: int) -> None:
        raise self.error(f"'{text}' at column {AT}: comparisons and assignments are not "
                         "expressions", start)  # fmt: skip

    def _op(self, text: str, start: int, end: int) -> None:
        if text == "=":
            if self.stack:
                raise self.error(f"unexpected '=' at column {AT}; expected an expression",
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
        raise unexpected_character(self, text, start)


def _is_word(name: str) -> bool:
    """A name of two or more letters (`foo`, not `x1` or `x_1`), which could be a function."""
    return sum(c.isalpha() for c in name) >= 2


def unexpected_character(lexer: LexerBase, ch: str, start: int) -> ParseError:
    """Why `ch` cannot start a token; shared by the text and LaTeX tokenizers."""
    if ch == "." and lexer.prev in ("NAME", "CONST", "_RPAR", "NUMBER"):
        return lexer.error(f"'.' at column {AT} is not allowed: there is no attribute access "
                           "or method call", start)  # fmt: skip
    if ch in _WHY_NOT:
        return lexer.error(f"unexpected '{ch}' at column {AT}: {_WHY_NOT[ch]}", start)
    if ch.isprintable():
        return lexer.error(f"unexpected character '{ch}' at column {AT}", start)
    return lexer.error(f"control character {describe(ch)} at column {AT} is not allowed",
                       start)  # fmt: skip
