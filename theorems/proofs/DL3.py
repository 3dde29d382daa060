"""DL3 (theorems/DL3.cpp): DFA keeps the layer-wise law at its top hidden layer.

After one DFA step of a depth-L network, at the top hidden layer l = L-1, with B = DFA's
B_{L-1} (n x d_{L-1}) and delta_{L-1} = B^T E:
    Q+ = Q - eta^2 delta_{L-1} P_{L-2}^T P_{L-2} delta_{L-1}^T,   Q = B^T W_L + W_L^T B - W_{L-1} W_{L-1}^T.
Local argument (deep.py) with delta_{l+1} = E: DFA's top signal B^T E is FA's B_L^T delta_L, so
the identity is DL1's at l = L-1, for every L. Unrolled L = 2, 3, 4 cross-check it.
The false variant 'R7 below the top' is conjecture R7 at L = 3, l = 1 (DFA's law with the forward
map above, F_1 = W_3 W_2, in place of B_2): its residual is a non-zero polynomial, so R7 is false
as a polynomial identity (theorems/R7.cpp finds and certifies a concrete counterexample).
"""
from common import Statement, eta, prove
from deep import B_u, D, LOCAL_SHAPES, P, W_l, W_u, Net, fa_alignment, local_step

CLAIM = "DL3"

S = B_u.T * D  # DFA's top signal B_{L-1}^T E, with D = E
law = fa_alignment(W_l, W_u) - eta**2 * S * P.T * P * S.T
after = fa_alignment(*local_step(S))
identities = [Statement("Q_{L-1}(DFA step) = Q_{L-1} - eta^2 (...) (every L)", after, law)]


for L in (2, 3, 4):
    net = Net(L)
    Wn = net.step("dfa")
    Pn, delta = net.signals("dfa", net.W)
    l = L - 1
    Bt = net.BD[l]
    identities.append(Statement(
        f"unrolled L={L}, l={l} (top)", fa_alignment(Wn[l], Wn[L], Bt),
        fa_alignment(net.W[l], net.W[L], Bt) - eta**2 * delta[l] * Pn[l - 1].T * Pn[l - 1] * delta[l].T))


def r7_q(net, W, l):
    """R7's Q_l: B_l^T F_l + F_l^T B_l - W_l W_l^T, F_l = W_L ... W_{l+1}."""
    F = net.forward_above(W, l)
    return net.BD[l].T * F + F.T * net.BD[l] - W[l] * W[l].T


net3 = Net(3)
W3 = net3.step("dfa")
P3, d3 = net3.signals("dfa", net3.W)
false_variants = [
    Statement("R7 below the top (L=3, l=1)", r7_q(net3, W3, 1),
              r7_q(net3, net3.W, 1) - eta**2 * d3[1] * d3[1].T,
              description="conjecture R7: DFA's law at l = 1 with F_1 = W_3 W_2 in place of B_2"),
    Statement("eta-not-squared", after, fa_alignment(W_l, W_u) - eta * S * P.T * P * S.T,
              description="eta in place of eta^2"),
    Statement("sign-flipped", after, fa_alignment(W_l, W_u) + eta**2 * S * P.T * P * S.T,
              description="+eta^2 in place of -eta^2"),
]

prove(CLAIM, "DFA's top hidden layer obeys the layer-wise law (DL1 at l = L-1)",
      "SymPy matrix expressions: Q_{L-1} after one DFA step minus the law, expanded, for symbolic "
      "E and P_{L-2} (every depth), and unrolled for L = 2, 3, 4",
      identities, false_variants, shapes=LOCAL_SHAPES)
