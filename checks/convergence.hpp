// The convergence check of A1 (FA reaches the optimum when r >= rank(Y)) and of the conjecture
// R6 (A1 from small init at every scale), which differ only in the initial scales they draw.
#pragma once

#include "checks/claim_helpers.hpp"

namespace fa {

/// A1's region for scalar T: r >= k; n, m up to 48 (double) / 12 (mp); c 2^-8..2^-1 and B
/// 2^-3..2^3 in double (mp: c 2^-4..2^-1, B 2^-1..2^1: 1e-40 in 50 digits costs ~300x double per
/// step); flat, geometric or clustered spectra (gapped and near-tie are flat when r >= k),
/// spread <= 6 (mp 2), bounded jointly with c by fa_spread_allowed; zero or small init.
template <class T>
RecipeSpace optimum_region(const std::vector<int>& small_init_scales) {
  RecipeSpace space = wide_region<T>();
  space.relation = RankRelation::r_at_least_k;
  space.spectra = {Spectrum::flat, Spectrum::geometric, Spectrum::clustered};
  space.max_spread = 6;
  space.init_scales_log2 = small_init_scales;
  if (!std::is_same_v<T, double>) {
    space.step_log2_min = -4;
    space.b_scale_log2_min = -1, space.b_scale_log2_max = 1;
    space.max_spread = 2;
  }
  return space;
}

/// Draws a case of A1's region: small init only with r = k (with r > k from small init FA can
/// need millions of steps), the spread bounded jointly with c (fa_spread_allowed), and the
/// checked precondition sigma_min(B^T U_k) >= 2^-6 ||B||_2.
template <class T>
Instance<T> draw_optimum_instance(Case<T>& c, const RecipeSpace& space) {
  Recipe rec = c.draw(space);
  // A fixed recipe (a pinned case) is held to the region's init scales like a drawn one, so that
  // a true variant narrowing them (R6's falsifier) reaches the pinned cases too.
  const auto& scales = space.init_scales_log2;
  if (rec.init == Init::small && !scales.empty() &&
      std::find(scales.begin(), scales.end(), rec.init_log2) == scales.end())
    rec.init_log2 = scales.front();
  if (rec.init == Init::small) rec.r = rec.k;
  if (rec.spectrum == Spectrum::geometric)
    rec.spread = std::min(rec.spread, fa_spread_allowed(rec.step_log2));
  c.use_recipe(rec);
  Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  c.precondition(feedback_conditioning(inst) >= T(1.0 / 64), "sigma_min(B^T U_k) < 2^-6 ||B||_2");
  return inst;
}

/// fa_step_budget from `start_loss` down to `tol`, refused (precondition) above 2^18 steps in
/// double and 2^15 in mp (cost), plus the run's check interval.
template <class T>
long optimum_budget(Case<T>& c, const Instance<T>& inst, const T& start_loss, const T& tol) {
  const double derived = fa_step_budget(inst, to_double(start_loss), to_double(tol));
  c.precondition(derived <= (std::is_same_v<T, double> ? 262144.0 : 32768.0),
                 "derived budget above the cap");
  return static_cast<long>(std::ceil(derived)) + 10;
}

/// FA from the recipe's init reaches loss <= tol within its derived budget (A1's check).
/// `algorithm`: FA, or GD for a falsifier. `certify`, if given, sees the drawn instance before the
/// run (A1's exact certificate; it fails the case itself when the certificate fails).
template <class T>
void check_reaches_optimum(Case<T>& c, const RecipeSpace& space, Algorithm algorithm,
                           const std::function<void(const Instance<T>&)>& certify = {}) {
  const Instance<T> inst = draw_optimum_instance(c, space);
  if (certify) certify(inst);
  const Recipe& rec = inst.recipe;
  Factors<T> start = starting_point(c, inst);
  if (algorithm == Algorithm::gd) start = c.dynamics().zero_init(rec.n, rec.r, rec.m);
  const T bound = convergence_tolerance(inst);
  const long budget = optimum_budget(c, inst, loss(start, inst.Y), bound);
  const auto run = run_or_fail(c, inst, algorithm, budget, bound, 0, false, &start);
  c.note("steps", std::to_string(run.steps_taken));
  c.note("status", status_name(run.status));
  c.note("final loss", to_text(run.final_loss));
  // A converged run stopped as soon as its loss was below tol, so the margin that matters is the
  // step budget: how close did convergence come to running out? Otherwise the loss fails.
  if (run.status == RunStatus::converged)
    c.require_le("steps to reach loss <= tol (derived budget " + std::to_string(budget) + ")",
                 T(double(run.steps_taken)), T(double(budget)));
  else
    c.require_le("final loss vs tol (derived budget " + std::to_string(budget) + " exhausted)",
                 run.final_loss, bound);
}

}  // namespace fa
