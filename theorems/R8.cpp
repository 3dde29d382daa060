// R8  "Deep FA from small init reaches zero error whenever every width >= rank(Y)."
//                                                                          source: conjecture
// Specification: docs/claims-deep.md#claim-r8
//
// A1 for depth L (formalised by us). Why it is plausible: every stationary point of deep FA with
// feedback in general position has zero error when every width d_l >= k = rank(Y): with
// M = B_L ... B_2 (n x d_1), delta_1 = M^T E = 0 puts row(Y) = row(M^T Y) inside row(P_L) and so
// inside row(P_{L-1}); E P_{L-1}^T = 0 (the top layer's stationarity) then forces E = 0.
// Formal statement: deep FA, L = 2..4, every hidden width in [k, k + 3], every layer
// zero or small 2^-2 N(0, 1) (drawn per case), n, m <= 6, flat or geometric spectra with
// sigma_k / sigma_1 >= 1/4, B at its default scale, eta = c / (sigma_1 max(1, ||B_L||_2^2)),
// c in {2^-3, 2^-4, 2^-5}, reaches loss <= tol (A1's) within 16 times the scaling estimate
// (checks/deep_convergence.hpp). The narrowed statement that holds is R8.zero (zero init).
// Falsifier (a false variant that must fail): a hidden width below k.
#include "checks/deep_convergence.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R8";
  s.title =
      "conjecture: deep FA from zero or small init reaches zero error when every width >= rank(Y)";
  s.source = Source::conjecture;
  s.statement =
      "Deep FA (L = 2..4) from zero or small init 2^-2 N(0, 1) per layer, every hidden "
      "width in [k, k + 3], step c/(sigma_1 max(1, ||B_L||^2)), c in {2^-3, 2^-4, 2^-5}, reaches "
      "loss <= tol (A1's) within 16 ln(L0/tol) / (eta sigma_1 rho) steps, rho = (b "
      "sigma_k/sigma_1)^(2(L-1)/L), "
      "b = sigma_min(M^T U_k), M = B_L ... B_2.";
  s.hypotheses =
      "n, m <= 6; flat or geometric spectra, sigma_k/sigma_1 >= 1/4; B at its default "
      "scale; sigma_min(M^T U_k) >= 0.05 ||M||_2 with M = B_L ... B_2 and a budget <= 2^20 steps"
      " (checked preconditions).";
  s.recipe = "deep FA from zero or small init, every width >= k, c 2^-3..2^-5";
  s.falsifiers = {
      {"bottleneck", "a hidden width below rank(Y): zero error is impossible, the run must fail"}};
  s.cases_double = 60;
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool bottleneck = c.falsifier("bottleneck");
  check_deep_fa_reaches_zero(
      c, deep_fa_convergence_space<T>({Init::zero, Init::small}, bottleneck, -3), bottleneck);
}

// Double only: in mp the tolerance 1e-40 ||Y||^2 needs budgets of ~10^5 steps per case
// (above any cap the test command affords), so every mp case would be discarded.
static const ::fa::ClaimRegistrar registrar(spec(), {{"double",
                                                      ::fa::make_runner<double>(&check<double>)}});
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
