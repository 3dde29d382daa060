// R8  "Deep FA from small init reaches zero error whenever every width >= rank(Y)."
//                                                                          source: conjecture
// Specification: docs/claims-deep.md#claim-r8
//
// A1 for depth L (formalised by us). Why it is plausible: every stationary point of deep FA with
// feedback in general position has zero error when every width d_l >= k = rank(Y): with
// M = B_L ... B_2 (n x d_1), delta_1 = M^T E = 0 puts row(Y) = row(M^T Y) inside row(P_L) and so
// inside row(P_{L-1}); E P_{L-1}^T = 0 (the top layer's stationarity) then forces E = 0. What is
// conjectured is that the discrete dynamics gets there.
// Formal statement: deep FA (dynamics/deep.hpp), depth L = 2..4 (mp 2..3), every hidden width
// d_l in [k, k + 3], n, m <= 6 (mp 4), flat or geometric spectra with sigma_k / sigma_1 >= 1/4,
// every layer small at 2^-2 N(0, 1), B at its default scale, step eta = c / (sigma_1 max(1,
// ||B_L||_2^2)) with c in {2^-3, 2^-4, 2^-5}, reaches loss <= tol within the budget below; tol as
// A1: 1/2 (2^6 eps / (eta sigma_1))^2 ||Y||^2 in double, 1e-40 ||Y||^2 in mp.
// Budget: 4 ln(L0 / tol) / (eta sigma_1 rho), rho = (b sigma_k / sigma_1)^(2 (L-1) / L) with
// b = sigma_min(M^T U_k) / ||M||_2, M = B_L ... B_2: A1's scaling argument (fa_step_budget) with
// the exponent 2/3 of L = 2... see docs/claims-deep.md#claim-r8 for the measurements that set it.
// Checked preconditions: b >= 0.05 (the feedback product sees col(Y)); derived budget <= 2^17
// (double) / 2^14 (mp) steps.
// Falsifier (a false variant that must fail): a bottleneck width below k (some d_l < k): the
// error cannot fall below opt_{min d_l} > 0.
#include "checks/deep_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

/// The budget in units of the scaling estimate ln(L0/tol) / (eta sigma_1 rho).
constexpr double kBudgetFactor = 64;

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R8";
  s.title = "conjecture: deep FA from small init reaches zero error when every width >= rank(Y)";
  s.source = Source::conjecture;
  s.statement =
      "Deep FA (L = 2..4; mp 2..3) from small init 2^-2 N(0, 1) per layer, every hidden width "
      "in [k, k + 3], step c/(sigma_1 max(1, ||B_L||^2)), c in {2^-3, 2^-4, 2^-5}, reaches loss "
      "<= tol (A1's) within 4 ln(L0/tol) / (eta sigma_1 (b sigma_k/sigma_1)^(2(L-1)/L)) steps.";
  s.hypotheses =
      "n, m <= 6 (mp 4); flat or geometric spectra, sigma_k/sigma_1 >= 1/4; B at its default "
      "scale; b = sigma_min(M^T U_k)/||M||_2 >= 0.05 with M = B_L ... B_2 and a derived budget "
      "<= 2^17 (mp 2^14) steps (checked preconditions).";
  s.recipe = "deep FA from small init, every width >= k, c 2^-3..2^-5";
  s.falsifiers = {{"bottleneck",
                   "a hidden width below rank(Y): zero error is impossible, the run must fail"}};
  s.cases_double = 60;
  s.cases_mp = 10;
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool dbl = std::is_same_v<T, double>;
  DeepSpace space;
  space.base = wide_region<T>();
  space.base.max_dim = dbl ? 6 : 4;
  space.base.spectra = {Spectrum::flat, Spectrum::geometric};
  space.base.max_spread = 2;
  space.base.step_log2_max = -3;
  space.base.step_log2_min = -5;
  space.base.inits = {Init::small};
  space.base.init_scales_log2 = {-2};
  space.base.b_scale_log2_min = 0;
  space.base.b_scale_log2_max = 0;
  space.max_depth = dbl ? 4 : 3;
  space.max_width = 4;
  space.relation = c.falsifier("bottleneck") ? WidthRelation::bottleneck : WidthRelation::all_at_least_k;
  const DeepRecipe rec = draw_deep(c, space, {3, 2});
  const DeepInstance<T> inst = materialise_deep<T>(rec);
  note_deep_instance(c, inst);
  const int L = rec.depth();
  // b: how well the product feedback M = B_L ... B_2 (what reaches W_1) sees col(Y).
  Mat<T> M = inst.feedback.fa[static_cast<std::size_t>(L)];
  for (int q = L - 1; q >= 2; --q) M = Mat<T>(M * inst.feedback.fa[static_cast<std::size_t>(q)]);
  const Vec<T> sv = singular_values<T>(Mat<T>(M.transpose() * inst.base.U));
  const double b = to_double(T(sv(sv.size() - 1))) / to_double(spectral_norm<T>(M));
  c.precondition(b >= 0.05, "sigma_min(M^T U_k) < 0.05 ||M||_2");
  const T tol = convergence_tolerance(inst.base);
  const double eta = inst.eta, sigma_1 = to_double(T(inst.base.s(0)));
  const double sigma_k = to_double(T(inst.base.s(rec.base.k - 1)));
  const double rho = std::pow(b * sigma_k / sigma_1, 2.0 * (L - 1) / L);
  Layers<T> w = inst.start;
  const T start_loss = deep_loss(w, inst.Y());
  const double decades = std::log(std::max(to_double(T(start_loss / tol)), 2.0));
  const double estimate = decades / (eta * sigma_1 * rho);
  const double derived = kBudgetFactor * estimate;
  c.precondition(derived <= (dbl ? std::ldexp(1.0, 20) : std::ldexp(1.0, 14)),
                 "derived budget above the cap");
  // A bottleneck's error is at least opt_{min d_l} > 0 at every step (Eckart-Young: P_L has rank
  // <= min d_l), far above tol: 20000 steps show the run stalling there without the whole budget.
  const long budget = c.falsifier("bottleneck") ? std::min(20000L, long(std::ceil(derived)))
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
      c.fail("deep FA diverged at step " + std::to_string(t + 1) + " (loss " + to_text(current) + ")");
    if (current <= tol) break;
  }
  c.note("steps", std::to_string(t + 1));
  nlohmann::json& worst = c.record().extra["max_steps_over_estimate_by_depth"][std::to_string(L)];
  const double ratio = double(t + 1) / estimate;
  if (!worst.is_number() || worst.get<double>() < ratio) worst = ratio;
  c.require_le("loss after the derived budget (" + std::to_string(budget) + " steps) vs tol",
               current, tol);
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
