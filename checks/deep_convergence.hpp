// Deep FA reaching zero error when every width >= rank(Y) (docs/claims-deep.md: R8, R8.zero),
// the check shared by the conjecture and its narrowed claim: one run of deep FA from the drawn
// initialisation until the loss is at or below A1's tolerance, within a budget of kBudgetFactor
// times the scaling estimate ln(L0 / tol) / (eta sigma_1 rho), rho = (b sigma_k / sigma_1)^(2 (L-1)
// / L) and b = sigma_min(M^T U_k) / ||M||_2 with M = B_L ... B_2 (what reaches W_1). The estimate
// is A1's scaling argument (fa_step_budget: relaxation rate (b sigma)^(2/3) at L = 2) with the
// exponent 2 (L-1)/L of a depth-L product; the ratio steps / estimate is recorded per depth
// (claims.json extra.max_steps_over_estimate_by_depth) to show how much of the budget was used.
#pragma once

#include "checks/deep_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace fa {

/// The budget in units of the scaling estimate (its derivation: docs/claims-deep.md#claim-r8).
inline constexpr double kDeepFaBudgetFactor = 16;

/// The region of R8 and R8.zero: L = 2..4 (mp 2..3), hidden widths in [k, k + 3] (bottleneck:
/// one below k), n, m <= 6 (mp 4), flat or geometric spectra with spread <= 2, c in
/// 2^-5..2^step_log2_max,
/// B at its default scale, every layer from `inits` (small: 2^-2 N(0, 1)).
template <class T>
DeepSpace deep_fa_convergence_space(const std::vector<Init>& inits, bool bottleneck,
                                    int step_log2_max) {
  constexpr bool dbl = std::is_same_v<T, double>;
  DeepSpace space;
  space.base = wide_region<T>();
  space.base.max_dim = dbl ? 6 : 4;
  space.base.spectra = {Spectrum::flat, Spectrum::geometric};
  space.base.max_spread = 2;
  space.base.step_log2_max = step_log2_max;
  space.base.step_log2_min = -5;
  space.base.inits = inits;
  space.base.init_scales_log2 = {-2};
  space.base.b_scale_log2_min = 0;
  space.base.b_scale_log2_max = 0;
  space.max_depth = dbl ? 4 : 3;
  space.max_width = 4;
  space.relation = bottleneck ? WidthRelation::bottleneck : WidthRelation::all_at_least_k;
  return space;
}

/// One case: draws from `space`, checks the preconditions (b >= 0.05 ||M||_2; budget <= 2^20,
/// mp 2^14),
/// runs deep FA through the dynamics under test and requires loss <= tol within the budget (a
/// bottleneck falsifier: 20000 steps at most, its error is at least opt_{min d_l} > 0 anyway).
template <class T>
void check_deep_fa_reaches_zero(Case<T>& c, const DeepSpace& space, bool bottleneck) {
  constexpr bool dbl = std::is_same_v<T, double>;
  const DeepRecipe rec = draw_deep(c, space, {3, 2});
  const DeepInstance<T> inst = materialise_deep<T>(rec);
  note_deep_instance(c, inst);
  const int L = rec.depth();
  Mat<T> M = inst.feedback.fa[static_cast<std::size_t>(L)];
  for (int q = L - 1; q >= 2; --q) M = Mat<T>(M * inst.feedback.fa[static_cast<std::size_t>(q)]);
  const Vec<T> sv = singular_values<T>(Mat<T>(M.transpose() * inst.base.U));
  // b carries the feedback's scale, as A1's budget does (fa_step_budget: sigma_min(B^T U_k));
  // its conditioning relative to ||M||_2 is the precondition.
  const double b = to_double(T(sv(sv.size() - 1)));
  c.precondition(b >= 0.05 * to_double(spectral_norm<T>(M)), "sigma_min(M^T U_k) < 0.05 ||M||_2");
  const T tol = convergence_tolerance(inst.base);
  const double eta = inst.eta, sigma_1 = to_double(T(inst.base.s(0)));
  const double sigma_k = to_double(T(inst.base.s(rec.base.k - 1)));
  const double rho = std::pow(b * sigma_k / sigma_1, 2.0 * (L - 1) / L);
  Layers<T> w = deep_starting_point(c, inst);
  const T start_loss = deep_loss(w, inst.Y());
  const double decades = std::log(std::max(to_double(T(start_loss / tol)), 2.0));
  const double estimate = decades / (eta * sigma_1 * rho);
  const double derived = kDeepFaBudgetFactor * estimate;
  c.precondition(derived <= (dbl ? std::ldexp(1.0, 20) : std::ldexp(1.0, 14)),
                 "derived budget above the cap");
  const long budget = bottleneck ? std::min(20000L, long(std::ceil(derived)))
                                 : static_cast<long>(std::ceil(derived));
  c.note("budget", std::to_string(budget));
  DeepWorkspace<T> ws;
  const DeepDynamics<T>& dyn = c.dynamics().deep();
  const T eta_t(eta);
  long t = 0;
  T current = start_loss;
  for (; t < budget; ++t) {
    dyn.step(DeepAlgorithm::fa, w, inst.Y(), inst.feedback, eta_t, t, ws);
    if ((t + 1) % 10 != 0 && t + 1 != budget) continue;
    current = deep_loss(w, inst.Y());
    if (!is_finite(current) || current > T(1e8) * (start_loss + T(1)))
      c.fail("deep FA diverged at step " + std::to_string(t + 1) + " (loss " + to_text(current) +
             ")");
    if (current <= tol) break;
  }
  const long steps = std::min(t + 1, budget);
  c.note("steps", std::to_string(steps));
  if (!c.record().failed_once) {
    nlohmann::json& worst = c.record().extra["max_steps_over_estimate_by_depth"][std::to_string(L)];
    const double ratio = double(steps) / estimate;
    if (!worst.is_number() || worst.get<double>() < ratio) worst = ratio;
  }
  c.require_le("loss after at most the budget (" + std::to_string(budget) + " steps) vs tol",
               current, tol);
}

}  // namespace fa
