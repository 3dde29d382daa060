"""Deep linear networks for the symbolic proofs DL1-DL4 (docs/claims-deep.md).

Two kinds of statement are built here, both with SymPy matrix expressions of SYMBOLIC shapes:

1. Local (every depth L, every layer l at once). One step changes W_l and W_{l+1} by
       W_{l+1}+ = W_{l+1} - eta D (W_l P)^T,   W_l+ = W_l - eta S P^T,
   where D = delta_{l+1} (d_{l+1} x m) is whatever signal arrives from above (E when l+1 = L),
   P = P_{l-1} (d_{l-1} x m) the forward map below (I_m when l = 1: a special value of the
   symbol) and S = delta_l the algorithm's signal at layer l (FA: B_{l+1}^T D, GD: W_{l+1}^T D,
   DFA's top layer: B_{L-1}^T E with D = E). Q_l and D_l involve W_l, W_{l+1} and B_{l+1} only,
   and dynamics/deep.hpp moves those two layers by exactly these formulas at every depth; so an
   identity proved for symbols D, P, W_l, W_{l+1}, B_{l+1} of symbolic shapes holds for every L
   and every l = 1..L-1. No induction on L is needed: the law is local to the pair of layers.

2. Unrolled (one depth at a time, L = 2..L_max, every layer symbolic): the whole step written
   out, with P_0 = I_m, for the statements that are not local (DL4: FA's signals are products of
   every B above the layer; R7 / DL3's false variant: DFA below the top hidden layer), and as a
   cross-check of the local argument at small depths.
"""

from sympy import Identity, MatrixSymbol, symbols

from common import eta  # the step size symbol, shared with the two-layer proofs

m = symbols("m", integer=True, positive=True)

# ---- local objects (symbolic widths a = d_{l-1}, b = d_l, c = d_{l+1}) --------------------------
a, b, c = symbols("d_lm1 d_l d_lp1", integer=True, positive=True)
W_l = MatrixSymbol("W_l", b, a)
W_u = MatrixSymbol("W_lp1", c, b)  # W_{l+1}
B_u = MatrixSymbol("B_lp1", c, b)  # FA's B_{l+1} (or DFA's B_{L-1} at the top: n = c)
D = MatrixSymbol("delta_lp1", c, m)  # the signal from above
P = MatrixSymbol("P_lm1", a, m)  # the forward map below

LOCAL_SHAPES = ("symbolic d_{l-1}, d_l, d_{l+1}, m (W_l d_l x d_{l-1}, W_{l+1} and B_{l+1} "
                "d_{l+1} x d_l, delta_{l+1} d_{l+1} x m, P_{l-1} d_{l-1} x m): every depth L and "
                "every hidden layer l (the local argument of theorems/proofs/deep.py)")


def local_step(signal, step=eta):
    """(W_l+, W_{l+1}+) after one simultaneous step with delta_l = signal."""
    return W_l - step * signal * P.T, W_u - step * D * (W_l * P).T


def fa_alignment(Wl, Wu, Bu=B_u):
    """Q_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - W_l W_l^T."""
    return Bu.T * Wu + Wu.T * Bu - Wl * Wl.T


def gd_balance(Wl, Wu):
    """D_l = W_{l+1}^T W_{l+1} - W_l W_l^T."""
    return Wu.T * Wu - Wl * Wl.T


# ---- unrolled networks -----------------------------------------------------------------------------


class Net:
    """A depth-L network with symbolic widths d_0 = m, d_1..d_{L-1}, d_L = n: layers W[l], FA
    feedback BF[l] (l = 2..L), DFA feedback BD[l] (l = 1..L-1), target Y. Index 0 unused."""

    def __init__(self, L, square=False):
        """square: every width d_1..d_L is n (so that products in the wrong order are defined,
        for the false variants that need them)."""
        self.L = L
        n = symbols("n", integer=True, positive=True)
        hidden = [n if square else symbols(f"d{l}", integer=True, positive=True)
                  for l in range(1, L)]
        self.d = [m] + hidden + [n]
        d = self.d
        self.W = [None] + [MatrixSymbol(f"W{l}", d[l], d[l - 1]) for l in range(1, L + 1)]
        self.BF = [None, None] + [MatrixSymbol(f"BF{l}", d[l], d[l - 1]) for l in range(2, L + 1)]
        self.BD = [None] + [MatrixSymbol(f"BD{l}", d[L], d[l]) for l in range(1, L)] + [None]
        self.Y = MatrixSymbol("Y", d[L], m)

    def products(self, W):
        """P[l] = W_l ... W_1, P[0] = I_m."""
        P = [Identity(m)]
        for l in range(1, self.L + 1):
            P.append(W[l] * P[l - 1])
        return P

    def signals(self, algo, W, BD=None):
        """delta[l], l = 1..L (delta_L = E), for algo in gd, fa, dfa (DFA's B_l: BD or self.BD)."""
        BD = BD or self.BD
        L = self.L
        P = self.products(W)
        E = P[L] - self.Y
        delta = [None] * (L + 1)
        delta[L] = E
        for l in range(L - 1, 0, -1):
            if algo == "gd":
                delta[l] = W[l + 1].T * delta[l + 1]
            elif algo == "fa":
                delta[l] = self.BF[l + 1].T * delta[l + 1]
            else:
                delta[l] = BD[l].T * E
        return P, delta

    def step(self, algo, W=None, BD=None, step=eta):
        """Every layer after one simultaneous step: W_l - eta delta_l P_{l-1}^T."""
        W = W or self.W
        P, delta = self.signals(algo, W, BD)
        return [None] + [W[l] - step * delta[l] * P[l - 1].T for l in range(1, self.L + 1)]

    def forward_above(self, W, l):
        """F_l = W_L ... W_{l+1} (n x d_l): the forward map above layer l."""
        F = W[self.L]
        for k in range(self.L - 1, l, -1):
            F = F * W[k]
        return F

    def product_feedback(self, l):
        """B_L B_{L-1} ... B_{l+1} (n x d_l): DFA's feedback under which it is FA (DL4)."""
        F = self.BF[self.L]
        for k in range(self.L - 1, l, -1):
            F = F * self.BF[k]
        return F
