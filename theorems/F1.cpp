// F1  The FA gradient flow conserves Q.                                   source: derived
// Specification: docs/claims.md#claim-f1
// Statement (ours): along dZ/dt = -E W^T, dW/dt = -B^T E, Q = B^T Z + Z^T B - W W^T is constant.
// Proof: dQ/dt = -B^T E W^T - W E^T B + B^T E W^T + W E^T B = 0.
// Check (checks/flow_checks.hpp): integrated with Boost.Odeint (Runge-Kutta-Fehlberg 7(8),
// error-controlled) to t = 3 at two tolerances; the drift of Q stays within the integrator's
// error budget and shrinks when the tolerance is tightened. double: tol 1e-7 and 1e-11;
// mp: 1e-18 and 1e-22 (below anything double can resolve).
// Proved: the conservation law as a derivative identity, symbolically for every shape
// (theorems/proofs/F1.py, SymPy); the implemented right-hand side (flow_rhs, what Odeint
// integrates) per shape by Schwartz-Zippel (below). The integration itself stays tested.
#include "checks/flow_checks.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kGdFlow{"gd-flow", "the GD flow in place of the FA flow: Q is not conserved"};

// Schwartz-Zippel: dQ/dt = B^T Z' + Z'^T B - W' W^T - W W'^T with (Z', W') = flow_rhs(FA) at an
// arbitrary point: total degree 4 in the entries of (Y, B, Z, W) (Z' = -E W^T and W' = -B^T E
// have degree 3; eta does not enter).
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  const Factors<Rational> f = c.start();
  const FlowKind kind = c.falsifier(kGdFlow) ? FlowKind::gd : FlowKind::fa;
  const Factors<Rational> d = flow_rhs(kind, p.Y, p.B, f);
  return Mat<Rational>(p.B.transpose() * d.Z + d.Z.transpose() * p.B - d.W * f.W.transpose() -
                       f.W * d.W.transpose());
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "F1";
  s.title = "FA gradient flow conserves Q (within integrator tolerance)";
  s.source = Source::derived;
  s.statement =
      "Along the FA flow dZ/dt = -E W^T, dW/dt = -B^T E, Q = B^T Z + Z^T B - W W^T is "
      "constant; numerically its drift is within the integrator's error budget and "
      "shrinks as the tolerance is tightened.";
  s.hypotheses =
      "None (any Y, B, init); drawn across the wide region (c "
      "does not enter a flow) with init entries 2^x N(0, 1), x in {-1, -8, -2, 0}.";
  s.recipe = std::string(kWideRegionText) + ", small init 2^-1, 2^-8, 2^-2 or 1, flow to t = 3";
  s.falsifiers = {kGdFlow};
  // The main-depth counterexample of the check's first form (seed 13472668043999033842, shrunk),
  // replayed on every run (fa-claims pinned): RKF78's error on a 1 x 1 flow is far below both
  // tolerances, so tightening cannot shrink the drift; the shrink condition now applies only
  // when the loose drift exceeds the tight run's budget (docs/findings.md).
  s.pinned = {{"double",
               "{n=1 m=1 k=1 r=1 spectrum=flat spread=0 seed=118406182 step=2^-1 "
               "init=small(2^-2) B=2^-2}",
               "shrunk counterexample of the drift-shrink premise before 349bd18 (main depth, "
               "seed 13472668043999033842): drift 2.2e-12 at tol 1e-11 vs 3.3e-12 at 1e-7"}};
  s.proof = "theorems/proofs/F1.py";
  s.polynomial = PolynomialIdentity{4,
                                    "dQ/dt = B^T Z' + Z'^T B - W' W^T - W W'^T along the FA flow's "
                                    "right-hand side",
                                    &polynomial_residual,
                                    {kGdFlow}};
  s.strength_note =
      "The law dQ/dt = 0 is proved; the integrated trajectories (Odeint, finite "
      "tolerance) are tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool gd = c.falsifier(kGdFlow);
  check_flow_invariant(c, gd ? FlowKind::gd : FlowKind::fa, gd);
}

FA_REGISTER_CLAIM(property, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
