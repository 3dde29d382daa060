// R4  "GD from exactly zero initialisation converges."                    source: conjecture
// Specification: docs/claims.md#claim-r4
// False: Z = W = 0 is a stationary point of GD (both gradients E W^T and Z^T E vanish), so GD
// started there never moves and its loss stays 1/2 ||Y||^2. The suite must find and shrink a
// counterexample; the minimal one is the smallest instance of all (n = m = k = r = 1).
// Check (of the conjecture): GD from zero reaches loss <= 1e-6 ||Y||^2 within 20000 steps.
// Falsifier (a true variant): FA from zero with r >= rank(Y) (claim A1) does converge, so the
// same search must then find no counterexample.
// Exact replay of the minimal counterexample (below): one exact GD step from zero stays at zero.
#include "checks/claim_helpers.hpp"
#include "checks/exact_replay.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

// The counterexample's Y, B as exact rationals; one GD step of the proved Rational path from the
// recorded start (0, 0) returns exactly (0, 0), so by induction GD never moves and its loss stays
// 1/2 ||Y||^2 > 1e-6 ||Y||^2 (Y != 0) for every step, not only the budget's.
ExactReplay replay_exactly(const nlohmann::json& cx) {
  const ExactInstance x = exact_instance(cx);
  Factors<Rational> f{x.Z0, x.W0};
  const bool starts_at_zero = f.Z.isZero() && f.W.isZero();
  Workspace<Rational> ws;
  reference_dynamics<Rational>().step(Algorithm::gd, f, x.Y, x.B, x.eta, 0, ws);
  const bool stays = starts_at_zero && f.Z.isZero() && f.W.isZero();
  const Rational half_y2 = x.Y.squaredNorm() / 2;
  if (stays && half_y2 > 0)
    return {"certified exact",
            "one exact GD step from (Z, W) = (0, 0) gives exactly (0, 0): GD never moves, its loss "
            "is 1/2 ||Y||^2 = " +
                exact::decimal(half_y2, 17) + " at every step",
            nullptr};
  return {"rounding artefact",
          starts_at_zero ? "an exact GD step from zero moved (or Y = 0)"
                         : "the recorded start is not exactly zero",
          nullptr};
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R4";
  s.title = "conjecture: GD from exactly zero init converges";
  s.source = Source::conjecture;
  s.statement =
      "GD started at Z = 0, W = 0 reaches loss <= 1e-6 ||Y||_F^2 within 20000 steps "
      "(r >= rank(Y), step from the recipe).";
  s.hypotheses =
      "Generator: r >= rank(Y), flat or geometric spectrum (spread <= 2), the wide "
      "region otherwise (n, m <= 48 / 12, c 2^-8..2^-1, B 2^-3..2^3).";
  s.recipe = "random recipe with r >= k, zero init";
  s.falsifiers = {{"fa-instead",
                   "true variant: FA (not GD) from zero init, which converges (A1); "
                   "the search must find no counterexample"}};
  s.replay_exactly = &replay_exactly;
  // Known minimal counterexamples, replayed on every run (fa-claims pinned). Recipe fields:
  // n, m, k, r, spectrum, spread, seed, step 2^x, init, init 2^x, (values), B 2^x.
  s.pinned = {
      {"double", Recipe{1, 1, 1, 1, Spectrum::flat, 0, 0, -1, Init::zero, -8, {}, 0},
       "shrunk counterexample of the double search (seed 5602225244495891827)"},
      {"mp", Recipe{1, 1, 1, 1, Spectrum::flat, 0, 0, -1, Init::zero, -8, {}, 0},
       "shrunk counterexample of the mp search (seed 1409082784273957771)"},
  };
  // Measured power (fa-claims power ID --scalar S --cases N): the budgets derive from it.
  s.power = {
      {"double", 202, 202, 0.99, "5602225244495891827", "2026-12-02", "9a55d379db59",
       "every case: GD from zero never moves"},
      {"mp", 202, 202, 0.99, "1409082784273957771", "2026-12-02", "9a55d379db59",
       "every case: GD from zero never moves"},
  };
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.relation = RankRelation::r_at_least_k;
  space.inits = {Init::zero};
  space.spectra = {Spectrum::flat, Spectrum::geometric};
  space.max_spread = 2;
  if (c.falsifier("fa-instead")) {  // the true variant stays inside A1's fast corner
    space.max_dim = 12;
    space.step_log2_min = -3;
    space.b_scale_log2_min = space.b_scale_log2_max = 0;
  }
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const Algorithm alg = c.falsifier("fa-instead") ? Algorithm::fa : Algorithm::gd;
  if (alg == Algorithm::fa)  // A1's checked hypothesis, so the true variant is really true
    c.precondition(feedback_conditioning(inst) >= T(0.05), "B^T U_k ill-conditioned");
  const T y2 = inst.Y.squaredNorm();
  const T bound = T(1e-6) * y2;
  const auto run = run_or_fail(c, inst, alg, 20000, bound);
  c.note("steps", std::to_string(run.steps_taken));
  c.require_le("loss after the step budget (" + algorithm_name(alg) + " from zero)", run.final_loss,
               bound);
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
