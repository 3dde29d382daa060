"""DL2 (theorems/DL2.cpp): the layer-wise GD balance law, symbolically for every depth and shape.

After one GD step of a depth-L network, at every hidden layer l = 1..L-1,
    D_l+ = D_l + eta^2 (P_l delta_{l+1}^T delta_{l+1} P_l^T - delta_l P_{l-1}^T P_{l-1} delta_l^T),
    D_l = W_{l+1}^T W_{l+1} - W_l W_l^T,   delta_l = W_{l+1}^T delta_{l+1},   P_l = W_l P_{l-1}.
Proved for every L at once by the local argument (deep.py); unrolled L = 2, 3 cross-check it.
At L = 2 it is X3.
"""
from common import Statement, eta, prove
from deep import D, LOCAL_SHAPES, P, W_l, W_u, Net, gd_balance, local_step

CLAIM = "DL2"

S = W_u.T * D  # GD's delta_l
P_l = W_l * P
second = P_l * D.T * D * P_l.T - S * P.T * P * S.T
law = gd_balance(W_l, W_u) + eta**2 * second
after = gd_balance(*local_step(S))

identities = [Statement("D_l(GD step) = D_l + eta^2 (...) (every L, l)", after, law)]
for L in (2, 3):
    net = Net(L)
    Wn = net.step("gd")
    Pn, delta = net.signals("gd", net.W)
    for l in range(1, L):
        identities.append(Statement(
            f"unrolled L={L}, l={l}", gd_balance(Wn[l], Wn[l + 1]),
            gd_balance(net.W[l], net.W[l + 1])
            + eta**2 * (Pn[l] * delta[l + 1].T * delta[l + 1] * Pn[l].T
                        - delta[l] * Pn[l - 1].T * Pn[l - 1] * delta[l].T)))

# Sequential update: W_l moves from the already-updated W_{l+1} (the layer above moved first).
W_u_new = W_u - eta * D * (W_l * P).T
sequential = gd_balance(W_l - eta * W_u_new.T * D * P.T, W_u_new)
false_variants = [
    Statement("sign-flipped", after, gd_balance(W_l, W_u) - eta**2 * second,
              description="-eta^2 in place of +eta^2"),
    Statement("eta-not-squared", after, gd_balance(W_l, W_u) + eta * second,
              description="eta in place of eta^2"),
    Statement("sequential-update", sequential, law,
              description="W_l updated from the already-updated W_{l+1}"),
    Statement("doubled-signal", gd_balance(*local_step(2 * W_u.T * D)), law,
              description="a signal of twice GD's size (a doubled backward step)"),
]

prove(CLAIM, "layer-wise GD balance D_l+ = D_l + eta^2 (P_l d_{l+1}^T d_{l+1} P_l^T - "
      "d_l P_{l-1}^T P_{l-1} d_l^T)",
      "SymPy matrix expressions: D_l after one GD step minus the law, expanded, for symbolic "
      "delta_{l+1} and P_{l-1} (every depth), and unrolled for L = 2, 3",
      identities, false_variants, shapes=LOCAL_SHAPES)
