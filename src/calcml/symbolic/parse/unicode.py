"""The Unicode pass: look-alike operators to ASCII, homoglyphs and hidden characters rejected."""

from __future__ import annotations

import unicodedata

from calcml.core.errors import ParseError
from calcml.symbolic.parse.names import GREEK, LOOKALIKES

# --- Unicode -------------------------------------------------------------------------------------

#: Superscript and subscript digits the Unicode pass keeps for the tokenizer to read.
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
_KEEP = set(SUPERSCRIPTS + SUBSCRIPTS + "√∛∜π∞") | set(GREEK)
_OPERATORS = {"−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "∗": "*", "÷": "/", "∕": "/"}
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # "Trojan Source"
_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")


class Source:
    """The text after the Unicode pass, with the original column of each character.

    Shared by every later stage (tokenizers, grammar) so messages name the column as typed.
    """

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
                    raise ParseError(f"bidirectional control {describe(ch)} at column {i + 1} "
                                     "is not allowed", i + 1)  # fmt: skip
                invisible.append(i)
                piece = " "
            else:
                if invisible and before.isalnum() and ch.isalnum():
                    j = invisible[0]
                    raise ParseError(f"invisible character {describe(text[j])} at column "
                                     f"{j + 1} inside a name", j + 1)  # fmt: skip
                invisible.clear()
                before = ch
                keep = ch.isascii() or ch in _KEEP
                piece = ch if keep else _OPERATORS.get(ch) or _foreign(ch, i + 1)
            out.append(piece)
            cols.extend([i + 1] * len(piece))
        self.cols = cols
        return "".join(out)


def describe(ch: str) -> str:
    """`U+00B2 (SUPERSCRIPT TWO)`: how every parse message names an odd character."""
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def _foreign(ch: str, col: int) -> str:
    """The ASCII a non-ASCII character stands for, or a ParseError saying why there is none."""
    category = unicodedata.category(ch)
    if ch.isspace():
        return " "
    if category.startswith("M"):
        raise ParseError(f"combining mark {describe(ch)} at column {col} is not allowed", col)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if unicodedata.decomposition(ch).startswith(("<super>", "<sub>")):
        raise ParseError(f"{describe(ch)} at column {col} is not supported; write ^ or _", col)
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and all(c.isascii() or c in _KEEP for c in folded):
        return folded
    if ch in LOOKALIKES:
        raise ParseError(f"character '{ch}' {describe(ch)} at column {col} is not allowed; "
                         f"did you mean '{LOOKALIKES[ch]}'?", col)  # fmt: skip
    raise ParseError(f"character '{ch}' {describe(ch)} at column {col} is not allowed", col)
