"""faverify.run and `fa-check run` on the same inputs: bit-identical final factors and traces,
the same summary (they call the same C++ function, cli::run_problem; these tests show it)."""

import numpy as np
import pytest

import faverify
from conftest import identical, read_summary, read_text_matrix, read_trace

TRACE_COLUMNS = ["loss", "feedback_residual", "alignment", "cos_z_b"]


def target(n=7, m=6, k=3, seed=5):
    """A generic rank-k target with integer-free, non-representable entries (values exact in
    float64, so a .npy file and the array are the same matrix)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, k)) @ rng.standard_normal((k, m))


def cli_run(fa_check, tmp_path, *args, name="cli", expect_rc=0):
    out = tmp_path / name
    rc, stdout, stderr = fa_check("run", *args, "--format", "npy", "--out", out)
    assert rc == expect_rc, f"fa-check exit {rc}\n{stdout}\n{stderr}"
    return out, stdout


def assert_same_run(out, res, flow=False):
    """fa-check's files (out/) against faverify's result, exactly."""
    for name in ["Z", "W", "B"]:
        assert identical(np.load(out / f"{name}.npy"), res[name]), name
    trace = read_trace(out / "trace.csv")
    index = "time" if flow else "step"
    assert identical(trace[index], res.trace[index])
    for col in TRACE_COLUMNS:
        assert identical(trace[col], res.trace[col]), col
    summary = read_summary(out / "summary.json")
    assert set(summary) <= set(res)  # every key of summary.json (cli::summary_fields)
    for key in ["algorithm", "n", "m", "r", "precision_bits", "scalar", "seed", "init", "status",
                "message", "steps"]:
        assert summary[key] == res[key], key
    assert summary["eta_rule"] == (res.eta_rule if not res.eta_rule.startswith("eta") else "--eta")
    assert summary["diverged_at"] == (-1 if res.diverged_at is None else res.diverged_at)
    for key in ["final_loss", "opt_r", "converged_loss"]:
        assert float(summary[key]) == res[key], key
    assert (summary["ratio"] == "") == (res.ratio is None)
    if res.ratio is not None:
        assert float(summary["ratio"]) == res.ratio
    if not flow:
        assert float(summary["eta"]) == res.eta


def test_fa_on_a_file_and_on_the_array_are_bit_identical(tmp_path, fa_check):
    Y = target()
    np.save(tmp_path / "Y.npy", Y)
    out, stdout = cli_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--r", 2, "--steps",
                          3000, "--seed", 11)
    res = faverify.run(Y, r=2, steps=3000, seed=11)
    assert_same_run(out, res)
    assert res.status == "budget exhausted" and res.ratio > 1  # r < rank: FA stays above opt_r
    # The printed summary is fa-check's, line for line (apart from the name of Y and the files).
    cli_lines = [l for l in stdout.splitlines()[1:] if not l.startswith("wrote")]
    assert res.summary.splitlines()[1:] == cli_lines


def test_generated_target_is_drawn_as_fa_check_draws_it(tmp_path, fa_check):
    gen = dict(n=9, m=7, rank_of_y=3, spectrum="geometric", spread=3, seed=11)
    out, _ = cli_run(fa_check, tmp_path, "--n", 9, "--m", 7, "--rank-of-y", 3, "--spectrum",
                     "geometric", "--spread", 3, "--seed", 11, "--r", 2, "--steps", 3000,
                     "--save-y")
    res = faverify.run(r=2, steps=3000, **gen)
    assert identical(np.load(out / "Y.npy"), res.Y)
    assert_same_run(out, res)
    assert res.generated and res.y.startswith("generated {n=9 m=7 k=3 r=2")


@pytest.mark.parametrize("cli_args, py_args", [
    (["--algo", "gd", "--init", "small", "--r", 3, "--steps", 4000],
     dict(algo="gd", init="small", r=3, steps=4000)),
    (["--algo", "fastar", "--eta", 0.05, "--r", 2, "--steps", 1000, "--record-every", 7],
     dict(algo="fastar", eta=0.05, r=2, steps=1000, record_every=7)),
    (["--algo", "fa", "--r", 3, "--steps", 20000, "--tol", 1e-6],
     dict(algo="fa", r=3, steps=20000, tol=1e-6)),
])
def test_discrete_algorithms(tmp_path, fa_check, cli_args, py_args):
    Y = target(seed=3)
    np.save(tmp_path / "Y.npy", Y)
    out, _ = cli_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--seed", 4, *cli_args)
    res = faverify.run(Y, seed=4, **py_args)
    assert_same_run(out, res)


@pytest.mark.parametrize("algo", ["fa-flow", "gd-flow"])
def test_flows(tmp_path, fa_check, algo):
    Y = target(n=5, m=4, k=2, seed=8)
    np.save(tmp_path / "Y.npy", Y)
    out, _ = cli_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--r", 2, "--algo", algo,
                     "--init", "small", "--time", 5, "--observations", 10)
    res = faverify.run(Y, r=2, algo=algo, init="small", time=5, observations=10)
    assert_same_run(out, res, flow=True)
    assert len(res.trace["time"]) == 11 and res.trace["time"][-1] == 5
    # The flows also return the conservation laws' residuals (F1 for FA, F3 for GD).
    law = "q_residual" if algo == "fa-flow" else "d_residual"
    assert np.all(res.trace[law] < 1e-6)


def test_given_start_and_feedback_from_arrays_and_files(tmp_path, fa_check):
    Y = target()
    rng = np.random.default_rng(1)
    B, Z0, W0 = rng.standard_normal((7, 2)), rng.standard_normal((7, 2)) / 8, \
        rng.standard_normal((2, 6)) / 8
    for name, M in dict(Y=Y, B=B, Z0=Z0, W0=W0).items():
        np.save(tmp_path / f"{name}.npy", M)
    out, _ = cli_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--b", tmp_path / "B.npy",
                     "--init", "given", "--z0", tmp_path / "Z0.npy", "--w0",
                     tmp_path / "W0.npy", "--steps", 500)
    res = faverify.run(Y, b=B, init="given", z0=Z0, w0=W0, steps=500)
    assert_same_run(out, res)
    assert identical(res.Z0, Z0) and identical(res.W0, W0) and identical(res.B, B)
    # File paths given to the module go through fa-check's readers: the same run again.
    res_files = faverify.run(str(tmp_path / "Y.npy"), b=tmp_path / "B.npy", z0=tmp_path / "Z0.npy",
                             w0=tmp_path / "W0.npy", steps=500)
    assert identical(res_files.Z, res.Z) and identical(res_files.W, res.W)
    assert res_files.init == "given"  # z0/w0 given without init: given, as in fa-check


def test_mpfr_run_from_decimal_text_matches_to_the_last_digit(tmp_path, fa_check):
    # "0.1" is parsed at 200 bits from the file's text by both (not rounded to double first).
    (tmp_path / "Y.csv").write_text("0.1,0.2,0.3\n0.4,0.5,0.7\n0.3,0.1,0.9\n")
    out = tmp_path / "cli"
    rc, stdout, stderr = fa_check("run", "--y", tmp_path / "Y.csv", "--r", 1, "--steps", 200,
                                  "--precision", 200, "--out", out)
    assert rc == 0, stderr
    res = faverify.run(str(tmp_path / "Y.csv"), r=1, steps=200, precision=200)
    assert res.scalar == "mpfr" and res.precision_bits >= 200
    for name in ["Z", "W", "B"]:
        assert np.array_equal(read_text_matrix(out / f"{name}.csv"), res.text[name]), name
        assert np.array_equal(res[name], res.text[name].astype(np.float64))  # doubles: rounded
    summary = read_summary(out / "summary.json")
    assert summary["final_loss"] == res.text["final_loss"]
    assert summary["opt_r"] == res.text["opt_r"]
    trace = read_text_matrix(out / "trace.csv")
    assert np.array_equal(trace[1:, 1], res.text["trace"]["loss"])


def test_mpfr_run_from_an_array_matches_fa_check_on_npy(tmp_path, fa_check):
    # float64 entries are taken exactly at any precision >= 53 bits, from .npy and from arrays.
    Y = target(n=4, m=3, k=2)
    np.save(tmp_path / "Y.npy", Y)
    out = tmp_path / "cli"
    rc, _, stderr = fa_check("run", "--y", tmp_path / "Y.npy", "--r", 1, "--steps", 100,
                             "--precision", 120, "--out", out)
    assert rc == 0, stderr
    res = faverify.run(Y, r=1, steps=100, precision="120")
    for name in ["Z", "W"]:
        assert np.array_equal(read_text_matrix(out / f"{name}.csv"), res.text[name]), name


def test_divergence_is_a_status_not_an_exception(tmp_path, fa_check):
    Y = target()
    np.save(tmp_path / "Y.npy", Y)
    out, _ = cli_run(fa_check, tmp_path, "--y", tmp_path / "Y.npy", "--r", 2, "--eta", 1e6,
                     expect_rc=2)
    res = faverify.run(Y, r=2, eta=1e6)
    assert res.status == "diverged" and res.diverged_at >= 1
    assert res.message.startswith(f"diverged at step {res.diverged_at}: loss")
    assert_same_run(out, res)


def test_a_different_seed_changes_the_run():
    """Control: the comparisons above are not vacuous (another B gives other factors)."""
    Y = target()
    a, b = faverify.run(Y, r=2, steps=300, seed=1), faverify.run(Y, r=2, steps=300, seed=2)
    assert not identical(a.Z, b.Z) and not identical(a.B, b.B)
