"""Example (c): a property over your own data matrix (hypothesis.extra.numpy), run by the C++
dynamics in double and MPFR.

"FA from zero init, 2000 steps at c = 2^-3, never ends above where it started": the final loss
is at most 1/2 ||Y||_F^2, for any data matrix Y (here 2..5 x 2..5 with entries in [-1, 1],
scaled to ||Y||_F = 1 as the user's preprocessing) and feedback B ~ N(0, 1/n) drawn from the seed.
The falsifier runs at c = 2 (step_log2 = 1), where FA diverges: it must be refuted. A file works
as well: faverify.run accepts a .csv/.npy path.

Without the scaling the statement is false, and Hypothesis says so: the step rule
eta = c / (sigma_1 max(1, ||B||_2^2)) grows as the data shrink while B keeps its N(0, 1/n) scale,
and FA diverges on Y = [[0, 2^-10], [2^-10, 2^-10]], r = 1, seed 0 (the shrunk counterexample;
run with --falsifier unscaled).

    /usr/bin/python3 python/examples/user_own_data.py
"""

import sys

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from faverify import user

shapes = st.tuples(st.integers(2, 5), st.integers(2, 5))
data = shapes.flatmap(lambda shape: hnp.arrays(
    np.float64, shape, elements=st.floats(-1, 1, allow_subnormal=False)))


@user.claim("U5", statement="On any data Y scaled to ||Y||_F = 1, FA from zero init ends 2000 "
            "steps at c = 2^-3 with L_T <= L_0 = 1/2 ||Y||_F^2.",
            given=(data, st.integers(1, 2), st.integers(0, 2**30 - 1)),
            scalars=("double", "mp"), bits=96, cases=100, mp_cases=10,
            falsifiers={"c=2": "false variant: step constant 2, where FA diverges",
                        "unscaled": "false variant: the data as drawn, without the scaling"})
def fa_never_ends_above_its_start(check, Y, r, seed):
    assume(np.any(Y != 0) and r <= min(Y.shape))
    if check.falsifier != "unscaled":
        Y = Y / np.linalg.norm(Y)  # a float64 matrix: exact input in every scalar
    step_log2 = 1 if check.falsifier == "c=2" else -3
    run = check.run(y=Y, r=r, seed=seed, steps=2000, step_log2=step_log2, record_every=2000)
    start = check.fro2(check.array(Y)) / 2  # Y's entries are doubles: exact in every scalar
    # Both sides are sums of n m squares: a relative rounding of at most (n m + r + 2) eps each.
    k = 2 * (Y.size + r + 2)
    check.require_le("final loss vs the loss at zero init", run.final_loss,
                     start * (1 + k * check.eps))


if __name__ == "__main__":
    report = fa_never_ends_above_its_start.check(out=lambda row: print(row.text(), flush=True))
    sys.exit(0 if report.as_expected else 1)
