// DL2.flow  The deep GD flow conserves every D_l.                         source: derived
// Specification: docs/claims-deep.md#claim-dl2-flow
//
// Statement (ours): along dW_l/dt = -delta_l P_{l-1}^T with GD's signals, every
// D_l = W_{l+1}^T W_{l+1} - W_l W_l^T is constant (the balancedness of deep linear GD: Arora,
// Cohen, Hazan 2018; Du, Hu, Lee 2018); numerically within the integrator's error budget, shrinking
// as the tolerance is tightened. At L = 2 it is F3.
// Check: checks/deep_laws.hpp, check_deep_flow_invariant. Proved: the derivative identity
// symbolically for every depth (theorems/proofs/DL2.flow.py); the integration is tested.
#include "checks/deep_laws.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kFaFlow{"fa-flow", "the deep FA flow in place of GD's: D_l is not conserved"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL2.flow";
  s.title = "deep GD gradient flow conserves every D_l (within integrator tolerance)";
  s.source = Source::derived;
  s.statement =
      "Along the deep GD flow dW_l/dt = -delta_l P_{l-1}^T, every D_l = W_{l+1}^T W_{l+1} - "
      "W_l W_l^T is constant; numerically its drift is within the integrator's error budget and "
      "shrinks as the tolerance is tightened.";
  s.hypotheses =
      "The flow exists on [0, 3] (a case whose flow blows up is discarded); any Y, init; small init per layer 2^x N(0, 1), x in {-1, -8, -2, 0}; "
      "depth <= 4 (3 mp), widths <= 4 (3 mp), n, m <= 6 (4 mp).";
  s.recipe = "the wide region's spectra, small init, deep GD flow to t = 3";
  s.falsifiers = {kFaFlow};
  s.cases_mp = 20;  // half of F3's: each mp case integrates a deep flow twice at 1e-18, 1e-22
  s.proof = "theorems/proofs/DL2.flow.py";
  s.strength_note =
      "The law dD_l/dt = 0 is proved (every depth); the integrated trajectories (Odeint, finite "
      "tolerance) are tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  check_deep_flow_invariant(c, LayerLaw::gd_balance,
                            c.falsifier(kFaFlow) ? DeepAlgorithm::fa : DeepAlgorithm::gd);
}

FA_REGISTER_CLAIM(property, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
