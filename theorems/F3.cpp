// F3  The GD gradient flow conserves D (balancedness).                    source: derived
//
// Statement (ours): along dZ/dt = -E W^T, dW/dt = -Z^T E, D = Z^T Z - W W^T is constant.
// Proof: dD/dt = -W E^T Z - Z^T E W^T + Z^T E W^T + W E^T Z = 0.
// Check: as F1 (checks/flow_checks.hpp), for D along the GD flow.
#include "checks/flow_checks.hpp"

namespace fa::claims {
namespace {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "F3";
  s.title = "GD gradient flow conserves D = Z^T Z - W W^T (within integrator tolerance)";
  s.source = Source::derived;
  s.statement = "Along the GD flow dZ/dt = -E W^T, dW/dt = -Z^T E, D = Z^T Z - W W^T is "
                "constant; numerically its drift is within the integrator's error budget and "
                "shrinks as the tolerance is tightened.";
  s.hypotheses =
      "None (any Y, init); drawn across the wide region (c "
      "does not enter a flow) with init entries 2^x N(0, 1), x in {-1, -8, -2, 0}.";
  s.recipe = std::string(kWideRegionText) + ", small init 2^-1, 2^-8, 2^-2 or 1, flow to t = 3";
  s.falsifiers = {{"fa-flow", "the FA flow in place of the GD flow: D is not conserved"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool fa = c.falsifier("fa-flow");
  check_flow_invariant(c, fa ? FlowKind::fa : FlowKind::gd, fa);
}

}  // namespace
FA_REGISTER_CLAIM(spec(), check);
}  // namespace fa::claims
