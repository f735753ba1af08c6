"""Compiled programs: integer powers of any input kind."""

from __future__ import annotations

import numpy as np

import calcml as cm


def test_integer_powers_of_integer_inputs_do_not_wrap_or_refuse() -> None:
    f = cm.compile(cm.parse("x^40 + x^-2"), ["x"])
    np.testing.assert_allclose(f(np.array([3, 2])), [3.0**40 + 1 / 9, 2.0**40 + 0.25])
    assert f(10) == 10.0**40 + 0.01
    with np.errstate(over="ignore"):
        assert cm.compile(cm.parse("x^400"), ["x"])(10) == np.inf


def test_the_three_ways_to_run_a_program_agree() -> None:
    """`on_arrays` (0-d constants, bare NumPy functions) and `at_point` (Python floats) give
    what the general path gives, sums and products of many terms included."""
    from calcml.core.evaluate import Program

    exprs = [cm.parse(t) for t in ("3*x^5*sin(2*x + 1) - x^(1/3) + 7", "x*y*z*exp(-x*y) + y^-2",
                                   "sqrt(x)*log(y) + 2*x*y + x + y + z + 1/3")]  # fmt: skip
    program = Program(exprs, list(cm.symbols("x y z")))
    rng = np.random.default_rng(1)
    xs, ys, zs = rng.uniform(-2, 2, 50), rng.uniform(0.5, 2, 50), rng.uniform(-1, 1, 50)
    with np.errstate(all="ignore"):
        general = program(xs, ys, zs)
    fast = program.on_arrays(xs, ys, zs)
    for a, b in zip(general, fast, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, equal_nan=True)
    assert np.isnan(fast[0][xs < 0]).all()  # x^(1/3) of a negative x: NaN on both paths
    for k in range(0, 50, 7):
        if xs[k] > 0:
            point = program.at_point(xs[k], ys[k], zs[k])
            np.testing.assert_allclose(point, [v[k] for v in general], rtol=1e-12)


def test_compiled_functions_on_large_arrays_sum_in_place_without_touching_inputs() -> None:
    """Past `_IN_PLACE_SIZE` numbers, n-ary sums and products accumulate into the array their
    first step made: the values equal the general path's, inputs stay as they were, and a later
    operand that broadcasts wider still widens the result."""
    from calcml.core import evaluate

    n = evaluate._IN_PLACE_SIZE + 5
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0.5, 2.0, (2, n))
    wide = rng.uniform(0.5, 2.0, (2, n))
    kept = [a.copy() for a in (x, y, wide)]
    f = cm.compile([cm.parse(t) for t in ("x + y + z + 1", "3*x*y*z", "x*y*z^2 + x + 2", "7")],
                   ["x", "y", "z"])  # fmt: skip
    got = f(x, y, wide)
    want = [x + y + wide + 1, 3 * x * y * wide, x * y * wide**2 + x + 2, np.full((2, n), 7.0)]
    for a, b in zip(got, want, strict=True):
        assert a.shape == (2, n)
        np.testing.assert_allclose(a, b, rtol=1e-13)
    for a, b in zip((x, y, wide), kept, strict=True):
        np.testing.assert_array_equal(a, b)
    ints = cm.compile(cm.parse("x*y + x^2"), ["x", "y"])(np.arange(4), 3)  # floats, no wrapping
    np.testing.assert_array_equal(ints, [0.0, 4.0, 10.0, 18.0])
    assert ints.dtype == float


def test_many_large_outputs_share_one_block_and_match_the_general_path() -> None:
    """Outputs of a large call are rows of one block (written by `out=`), intermediates reuse
    dead arrays: the values match the general path for every kind of step and output."""
    from calcml.core.evaluate import Program

    texts = ["x", "7", "x*y", "x*y", "sigmoid(x*y) + relu(x - y)", "x^3*y^-1 + sqrt(y)",
             "exp(-x*y)*sin(x + y + 1) + cos(x)^2", "1/x + x*y*(x + 2)",
             "softplus(x)*erf(y)"]  # fmt: skip
    exprs = [cm.parse(t) for t in texts]
    n = 20_000
    grid = np.random.default_rng(4).uniform(0.2, 2.0, (n, 3))  # columns: strided views
    x, y = grid[:, 0], grid[:, 1]
    got = cm.compile(exprs, ["x", "y"])(x, y)
    with np.errstate(all="ignore"):
        want = Program(exprs, list(cm.symbols("x y")))(x.copy(), y.copy())
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, np.broadcast_to(b, (n,)), rtol=1e-13)
    got[2][:] = 0.0  # rows are separate: writing one leaves the others
    np.testing.assert_allclose(got[3], x * y, rtol=1e-15)
