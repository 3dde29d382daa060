"""F1 (theorems/F1.cpp): the FA gradient flow conserves Q, as a derivative identity, every shape.

Along dZ/dt = -E W^T, dW/dt = -B^T E: dQ/dt = 0 at every point (Z, W), so Q is constant on
every trajectory. SymPy takes the derivative (d/dh of Q(Z + h Z', W + h W') at h = 0).
"""
from sympy import ZeroMatrix

from common import B, Statement, alignment, derivative_along, fa_flow, gd_flow, prove, r, residual

CLAIM = "F1"


def fa_flow_w_sign_flipped(Zc, Wc):
    dZ, _ = fa_flow(Zc, Wc)
    return dZ, B.T * residual(Zc, Wc)


prove(
    CLAIM,
    "FA gradient flow conserves Q",
    "SymPy: directional derivative of Q along the FA flow's right-hand side, expanded",
    [Statement("dQ/dt along the FA flow = 0", derivative_along(alignment, fa_flow), ZeroMatrix(r, r))],
    [
        Statement("gd-flow", derivative_along(alignment, gd_flow), ZeroMatrix(r, r),
                  description="the GD flow (dW/dt = -Z^T E) in place of FA's"),
        Statement("w-sign-flipped", derivative_along(alignment, fa_flow_w_sign_flipped),
                  ZeroMatrix(r, r), description="dW/dt = +B^T E"),
    ],
    covers="the conservation law dQ/dt = 0 of the exact flow; the integrated (Odeint) trajectories "
    "are tested",
)
