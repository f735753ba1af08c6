"""Data files bundled with calcml (see README.md for their origin and licence)."""
