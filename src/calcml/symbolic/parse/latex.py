"""The LaTeX tokenizer."""

from __future__ import annotations

import re

from calcml.core.errors import ParseError
from calcml.symbolic.parse.lexer import AT, LexerBase, Token, unexpected_character
from calcml.symbolic.parse.names import (
    ALIASES,
    FUNCTION_NAMES,
    GREEK_NAMES,
    function_key,
    suggest,
)
from calcml.symbolic.parse.unicode import Source
from calcml.symbolic.parse.unsupported import unsupported_message

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
    "tanh", "coth", "sech", "csch", "ln", "log", "exp", "max", "min",
}  # fmt: skip
# `\Gamma(x)`, `\psi(x)`, `\psi_1(x)`: Greek letters that are functions when applied (like
# `\sigma(x)`, sigmoid); the subscript of ψ is its order.
_APPLIED_GREEK = re.compile(r"\s*(?:_\s*(?:\{\s*([0-9]{1,3})\s*\}|([0-9])))?"
                            r"(?=\s*(?:\(|\\left\s*\())")
_LN_GAMMA = re.compile(r"\s*\\Gamma(?=\s*(?:\(|\\left\s*\())")
_OPERATOR_NAMES = {"H": "heaviside", **ALIASES}
_GREEK_COMMANDS = {name: name for name in GREEK_NAMES} | {
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
    "lceil": "write \\operatorname{ceil}(x)", "lfloor": "write \\operatorname{floor}(x)",
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


class LatexLexer(LexerBase):
    """Tokens of LaTeX; TeX's one-character arguments (`\\frac12`, `x^2`) are split out here."""

    def __init__(self, src: Source):
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
                raise self.error(f"'^{text}' at column {AT} means ^{{{text[0]}}}{text[1:]} in "
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
            self.emit("FUNC", function_key(text), start, end)
            return
        if text == "pi":
            self.emit("CONST", "pi", start, end)
            return
        if _APPLIED.match(self.s, end) and unsupported_message(text) is not None:
            self.refuse_unknown_function(text, start)  # f(x) is no product, zeta(s) no ζ·s
        if len(text) > 1 and self.s[end : end + 1] == "(":
            hint = suggest(text, FUNCTION_NAMES)
            if hint:
                raise self.error(f"unknown function '{text}' at column {AT}{hint}", start)
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
            raise self.error(f"subscript '_' at column {AT} must follow a name and hold letters "
                             "or digits", start)  # fmt: skip
        if m.group(3):
            raise self.error(f"'_{m.group(2)}{m.group(3)}' at column {AT} means "
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
            raise self.error(f"unexpected '&' at column {AT}: alignment is not supported", start)
        raise unexpected_character(self, text, start)

    # --- commands ----------------------------------------------------------------------------

    def _command(self, text: str, start: int, end: int) -> None:
        name = text[1:]
        if name in _SKIPPED:
            return
        if name == "ln" and _LN_GAMMA.match(self.s, end):
            self.pos = _LN_GAMMA.match(self.s, end).end()  # type: ignore[union-attr]
            self.emit("FUNC", "lgamma", start, self.pos)  # the printer's form of lgamma
        elif name in _LATEX_FUNCTIONS:
            self.function(name, start, end)
        elif name == "sigma" and _APPLIED.match(self.s, end):
            self.emit("FUNC", "sigmoid", start, end)  # the printer's form of sigmoid
        elif name in ("Gamma", "psi") and _APPLIED_GREEK.match(self.s, end):
            self.greek_function(name, start, end)
        elif name in _GREEK_COMMANDS:
            if _APPLIED.match(self.s, end):
                self.refuse_unknown_function(_GREEK_COMMANDS[name], start)
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

    def greek_function(self, name: str, start: int, end: int) -> None:
        """`\\Gamma(x)` is Γ; `\\psi(x)` is ψ, `\\psi_1(x)` ψ₁ and `\\psi_{n}(x)` ψₙ."""
        m = _APPLIED_GREEK.match(self.s, end)
        assert m is not None
        order = m.group(1) or m.group(2)
        self.pos = m.end()
        if name == "Gamma":
            if order is not None:
                raise self.error(f"'\\Gamma_' at column {AT}: Γ takes no subscript", start)
            key = "gamma"
        else:
            key = function_key(f"psi_{order or 0}")
        self.emit("FUNC", key, start, self.pos)

    def unknown_command(self, name: str, start: int) -> ParseError:
        if name in _UNSUPPORTED:
            return self.error(f"'\\{name}' at column {AT}: {_UNSUPPORTED[name]}", start)
        hint = suggest(name, _KNOWN_COMMANDS)
        hint = hint.replace("'", "'\\", 1) if hint else ""
        return self.error(f"unknown LaTeX command '\\{name}' at column {AT}{hint}", start)

    def function(self, name: str, start: int, end: int) -> None:
        key = function_key(name)
        self.emit("FUNC", key, start, end)

    def fraction(self, start: int, end: int) -> None:
        if _DERIVATIVE.match(self.s, start):
            raise self.error(f"derivative notation at column {AT} is not an expression; "
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
            raise self.error(f"'\\{name}' at column {AT} must be followed by a delimiter",
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
            raise self.error(f"'\\{name}{delim}' at column {AT} is not supported", start)
        else:
            self.bar_command("lvert" if name == "left" else "rvert", start, self.pos)

    def bar_command(self, name: str, start: int, end: int) -> None:
        if name == "lvert":
            self.open("_BAR_OPEN", "_BAR_CLOSE", start, end)
        elif name == "rvert" and self.stack and self.stack[-1][0] == "_EVAL_CLOSE":
            self.close("_EVAL_CLOSE", start, end)
            m = re.compile(r"\s*_\s*(?=\{)").match(self.s, end)
            if m is None:
                raise self.error(f"'\\right|' at column {AT} must be followed by _{{x=a}}", start)
            self.pos = m.end()
        elif name == "rvert":
            self.close("_BAR_CLOSE", start, end)
        else:
            self.bar(start, end, explicit=True)

    def braced_name(self, command: str, start: int, end: int) -> None:
        """`\\mathit{theta}` is a symbol, `\\operatorname{erf}` a function, `\\mathrm{e}` e."""
        m = re.compile(r"\s*\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}").match(self.s, end)
        if m is None:
            raise self.error(f"'\\{command}' at column {AT} must be followed by a name in "
                             "braces", start)  # fmt: skip
        self.pos = m.end()
        name = m.group(1)
        self.name_checks(name, m.start(1))
        if command.startswith("operatorname"):
            key = function_key(_OPERATOR_NAMES.get(name, name))
            why = unsupported_message(name)
            if key is None and why is not None:
                raise self.error(f"'{name}(' at column {AT}: {why}", start)
            if key is None:
                raise self.error(f"unknown function '{name}' at column {AT}"
                                 f"{suggest(name, FUNCTION_NAMES)}", start)  # fmt: skip
            self.emit("FUNC", key, start, self.pos)
        elif name == "e" and command != "mathit":
            self.emit("CONST", "E", start, self.pos)
        else:
            self.emit("NAME", name, start, self.pos)

    def environment(self, start: int, end: int) -> None:
        m = re.compile(r"\s*\{\s*([A-Za-z*]+)\s*\}").match(self.s, end)
        if m is None or m.group(1) not in _ENVIRONMENTS:
            shown = m.group(1) if m else ""
            raise self.error(f"environment '{shown}' at column {AT} is not supported", start)
        self.pos = m.end()
