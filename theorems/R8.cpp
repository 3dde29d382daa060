// R8  "Deep FA from small init reaches zero error whenever every width >= rank(Y)."
//                                                                          source: conjecture
// Specification: docs/claims-deep.md#claim-r8
//
// A1 for depth L (formalised by us). Why it is plausible: every stationary point of deep FA with
// feedback in general position has zero error when every width d_l >= k = rank(Y): with
// M = B_L ... B_2 (n x d_1), delta_1 = M^T E = 0 puts row(Y) = row(M^T Y) inside row(P_L) and so
// inside row(P_{L-1}); E P_{L-1}^T = 0 (the top layer's stationarity) then forces E = 0.
// Formal statement: deep FA, L = 2..4, every hidden width in [k, k + 3], every layer
// small 2^-2 N(0, 1) or zero (drawn per case, small more often: see check()), n, m <= 6, flat or geometric spectra with
// sigma_k / sigma_1 >= 1/4, B at its default scale, eta = c / (sigma_1 max(1, ||B_L||_2^2)),
// c in {2^-3, 2^-4, 2^-5}, reaches loss <= tol (A1's) within 16 times the scaling estimate
// (checks/deep_convergence.hpp). The narrowed statement that holds is R8.zero (zero init).
// Falsifier (a true variant, which the search must not refute): zero init and c <= 2^-4, the
// statement of R8.zero.
#include "checks/deep_convergence.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kZeroInit{"zero-init",
                          "true variant: every layer zero and c <= 2^-4 (R8.zero's statement); the "
                          "search must find no counterexample"};

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
  s.falsifiers = {kZeroInit};
  s.cases_double = 60;
  // Measured power (fa-claims power R8 --scalar double --cases 1010): the budget derives from it
  // (a rare counterexample: about 2300 cases, ~1 s here, since most cases converge quickly).
  s.power = {
      {"double", 1010, 14, 0.99, "17083485493938033175", "2026-12-03", "d4dd9ff7fc69",
       "RapidCheck sizes 75-100 only (14/260, where depth 4 and widths above k are drawn); widths "
       "above k 13/324, equal to k 1/686; small init 12/749, zero init (c = 2^-3 only) 2/261"},
  };
  return s;
}

template <class T>
void check(Case<T>& c) {
  const bool narrowed = c.falsifier(kZeroInit);
  check_deep_fa_reaches_zero(
      c,
      narrowed ? deep_fa_convergence_space<T>({Init::zero}, false, -4)
               // Small init listed first: the draw favours the first entry (gen::inRange
               // shrinks toward 0), and every refutation measured so far is from small init
               // (14/261 small, 0/749 zero, with the order zero, small at d4dd9ff), so the search
               // draws mostly where the counterexamples live. Zero init stays in the region.
               : deep_fa_convergence_space<T>({Init::small, Init::zero}, false, -3),
      false);
}

// Double only: in mp the tolerance 1e-40 ||Y||^2 needs budgets of ~10^5 steps per case
// (above any cap the test command affords), so every mp case would be discarded.
FA_REGISTER_CLAIM(double_only, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
