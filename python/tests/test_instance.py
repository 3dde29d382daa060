"""faverify.instance is fa::materialise: the matrices fa-check and the claims draw from a recipe."""

import numpy as np

import faverify
from conftest import identical


def test_same_matrices_as_fa_check_generates(tmp_path, fa_check):
    out = tmp_path / "out"
    rc, _, err = fa_check("run", "--n", 8, "--m", 6, "--rank-of-y", 3, "--spectrum", "gapped",
                          "--spread", 2, "--seed", 21, "--r", 2, "--init", "small", "--steps", 0,
                          "--save-y", "--format", "npy", "--out", out)
    assert rc == 0, err
    inst = faverify.instance(n=8, m=6, rank_of_y=3, r=2, spectrum="gapped", spread=2, seed=21,
                             init="small")
    assert identical(np.load(out / "Y.npy"), inst.Y)
    assert identical(np.load(out / "B.npy"), inst.B)
    assert identical(np.load(out / "Z.npy"), inst.Z0)  # zero steps: Z is where it started
    assert identical(np.load(out / "W.npy"), inst.W0)


def test_same_matrices_as_a_generated_run():
    inst = faverify.instance(n=9, m=7, rank_of_y=4, r=2, spectrum="geometric", spread=3, seed=5)
    res = faverify.run(n=9, m=7, rank_of_y=4, r=2, spectrum="geometric", spread=3, seed=5,
                       steps=0)
    assert identical(inst.Y, res.Y) and identical(inst.B, res.B)
    assert inst.recipe in res.y
    assert inst.opt_r == res.opt_r  # the exact sum_{i>r} s_i^2 of the recipe


def test_structure_of_an_instance():
    inst = faverify.instance(n=7, m=5, rank_of_y=3, r=1, spectrum="geometric", spread=4, seed=2)
    eps = np.finfo(float).eps
    k = 3
    # U, V orthonormal and Y = U diag(s) V^T, to rounding: each entry of these products is a
    # sum of at most max(n, m) = 7 rounded products, so k_round = 7 * 4 eps is generous.
    tol = 28 * eps
    assert np.abs(inst.U.T @ inst.U - np.eye(k)).max() <= tol
    assert np.abs(inst.V.T @ inst.V - np.eye(k)).max() <= tol
    assert np.abs(inst.U @ np.diag(inst.s) @ inst.V.T - inst.Y).max() <= tol
    assert np.array_equal(inst.s, 2.0 ** (-4 * np.arange(3) / 2))  # geometric, spread 4
    assert inst.opt_r == float(np.sum(inst.s[1:] ** 2))
    assert inst.Y.shape == (7, 5) and inst.B.shape == (7, 1)
    assert not inst.Z0.any() and not inst.W0.any()  # zero init


def test_explicit_singular_values():
    inst = faverify.instance(n=4, m=4, rank_of_y=2, r=1, singular_values=[2.0, 0.5])
    assert inst.spectrum == "explicit" and list(inst.s) == [2.0, 0.5] and inst.opt_r == 0.25


def test_mpfr_instance_is_the_same_mathematical_instance():
    dbl = faverify.instance(n=5, m=4, rank_of_y=2, seed=9)
    mp = faverify.instance(n=5, m=4, rank_of_y=2, seed=9, precision=200)
    assert mp.precision_bits >= 200 and dbl.precision_bits == 53
    # The same draws, orthonormalised in each precision: the doubles agree to double's rounding
    # (QR of a 5x2 matrix: a few dozen eps of the entries' scale, here 64 eps).
    assert np.abs(mp.Y - dbl.Y).max() <= 64 * np.finfo(float).eps
    # B = G / sqrt(n) from the same drawn doubles G: double rounds sqrt(n) and the quotient
    # (each within eps/2 relative), MPFR's quotient rounded to double adds eps/2: 2 eps bounds it.
    assert np.all(np.abs(mp.B - dbl.B) <= 2 * np.finfo(float).eps * np.abs(dbl.B))
    assert len(mp.text["Y"][0, 0].replace("-", "").replace(".", "")) > 55
