"""F2 (theorems/F2.cpp): the Lyapunov identity of the FA flow, every shape.

At every point (Z, W), along dZ/dt = -E W^T, dW/dt = -B^T E, with G = B^T E:
    d/dt 1/2 ||G||^2 = -||G W^T||^2 - 1/2 ||W^T G||^2 - 1/2 tr(G^T Q G).
SymPy takes the derivative of the matrix G^T G along the flow (the trace commutes with d/dt) and
expands both sides; tr(AB) = tr(BA) and tr(A^T) = tr(A) are applied by
common.trace_normal_form. (The monotonicity of ||G|| from zero init follows with Q = 0 (F1) and
is not a polynomial identity: it stays tested.)
"""
from sympy import Rational, Trace

from common import B, Statement, W, Z, alignment, fa_flow, gd_flow, prove, residual, sq, \
    trace_derivative_along

CLAIM = "F2"

half = Rational(1, 2)
G = B.T * residual(Z, W)
Q = alignment(Z, W)


def gram_of_feedback_error(Zc, Wc):
    Gc = B.T * residual(Zc, Wc)
    return Gc.T * Gc


lhs = half * trace_derivative_along(gram_of_feedback_error, fa_flow)
rhs = -sq(G * W.T) - half * sq(W.T * G) - half * Trace(G.T * Q * G)

prove(
    CLAIM,
    "FA flow Lyapunov identity d/dt 1/2||G||^2 = -||G W^T||^2 - 1/2||W^T G||^2 - 1/2 tr(G^T Q G)",
    "SymPy: derivative of G^T G along the FA flow, traces expanded; tr(AB) = tr(BA) and "
    "tr(A^T) = tr(A) applied by a canonical form of trace monomials (theorems/proofs/common.py)",
    [Statement("d/dt 1/2 ||G||^2 = Lyapunov formula", lhs, rhs, kind="trace")],
    [
        Statement("wrong-coefficient", lhs, -sq(G * W.T) - sq(W.T * G) - half * Trace(G.T * Q * G),
                  kind="trace", description="-||W^T G||^2 in place of -1/2 ||W^T G||^2"),
        Statement("gd-flow", half * trace_derivative_along(gram_of_feedback_error, gd_flow), rhs,
                  kind="trace", description="the GD flow in place of FA's"),
    ],
    hypotheses="none (an identity at every point; the monotonicity half is tested)",
    covers="the Lyapunov identity at every point; from zero init Q = 0 (F1), so its right-hand "
    "side is -||G W^T||^2 - 1/2 ||W^T G||^2 <= 0 and ||B^T E|| cannot increase along the exact "
    "flow; the integrated (Odeint) trajectories are tested",
)
