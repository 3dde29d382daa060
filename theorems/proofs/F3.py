"""F3 (theorems/F3.cpp): the GD gradient flow conserves D = Z^T Z - W W^T, every shape.

Along dZ/dt = -E W^T, dW/dt = -Z^T E: dD/dt = 0 at every point (Z, W). SymPy takes the
derivative (d/dh of D(Z + h Z', W + h W') at h = 0).
"""
from sympy import ZeroMatrix

from common import Statement, balance, derivative_along, fa_flow, gd_flow, prove, r

CLAIM = "F3"

prove(
    CLAIM,
    "GD gradient flow conserves D = Z^T Z - W W^T",
    "SymPy: directional derivative of D along the GD flow's right-hand side, expanded",
    [Statement("dD/dt along the GD flow = 0", derivative_along(balance, gd_flow), ZeroMatrix(r, r))],
    [
        Statement("fa-flow", derivative_along(balance, fa_flow), ZeroMatrix(r, r),
                  description="the FA flow (dW/dt = -B^T E) in place of GD's"),
    ],
    covers="the conservation law dD/dt = 0 of the exact flow; the integrated (Odeint) trajectories "
    "are tested",
)
