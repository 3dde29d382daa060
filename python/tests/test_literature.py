"""faverify.lillicrap_experiment: Lillicrap et al.'s 30-20-10 experiment (docs/claims-literature.md)
is deterministic given its seed, records what it says, and refuses bad input with InputError."""
import math

import pytest

import faverify


def test_same_seed_same_run_and_another_seed_another():
    a = faverify.lillicrap_experiment(seed=3, steps=50, every=10)
    b = faverify.lillicrap_experiment(seed=3, steps=50, every=10)
    c = faverify.lillicrap_experiment(seed=4, steps=50, every=10)
    assert a == b
    assert a.loss_fa != c.loss_fa


def test_records_every_steps_and_the_last_and_starts_from_one_point():
    run = faverify.lillicrap_experiment(seed=1, steps=25, every=10)
    assert run.step == [0, 10, 20, 24]
    assert run.settings["widths"] == [30, 20, 10]
    # BP and FA start from the same weights: equal expected losses at step 0.
    assert run.loss_fa[0] == run.loss_bp[0]
    assert all(0 <= a <= 180 for a in run.angle_deg if not math.isnan(a))


@pytest.mark.parametrize("kwargs", [dict(steps=0), dict(batch=0), dict(every=0), dict(seed=-1)])
def test_bad_sizes_raise_input_error(kwargs):
    with pytest.raises(faverify.InputError):
        faverify.lillicrap_experiment(**kwargs)


@pytest.mark.parametrize("eta", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_step_raises_input_error(eta):
    with pytest.raises(faverify.InputError):
        faverify.lillicrap_experiment(eta=eta, steps=5)


# ---- faverify.run with the literature's dynamics: the same C++ as `fa-check run` --------------
# (weight_decay, algo="pseudo-bp", init="aligned" with feedback_gains, data x / data_dim+samples;
# tests/cli/test_literature_runs.cpp shows that these runs are the claims' own dynamics).

import numpy as np

from conftest import identical, read_summary


def _fa_check_run(fa_check, tmp_path, *args):
    out = tmp_path / "cli"
    rc, stdout, stderr = fa_check("run", *map(str, args), "--format", "npy", "--out", out)
    assert rc == 0, f"fa-check exit {rc}\n{stdout}\n{stderr}"
    return out


@pytest.mark.parametrize("cli_args, kwargs", [
    (["--weight-decay", 0.0625, "--r", 12, "--init", "small", "--init-log2", -2],
     dict(weight_decay=0.0625, r=12, init="small", init_log2=-2)),
    (["--algo", "pseudo-bp", "--r", 4, "--init", "small", "--init-log2", -2],
     dict(algo="pseudo-bp", r=4, init="small", init_log2=-2)),
    (["--init", "aligned", "--feedback-gains", "1,0.5,0.25", "--r", 3, "--spectrum", "geometric",
      "--spread", 2], dict(init="aligned", feedback_gains=[1, 0.5, 0.25], r=3,
                           spectrum="geometric", spread=2)),
], ids=["weight_decay", "pseudo-bp", "aligned"])
def test_literature_run_equals_fa_check(tmp_path, fa_check, cli_args, kwargs):
    out = _fa_check_run(fa_check, tmp_path, "--n", 3, "--m", 6, "--rank-of-y", 3, "--seed", 4,
                        "--steps", 300, *cli_args)
    res = faverify.run(n=3, m=6, rank_of_y=3, seed=4, steps=300, **kwargs)
    for name in ["Z", "W", "B"]:
        assert identical(np.load(out / f"{name}.npy"), res[name]), name
    summary = read_summary(out / "summary.json")
    for key in ["algorithm", "weight_decay", "feedback_gains", "steps", "status"]:
        assert summary[key] == res[key], key


def test_network_run_on_an_x_array_equals_fa_check_on_the_file(tmp_path, fa_check):
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((7, 4)), rng.standard_normal((3, 4))  # d = 7 > N = 4
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    out = _fa_check_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--x", tmp_path / "X.npy",
                        "--r", 3, "--init", "small", "--steps", 500, "--seed", 1)
    res = faverify.run(Y, x=X, r=3, init="small", steps=500, seed=1)
    for name in ["Z", "W", "B"]:
        assert identical(np.load(out / f"{name}.npy"), res[name]), name
    assert res.W.shape == (3, 7) and res.samples == 4 and res.data_dim == 7
    assert identical(res.X, X)
    # The recorded loss is the network's, (1/2N) ||Z W X - Y||^2.
    assert res.final_loss == pytest.approx(
        np.sum((res.Z @ res.W @ X - Y) ** 2) / (2 * 4), rel=1e-12)


def test_generated_data_is_the_same_in_python_and_mp(tmp_path):
    d = faverify.run(n=2, data_dim=6, samples=3, r=3, init="small", seed=12, steps=200)
    mp = faverify.run(n=2, data_dim=6, samples=3, r=3, init="small", seed=12, steps=200,
                      precision=120)
    assert identical(d.X, mp.X)  # drawn in double, then cast: every precision sees one instance
    # The same instance run at 120 bits stays within rounding of double's run: 200 steps of
    # products of inner size <= 6 each lose a few eps of double, so 2^-30 relative is ample.
    assert np.max(np.abs(d.Z - mp.Z)) <= 2.0 ** -30 * np.max(np.abs(mp.Z))


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=3, m=4, rank_of_y=2, weight_decay=-1.0), "weight_decay=-1: the weight decay lambda"),
    (dict(n=3, m=4, rank_of_y=2, init="aligned", feedback_gains=[1.0]),
     "feedback_gains=1 gives 1 gains; init=aligned needs one per component of Y, k = 2"),
    (dict(n=3, m=4, rank_of_y=2, algo="pseudo-bp"), "algo=pseudo-bp needs a start with Z"),
    (dict(n=2, data_dim=5, samples=3, weight_decay=0.1),
     "weight_decay does not combine with a network on data"),
    (dict(y=np.ones((3, 4)), x=np.ones((5, 3)), r=1), "columns must equal X's"),
])
def test_literature_bad_input_raises_input_error(kwargs, message):
    with pytest.raises(faverify.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        faverify.run(**kwargs)


def test_feedback_gains_must_be_numbers():
    with pytest.raises(TypeError, match="feedback_gains: expected a real number"):
        faverify.run(n=3, m=4, rank_of_y=2, init="aligned", feedback_gains=["a", "b"])


def test_network_opt_r_is_the_least_error_of_a_rank_r_map():
    # d = 3 < N = 8: targets A X, r = 1 < rank 2. opt_r = (||Y(I-P)||^2 + sum_{i>r} s_i(YP)^2)/N,
    # P the projector onto row(X), recomputed here with numpy; FA ends above it (A4's separation,
    # now for a network), GD reaches it.
    fa = faverify.run(n=2, data_dim=3, samples=8, r=1, init="small", seed=1, steps=3000)
    X, Y = fa.X, fa.Y
    P = X.T @ np.linalg.solve(X @ X.T, X)
    s = np.linalg.svd(Y @ P, compute_uv=False)
    expected = (np.sum((Y - Y @ P) ** 2) + np.sum(s[1:] ** 2)) / 8
    # Two SVDs and a solve of a 3x3 Gram matrix: agreement to a few hundred eps.
    assert fa.opt_r == pytest.approx(expected, rel=512 * np.finfo(float).eps)
    assert fa.ratio > 1.01
    gd = faverify.run(n=2, data_dim=3, samples=8, r=1, init="small", seed=1, steps=3000, algo="gd")
    assert gd.ratio < 1.0001
