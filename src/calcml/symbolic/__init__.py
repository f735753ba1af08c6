"""calcml.symbolic: derivatives, limits and integrals of expressions, each answer checked.

Modules and subpackages, lowest first; each imports only those to its left (and `calcml.core`):

    parse → inputs → polys → simplify → steps → termwise → rigorous → verdict → verify
      → step_check → diff → derivatives → integrate → limit_values → limit_rewrites → limits
      → integrand → quadrature → definite_steps → definite → extrema

`parse`, `integrate` and `extrema` are subpackages, each one unit in that order.

One late binding runs the other way: `step_check` (which `diff`, `integrate` and
`definite_steps` call to check every explained step) needs the exact derivative and numeric
quadrature to check some steps. `diff` and `quadrature` hand them over with
`step_check.provide(...)` when they are imported, and this package imports `diff` below, so the
derivative is always there; quadrature is there wherever a definite-integral step can be made
(`definite` imports it). `quadrature` is not imported here: it loads NumPy and SciPy, which a
cold `calcml diff` must not pay for.
"""

from calcml.symbolic import diff  # noqa: F401  (imported for its step_check.provide)
