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
// Falsifier (a true variant, which the search must not refute): zero init and c <= 2^-4, the
// statement of R8.zero.
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
  s.falsifiers = {{"zero-init",
                   "true variant: every layer zero and c <= 2^-4 (R8.zero's statement); the "
                   "search must find no counterexample"}};
  s.cases_double = 60;
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool narrowed = c.falsifier("zero-init");
  check_deep_fa_reaches_zero(
      c,
      narrowed ? deep_fa_convergence_space<T>({Init::zero}, false, -4)
               : deep_fa_convergence_space<T>({Init::zero, Init::small}, false, -3),
      false);
}

// Double only: in mp the tolerance 1e-40 ||Y||^2 needs budgets of ~10^5 steps per case
// (above any cap the test command affords), so every mp case would be discarded.
static const ::fa::ClaimRegistrar registrar(spec(), {{"double",
                                                      ::fa::make_runner<double>(&check<double>)}});
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
