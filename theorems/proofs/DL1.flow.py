"""DL1.flow (theorems/DL1.flow.cpp): the deep FA flow conserves every Q_l.

Along dW_l/dt = -delta_l P_{l-1}^T (every layer), with FA's signal delta_l = B_{l+1}^T delta_{l+1}, the
derivative of Q_l vanishes at every point: d/dh fa_alignment(W_l + h dW_l, W_{l+1} + h dW_{l+1}) at h = 0,
for symbolic delta_{l+1} and P_{l-1} (the local argument of deep.py: every depth L and layer l).
"""
from sympy import ZeroMatrix

from common import Statement, h, prove
from deep import B_u, D, LOCAL_SHAPES, P, W_l, W_u, b, fa_alignment

CLAIM = "DL1.flow"


def derivative(signal):
    """d/dt Q_l along dW_l = -signal P^T, dW_{l+1} = -D (W_l P)^T."""
    dW_l, dW_u = -signal * P.T, -D * (W_l * P).T
    return fa_alignment(W_l + h * dW_l, W_u + h * dW_u).diff(h).subs(h, 0).doit()


prove(CLAIM, "deep FA flow conserves Q_l", "SymPy matrix expressions: the derivative of Q_l along "
      "the flow, expanded, for symbolic delta_{l+1} and P_{l-1} (every depth)",
      [Statement("d/dt Q_l = 0 (every L, l)", derivative(B_u.T * D), ZeroMatrix(b, b))],
      [Statement("wrong-signal", derivative(W_u.T * D), ZeroMatrix(b, b),
                 description="GD's signal in the flow: d/dt Q_l is not 0")],
      shapes=LOCAL_SHAPES)
