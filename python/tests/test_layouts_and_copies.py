"""Every memory layout and numeric dtype numpy offers is read (or refused, test_bad_input.py) in
one pass into the C++ core's matrix; the user's arrays are never written; double results reach
numpy without a copy (the array owns the buffer the run produced)."""

import numpy as np
import pytest

import faverify
from conftest import identical

rng = np.random.default_rng(7)
Y = rng.standard_normal((7, 3)) @ rng.standard_normal((3, 6))
KW = dict(r=2, steps=400, seed=3)
REFERENCE = faverify.run(np.ascontiguousarray(Y), **KW)


def strided_slice(M):
    big = np.zeros((3 * M.shape[0], 2 * M.shape[1] + 1))
    big[1::3, 1::2] = M
    return big[1::3, 1::2]


LAYOUTS = {
    "C order": lambda M: np.ascontiguousarray(M),
    "Fortran order": lambda M: np.asfortranarray(M),
    "strided slice": strided_slice,
    "negative strides": lambda M: np.ascontiguousarray(M[::-1, ::-1])[::-1, ::-1],
    "transposed view": lambda M: np.ascontiguousarray(M.T).T,
    "big-endian": lambda M: M.astype(">f8"),
    "nested lists": lambda M: M.tolist(),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_same_run(layout):
    y = LAYOUTS[layout](Y)
    if isinstance(y, np.ndarray):
        assert np.array_equal(y, Y)
    res = faverify.run(y, **KW)
    assert identical(res.Y, Y)
    assert identical(res.Z, REFERENCE.Z) and identical(res.W, REFERENCE.W)


def test_layouts_under_test_are_what_they_say():
    assert LAYOUTS["C order"](Y).flags.c_contiguous
    assert LAYOUTS["Fortran order"](Y).flags.f_contiguous and not \
        LAYOUTS["Fortran order"](Y).flags.c_contiguous
    s = strided_slice(Y)
    assert not s.flags.c_contiguous and not s.flags.f_contiguous
    assert all(st < 0 for st in LAYOUTS["negative strides"](Y).strides)
    assert not LAYOUTS["big-endian"](Y).dtype.isnative


INTEGER_Y = np.array([[1, 2, 3, 4], [2, 4, 6, 9], [0, 1, 0, 1]])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                   np.uint32, np.uint64, np.float32, np.float64])
def test_numeric_dtypes_are_read_exactly(dtype):
    res = faverify.run(INTEGER_Y.astype(dtype), r=1, steps=300)
    ref = faverify.run(INTEGER_Y.astype(np.float64), r=1, steps=300)
    assert identical(res.Y, INTEGER_Y) and identical(res.Z, ref.Z) and identical(res.W, ref.W)


def test_float32_entries_are_taken_as_their_exact_double_values():
    y32 = (Y / 3).astype(np.float32)
    res = faverify.run(y32, **KW)
    assert identical(res.Y, y32.astype(np.float64))


def test_wide_integers():
    # Above 2^53: double rounds to nearest (as fa-check does with the same digits in a file);
    # MPFR at >= 64 bits takes the integer exactly.
    y = np.array([[2**53 + 1, 1], [3, 2**62 + 1]], dtype=np.int64)
    res = faverify.run(y, r=1, steps=0)
    assert identical(res.Y, np.array([[2.0**53, 1], [3, 2.0**62]]))
    exact = faverify.run(y, r=1, steps=0, precision=80)
    assert exact.text["Y"][0, 0] == str(2**53 + 1)
    assert exact.text["Y"][1, 1] == str(2**62 + 1)


def test_a_1d_array_is_a_column():
    res = faverify.run(np.array([3.0, 4.0, 0.0]), r=1, steps=50)
    assert res.Y.shape == (3, 1) and (res.n, res.m) == (3, 1) and res.Z.shape == (3, 1)


def test_inputs_are_never_written_and_results_share_no_memory_with_them():
    B = rng.standard_normal((7, 2))
    Z0, W0 = rng.standard_normal((7, 2)) / 10, rng.standard_normal((2, 6)) / 10
    y = np.asfortranarray(Y)
    before = [a.copy() for a in (y, B, Z0, W0)]
    res = faverify.run(y, b=B, z0=Z0, w0=W0, steps=500)
    for a, b in zip((y, B, Z0, W0), before):
        assert identical(a, b)  # the run updated its own copies of Z0 and W0, not these
    assert not identical(res.Z, Z0)  # it did move
    for out in (res.Z, res.W, res.B, res.Y, res.Z0, res.W0):
        for given in (y, B, Z0, W0):
            assert not np.shares_memory(out, given)


def test_double_results_are_handed_over_without_a_copy():
    res = faverify.run(Y, **KW)
    # The array does not own a numpy allocation: its base is the capsule that owns the C++
    # matrix the run produced (pybind11/eigen.h moves it out), so no copy was made.
    for name in ("Z", "W", "B", "Y", "Z0", "W0"):
        a = res[name]
        assert not a.flags.owndata and type(a.base).__name__ == "PyCapsule", name
        assert a.flags.f_contiguous and a.flags.writeable and a.dtype == np.float64
    inst = faverify.instance(n=5, m=4, rank_of_y=2)
    assert type(inst.Y.base).__name__ == "PyCapsule"


def test_results_are_independent_arrays():
    a, b = faverify.run(Y, **KW), faverify.run(Y, **KW)
    a.Z[0, 0] += 1.0
    assert not identical(a.Z, b.Z) and identical(b.Z, REFERENCE.Z)
