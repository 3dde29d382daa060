"""X2 (theorems/X2.cpp): the trace form of the alignment law, every shape, by induction on t.

Claim: tr(B^T Z_t) = 1/2 ||W_t||^2 + 1/2 tr Q_0 - 1/2 eta^2 sum_{s<t} ||G_s||^2 along FA.
With S_t = tr(B^T Z_t) - 1/2 ||W_t||^2 + 1/2 eta^2 sum_{s<t} ||G_s||^2 the claim is S_t = 1/2 tr Q_0:
  base:  S_0 = tr(B^T Z_0) - 1/2 ||W_0||^2 = 1/2 tr Q_0   (tr(Z^T B) = tr(B^T Z));
  step:  S_{t+1} - S_t = tr(B^T Z+) - 1/2 ||W+||^2 - tr(B^T Z) + 1/2 ||W||^2 + 1/2 eta^2 ||G||^2 = 0
         for one FA step from an arbitrary (Z, W).
Both are identities between traces: SymPy expands them; the rules tr(AB) = tr(BA) and
tr(A^T) = tr(A) are applied by common.trace_normal_form.
"""
from sympy import Rational, Trace

from common import B, Statement, W, Z, alignment, eta, fa_step, prove, residual, sq

CLAIM = "X2"

half = Rational(1, 2)
Zp, Wp = fa_step(Z, W)
G = B.T * residual(Z, W)
step_change = Trace(B.T * Zp) - half * sq(Wp) - Trace(B.T * Z) + half * sq(W)

prove(
    CLAIM,
    "FA trace form tr(B^T Z) = 1/2||W||^2 + 1/2 tr Q0 - 1/2 eta^2 sum ||G||^2",
    "SymPy matrix expressions under Trace, expanded; tr(AB) = tr(BA) and tr(A^T) = tr(A) applied "
    "by a canonical form of trace monomials (theorems/proofs/common.py); induction on t",
    [
        Statement("base: tr(B^T Z) - 1/2 ||W||^2 = 1/2 tr Q", Trace(B.T * Z) - half * sq(W),
                  half * Trace(alignment(Z, W)), kind="trace"),
        Statement("step: S_{t+1} - S_t = 0", step_change + half * eta**2 * sq(G), 0, kind="trace"),
    ],
    [
        Statement("no-discretisation-term", step_change, 0, kind="trace",
                  description="the flow's trace law without -1/2 eta^2 sum ||G||^2"),
        Statement("eta-not-squared", step_change + half * eta * sq(G), 0, kind="trace",
                  description="eta in place of eta^2"),
    ],
    hypotheses="none (induction on t: the base case and one step from an arbitrary point)",
)
