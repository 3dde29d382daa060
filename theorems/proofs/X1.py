"""X1 (theorems/X1.cpp): the FA alignment law, symbolically for every shape.

After one FA step from an arbitrary (Z, W): Q(Z+, W+) = Q(Z, W) - eta^2 G G^T, G = B^T (ZW - Y),
Q = B^T Z + Z^T B - W W^T. By induction it holds at every step of every FA trajectory.
"""
from common import B, Statement, W, Z, alignment, eta, fa_step, gd_step, prove, residual

CLAIM = "X1"

G = B.T * residual(Z, W)
law = alignment(Z, W) - eta**2 * G * G.T

prove(
    CLAIM,
    "FA alignment law Q+ = Q - eta^2 G G^T",
    "SymPy matrix expressions: Q after one FA step minus the law, expanded",
    [Statement("Q(FA step) = Q - eta^2 G G^T", alignment(*fa_step(Z, W)), law)],
    [
        Statement("eta-not-squared", alignment(*fa_step(Z, W)), alignment(Z, W) - eta * G * G.T,
                  description="eta in place of eta^2"),
        Statement("sign-flipped", alignment(*fa_step(Z, W)), alignment(Z, W) + eta**2 * G * G.T,
                  description="+eta^2 G G^T"),
        Statement("gd-as-fa", alignment(*gd_step(Z, W)), law,
                  description="GD's update (Z^T E) in FA's place"),
    ],
)
