"""X3 (theorems/X3.cpp): the GD balance law, symbolically for every shape.

After one GD step from an arbitrary (Z, W): D(Z+, W+) = D + eta^2 (W E^T E W^T - Z^T E E^T Z),
D = Z^T Z - W W^T, E = ZW - Y.
"""
from common import Statement, W, Z, balance, eta, fa_step, gd_step, prove, residual

CLAIM = "X3"

E = residual(Z, W)
second = W * E.T * E * W.T - Z.T * E * E.T * Z
law = balance(Z, W) + eta**2 * second


def sequential_gd(Zc, Wc):
    """Z first, then W from the new Z's residual (not simultaneous)."""
    Z_next = Zc - eta * residual(Zc, Wc) * Wc.T
    return Z_next, Wc - eta * Z_next.T * residual(Z_next, Wc)


prove(
    CLAIM,
    "GD balance law D+ = D + eta^2 (W E^T E W^T - Z^T E E^T Z)",
    "SymPy matrix expressions: D after one GD step minus the law, expanded",
    [Statement("D(GD step) = D + eta^2 (W E^T E W^T - Z^T E E^T Z)", balance(*gd_step(Z, W)), law)],
    [
        Statement("sign-flipped", balance(*gd_step(Z, W)), balance(Z, W) - eta**2 * second,
                  description="-eta^2 in place of +eta^2"),
        Statement("eta-not-squared", balance(*gd_step(Z, W)), balance(Z, W) + eta * second,
                  description="eta in place of eta^2"),
        Statement("sequential-update", balance(*sequential_gd(Z, W)), law,
                  description="W updated from the new Z (sequential, not simultaneous)"),
        Statement("fa-as-gd", balance(*fa_step(Z, W)), law,
                  description="FA's update (B^T E) in GD's place"),
    ],
)
