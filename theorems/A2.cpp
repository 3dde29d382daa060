// A2  Alignment: the forward weights come into line with the feedback.  source: paper abstract
// Specification: docs/claims.md#claim-a2
// The abstract says the forward weights and the random feedback matrix come closer during FA and
// that the paper derives this. Our formalisation (derived; see X1, X2, F1): from zero init,
//   (i)  S_t := sym(B^T Z_t) + 1/2 eta^2 sum_{s<t} G_s G_s^T equals 1/2 W_t W_t^T (checked as an
//        identity) and so is positive semidefinite at every step (in the flow sym(B^T Z) = 1/2 W
//        W^T itself is PSD; the discrete defect is O(eta^2));
//   (ii) the alignment tr(B^T Z_t) is not negative beyond rounding and is positive once W != 0
//        at the end of the run, with cos(Z, B) > 0.
// NOT claimed: that cos(Z_t, B) grows monotonically; it does not (conjecture R1, refuted).
// Tolerance: lambda_min(S_t) >= -k eps scale, scale the size of the terms, k from the sums of
// d = max(n, m, r) products per entry, accumulated over t steps (an mp step rounds each dot
// product once, within that bound: checks/claim.hpp, require_identity).
// Hypotheses: zero init (enforced). Any r, k; the wide region otherwise (wide_region: n, m up
// to 48 / 12, every spectrum, c in [2^-8, 2^-1], B scale 2^-3..2^3).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kRedrawnFeedback{
    "redrawn-feedback",
    "B redrawn at every step (the feedback is not fixed): Z then aligns with no fixed matrix, and "
    "the PSD structure against the original B breaks"};
const Falsifier kWSignFlipped{"w-sign-flipped",
                              "FA with the W-update's sign flipped (W+ = W + eta B^T E)"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "A2";
  s.title = "alignment: sym(B^T Z) + 1/2 eta^2 sum G G^T = 1/2 W W^T >= 0 and tr(B^T Z) > 0";
  s.source = Source::paper_abstract;
  s.statement =
      "Along FA from zero init: sym(B^T Z_t) + 1/2 eta^2 sum_{s<t} G_s G_s^T = "
      "1/2 W_t W_t^T, hence positive semidefinite, at every step, tr(B^T Z_t) >= 0, and at the end "
      "of the run "
      "(200 steps) tr(B^T Z) > 0 and cos(Z, B) > 0.";
  s.hypotheses =
      "Zero initialisation (enforced); any k and r; drawn across the wide region; "
      "checked at every step until the run diverges (then the case ends).";
  s.recipe = std::string(kWideRegionText) + ", zero init, 200 FA steps";
  s.falsifiers = {kRedrawnFeedback, kWSignFlipped};
  s.strength_note =
      "The identities behind it are proved (X1, X2); what A2 checks is along runs "
      "from zero init, with rounding tolerances: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::zero};
  const Instance<T> inst = c.instance(space);
  const Recipe& rec = c.recipe();
  const T eta(inst.eta);
  Factors<T> f = c.dynamics().zero_init(rec.n, rec.r, rec.m);
  Workspace<T> ws;
  Mat<T> sum_gg = Mat<T>::Zero(rec.r, rec.r);
  Mat<T> B = inst.B;
  Engine redraw = make_engine(rec.seed, Stream::extra);
  const double k_per_step = 8.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  const int steps = 200;
  const T start_loss = loss(f, inst.Y);
  for (int t = 0; t < steps; ++t) {
    if (stop_at_divergence(c, f, inst.Y, start_loss)) return;  // see claim_helpers.hpp
    const Mat<T> G = B.transpose() * (f.Z * f.W - inst.Y);
    sum_gg += G * G.transpose();
    if (c.falsifier(kWSignFlipped)) {
      const Mat<T> E = f.Z * f.W - inst.Y;
      f.Z -= eta * E * f.W.transpose();
      f.W += eta * G;
    } else {
      c.dynamics().step(Algorithm::fa, f, inst.Y, B, eta, t, ws);
    }
    if (c.falsifier(kRedrawnFeedback))
      B = cast_matrix<T>(gaussian_matrix(rec.n, rec.r, redraw)) / T(std::sqrt(double(rec.n)));
    const Mat<T> BtZ = inst.B.transpose() * f.Z;
    const Mat<T> S = (BtZ + BtZ.transpose()) / 2 + eta * eta / 2 * sum_gg;
    const T scale = product_bound<T>(inst.B.transpose(), f.Z) + eta * eta * max_abs(sum_gg) +
                    max_abs(f.W) * max_abs(f.W) * T(double(rec.m));
    const T tol = T(k_per_step * (t + 1)) * epsilon<T>() * scale;
    c.note("step", std::to_string(t + 1));
    c.require_identity(
        "max |sym(B^T Z_t) + 1/2 eta^2 sum G G^T - 1/2 W W^T| at step " + std::to_string(t + 1),
        max_abs(Mat<T>(S - f.W * f.W.transpose() / 2)), scale, k_per_step * (t + 1));
    c.require_ge("lambda_min(sym(B^T Z_t) + 1/2 eta^2 sum G G^T) at step " + std::to_string(t + 1),
                 T(symmetric_eigenvalues<T>(S)(0)), T(-tol));
    c.require_ge("tr(B^T Z_t) at step " + std::to_string(t + 1), T(BtZ.trace()), T(-tol));
  }
  if (max_abs(f.W) > 0) {
    c.require_ge("tr(B^T Z) after 200 steps", T((inst.B.transpose() * f.Z).trace()), T(0));
    c.require_ge("cos(Z, B) after 200 steps", frobenius_cosine<T>(f.Z, inst.B), T(0));
    if (!((inst.B.transpose() * f.Z).trace() > 0)) c.fail("tr(B^T Z) is not positive at the end");
  }
}

FA_REGISTER_CLAIM(property, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
