"""X4 (theorems/X4.cpp): FA from zero init stays in Y's subspaces, every shape, by induction.

If Z = Y P and W = R Y (P m x r, R r x n arbitrary: col(Z) in col(Y), row(W) in row(Y)), one FA
step gives Z+ = Y P' and W+ = R' Y with the explicit witnesses
    P' = P - eta (P R Y - I_m) Y^T R^T,    R' = R - eta (B^T Y P R - B^T),
so the step keeps both inclusions; the zero start is Z = Y 0, W = 0 Y. The false variants are
wrong witnesses (the statement they would prove is not what the step does).
"""
from sympy import Identity, MatrixSymbol

from common import B, Statement, Y, eta, fa_step, m, n, prove, r

CLAIM = "X4"

P = MatrixSymbol("P", m, r)  # Z = Y P
R = MatrixSymbol("R", r, n)  # W = R Y
Z_next, W_next = fa_step(Y * P, R * Y)
P_next = P - eta * (P * R * Y - Identity(m)) * Y.T * R.T
R_next = R - eta * (B.T * Y * P * R - B.T)

prove(
    CLAIM,
    "FA from zero init stays in col(Y) and row(Y)",
    "SymPy matrix expressions: one FA step from Z = Y P, W = R Y (symbolic P, R), against Y P' "
    "and R' Y with explicit witnesses; induction on t from Z = W = 0",
    [
        Statement("Z+ = Y P'", Z_next, Y * P_next),
        Statement("W+ = R' Y", W_next, R_next * Y),
    ],
    [
        Statement("residual-without-target", Z_next, Y * (P - eta * P * R * Y * Y.T * R.T),
                  description="witness P' computed with E = ZW (the -Y term dropped)"),
        Statement("feedback-sign", W_next, (R + eta * (B.T * Y * P * R - B.T)) * Y,
                  description="witness R' with the feedback's sign flipped"),
    ],
    hypotheses="zero initialisation (the base case Z = Y 0, W = 0 Y)",
    covers="the whole statement (induction step with explicit witnesses; base case zero init)",
)
