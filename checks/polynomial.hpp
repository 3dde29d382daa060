// A claim as a polynomial identity of the implementation, for the Schwartz-Zippel check
// (checks/schwartz_zippel.hpp; docs/strengths.md, "Three strengths").
//
// A claim file that states an identity between polynomials in the entries of (Y, B, Z, W) and eta
// gives ClaimSpec::polynomial: a function that evaluates the identity's residual at one point
// through the implementation itself (c.dynamics().step, flow_rhs: the code the claims and fa-check
// run), in exact rationals, and the residual's total degree d, derived in the claim file. The
// checker draws the points; the claim only evaluates.
#pragma once

#include "dynamics/dynamics.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace fa {

/// One point: every entry of Y (n x m), B (n x r), Z (n x r), W (r x m) and eta drawn
/// independently and uniformly from {0, ..., 2^bits - 1}.
struct PolyPoint {
  Mat<Rational> Y, B, Z, W;
  Rational eta;
};

/// What a claim's residual sees: the point, the dynamics under test (the reference, or a mutant),
/// a workspace reused across the points of a shape (so a step that depends on what the workspace
/// holds is caught), and which falsifier, if any, is being run.
class PolyCase {
 public:
  PolyCase(const Dynamics<Rational>& dyn, const PolyPoint& point, Workspace<Rational>& ws,
           const std::string& falsifier)
      : dyn_(dyn), point_(point), ws_(ws), falsifier_(falsifier) {}
  const Dynamics<Rational>& dynamics() const { return dyn_; }
  const PolyPoint& point() const { return point_; }
  Workspace<Rational>& workspace() { return ws_; }
  Factors<Rational> start() const { return Factors<Rational>{point_.Z, point_.W}; }
  bool falsifier(const std::string& name) const { return falsifier_ == name; }

 private:
  const Dynamics<Rational>& dyn_;
  const PolyPoint& point_;
  Workspace<Rational>& ws_;
  std::string falsifier_;
};

/// A point of a deep network (dynamics/deep.hpp): every entry of Y, of every layer W_l, of FA's
/// B_l (l = 2..L) and DFA's B_l (l = 1..L-1), and eta, drawn independently as for PolyPoint.
struct DeepPolyPoint {
  Mat<Rational> Y;
  Layers<Rational> w;
  DeepFeedback<Rational> fb;
  Rational eta;
};

/// What a deep claim's residual sees: as PolyCase, with the deep dynamics under test taken from
/// the (possibly mutant) Dynamics<Rational>::deep().
class DeepPolyCase {
 public:
  DeepPolyCase(const Dynamics<Rational>& dyn, const DeepPolyPoint& point,
               DeepWorkspace<Rational>& ws, const std::string& falsifier)
      : dyn_(dyn), point_(point), ws_(ws), falsifier_(falsifier) {}
  const DeepDynamics<Rational>& dynamics() const { return dyn_.deep(); }
  const DeepPolyPoint& point() const { return point_; }
  DeepWorkspace<Rational>& workspace() { return ws_; }
  bool falsifier(const std::string& name) const { return falsifier_ == name; }

 private:
  const Dynamics<Rational>& dyn_;
  const DeepPolyPoint& point_;
  DeepWorkspace<Rational>& ws_;
  std::string falsifier_;
};

struct PolynomialIdentity {
  /// Total degree of every entry of the residual as a polynomial in the entries of Y, B, Z, W
  /// and eta (derived in the claim file). It bounds the chance that a non-zero residual vanishes
  /// at a random point: d / 2^bits (Schwartz-Zippel).
  int degree = 0;
  /// The residual in words (what evaluate returns; zero when the identity holds).
  std::string residual;
  /// The residual at c.point(), evaluated through c.dynamics() / flow_rhs.
  Mat<Rational> (*evaluate)(PolyCase&) = nullptr;
  /// The claim's falsifiers that apply here: each must make the residual non-zero.
  std::vector<std::string> falsifiers;
  /// A deep identity (docs/claims-deep.md) instead: its residual at a deep point, evaluated
  /// through c.dynamics() (the deep step); its total degree is deep_degree_per_layer * L at
  /// depth L (derived in the claim file). `degree` then states the largest depth's.
  Mat<Rational> (*evaluate_deep)(DeepPolyCase&) = nullptr;
  int deep_degree_per_layer = 0;
};

/// The entries of several matrices as one column (a residual made of several identities).
inline Mat<Rational> stack_residuals(std::initializer_list<Mat<Rational>> parts) {
  Eigen::Index size = 0;
  for (const auto& p : parts) size += p.size();
  Mat<Rational> out(size, 1);
  Eigen::Index at = 0;
  for (const auto& p : parts)
    for (Eigen::Index j = 0; j < p.cols(); ++j)
      for (Eigen::Index i = 0; i < p.rows(); ++i) out(at++, 0) = p(i, j);
  return out;
}

}  // namespace fa
