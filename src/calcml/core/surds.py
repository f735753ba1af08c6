"""Surds in canonical form: a positive rational to a rational power as `c·s^f`.

A number under a fractional power is written the way a textbook writes it, so that equal numbers
are equal nodes and quotients cancel: the base is an integer with no perfect power left inside
(`√8 = 2·√2`, `8^(1/4) = 2^(3/4)`), the exponent lies strictly between 0 and 1
(`2^(3/2) = 2·√2`), and no root is left in a denominator (`1/√2 = √2/2`). This module is plain
integer arithmetic; `canonical.power` builds the nodes.

>>> surd(Fraction(8), Fraction(1, 4))
(Fraction(1, 1), 2, Fraction(3, 4))
>>> surd(Fraction(2), Fraction(-1, 2))
(Fraction(1, 2), 2, Fraction(1, 2))
>>> surd(Fraction(12), Fraction(1, 2))
(Fraction(2, 1), 3, Fraction(1, 2))
"""

from __future__ import annotations

from fractions import Fraction

from calcml.core.limits import MAX_INTEGER_BITS

#: Largest base (in bits) whose perfect powers and root factors are looked for; beyond it a
#: number power stays as written (the search would cost more than it could tidy).
MAX_SURD_BITS = 128

#: Trial divisors tried when pulling q-th powers out of a base (√(4·3) = 2·√3): enough for the
#: numbers people write, and a bound on the work for any other.
MAX_TRIAL_DIVISOR = 1000


def surd(b: Fraction, e: Fraction) -> tuple[Fraction, int, Fraction] | None:
    """`b^e = c·s^f` with c rational, s ≥ 1 an integer free of perfect powers and of q-th power
    factors below `MAX_TRIAL_DIVISOR`, 0 ≤ f < 1 (f = 0 when `b^e` is rational);
    None for b ≤ 0 or numbers too large to search."""
    if b <= 0:
        return None
    if e < 0:
        b, e = 1 / b, -e
    p, q = e.numerator, e.denominator
    den = b.denominator
    # (n/d)^(p/q) = (n·d^(q-1))^(p/q) / d^p: the root moves out of the denominator
    if q.bit_length() > 16 or den.bit_length() * q > MAX_SURD_BITS:
        return None
    n = b.numerator * den ** (q - 1)
    found = _integer_surd(n, e)
    if found is None:
        return None
    c, s, f = found
    if abs(p) * den.bit_length() > MAX_INTEGER_BITS:
        return None
    return c / Fraction(den) ** p, s, f


def _integer_surd(n: int, e: Fraction) -> tuple[Fraction, int, Fraction] | None:
    """`n^e` for an integer n ≥ 1 and e > 0, as in `surd`."""
    if n.bit_length() > MAX_SURD_BITS:
        return None
    m, j = perfect_power(n)
    e = e * j
    q = e.denominator
    a, s = _pull_powers(m, q)
    whole, f = divmod(e.numerator, q)  # e = whole + f/q, 0 ≤ f < q
    bits = e.numerator * max(a.bit_length(), 1) + whole * s.bit_length()
    if bits > MAX_INTEGER_BITS:
        return None
    c = Fraction(a) ** e.numerator * Fraction(s) ** whole
    return (c, s, Fraction(f, q)) if f and s != 1 else (c, 1, Fraction(0))


def perfect_power(n: int) -> tuple[int, int]:
    """`(m, j)` with n = m^j and j as large as it can be (`64 -> (2, 6)`, `12 -> (12, 1)`)."""
    for j in range(max(n.bit_length(), 2), 1, -1):
        m = int_root(n, j)
        if m is not None and m > 1:
            return m, j
    return n, 1


def _pull_powers(m: int, q: int) -> tuple[int, int]:
    """`(a, s)` with m = a^q·s: the q-th powers of small primes pulled out of m."""
    a, d = 1, 2
    while d <= MAX_TRIAL_DIVISOR and d**q <= m:
        while m % d**q == 0:
            m //= d**q
            a *= d
        d += 1
    return a, m


def int_root(n: int, q: int) -> int | None:
    """The integer q-th root of n ≥ 0 when n is a perfect q-th power, else None."""
    if n.bit_length() > 4 * MAX_INTEGER_BITS:
        return None
    r = round(n ** (1.0 / q)) if n.bit_length() < 1000 else _newton_root(n, q)
    for cand in (r - 1, r, r + 1):
        if cand >= 0 and cand**q == n:
            return cand
    return None


def _newton_root(n: int, q: int) -> int:
    x = 1 << (n.bit_length() // q + 1)
    while True:
        y = ((q - 1) * x + n // x ** (q - 1)) // q
        if y >= x:
            return x
        x = y
