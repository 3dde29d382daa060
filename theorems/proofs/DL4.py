"""DL4 (theorems/DL4.cpp): FA is DFA with product feedback.

FA's signal at layer l is delta_l = B_{l+1}^T ... B_L^T E = (B_L ... B_{l+1})^T E, which is DFA's
signal when DFA's B_l = B_L B_{L-1} ... B_{l+1} (n x d_l); the updates W_l - eta delta_l P_{l-1}^T
then agree layer by layer. For every L, by induction from the top: at l = L-1 both signals are
B_L^T E; the step "FA's delta_{l+1} = G^T E implies FA's delta_l = (G B_{l+1})^T E" is the
identity below for symbolic G (n x d_{l+1}), B_{l+1} and E. Unrolled, the whole FA step equals the
DFA step with product feedback for L = 2..6 (every layer a symbol).
"""
from sympy import MatrixSymbol

from common import Statement, prove
from deep import B_u, Net, c, m

CLAIM = "DL4"

n = Net(2).d[-1]
G = MatrixSymbol("G", n, c)  # (B_L ... B_{l+2}), n x d_{l+1}
E = MatrixSymbol("E", n, m)
identities = [Statement("induction step: B_{l+1}^T (G^T E) = (G B_{l+1})^T E", B_u.T * (G.T * E),
                        (G * B_u).T * E)]
for L in range(2, 7):
    net = Net(L)
    fa = net.step("fa")
    product = [None] + [net.product_feedback(l) for l in range(1, L)] + [None]
    dfa = net.step("dfa", BD=product)
    for l in range(1, L + 1):
        identities.append(Statement(f"unrolled L={L}: W_{l} after FA = after DFA(product)", fa[l],
                                    dfa[l]))

sq = Net(3, square=True)
fa3 = sq.step("fa")
wrong_order = [None, sq.BF[2] * sq.BF[3], sq.BF[3], None]
top_only = [None, sq.BF[3], sq.BF[3], None]
false_variants = [
    Statement("product-wrong-order (L=3, square)", fa3[1], sq.step("dfa", BD=wrong_order)[1],
              description="DFA's B_1 = B_2 B_3 instead of B_3 B_2"),
    Statement("top-feedback-only (L=3, square)", fa3[1], sq.step("dfa", BD=top_only)[1],
              description="DFA's B_1 = B_3 (the product's lower factor dropped)"),
    Statement("own-layer-only (L=3, square)", fa3[1],
              sq.step("dfa", BD=[None, sq.BF[2], sq.BF[3], None])[1],
              description="DFA's B_1 = B_2 (the layer's own FA feedback, the top factor dropped)"),
]

prove(CLAIM, "FA = DFA with B_l^DFA = B_L ... B_{l+1}",
      "SymPy matrix expressions: the induction step for symbolic G, B_{l+1}, E (every depth), and "
      "the whole FA and DFA steps unrolled and compared for L = 2..6",
      identities, false_variants,
      shapes="symbolic widths d_1..d_{L-1}, n, m (the induction step: G n x d_{l+1}, B_{l+1} "
             "d_{l+1} x d_l, E n x m): every depth L")
