"""X6 (theorems/X6.cpp), first half: FA's explicit fixed point, every shape.

With W* = B^T Y and Z* = Y W*^T (W* W*^T)^{-1}: E* W*^T = 0 and B^T E* = 0, so one FA step from
(Z*, W*) leaves it unchanged. Hypothesis: W* W*^T invertible (SymPy's Inverse assumes it; the
claim checks it per instance). The second half (GD's gradient there is non-zero when r < k and
the singular values of Y are not all equal) holds almost surely, not identically: it is
certified per instance in exact arithmetic, not proved here.
"""
from sympy import Inverse, ZeroMatrix

from common import B, Statement, Y, eta, fa_step, gd_step, m, n, prove, r

CLAIM = "X6"

W_star = B.T * Y
Z_star = Y * W_star.T * Inverse(W_star * W_star.T)
E_star = Z_star * W_star - Y
fa_next = fa_step(Z_star, W_star)
gd_next = gd_step(Z_star, W_star)

prove(
    CLAIM,
    "explicit FA fixed point W* = B^T Y, Z* = Y W*^T (W* W*^T)^-1",
    "SymPy matrix expressions with Inverse(W* W*^T) (assumed invertible), expanded",
    [
        Statement("E* W*^T = 0", E_star * W_star.T, ZeroMatrix(n, r)),
        Statement("B^T E* = 0", B.T * E_star, ZeroMatrix(r, m)),
        Statement("FA step: Z+ = Z*", fa_next[0], Z_star),
        Statement("FA step: W+ = W*", fa_next[1], W_star),
    ],
    [
        Statement("no-inverse", fa_step(Y * W_star.T, W_star)[1], W_star,
                  description="Z* = Y W*^T without (W* W*^T)^{-1}: W moves"),
        Statement("gd-step", gd_next[1], W_star,
                  description="a GD step from (Z*, W*): W moves by -eta Z*^T E*"),
    ],
    hypotheses="W* W*^T invertible (r <= rank(B^T Y))",
    covers="the fixed-point half (W* W*^T invertible); the non-zero GD gradient half is not an "
    "identity (false for flat spectra, R5) and is certified per instance",
    whole_statement=False,
)
