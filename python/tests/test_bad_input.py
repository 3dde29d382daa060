"""Every bad input raises: faverify.InputError (a ValueError) with fa-check's message, in
Python's spelling of the options; TypeError for values of the wrong type. A diverged run is not
bad input (test_same_as_fa_check.py)."""

import os

import numpy as np
import pytest

import faverify
from faverify import InputError

CORPUS = os.path.join(os.environ.get("FA_SOURCE_DIR", "."), "tests", "cli", "corpus")
Y34 = np.array([[1.0, 2, 3, 4], [2, 4, 6, 8.5], [0, 1, 0, 1]])  # tests/cli/corpus/good_3x4.csv


def corpus(name):
    return os.path.join(CORPUS, name)


# (fa-check run arguments, its message, faverify.run arguments, the module's message): the same
# check in the same C++ (cli::run_problem), the option named as each front end spells it.
SAME_CHECK = [
    (["--r", 0], "--r 0: r must be at least 1",
     dict(r=0), "r=0: r must be at least 1"),
    (["--r", 4], "--r 4: r must be at most min(n, m) = 3 for Y {y} (3x4)",
     dict(r=4), "r=4: r must be at most min(n, m) = 3 for Y (array y) (3x4)"),
    ([], "--r is required with --y (or give --b / --z0, whose columns are r)",
     dict(), "r is required with y (or give b / z0, whose columns are r)"),
    (["--r", 2, "--algo", "sgd"], "--algo 'sgd': expected gd, fa, fastar, pseudo-bp, gd-flow or fa-flow",
     dict(r=2, algo="sgd"), "algo='sgd': expected gd, fa, fastar, pseudo-bp, gd-flow or fa-flow"),
    (["--r", 2, "--algo", "fa-flow", "--steps", 5],
     "--steps is for the discrete algorithms; flows take --time",
     dict(r=2, algo="fa-flow", steps=5), "steps is for the discrete algorithms; flows take time"),
    (["--r", 2, "--time", 3], "--time is for the flows (gd-flow, fa-flow); use --steps",
     dict(r=2, time=3), "time is for the flows (gd-flow, fa-flow); use steps"),
    (["--r", 2, "--eta", 0], "--eta 0: the step size must be finite and > 0",
     dict(r=2, eta=0), "eta=0: the step size must be finite and > 0"),
    (["--r", 2, "--eta", -0.5], "--eta -0.5: the step size must be finite and > 0",
     dict(r=2, eta=-0.5), "eta=-0.5: the step size must be finite and > 0"),
    (["--r", 2, "--steps", -1], "--steps -1: must be >= 0",
     dict(r=2, steps=-1), "steps=-1: must be >= 0"),
    (["--r", 2, "--step-log2", 2000], "--step-log2 must be in [-60, 4]",
     dict(r=2, step_log2=2000), "step_log2 must be in [-60, 4]"),
    (["--r", 2, "--init", "random"], "--init 'random': expected zero, small, given or aligned",
     dict(r=2, init="random"), "init='random': expected zero, small, given or aligned"),
    (["--r", 2, "--init", "given", "--z0", corpus("z0_3x2.csv")],
     "--init given needs both --z0 FILE and --w0 FILE",
     dict(r=2, init="given", z0=np.zeros((3, 2))), "init=given needs both z0 and w0"),
    (["--r", 2, "--b", corpus("b_2x2.csv")],
     "B {b_2x2} is 2x2, expected 3x2 (n x r: n = rows of Y, --r 2)",
     dict(r=2, b=np.zeros((2, 2))),
     "B (array b) is 2x2, expected 3x2 (n x r: n = rows of Y, r=2)"),
    (["--init", "given", "--z0", corpus("z0_3x2.csv"), "--w0", corpus("w0_2x3.csv")],
     "W0 {w0_2x3} is 2x3, expected 2x4 (r x m: m = columns of Y, r = 2 (columns of --z0 {z0}))",
     dict(init="given", z0=np.zeros((3, 2)), w0=np.zeros((2, 3))),
     "W0 (array w0) is 2x3, expected 2x4 (r x m: m = columns of Y, r = 2 (columns of z0))"),
    (["--r", 2, "--precision", "quad"], "--precision 'quad': expected 'double' or a number of "
     "bits (e.g. 200)", dict(r=2, precision="quad"),
     "precision='quad': expected 'double' or a number of bits (e.g. 200)"),
    (["--r", 2, "--precision", 8], "--precision 8: bits must be in [16, 100000]",
     dict(r=2, precision=8), "precision=8: bits must be in [16, 100000]"),
]


@pytest.mark.parametrize("cli_args, cli_msg, py_args, py_msg", SAME_CHECK,
                         ids=[c[3][:40] for c in SAME_CHECK])
def test_same_message_as_fa_check(fa_check, cli_args, cli_msg, py_args, py_msg):
    y = corpus("good_3x4.csv")
    rc, _, stderr = fa_check("run", "--y", y, *cli_args)
    assert rc == 1
    expected = cli_msg.format(y=y, b_2x2=corpus("b_2x2.csv"), w0_2x3=corpus("w0_2x3.csv"),
                              z0=corpus("z0_3x2.csv"))
    assert stderr.strip() == "fa-check: error: " + expected
    with pytest.raises(InputError) as e:
        faverify.run(Y34, **py_args)
    assert str(e.value) == py_msg


GENERATED = [
    (["--n", 5, "--m", 6, "--rank-of-y", 9], "--rank-of-y 9: must be in [1, min(n, m) = 5]",
     dict(n=5, m=6, rank_of_y=9), "rank_of_y=9: must be in [1, min(n, m) = 5]"),
    (["--n", 5, "--m", 6, "--rank-of-y", 2, "--r", 7],
     "--r 7: r must be at most min(n, m) = 5 for Y 5x6",
     dict(n=5, m=6, rank_of_y=2, r=7), "r=7: r must be at most min(n, m) = 5 for Y 5x6"),
    (["--n", 100000, "--m", 100000, "--rank-of-y", 1],
     "--n 100000 --m 100000: more than 20000000 entries at this precision; refused",
     dict(n=100000, m=100000, rank_of_y=1),
     "n=100000 m=100000: more than 20000000 entries at this precision; refused"),
    ([], "generated Y needs --n >= 1 and --m >= 1 (got --n 0 --m 0), or give --y FILE",
     dict(), "generated Y needs n >= 1 and m >= 1 (got n=0 m=0), or give y"),
    (["--n", 4, "--m", 4, "--rank-of-y", 2, "--spectrum", "wavy"],
     "--spectrum: unknown spectrum 'wavy' (expected flat, geometric, gapped, clustered or near-tie)",
     dict(n=4, m=4, rank_of_y=2, spectrum="wavy"),
     "spectrum: unknown spectrum 'wavy' (expected flat, geometric, gapped, clustered or near-tie)"),
]


@pytest.mark.parametrize("cli_args, cli_msg, py_args, py_msg", GENERATED,
                         ids=[c[3][:40] for c in GENERATED])
def test_same_message_for_generated_targets(fa_check, cli_args, cli_msg, py_args, py_msg):
    rc, _, stderr = fa_check("run", *cli_args)
    assert rc == 1 and stderr.strip() == "fa-check: error: " + cli_msg
    with pytest.raises(InputError) as e:
        faverify.run(**py_args)
    assert str(e.value) == py_msg


def test_files_given_to_the_module_fail_as_in_fa_check(fa_check):
    for name in ["nan.csv", "ragged.csv", "truncated.npy", "float32.npy", "nonexistent.csv"]:
        rc, _, stderr = fa_check("run", "--y", corpus(name), "--r", 1)
        assert rc == 1
        with pytest.raises(InputError) as e:
            faverify.run(corpus(name), r=1)
        assert "fa-check: error: " + str(e.value) == stderr.strip(), name


@pytest.mark.parametrize("bad, where", [(np.nan, "NaN"), (np.inf, "Inf"), (-np.inf, "Inf")])
@pytest.mark.parametrize("arg", ["y", "b", "z0", "w0"])
def test_non_finite_entries(bad, where, arg):
    Y, B, Z0, W0 = Y34.copy(), np.ones((3, 2)), np.zeros((3, 2)), np.zeros((2, 4))
    args = dict(y=Y, b=B, z0=Z0, w0=W0)
    args[arg][1, 1] = bad
    y = args.pop("y")
    with pytest.raises(InputError) as e:
        faverify.run(y, init="given", **args)
    assert str(e.value) == f"{arg}: entry (row 2, column 2): {where} entries are not allowed"


@pytest.mark.parametrize("array, message", [
    (np.zeros((0, 3)), "y: array is empty (0x3)"),
    (np.zeros(0), "y: array is empty (0x1)"),
    (np.zeros((2, 2, 2)), "y: expected a 2-D array (or 1-D, read as a column), got 3 dimensions"),
    (np.float64(3.0), "y: expected a 2-D array (or 1-D, read as a column), got 0 dimensions"),
])
def test_shapes_refused(array, message):
    with pytest.raises(InputError) as e:
        faverify.run(array, r=1)
    assert str(e.value) == message


@pytest.mark.parametrize("array, dtype", [
    (np.array([[1, 2], [3, 4]], dtype=object), "object"),
    (np.array([["1", "2"], ["3", "4"]]), "<U1"),
    (np.ones((2, 2), dtype=complex), "complex128"),
    (np.ones((2, 2), dtype=bool), "bool"),
    (np.ones((2, 2), dtype=np.float16), "float16"),
    (np.ones((2, 2), dtype=np.longdouble), "float128"),
])
def test_dtypes_refused_with_a_type_error(array, dtype):
    with pytest.raises(TypeError) as e:
        faverify.run(array, r=1)
    assert str(e.value).startswith(f"y: dtype {dtype} is not accepted (float64, float32 or an "
                                   "integer type; convert with numpy.asarray(y, dtype=float)")


@pytest.mark.parametrize("args, error, message", [
    (dict(r="2"), TypeError, "r: expected an integer, got str"),
    (dict(r=2.0), TypeError, "r: expected an integer, got float"),
    (dict(r=2, eta="fast"), TypeError, "eta: expected a real number, got str"),
    (dict(r=2, eta=1j), TypeError, "eta: expected a real number, got complex"),
    (dict(r=2, seed=-1), InputError, "seed=-1: must be in [0, 2^64 - 1]"),
    (dict(r=2, seed=2**64), InputError, "seed=18446744073709551616: must be in [0, 2^64 - 1]"),
    (dict(r=2, steps=2**70), InputError, "steps=1180591620717411303424: out of range"),
    (dict(r=2, precision=2.5), TypeError,
     "precision: expected 'double' or a number of bits, got float"),
    (dict(r=2, algo=3), TypeError, "algo: expected a string, got int"),
    (dict(r=2, progress=3), TypeError,
     "progress: expected a callable progress(done, total, loss) or None"),
    (dict(r=2, n=3), InputError, "y excludes n"),
    (dict(r=2, tol=float("nan")), InputError, "tol must be finite (negative: run the whole "
                                              "budget)"),
])
def test_option_types_and_ranges(args, error, message):
    with pytest.raises(error) as e:
        faverify.run(Y34, **args)
    assert str(e.value) == message


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


def test_instance_recipe_errors():
    with pytest.raises(InputError) as e:
        faverify.instance(n=3, m=4, rank_of_y=5)
    assert str(e.value).startswith("recipe {n=3 m=4 k=5 r=5")
    assert "rank k=5 is impossible for a 3x4 matrix" in str(e.value)
    with pytest.raises(InputError, match="singular values must be non-increasing"):
        faverify.instance(n=3, m=3, rank_of_y=2, singular_values=[1, 2])


def test_claims_errors_as_fa_claims(fa_claims):
    rc, _, stderr = fa_claims("run", "Z9", "--no-report")
    assert rc == 2
    with pytest.raises(InputError) as e:
        faverify.run_claim("Z9")
    assert stderr.strip() == "fa-claims: " + str(e.value)
    rc, _, stderr = fa_claims("run", "A4", "--scalar", "exact", "--no-report")
    with pytest.raises(InputError) as e:
        faverify.run_claim("A4", scalar="exact")
    assert stderr.strip() == "fa-claims: " + str(e.value)
    rc, _, stderr = fa_claims("run", "A4", "--falsifier", "nope", "--no-report")
    with pytest.raises(InputError) as e:
        faverify.run_claim("A4", falsifier="nope")
    assert stderr.strip() == "fa-claims: " + str(e.value)


@pytest.mark.parametrize("args, error, message", [
    (dict(seed=-1), InputError, "seed=-1: must be in [0, 2^64 - 1]"),
    (dict(seed="1"), TypeError, "seed: expected an integer, got str"),
    (dict(cases=0), InputError, "cases=0: must be in [1, 2^31 - 1]"),
    (dict(scalar=1), TypeError, "scalar: expected a string, got int"),
])
def test_claim_options(args, error, message):
    with pytest.raises(error) as e:
        faverify.run_claim("X5", **args)
    assert str(e.value) == message


def test_y_too_small_for_the_step_rule():
    # Subnormal entries: sigma_1(Y) below 2^-500 puts the default step 2^c / sigma_1 out of
    # double's range; an InputError that names eta, not the step rule's internal cross-check.
    y = np.array([[5.6e-309, 1e-310], [2e-309, 0.0]])
    with pytest.raises(InputError, match=r"below 2\^-500: the default step size .* give the step with eta"):
        faverify.run(y=y, r=1)
    faverify.run(y=y, r=1, eta=0.125, steps=3)  # an explicit step is the user's to give
