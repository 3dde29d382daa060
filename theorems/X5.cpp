// X5  Zero-initialisation first steps.                                    source: derived
// Specification: docs/claims.md#claim-x5
// Statement (ours): from Z = W = 0, GD never moves (both of its gradients vanish at 0), while
// FA moves: W_1 = eta B^T Y, Z_1 = 0, Z_2 = eta^2 Y Y^T B, W_2 = 2 eta B^T Y.
// Proof: at 0, E = -Y; GD's E W^T = 0 and Z^T E = 0; FA's W-update is -eta B^T E = eta B^T Y.
// At step 1, Z_1 = 0 still, so E = -Y again: Z_2 = eta Y W_1^T, W_2 = W_1 + eta B^T Y.
// Check: GD's iterates are exactly zero in every arithmetic (no rounding can make 0 non-zero);
// FA's two steps against the formulas, within k eps (0 in exact arithmetic).
// Proved: symbolically for every shape (theorems/proofs/X5.py, SymPy); the implementation per
// shape by Schwartz-Zippel (below).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

// Schwartz-Zippel: from the implementation's own zero initialisation (so a "zero" that is not
// zero is caught; the point's Z and W are not used), one GD step must give exactly (0, 0) (then,
// by induction, every step does), and two FA steps the formulas. As polynomials in the entries of
// (Y, B) and eta: W_1 - eta B^T Y has degree 3, Z_2 - eta^2 Y Y^T B degree 5 (Z_2 = eta Y W_1^T),
// W_2 - 2 eta B^T Y degree 3: total degree 5.
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  const Eigen::Index n = p.Y.rows(), m = p.Y.cols(), r = p.B.cols();
  Factors<Rational> zero = c.dynamics().zero_init(n, r, m);
  if (c.falsifier("nonzero-init")) {
    zero.Z.setConstant(Rational(1) / Rational(1 << 30));
    zero.W.setConstant(Rational(1) / Rational(1 << 30));
  }
  Factors<Rational> gd = zero;
  c.dynamics().step(Algorithm::gd, gd, p.Y, p.B, p.eta, 0, c.workspace());
  Factors<Rational> fa = zero;
  const Rational gain = c.falsifier("feedback-scaled") ? Rational(101) / 100 : Rational(1);
  auto step = [&](long t) {
    if (gain != 1) {
      const Mat<Rational> E = fa.Z * fa.W - p.Y;
      const Mat<Rational> EWt = E * fa.W.transpose();
      fa.W -= gain * p.eta * (p.B.transpose() * E);
      fa.Z -= p.eta * EWt;
    } else {
      c.dynamics().step(Algorithm::fa, fa, p.Y, p.B, p.eta, t, c.workspace());
    }
  };
  const Mat<Rational> BtY = p.B.transpose() * p.Y;
  step(0);
  const Mat<Rational> w1 = fa.W - p.eta * BtY, z1 = fa.Z;
  step(1);
  return stack_residuals({gd.Z, gd.W, w1, z1,
                          Mat<Rational>(fa.Z - p.eta * p.eta * (p.Y * p.Y.transpose()) * p.B),
                          Mat<Rational>(fa.W - Rational(2) * p.eta * BtY)});
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X5";
  s.title = "zero-init first steps: GD stays at 0, FA's W1, Z1, Z2, W2";
  s.source = Source::derived;
  s.statement =
      "From Z = W = 0: GD stays exactly at 0 for all steps; FA gives W_1 = eta B^T Y, "
      "Z_1 = 0, Z_2 = eta^2 Y Y^T B, W_2 = 2 eta B^T Y.";
  s.hypotheses = "Zero initialisation (enforced); drawn across the wide region otherwise.";
  s.recipe =
      std::string(kWideRegionText) + " (exact: n, m <= 3), zero init; GD for 5 steps, FA for 2";
  s.ladder = true;
  s.falsifiers = {
      {"nonzero-init",
       "'zero' init that is not zero (entries 2^-30): GD then moves and FA's Z_1 != 0"},
      {"feedback-scaled", "FA's feedback scaled by 1.01 (B^T E replaced by 1.01 B^T E)"}};
  s.ladder_recipe = fixed_recipe(6, 5, 3, 2, 15);
  s.proof = "theorems/proofs/X5.py";
  s.polynomial = PolynomialIdentity{
      5,
      "(Z, W) after one GD step from zero; W_1 - eta B^T Y, Z_1, Z_2 - eta^2 Y Y^T B, "
      "W_2 - 2 eta B^T Y along FA from zero",
      &polynomial_residual,
      {"nonzero-init", "feedback-scaled"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::zero};
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const T eta(inst.eta);
  Factors<T> zero = c.dynamics().zero_init(rec.n, rec.r, rec.m);
  if (c.falsifier("nonzero-init")) {
    zero.Z.setConstant(T(std::ldexp(1.0, -30)));
    zero.W.setConstant(T(std::ldexp(1.0, -30)));
  }
  Workspace<T> ws;
  Factors<T> gd = zero;
  for (int t = 0; t < 5; ++t) c.dynamics().step(Algorithm::gd, gd, inst.Y, inst.B, eta, t, ws);
  c.require_le("max |Z|, |W| after 5 GD steps from zero", T(max_abs(gd.Z) + max_abs(gd.W)), T(0));

  Factors<T> fa = zero;
  const Mat<T> BtY = inst.B.transpose() * inst.Y;
  // Associated as (Y Y^T) B, unlike the step's Y (W_1^T): the two agree only up to rounding, so
  // the precision ladder sees a genuine rounding residual rather than two identical computations.
  const Mat<T> YYtB = (inst.Y * inst.Y.transpose()) * inst.B;
  // W_1 is one product and one scaling; Z_2 two products of inner size <= max(n, m) and one
  // more scaling: 4 (d + 2) eps covers either.
  const double k = 4.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  const T one_step_scale = eta * product_bound<T>(inst.B.transpose(), inst.Y);
  const T two_step_scale =
      eta * eta * T(double(rec.n)) * product_bound<T>(inst.Y, inst.Y.transpose()) * max_abs(inst.B);
  const T gain = c.falsifier("feedback-scaled") ? T(1.01) : T(1);
  auto step = [&](int t) {
    if (gain != T(1)) {
      const Mat<T> E = fa.Z * fa.W - inst.Y;
      const Mat<T> EWt = E * fa.W.transpose();
      fa.W -= gain * eta * (inst.B.transpose() * E);
      fa.Z -= eta * EWt;
    } else {
      c.dynamics().step(Algorithm::fa, fa, inst.Y, inst.B, eta, t, ws);
    }
  };
  step(0);
  c.require_identity("max |W_1 - eta B^T Y|", max_abs(Mat<T>(fa.W - eta * BtY)), one_step_scale, k);
  c.require_identity("max |Z_1|", max_abs(fa.Z), one_step_scale, k);
  step(1);
  c.require_identity("max |Z_2 - eta^2 Y Y^T B|", max_abs(Mat<T>(fa.Z - eta * eta * YYtB)),
                     two_step_scale, k);
  c.require_identity("max |W_2 - 2 eta B^T Y|", max_abs(Mat<T>(fa.W - T(2) * eta * BtY)),
                     one_step_scale, k);
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
