"""Deep linear networks through faverify.run(..., depth=, widths=, algo=) (docs/claims-deep.md):
the same C++ function as `fa-check run --depth` (cli/deep_run.hpp), depth 2 equal to the
two-layer run bit for bit, and clear errors on bad input."""

import numpy as np
import pytest

import faverify
from conftest import identical

GEN = dict(n=5, m=4, rank_of_y=2, seed=3)


def test_depth_2_fa_is_the_two_layer_fa_run_bit_for_bit():
    deep = faverify.run(depth=2, widths=[2], algo="fa", steps=200, tol=-1, init="small", **GEN)
    two = faverify.run(r=2, algo="fa", steps=200, tol=-1, init="small", **GEN)
    assert identical(deep["W"][1], two["Z"])
    assert identical(deep["W"][0], two["W"])
    assert identical(deep["Y"], two["Y"])
    assert deep["eta"] == two["eta"]


def test_depth_2_dfa_is_fa():
    fa = faverify.run(depth=2, widths="2", algo="fa", steps=50, tol=-1, init="small", **GEN)
    dfa = faverify.run(depth=2, widths=[2], algo="dfa", steps=50, tol=-1, init="small", **GEN)
    for a, b in zip(fa["W"], dfa["W"]):
        assert identical(a, b)


def test_deep_runs_have_the_shapes_asked_and_differ_by_algorithm():
    runs = {a: faverify.run(depth=4, widths=[3, 2, 4], algo=a, steps=100, tol=-1, init="small",
                            init_log2=-2, **GEN) for a in ("gd", "fa", "dfa")}
    shapes = [w.shape for w in runs["fa"]["W"]]
    assert shapes == [(3, 4), (2, 3), (4, 2), (5, 4)]
    assert runs["fa"]["widths"] == [4, 3, 2, 4, 5]
    assert not identical(runs["gd"]["W"][0], runs["fa"]["W"][0])
    assert not identical(runs["fa"]["W"][0], runs["dfa"]["W"][0])
    assert runs["fa"]["trace"]["step"][0] == 0


def test_deep_run_agrees_with_fa_check(fa_check, tmp_path):
    out = tmp_path / "deep"
    rc, stdout, stderr = fa_check("run", "--n", "5", "--m", "4", "--rank-of-y", "2", "--seed", "3",
                                  "--depth", "3", "--widths", "3,2", "--algo", "dfa", "--init",
                                  "small", "--steps", "100", "--tol", "-1", "--format", "npy",
                                  "--out", out)
    assert rc == 0, stderr
    res = faverify.run(depth=3, widths=[3, 2], algo="dfa", init="small", steps=100, tol=-1, **GEN)
    for l in range(3):
        assert identical(np.load(out / f"W{l + 1}.npy"), res["W"][l])


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth=4, widths=[3, 2]), "widths=3,2 gives 2 hidden widths; depth=4 needs 3"),
    (dict(depth=3, widths=[3, 0]), "d_2 = 0; every hidden width must be >= 1"),
    (dict(algo="dfa"), "algo=dfa needs depth"),
    (dict(depth=3, widths=[2, 2], algo="fastar"), "a deep network runs gd, fa or dfa"),
    (dict(depth=3, widths=[2, 2], r=2), "r does not apply to a deep run"),
])
def test_bad_deep_input_gets_a_clear_error(kwargs, message):
    with pytest.raises(faverify.InputError, match=message):
        faverify.run(**GEN, **kwargs)
