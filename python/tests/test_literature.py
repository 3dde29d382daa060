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
