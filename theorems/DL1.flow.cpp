// DL1.flow  The deep FA flow conserves every Q_l.                         source: derived
// Specification: docs/claims-deep.md#claim-dl1-flow
//
// Statement (ours): along dW_l/dt = -delta_l P_{l-1}^T with FA's signals, every
// Q_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - W_l W_l^T (l = 1..L-1) is constant; numerically
// its drift is within the integrator's error budget and shrinks as the tolerance is tightened.
// Derivation: dQ_l/dt = -B^T delta_{l+1} P_l^T - P_l delta_{l+1}^T B + delta_l P_{l-1}^T W_l^T +
// W_l P_{l-1} delta_l^T = 0 with delta_l = B^T delta_{l+1}, P_l = W_l P_{l-1}. Our reading of
// Robertson & Koyejo's "layer-wise feedback alignment is conserved" (arXiv 2306.01870); at L = 2
// it is F1.
// Check: checks/deep_laws.hpp, check_deep_flow_invariant. Proved: the derivative identity
// symbolically for every depth (theorems/proofs/DL1.flow.py); the integration is tested.
#include "checks/deep_laws.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kGdFlow{"gd-flow", "the deep GD flow in place of FA's: Q_l is not conserved"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL1.flow";
  s.title = "deep FA gradient flow conserves every Q_l (within integrator tolerance)";
  s.source = Source::derived;
  s.statement =
      "Along the deep FA flow dW_l/dt = -delta_l P_{l-1}^T, every Q_l = B_{l+1}^T W_{l+1} + "
      "W_{l+1}^T B_{l+1} - W_l W_l^T is constant; numerically its drift is within the "
      "integrator's error budget and shrinks as the tolerance is tightened.";
  s.hypotheses =
      "The flow exists on [0, 3] (a case whose flow blows up is discarded); any Y, feedback, init; small init per layer 2^x N(0, 1), x in {-1, -8, "
      "-2, 0}; depth <= 4 (3 mp), widths <= 4 (3 mp), n, m <= 6 (4 mp).";
  s.recipe = "the wide region's spectra and B scales, small init, deep FA flow to t = 3";
  s.falsifiers = {kGdFlow};
  s.cases_mp = 20;  // half of F1's: each mp case integrates a deep flow twice at 1e-18, 1e-22
  s.proof = "theorems/proofs/DL1.flow.py";
  s.strength_note =
      "The law dQ_l/dt = 0 is proved (every depth); the integrated trajectories (Odeint, finite "
      "tolerance) are tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  check_deep_flow_invariant(c, LayerLaw::fa_alignment,
                            c.falsifier(kGdFlow) ? DeepAlgorithm::gd : DeepAlgorithm::fa);
}

FA_REGISTER_CLAIM(property, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
