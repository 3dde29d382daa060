"""DL1 (theorems/DL1.cpp): the layer-wise FA law, symbolically for every depth and shape.

After one FA step of a depth-L network, at every hidden layer l = 1..L-1,
    Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T,
    Q_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - W_l W_l^T,   delta_l = B_{l+1}^T delta_{l+1}.
Proved for every L at once by the local argument (deep.py): the law involves W_l, W_{l+1},
B_{l+1}, the signal delta_{l+1} from above and P_{l-1} from below, all symbols here; the unrolled
networks L = 2, 3 (every layer a symbol, P_0 = I) cross-check it. At L = 2 it is X1.
"""
from common import Statement, eta, prove
from deep import B_u, D, LOCAL_SHAPES, P, W_l, W_u, Net, fa_alignment, local_step

CLAIM = "DL1"

S = B_u.T * D  # FA's delta_l
law = fa_alignment(W_l, W_u) - eta**2 * S * P.T * P * S.T
after = fa_alignment(*local_step(S))

identities = [Statement("Q_l(FA step) = Q_l - eta^2 delta_l P^T P delta_l^T (every L, l)", after,
                        law)]
for L in (2, 3):
    net = Net(L)
    Wn = net.step("fa")
    Pn, delta = net.signals("fa", net.W)
    for l in range(1, L):
        Bu = net.BF[l + 1]
        identities.append(Statement(
            f"unrolled L={L}, l={l}", fa_alignment(Wn[l], Wn[l + 1], Bu),
            fa_alignment(net.W[l], net.W[l + 1], Bu)
            - eta**2 * delta[l] * Pn[l - 1].T * Pn[l - 1] * delta[l].T))

false_variants = [
    Statement("eta-not-squared", after, fa_alignment(W_l, W_u) - eta * S * P.T * P * S.T,
              description="eta in place of eta^2"),
    Statement("sign-flipped", after, fa_alignment(W_l, W_u) + eta**2 * S * P.T * P * S.T,
              description="+eta^2 in place of -eta^2"),
    Statement("p-omitted", after, fa_alignment(W_l, W_u) - eta**2 * S * S.T,
              description="the law without the forward map below (P_{l-1}^T P_{l-1} dropped)"),
    Statement("gd-as-fa", fa_alignment(*local_step(W_u.T * D)), law,
              description="GD's signal W_{l+1}^T delta_{l+1} in FA's place"),
    Statement("wrong-layer-product", after,
              fa_alignment(W_l, W_u) - eta**2 * S * (W_l * P).T * (W_l * P) * S.T,
              description="P_l (the layer's own output) in place of P_{l-1}"),
]

prove(CLAIM, "layer-wise FA law Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T",
      "SymPy matrix expressions: Q_l after one FA step minus the law, expanded, for symbolic "
      "delta_{l+1} and P_{l-1} (every depth), and unrolled for L = 2, 3",
      identities, false_variants, shapes=LOCAL_SHAPES)
