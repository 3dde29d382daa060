// X3  GD balance law (discrete).                                          source: derived
// Specification: docs/claims.md#claim-x3
// Statement (ours): along GD, D = Z^T Z - W W^T obeys
//     D_{t+1} = D_t + eta^2 (W E^T E W^T - Z^T E E^T Z),   E = Z_t W_t - Y.
// Proof: Z+ = Z - eta E W^T, W+ = W - eta Z^T E; the first-order terms of Z+^T Z+ and W+ W+^T
// are both -eta (W E^T Z + Z^T E W^T) and cancel; the second-order terms are as stated.
// Hypotheses: none beyond the shapes. Generator: n, m <= 5, zero or small random init (from zero
// GD never moves: the law then holds trivially, so small init is where it is tested).
// Check: residual per step against k eps times the size of the terms; 0 in exact arithmetic.
// Proved: symbolically for every shape (theorems/proofs/X3.py, SymPy); the implementation per
// shape by Schwartz-Zippel (below).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

// Schwartz-Zippel: one GD step of the implementation from an arbitrary point; the residual
// D(Z+, W+) - D - eta^2 (W E^T E W^T - Z^T E E^T Z) has total degree 8 in the entries of
// (Y, B, Z, W) and eta: Z+, W+ have degree 4, so Z+^T Z+ and W+ W+^T have 8; eta^2 W E^T E W^T
// has 2 + 1 + 2 + 2 + 1 = 8.
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  Factors<Rational> f = c.start();
  const Mat<Rational> E = f.Z * f.W - p.Y;
  const Mat<Rational> EWt = E * f.W.transpose();
  const Mat<Rational> ZtE = f.Z.transpose() * E;
  const Mat<Rational> D = balance_matrix(f);
  const Mat<Rational> second = EWt.transpose() * EWt - ZtE * ZtE.transpose();
  const Rational sign = c.falsifier("sign-flipped") ? Rational(-1) : Rational(1);
  if (c.falsifier("sequential-update")) {
    f.Z -= p.eta * EWt;
    f.W -= p.eta * (f.Z.transpose() * (f.Z * f.W - p.Y));
  } else {
    c.dynamics().step(Algorithm::gd, f, p.Y, p.B, p.eta, 0, c.workspace());
  }
  return balance_matrix(f) - (D + sign * p.eta * p.eta * second);
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X3";
  s.title = "GD balance law D+ = D + eta^2 (W E^T E W^T - Z^T E E^T Z)";
  s.source = Source::derived;
  s.statement =
      "Along GD, D = Z^T Z - W W^T satisfies D_{t+1} = D_t + eta^2 (W E^T E W^T - "
      "Z^T E E^T Z), exactly, at every step.";
  s.hypotheses =
      "None (any Y, initialisation, eta > 0); drawn across the wide region with small "
      "init (2^-8, 2^-2, 1).";
  s.recipe = std::string(kWideRegionText) + ", small init 2^-8, 2^-2 or 1; 40 steps (3 exact)";
  s.ladder = true;
  s.falsifiers = {{"sequential-update",
                   "GD with W updated from the new Z (sequential, not simultaneous updates)"},
                  {"sign-flipped", "false statement: D_{t+1} = D_t - eta^2 (...)"}};
  s.ladder_recipe = fixed_recipe(4, 5, 3, 2, 13, Init::small, -2);
  s.proof = "theorems/proofs/X3.py";
  s.polynomial =
      PolynomialIdentity{8,
                         "D(Z+, W+) - D - eta^2 (W E^T E W^T - Z^T E E^T Z) after one GD step",
                         &polynomial_residual,
                         {"sequential-update", "sign-flipped"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::small};  // from zero GD never moves: the law holds trivially there
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const T eta(inst.eta);
  const T sign = c.falsifier("sign-flipped") ? T(-1) : T(1);
  const double k = 8.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  Factors<T> f = starting_point(c, inst);
  Workspace<T> ws;
  const int steps = exact ? 3 : 40;
  const T start_loss = loss(f, inst.Y);
  for (int t = 0; t < steps; ++t) {
    if (stop_at_divergence(c, f, inst.Y, start_loss)) break;  // see claim_helpers.hpp
    const Mat<T> E = f.Z * f.W - inst.Y;
    const Mat<T> EWt = E * f.W.transpose();  // n x r
    const Mat<T> ZtE = f.Z.transpose() * E;  // r x m
    const Mat<T> D = balance_matrix(f);
    const Mat<T> second = EWt.transpose() * EWt - ZtE * ZtE.transpose();
    const T scale =
        product_bound<T>(f.Z.transpose(), f.Z) + product_bound<T>(f.W, f.W.transpose()) +
        T(2) * eta * product_bound<T>(f.Z.transpose(), EWt) +
        eta * eta *
            (product_bound<T>(EWt.transpose(), EWt) + product_bound<T>(ZtE, ZtE.transpose()));
    if (c.falsifier("sequential-update")) {
      f.Z -= eta * EWt;
      f.W -= eta * (f.Z.transpose() * (f.Z * f.W - inst.Y));
    } else {
      c.dynamics().step(Algorithm::gd, f, inst.Y, inst.B, eta, t, ws);
    }
    const Mat<T> law = balance_matrix(f) - (D + sign * eta * eta * second);
    c.note("step", std::to_string(t));
    c.require_identity("max |D_{t+1} - D_t - eta^2 (...)| at step " + std::to_string(t),
                       max_abs(law), scale, k);
  }
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
