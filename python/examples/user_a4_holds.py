"""Example (b): a user claim that holds, checked in double and in MPFR: A4's inequality.

For r < rank(Y), FA from zero init converges to ZW = Y P with P the orthogonal projector onto
row(B^T Y) (docs/claims.md, A4), so its limit error is err* = ||Y (I - P)||_F^2. Y P has rank
at most r, so Eckart-Young gives err* >= opt_r = sum_{i>r} sigma_i^2 on every instance. Here the
user states it over the suite's instances and computes err* in the scalar under test: numpy in
double; mpmath at 128 bits from the C++ MPFR decimal text in mp (never from float64 copies).
The falsifier claims one term more (err* >= opt_{r-1}), false whenever B^T Y sees the top
singular directions well: it must be refuted.

    /usr/bin/python3 python/examples/user_a4_holds.py
"""

import sys

import numpy as np

from faverify import user
from faverify.strategies import recipes


@user.claim("U4", statement="For r < rank(Y): err* = ||Y (I - P)||_F^2 >= opt_r = "
            "sum_{i>r} sigma_i^2, P the projector onto row(B^T Y) (Eckart-Young).",
            given=recipes(n=(2, 6), rank="r < k", spectrum=("gapped", "geometric", "flat"),
                          spread=(1, 6), init="zero"),
            scalars=("double", "mp"), bits=128, cases=200, mp_cases=40,
            falsifiers={"one-term-more": "false variant: err* >= opt_{r-1} = opt_r + sigma_r^2"})
def fa_limit_is_at_least_opt_r(check, recipe):
    inst = check.instance(recipe)
    Y, B, s = inst["Y"], inst["B"], inst["s"]
    W = B.T @ Y  # r x m; row(W) = row(B^T Y)
    P = W.T @ check.inv(W @ W.T) @ W
    err_star = check.fro2(Y - Y @ P)
    first_dropped = recipe.r - 1 if check.falsifier == "one-term-more" else recipe.r
    opt = check.fro2(s[first_dropped:])
    # Rounding: forming W, its Gram matrix and P costs O((n + m + r) eps) relative each, and the
    # solve multiplies it by kappa(W W^T) (estimated in double: it only scales the tolerance), so
    # err* is within 8 (n + m + r) kappa eps ||Y||_F^2 of its exact value.
    kappa = np.linalg.cond(np.asarray(W @ W.T, dtype=float))
    k = 8 * (recipe.n + recipe.m + recipe.r) * kappa
    check.note("err*", err_star)
    check.require_ge("err* vs opt_r", err_star, opt - k * check.eps * check.fro2(Y))


if __name__ == "__main__":
    report = fa_limit_is_at_least_opt_r.check(out=lambda row: print(row.text(), flush=True))
    sys.exit(0 if report.as_expected else 1)
