"""Example (a): R2 written as a user conjecture, and refuted.

"The FA loss decreases monotonically from small random init" (docs/claims.md, R2) stated in a
few lines of Python over the suite's own generators. Hypothesis finds a case where one FA step
raises the loss and shrinks it to a 1 x 1 instance; the falsifier (GD at c = 2^-4, a descent
method at that step) must find no increase, which shows the check can tell the two apart.

    /usr/bin/python3 python/examples/user_r2_refuted.py          # run, print, write report parts
    /usr/bin/python3 -m faverify check python/examples/user_r2_refuted.py
"""

import sys

from faverify import user
from faverify.strategies import recipes

# The C++ R2's region: the wide region with small init at 2^-4, 2^-8, 2^-2, 1 (shrinking toward
# the first); n, m <= 6 keeps the example to a second or two.
REGION = dict(region="wide", n=(1, 6), init="small", init_log2=(-4, -8, -2, 0))


@user.claim("U2", statement="Along FA from small random init, L_{t+1} <= L_t for all t "
            "(300 steps).", expected="refuted", given=recipes(**REGION),
            scalars=("double", "mp"), bits=128, cases=200, mp_cases=10,
            falsifiers={"gd-instead": ("true variant: GD at c = 2^-4 from init 2^-4, a descent "
                                       "method there; no increase may be found",
                                       recipes(**dict(REGION, init_log2=-4, step_log2=-4,
                                                      b_scale_log2=0)))})
def fa_loss_is_monotone(check, recipe):
    algo = "gd" if check.falsifier == "gd-instead" else "fa"
    loss = check.run(recipe, algo=algo, steps=300, tol=-1).loss
    # A loss is a sum of n m squares of entries of ZW - Y, each a sum of r products: relative
    # rounding below (r + 2) eps per entry and n m eps for the sum; 16 (max(n, m, r) + 2) eps
    # covers both at these sizes, as the C++ R2 uses, so a reported increase is real.
    k = 16 * (max(recipe.n, recipe.m, recipe.r) + 2)
    for t in range(1, len(loss)):
        check.note("step", t)
        check.require_le(f"loss at step {t} vs the step before", loss[t],
                         loss[t - 1] * (1 + k * check.eps))


if __name__ == "__main__":
    report = fa_loss_is_monotone.check(out=lambda row: print(row.text(), flush=True))
    sys.exit(0 if report.as_expected else 1)
