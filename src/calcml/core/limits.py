"""Named limits that keep hostile or runaway input from exhausting time or memory.

Each limit has its own error message, so a user learns which one was hit.
"""

from __future__ import annotations

#: Longest text `parse` accepts, in characters.
MAX_INPUT_LENGTH = 100_000

#: Deepest nesting of brackets and function calls `parse` accepts.
MAX_NESTING_DEPTH = 200

#: Most digits in one integer literal.
MAX_LITERAL_DIGITS = 1_000

#: Most bits an exact integer result (such as 10^10^10) may have.
MAX_INTEGER_BITS = 200_000

#: Highest derivative order `diff` computes.
MAX_DIFF_ORDER = 100

#: Largest steps tree rendered; beyond it steps are summarized.
MAX_STEP_NODES = 2_000

#: Default time budget, in seconds, of one integration.
DEFAULT_INTEGRATION_SECONDS = 5.0
