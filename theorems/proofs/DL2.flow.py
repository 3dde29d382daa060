"""DL2.flow (theorems/DL2.flow.cpp): the deep GD flow conserves every D_l.

Along dW_l/dt = -delta_l P_{l-1}^T (every layer), with GD's signal delta_l = W_{l+1}^T delta_{l+1}, the
derivative of D_l vanishes at every point: d/dh gd_balance(W_l + h dW_l, W_{l+1} + h dW_{l+1}) at h = 0,
for symbolic delta_{l+1} and P_{l-1} (the local argument of deep.py: every depth L and layer l).
"""
from sympy import ZeroMatrix

from common import Statement, h, prove
from deep import B_u, D, LOCAL_SHAPES, P, W_l, W_u, b, gd_balance

CLAIM = "DL2.flow"


def derivative(signal):
    """d/dt D_l along dW_l = -signal P^T, dW_{l+1} = -D (W_l P)^T."""
    dW_l, dW_u = -signal * P.T, -D * (W_l * P).T
    return gd_balance(W_l + h * dW_l, W_u + h * dW_u).diff(h).subs(h, 0).doit()


prove(CLAIM, "deep GD flow conserves D_l", "SymPy matrix expressions: the derivative of D_l along "
      "the flow, expanded, for symbolic delta_{l+1} and P_{l-1} (every depth)",
      [Statement("d/dt D_l = 0 (every L, l)", derivative(W_u.T * D), ZeroMatrix(b, b))],
      [Statement("wrong-signal", derivative(B_u.T * D), ZeroMatrix(b, b),
                 description="FA's signal in the flow: d/dt D_l is not 0")],
      shapes=LOCAL_SHAPES)
