// F3  The GD gradient flow conserves D (balancedness).                    source: derived
// Specification: docs/claims.md#claim-f3
// Statement (ours): along dZ/dt = -E W^T, dW/dt = -Z^T E, D = Z^T Z - W W^T is constant.
// Proof: dD/dt = -W E^T Z - Z^T E W^T + Z^T E W^T + W E^T Z = 0.
// Check: as F1 (checks/flow_checks.hpp), for D along the GD flow.
// Proved: as a derivative identity, symbolically for every shape (theorems/proofs/F3.py); the
// implemented right-hand side per shape by Schwartz-Zippel (below). The integration stays tested.
#include "checks/flow_checks.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

// Schwartz-Zippel: dD/dt = Z'^T Z + Z^T Z' - W' W^T - W W'^T with (Z', W') = flow_rhs(GD): total
// degree 4 in the entries of (Y, Z, W) (Z', W' have degree 3).
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  const Factors<Rational> f = c.start();
  const FlowKind kind = c.falsifier("fa-flow") ? FlowKind::fa : FlowKind::gd;
  const Factors<Rational> d = flow_rhs(kind, p.Y, p.B, f);
  return Mat<Rational>(d.Z.transpose() * f.Z + f.Z.transpose() * d.Z - d.W * f.W.transpose() -
                       f.W * d.W.transpose());
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "F3";
  s.title = "GD gradient flow conserves D = Z^T Z - W W^T (within integrator tolerance)";
  s.source = Source::derived;
  s.statement =
      "Along the GD flow dZ/dt = -E W^T, dW/dt = -Z^T E, D = Z^T Z - W W^T is "
      "constant; numerically its drift is within the integrator's error budget and "
      "shrinks as the tolerance is tightened.";
  s.hypotheses =
      "None (any Y, init); drawn across the wide region (c "
      "does not enter a flow) with init entries 2^x N(0, 1), x in {-1, -8, -2, 0}.";
  s.recipe = std::string(kWideRegionText) + ", small init 2^-1, 2^-8, 2^-2 or 1, flow to t = 3";
  s.falsifiers = {{"fa-flow", "the FA flow in place of the GD flow: D is not conserved"}};
  s.proof = "theorems/proofs/F3.py";
  s.polynomial = PolynomialIdentity{4,
                                    "dD/dt = Z'^T Z + Z^T Z' - W' W^T - W W'^T along the GD flow's "
                                    "right-hand side",
                                    &polynomial_residual,
                                    {"fa-flow"}};
  s.strength_note =
      "The law dD/dt = 0 is proved; the integrated trajectories (Odeint, finite "
      "tolerance) are tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool fa = c.falsifier("fa-flow");
  check_flow_invariant(c, fa ? FlowKind::fa : FlowKind::gd, fa);
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
