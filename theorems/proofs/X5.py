"""X5 (theorems/X5.cpp): the zero-initialisation first steps, symbolically for every shape.

GD maps (0, 0) to (0, 0), so by induction it stays at zero for every step. FA from (0, 0):
W1 = eta B^T Y, Z1 = 0, Z2 = eta^2 Y Y^T B, W2 = 2 eta B^T Y.
"""
from sympy import ZeroMatrix

from common import B, Statement, W, Y, Z, eta, fa_step, gd_step, m, n, prove, r

CLAIM = "X5"

Z0, W0 = ZeroMatrix(n, r), ZeroMatrix(r, m)
gd1 = gd_step(Z0, W0)
fa1 = fa_step(Z0, W0)
fa2 = fa_step(*fa1)

prove(
    CLAIM,
    "zero-init first steps: GD stays at 0, FA's W1, Z1, Z2, W2",
    "SymPy matrix expressions with ZeroMatrix starting factors; each step expanded",
    [
        Statement("GD step from 0: Z1 = 0", gd1[0], ZeroMatrix(n, r)),
        Statement("GD step from 0: W1 = 0", gd1[1], ZeroMatrix(r, m)),
        Statement("FA: W1 = eta B^T Y", fa1[1], eta * B.T * Y),
        Statement("FA: Z1 = 0", fa1[0], ZeroMatrix(n, r)),
        Statement("FA: Z2 = eta^2 Y Y^T B", fa2[0], eta**2 * Y * Y.T * B),
        Statement("FA: W2 = 2 eta B^T Y", fa2[1], 2 * eta * B.T * Y),
    ],
    [
        Statement("gd-as-fa", gd1[1], eta * B.T * Y, description="GD's update in FA's place: W1"),
        Statement("eta-not-squared", fa2[0], eta * Y * Y.T * B, description="Z2 = eta Y Y^T B"),
        Statement("nonzero-init", gd_step(Z, W)[0], ZeroMatrix(n, r),
                  description="GD from a non-zero (Z, W) does not stay put"),
        Statement("w2-not-doubled", fa2[1], eta * B.T * Y, description="W2 = eta B^T Y"),
    ],
)
