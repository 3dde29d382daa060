"""limit_estimate: FA's predicted limit err* = ||Y(I-P)||^2 (claim A4) in floating point, labelled
NOT certified; certify() is where issue 10's exact certificates go."""

import numpy as np
import pytest

import faverify


def test_fa_converges_to_the_predicted_limit_and_gd_to_opt_r():
    inst = faverify.instance(n=6, m=5, rank_of_y=3, r=1, spectrum="gapped", spread=1, seed=4)
    est = faverify.limit_estimate(inst.Y, inst.B)
    assert est.defined and not est.certified and "NOT certified" in est.note
    assert est.opt_r == pytest.approx(inst.opt_r, rel=1e-14)
    assert est.gap > 0 and est.err_star == est.opt_r + est.gap
    fa = faverify.run(inst.Y, b=inst.B, steps=60000, tol=-1)
    gd = faverify.run(inst.Y, b=inst.B, algo="gd", init="small", steps=60000, tol=-1)
    # A4's tolerance for a converged error against its prediction (checks/claim_helpers.hpp,
    # limit_error_tolerance): 2^8 eps ||Y||^2 / (eta sigma_1), sigma_1 = 1 for a recipe.
    tol = 2**8 * np.finfo(float).eps * np.sum(inst.Y**2) / fa.eta
    assert abs(2 * fa.final_loss - est.err_star) <= tol
    assert abs(2 * gd.final_loss - est.opt_r) <= tol
    assert 2 * fa.final_loss - 2 * gd.final_loss > 2 * tol  # the separation, beyond rounding


def test_mpfr_estimate_agrees_with_double():
    inst = faverify.instance(n=6, m=5, rank_of_y=3, r=2, spectrum="geometric", spread=2, seed=1)
    dbl = faverify.limit_estimate(inst.Y, inst.B)
    mp = faverify.limit_estimate(inst.Y, inst.B, precision=200)
    assert mp.precision_bits >= 200 and mp.text["err_star"].startswith(
        repr(mp.err_star)[:6])
    # Double's err* carries the rounding of an SVD and a solve on 6x5 data: 1e-12 relative
    # (about 5000 eps) is far above it and far below any real disagreement.
    assert mp.err_star == pytest.approx(dbl.err_star, rel=1e-12)


def test_undefined_when_b_t_y_loses_rank():
    inst = faverify.instance(n=5, m=4, rank_of_y=1, r=1, seed=3)
    B = np.zeros((5, 2))
    B[:, 0] = inst.B[:, 0]
    est = faverify.limit_estimate(inst.Y, B)  # r = 2 > rank(Y) = 1: B^T Y has rank 1
    assert not est.defined and est.err_star is None and est.rank_of_bty == 1


def test_certify_is_not_in_this_build_yet():
    with pytest.raises(NotImplementedError, match="limit_estimate"):
        faverify.certify(np.eye(3), np.ones((3, 1)))
