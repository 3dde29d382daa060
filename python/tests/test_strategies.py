"""faverify.strategies: the recipes the C++ generators draw, shrinking where RapidCheck's do,
instances bit for bit those of fa-check, impossible regions refused when the strategy is built."""

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import faverify
from conftest import identical, read_text_matrix
from faverify.strategies import SPECTRA, Recipe, instances, recipes

FAST = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def smallest(strategy, condition=lambda r: True):
    return find(strategy, condition, settings=settings(database=None, max_examples=300))


def test_shrinks_to_the_simplest_recipe():
    assert smallest(recipes()) == Recipe(1, 1, 1, 1)  # flat, seed 0, c = 2^-3, zero init
    wide = smallest(recipes(region="wide"))
    # the largest step of the range, zero init, B at its default scale, as RapidCheck's
    assert wide == Recipe(1, 1, 1, 1, step_log2=-1)
    assert smallest(recipes(rank="r < k")) == Recipe(2, 2, 2, 1)
    assert smallest(recipes(rank="r >= k", k=(3, 6))) == Recipe(3, 3, 3, 3)


def test_each_field_shrinks_toward_its_simplest_value():
    small = smallest(recipes(region="wide"), lambda r: r.init == "small")
    assert small == Recipe(1, 1, 1, 1, step_log2=-1, init="small", init_log2=-8)
    spec = smallest(recipes(region="wide"), lambda r: r.spectrum != "flat")
    assert spec.spectrum == "geometric" and spec.spread == 0  # the next spectrum, spread 0
    b = smallest(recipes(region="wide"), lambda r: r.b_scale_log2 != 0)
    assert b.b_scale_log2 == -1  # the C++ order 0, -1, 1, -2, ...
    big = smallest(recipes(n=(1, 9)), lambda r: r.n * r.m >= 12)
    assert big.n * big.m == 12 and big.k == 1 and big.seed == 0


@FAST
@given(recipes(region="wide", rank="r < k", max_dim=8))
def test_drawn_recipes_are_valid_and_in_the_region(rec):
    assert 1 <= rec.r < rec.k <= min(rec.n, rec.m) <= 8
    assert rec.spectrum in SPECTRA and -8 <= rec.step_log2 <= -1 and -3 <= rec.b_scale_log2 <= 3
    assert rec.spread == 0 if rec.spectrum == "flat" else 0 <= rec.spread <= 12
    assert rec.spectrum != "near-tie" or rec.spread >= 1
    assert (rec.init, rec.init_log2) in {("zero", -8), ("small", -8), ("small", -2),
                                         ("small", 0)}
    faverify.instance(**rec.instance_kwargs())  # materialise accepts it (validate() passes)


@pytest.mark.parametrize("region, message", [
    (dict(n=1, rank="r < k"), "impossible region"),
    (dict(n=(1, 4), k=5), "impossible region"),
    (dict(n=(2, 3), r=(4, 6)), "impossible region"),
    (dict(n=(5, 2)), "empty range"),
    (dict(spectrum="bogus"), "not one of"),
    (dict(spectrum="near-tie", spread=0), "near-tie"),
    (dict(rank="r > 2k"), "expected one of"),
    (dict(step_log2=(-3, 9)), "must lie in"),
    (dict(region="narrow"), "expected 'wide'"),
    (dict(spectrum="near-tie", spread=(53, 60)), "near-tie"),
    (dict(init="small", init_log2=(-4, 99)), "init_log2"),
    (dict(region="wide", max_dim=0), "max_dim"),
])
def test_an_impossible_region_is_an_error_when_the_strategy_is_built(region, message):
    with pytest.raises(faverify.InputError, match=message):
        recipes(**region)


def test_a_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="n: expected"):
        recipes(n="6")
    with pytest.raises(TypeError, match="init_log2: expected"):
        recipes(init_log2=("a",))


@pytest.mark.parametrize("precision", [8, -3, 1.5, "x", True])
def test_a_bad_precision_is_an_error_when_the_instance_strategy_is_built(precision):
    with pytest.raises(faverify.InputError, match="precision"):
        instances(precision=precision)


def test_near_tie_spreads_beyond_52_are_clipped_to_the_cpp_range():
    @settings(max_examples=30, database=None, deadline=None)
    @given(recipes(spectrum="near-tie", spread=(50, 60), n=(2, 3)))
    def valid(rec):
        assert 50 <= rec.spread <= 52
        faverify.instance(**rec.instance_kwargs())

    valid()


def fa_check_matrices(fa_check, tmp_path, rec, precision=None):
    out = tmp_path / "out"
    args = rec.fa_check_args().split() + ["--steps", "0", "--save-y", "--out", out]
    args += ["--format", "npy"] if precision is None else ["--precision", precision,
                                                           "--format", "csv"]
    rc, _, err = fa_check("run", *args)
    assert rc == 0, err
    if precision is None:
        return {name: np.load(out / f"{name}.npy") for name in ("Y", "B", "Z", "W")}
    return {name: read_text_matrix(out / f"{name}.csv") for name in ("Y", "B", "Z", "W")}


CASES = [Recipe(5, 4, 3, 2, "gapped", 2, 21, -2, "small", -2, 2),
         Recipe(3, 6, 2, 3, "near-tie", 3, 9, -5, "zero", -8, -3),
         Recipe(4, 4, 4, 1, "clustered", 1, 123456, -1, "small", 0, 0)]


@pytest.mark.parametrize("rec", CASES, ids=str)
def test_instances_are_bit_for_bit_those_of_fa_check(fa_check, tmp_path, rec):
    inst = smallest(instances(st.just(rec)))
    files = fa_check_matrices(fa_check, tmp_path, rec)
    for ours, theirs in [("Y", "Y"), ("B", "B"), ("Z0", "Z"), ("W0", "W")]:
        assert identical(files[theirs], inst[ours]), ours
    assert inst["recipe"] == rec.describe() and inst["recipe_obj"] == rec


def test_mpfr_instances_are_digit_for_digit_those_of_fa_check(fa_check, tmp_path):
    rec = CASES[0]
    inst = smallest(instances(st.just(rec), precision=128))
    files = fa_check_matrices(fa_check, tmp_path, rec, precision=128)
    for ours, theirs in [("Y", "Y"), ("B", "B"), ("Z0", "Z"), ("W0", "W")]:
        assert np.array_equal(files[theirs], inst["text"][ours]), ours


def test_a_drawn_instance_is_the_recipes(fa_check, tmp_path):
    """Through the strategy as a user draws it: the first instance the wide region draws."""
    inst = smallest(instances(region="wide", n=(2, 5)), lambda i: i["recipe_obj"].n >= 3)
    files = fa_check_matrices(fa_check, tmp_path, inst["recipe_obj"])
    assert identical(files["Y"], inst["Y"]) and identical(files["B"], inst["B"])


# A user's own Y, drawn by hypothesis.extra.numpy: the run either goes, or (a Y too small for the
# default step rule, sigma_1 < 2^-500, e.g. subnormal entries) is refused with a clear InputError
# naming eta, never another exception.
@FAST
@given(recipes(n=(2, 4), rank="r >= k"), hnp.arrays(np.float64, (3, 2), elements=st.floats(-1, 1)))
def test_composes_with_hypothesis_extra_numpy(rec, Y):
    res = None
    if np.any(Y):
        try:
            res = faverify.run(Y, r=2, steps=3)
        except faverify.InputError as e:
            assert "below 2^-500" in str(e) and np.linalg.norm(Y, 2) < 2.0**-500, str(e)
    assert rec.r >= rec.k and (res is None or res["Y"].shape == (3, 2))
