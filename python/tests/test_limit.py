"""limit_estimate: FA's predicted limit err* = ||Y(I-P)||^2 (claim A4) in floating point, labelled
NOT certified; certify(): the same in exact arithmetic, fa-check certify's certificate."""

import json
import os
import subprocess
from fractions import Fraction

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


def test_certify_is_fa_check_certify(tmp_path):
    """The module's certificate is fa-check certify's, number for number (the same C++ and JSON)."""
    inst = faverify.instance(n=7, m=5, rank_of_y=4, r=2, spectrum="geometric", spread=4, seed=11)
    cert = faverify.certify(inst.Y, inst.B)
    np.savetxt(tmp_path / "Y.csv", inst.Y, delimiter=",", fmt="%.17g")
    np.savetxt(tmp_path / "B.csv", inst.B, delimiter=",", fmt="%.17g")
    out = tmp_path / "cert.json"
    subprocess.run([os.environ["FA_CHECK"], "certify", "--y", str(tmp_path / "Y.csv"), "--b",
                    str(tmp_path / "B.csv"), "--json", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    cli = json.loads(out.read_text())
    for key in ("rank_y", "rank_feedback", "err_star", "opt_r_upper_bound", "separation_proved",
                "gap_lower_bound", "verdict"):
        assert cert[key] == cli[key], key
    # rank(Y) is exact: the doubles of a rank-4 product U S V^T are rounded, and their exact rank
    # is full (min(n, m) = 5); the certificate speaks of the numbers held, not the recipe's.
    assert cert.separation_proved and cert.rank_feedback == 2 and cert.rank_y == 5
    # The exact err* agrees with the floating-point estimate to double's rounding.
    est = faverify.limit_estimate(inst.Y, inst.B)
    assert float(Fraction(cert.err_star["fraction"])) == pytest.approx(est.err_star, rel=1e-12)


def test_certify_exact_values_on_a_hand_case():
    """Y = diag(3, 2, 1), B = e1 (r = 1): B^T Y = (3, 0, 0), P projects onto e1, so err* = 2^2 +
    1^2 = 5 exactly, and opt_1 = 5 too: FA's limit is optimal here and no separation holds."""
    Y = np.diag([3.0, 2.0, 1.0])
    B = np.array([[1.0], [0.0], [0.0]])
    cert = faverify.certify(Y, B)
    assert cert.err_star["fraction"] == "5"
    assert cert.rank_y == 3 and cert.rank_feedback == 1
    assert not cert.separation_proved and cert.gap_lower_bound is None
    # A feedback that misses the top direction: B = e2, P projects onto e2, err* = 9 + 1 = 10 > 5.
    cert = faverify.certify(Y, np.array([[0.0], [1.0], [0.0]]))
    assert cert.err_star["fraction"] == "10" and cert.separation_proved
    assert Fraction(cert.gap_lower_bound["fraction"]) <= 5


def test_certify_bad_input_has_fa_check_words():
    with pytest.raises(faverify.InputError, match="r must be at most min"):
        faverify.certify(np.eye(3), r=4)
    with pytest.raises(faverify.InputError, match="expected 3x2"):
        faverify.certify(np.eye(3), np.ones((2, 2)))
    with pytest.raises(faverify.InputError, match="needs r"):
        faverify.certify(np.eye(3))
    with pytest.raises(faverify.InputError):
        faverify.certify(np.array([[1.0, np.nan], [0.0, 1.0]]), r=1)
