// A1  FA reaches the optimum when r >= rank(Y).                       source: paper abstract
// Specification: docs/claims.md#claim-a1
// The abstract says FA finds the optimal solution when r >= rank(Y). Our formalisation (not the
// paper's theorem text): (a) for B in general position every FA stationary point has ZW = Y
// (B^T E = 0 puts row(Y) = row(B^T Y) inside row(W) when r >= k; then E W^T = 0 gives
// ZW = Y P_row(W) = Y); (b) FA from zero or small random init with step
// eta = c / (sigma_1 max(1, ||B||_2^2)) converges: the loss falls below tol ||Y||_F^2 within
// a step budget derived from the instance (fa_step_budget, checks/claim_helpers.hpp:
// ln(L0/tol) / (eta (sigma_min(B^T U_k) sigma_k / sigma_1)^(2/3)), a factor 4 above the most
// any of 150 measured instances needed). A run that needs more is a counterexample.
// Tolerance: double: tol = (2^6 eps)^2 = 2.0e-28, about 16x above the rounding floor
// (entries of E cannot be resolved below ~eps ||Y||, so 2 loss / ||Y||^2 bottoms out near
// eps^2 per entry); mp: tol = 1e-40, eight decades below anything double can reach, so passing
// in mp shows convergence is real and not a rounding artefact.
// Region (hypotheses): r >= k (enforced); n, m up to 48 (double) / 12 (mp); c from 2^-8 to
// 2^-1 and B scaled by 2^-3 .. 2^3 (double; mp: c 2^-4 .. 2^-1, B 2^-1 .. 2^1); flat, geometric
// or clustered spectra (gapped and near-tie are flat when r >= k) with sigma_k / sigma_1 >=
// 2^-6, jointly with c (enforced): c (sigma_k/sigma_1)^(2/3) >= 2^-9 (each halving of c doubles
// the steps, each factor 2^(3/2) of conditioning too); zero init, or small init 2^-8 N(0, 1)
// when r = k (enforced: from small init with r > k FA can need millions of steps, see the
// regime map's speed grid). Checked preconditions: sigma_min(B^T U_k) >= 2^-6 ||B||_2 (B sees
// col(Y)); the derived budget at most 2^18 steps (double) / 2^15 (mp) (cost).
// Narrowed by the wide region (issue 11): small init at 2^-2 and 1 is NOT in the region. From a
// unit-scale init FA diverges within 10 steps at c >= 2^-3 with B scaled 2^-1 .. 2^-3 (the
// step rule sees sigma_1 and ||B||, not the init's ||Z0 W0||), and from 2^-2 it needed up to 15x
// the derived budget (Q_0 = B^T Z0 + Z0^T B - W0 W0^T is then indefinite and of the order of
// the target, and F2's Lyapunov argument needs Q >= 0). The wider statement is conjecture R6,
// which the suite refutes; from 2^-8 the most any measured instance needed was 0.58 of the
// budget (zero init: 0.24).
// Certified (every tested instance): (a) in exact arithmetic, rank(B^T Y) = rank(Y) = k for the
// instance's target in exact form Y = U diag(s) V^T (certify/certificates.hpp), which proves that
// every FA stationary point of the instance has zero error. The double matrix the run uses,
// fl(U diag(s) V^T), is NOT of rank k (rounding gives it full rank), so (a) is certified for the
// exact target, not for its rounding; falsifier "rounded-target" shows the certificate failing
// there. What stays tested: (b), that the run converges within its budget.
#include "certify/certificates.hpp"
#include "checks/convergence.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "A1";
  s.title = "FA reaches the optimum when r >= rank(Y)";
  s.source = Source::paper_abstract;
  s.statement =
      "For r >= rank(Y), FA from zero init (or small random init 2^-8 N(0,1) when "
      "r = k) with "
      "step c/(sigma_1 max(1, ||B||^2)) reaches loss <= tol within its derived budget "
      "ln(L0/tol) / (eta (sigma_min(B^T U_k) sigma_k/sigma_1)^(2/3)); tol = 1/2 "
      "(2^6 eps/(eta sigma_1))^2 ||Y||^2 in double, 1e-40 ||Y||^2 in mp.";
  s.hypotheses =
      "r >= k; n, m <= 48 (double) / 12 (mp); c in [2^-8, 2^-1], B scale 2^-3..2^3 "
      "(mp: c 2^-4..2^-1, B 2^-1..2^1); sigma_k/sigma_1 >= 2^-6 with c "
      "(sigma_k/sigma_1)^(2/3) >= 2^-9; small init 2^-8 N(0,1) only, with r = k "
      "(enforced). sigma_min(B^T U_k) >= 2^-6 ||B||_2 and a derived budget <= 2^18 "
      "(mp 2^15) steps (checked preconditions).";
  s.recipe =
      "the wide region with r >= k, flat/geometric/clustered spectra, zero or small init "
      "2^-8 (r = k)";
  s.falsifiers = {
      {"gd-as-fa-from-zero",
       "the FA update replaced by GD's (Z^T for B^T): from zero init nothing moves, "
       "so the loss stays 1/2 ||Y||^2 and the check must fail"},
      {"rounded-target",
       "A1(a)'s certificate on the rounded double matrix fl(U diag(s) V^T), whose exact "
       "rank is min(n, m), not k: rank(B^T Y) <= r < rank(Y) there, so the "
       "certificate must fail"}};
  s.strength_note =
      "A1(a) (every FA stationary point is optimal) is certified exactly on every "
      "tested instance, for its exact target U diag(s) V^T; the convergence of the "
      "run (A1(b)) is tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  // A1(a), certified exactly before the run (cheap; a failure needs no run).
  const bool rounded = c.falsifier("rounded-target");
  auto certify_a = [&](const Instance<T>& inst) {
    const certify::FeedbackRankCertificate cert = certify::certify_feedback_rank(
        rounded ? exact::to_rational(inst.Y) : exact_target(inst), exact::to_rational(inst.B));
    c.note("A1(a) certificate", cert.verdict);
    if (!cert.stationary_points_optimal() || (!rounded && cert.rank_y != inst.recipe.k))
      c.fail("A1(a) not certified: " + cert.verdict);
  };
  check_reaches_optimum(c, optimum_region<T>({-8}),
                        c.falsifier("gd-as-fa-from-zero") ? Algorithm::gd : Algorithm::fa,
                        std::function<void(const Instance<T>&)>(certify_a));
  c.certified(
      "A1(a): rank(B^T Y) = rank(Y) = k exactly (Y = U diag(s) V^T in exact form): every "
      "FA stationary point has zero error");
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
