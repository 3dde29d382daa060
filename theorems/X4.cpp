// X4  FA from zero init stays in Y's subspaces.                           source: derived
// Specification: docs/claims.md#claim-x4
// Statement (ours): along FA from Z = W = 0, col(Z_t) is in col(Y) and row(W_t) is in row(Y).
// Proof: by induction; W_1 = eta B^T Y has rows in row(Y), Z_1 = 0; if col(Z) in col(Y) and
// row(W) in row(Y) then E = ZW - Y has col(E) in col(Y), row(E) in row(Y), so E W^T has columns
// in col(Y) and B^T E rows in row(Y).
// Check: ||(I - U U^T) Z_t||_max and ||W_t (I - V V^T)||_max, U, V the orthonormal bases of
// col(Y), row(Y), against k eps t times the size of Z, W (rounding accumulates over steps; k for
// d rounded products per entry, which bounds an mp step's once-rounded dot products too:
// checks/claim.hpp, require_identity).
// Not in exact arithmetic (U, V need square roots); the precision ladder shows it is exact.
// Proved: symbolically for every shape by induction with explicit witnesses (Z = Y P, W = R Y;
// theorems/proofs/X4.py).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kSmallInit{
    "small-init",
    "small random init instead of zero: the components outside col(Y)/row(Y) are there from the "
    "start"};
const Falsifier kPerturbedSteps{
    "perturbed-steps",
    "a relative perturbation of 1e-10 added to W at every step (a rounding-sized bug: only a "
    "tolerance of a few eps sees it)"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X4";
  s.title = "FA from zero init stays in col(Y) and row(Y)";
  s.source = Source::derived;
  s.statement = "Along FA from Z = W = 0: col(Z_t) in col(Y) and row(W_t) in row(Y) for all t.";
  s.hypotheses =
      "Zero initialisation (enforced); rank(Y) = k < min(n, m) so the subspaces are "
      "proper (enforced: k is drawn below min(n, m) when possible).";
  s.recipe = std::string(kWideRegionText) + ", zero init, 60 steps";
  s.falsifiers = {kSmallInit, kPerturbedSteps};
  s.ladder_recipe = fixed_recipe(6, 5, 2, 3, 14);
  s.proof = "theorems/proofs/X4.py";
  s.strength_note =
      "The inclusions are proved by induction (symbolic, explicit witnesses); this "
      "check's rows test them along runs within rounding tolerances.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.min_dim = 2;
  space.inits = {Init::zero};
  const Instance<T> inst = c.instance(space, [&](Recipe& rec) {
    rec.k = std::min(rec.k, std::min(rec.n, rec.m) - 1);
    if (c.falsifier(kSmallInit)) rec.init = Init::small;
  });
  const Recipe& rec = c.recipe();
  const T eta(inst.eta);
  const Mat<T> leave_col = Mat<T>::Identity(rec.n, rec.n) - inst.U * inst.U.transpose();
  const Mat<T> leave_row = Mat<T>::Identity(rec.m, rec.m) - inst.V * inst.V.transpose();
  Factors<T> f = starting_point(c, inst);
  Workspace<T> ws;
  Engine noise = make_engine(rec.seed, Stream::extra);
  const double k_per_step = 8.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  for (int t = 0; t < 60; ++t) {
    c.dynamics().step(Algorithm::fa, f, inst.Y, inst.B, eta, t, ws);
    if (c.falsifier(kPerturbedSteps))
      f.W += T(1e-10) * f.W.cwiseProduct(cast_matrix<T>(gaussian_matrix(rec.r, rec.m, noise)));
    const T scale = max_abs(f.Z) + max_abs(f.W) + max_abs(inst.Y);
    const T out = max_abs(Mat<T>(leave_col * f.Z)) + max_abs(Mat<T>(f.W * leave_row));
    c.note("step", std::to_string(t + 1));
    c.require_identity("max |(I - UU^T) Z| + max |W (I - VV^T)| at step " + std::to_string(t + 1),
                       out, scale, k_per_step * (t + 1));
  }
}

FA_REGISTER_CLAIM(float_identity, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
