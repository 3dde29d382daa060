// A1  FA reaches the optimum when r >= rank(Y).                       source: paper abstract
//
// The abstract says FA finds the optimal solution when r >= rank(Y). Our formalisation (not the
// paper's theorem text): (a) for B in general position every FA stationary point has ZW = Y
// (B^T E = 0 puts row(Y) = row(B^T Y) inside row(W) when r >= k; then E W^T = 0 gives
// ZW = Y P_row(W) = Y); (b) FA from zero or small random init with step
// eta = c / (sigma_1 max(1, ||B||_2^2)), c = 2^-3 or 2^-4, converges: the loss falls below
// tol ||Y||_F^2 within the step budget.
// Tolerance: double: tol = (2^6 eps)^2 = 2.0e-28, about 16x above the rounding floor
// (entries of E cannot be resolved below ~eps ||Y||, so 2 loss / ||Y||^2 bottoms out near
// eps^2 per entry); mp: tol = 1e-40, eight decades below anything double can reach, so passing
// in mp shows convergence is real and not a rounding artefact.
// Hypotheses: r >= k (enforced by the generator); spectra with condition number <= 4
// (enforced); sigma_min(B^T U_k) >= 0.05 ||B||_2 (checked precondition: the speed of FA depends
// on how well B sees col(Y), and a step budget is meaningful only with a bound on it).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "A1";
  s.title = "FA reaches the optimum when r >= rank(Y)";
  s.source = Source::paper_abstract;
  s.statement = "For r >= rank(Y), FA from zero or small random init with step "
                "c/(sigma_1 max(1, ||B||^2)), c in {2^-3, 2^-4}, reaches loss <= tol ||Y||_F^2 "
                "within 60000 steps; tol = (2^6 eps_double)^2 in double, 1e-40 in mp.";
  s.hypotheses = "r >= k (enforced); condition number of Y <= 4 (enforced); sigma_min(B^T U_k) "
                 ">= 0.05 ||B||_2 (checked precondition; cases that fail it are discarded).";
  s.recipe = "n, m <= 5, r >= k, flat/geometric/gapped/clustered spectrum, zero or small init";
  s.cases_mp = 10;
  s.falsifiers = {{"gd-as-fa-from-zero",
                   "the FA update replaced by GD's (Z^T for B^T): from zero init nothing moves, "
                   "so the loss stays 1/2 ||Y||^2 and the check must fail"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space;
  space.max_dim = 5;
  space.relation = RankRelation::r_at_least_k;
  space.max_spread = 2;
  space.inits = {Init::zero, Init::small};
  space.step_log2_max = -3;
  space.step_log2_min = -4;
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  c.precondition(feedback_conditioning(inst) >= T(0.05), "B^T U_k ill-conditioned");
  const Algorithm alg = c.falsifier("gd-as-fa-from-zero") ? Algorithm::gd : Algorithm::fa;
  Factors<T> start = inst.start;
  if (c.falsifier("gd-as-fa-from-zero")) start = c.dynamics().zero_init(rec.n, rec.r, rec.m);
  const T tol = std::is_same_v<T, double> ? T(std::pow(64 * 2.220446049250313e-16, 2))
                                          : T(1e-40);
  const T bound = tol * inst.Y.squaredNorm();
  const auto run = run_or_fail(c, inst, alg, 60000, bound, 0, false, &start);
  c.note("steps", std::to_string(run.steps_taken));
  c.note("status", status_name(run.status));
  c.require_le("final loss vs tol ||Y||^2", run.final_loss, bound);
}

}  // namespace
FA_REGISTER_CLAIM(spec(), check);
}  // namespace fa::claims
