"""The core: expressions, the primitive registry, numbers, errors and limits.

Modules, lowest first; each imports only modules to its left (no cycles, none inside functions):

    errors, limits, lazy, arrays, late
      → nodes            what a node is: the classes, the intern table, the leaves
      → canonical        how sums, products, powers and function nodes are built
      → expr             the public face: re-exports nodes and canonical
      → registry_base    the `Primitive` record and the helpers that build records
      → registry_elementary
      → registry_numeric, registry_reciprocal, registry_special   (independent families)
      → registry         gathers every record into `PRIMITIVES`
      → evaluate         substitution, values, compiled programs
      → blocks           a program's outputs written into one block
      → printing         Python, human and LaTeX forms

Where a lower module needs behaviour defined higher up (`str(expr)` needs `printing`, `x + y`
needs `canonical`, `power(E, u)` needs the `exp` record), it declares a late-bound slot that the
higher module fills at its import: the one mechanism, described in `late`. This package imports
every module that fills a slot, so the slots are set before any user code runs.
"""

from calcml.core import blocks, canonical, evaluate, printing, registry  # noqa: F401  (fill slots)
