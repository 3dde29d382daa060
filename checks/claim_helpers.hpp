// Helpers shared by claim files: entrywise bounds for rounding tolerances and runs that fail the
// case with an explanation instead of passing silently when the dynamics misbehave.
#pragma once

#include "certify/exact.hpp"
#include "checks/claim.hpp"

namespace fa {

/// The instance's target in exact form: U diag(s) V^T multiplied exactly from its rounded bases
/// and singular values, so of rank exactly k. inst.Y is that product rounded to T, which in
/// general has full rank (rounding adds eps-size singular values).
template <class T>
Mat<Rational> exact_target(const Instance<T>& inst) {
  return exact::to_rational(inst.U) * exact::to_rational(inst.s).asDiagonal() *
         exact::to_rational(inst.V).transpose();
}

/// max_ij |M_ij| (no square roots, so it works in exact arithmetic too).
template <class T>
T max_abs(const Mat<T>& M) {
  if (M.size() == 0) return T(0);
  T best(0);
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      const T a = M(i, j) < 0 ? T(-M(i, j)) : T(M(i, j));
      if (a > best) best = a;
    }
  return best;
}

/// Entrywise bound of a product A B: inner * max|A| * max|B|.
template <class T>
T product_bound(const Mat<T>& A, const Mat<T>& B) {
  return T(static_cast<double>(A.cols())) * max_abs(A) * max_abs(B);
}

/// The wide region (generators/arbitrary.hpp, wide_space) at the scalar's largest dimension:
/// 48 in double, 12 in mp, 3 in exact rationals.
template <class T>
RecipeSpace wide_region() {
  return wide_space(std::is_same_v<T, double> ? 48 : std::is_same_v<T, Rational> ? 3 : 12);
}

/// Hypotheses and instances of the exact identities of one FA or FA* step (X1, X2, X7): they
/// hold for any instance, so they are drawn across the whole wide region.
inline const char* const kStepIdentityHypotheses =
    "None (any Y, B, initialisation, eta > 0); drawn across the wide region; checked at every "
    "step until the run diverges.";
inline std::string step_identity_recipe() {
  return std::string(kWideRegionText) + ", zero or small init (2^-8, 2^-2, 1); 40 steps (3 exact)";
}

/// Where a run starts: the dynamics' own zero initialisation when the recipe asks for zero init
/// (so that a dynamics whose "zero" is not zero is caught by every zero-init claim), otherwise the
/// instance's small random start.
template <class T>
Factors<T> starting_point(Case<T>& c, const Instance<T>& inst) {
  const Recipe& r = inst.recipe;
  return r.init == Init::zero ? c.dynamics().zero_init(r.n, r.r, r.m) : inst.start;
}

/// Whether the run an identity claim follows has diverged in run_dynamics' sense (loss not
/// finite, or above 1e8 max(its starting loss, 1/2 ||Y||^2)). The wide region's corner (c up to
/// 2^-1 with a small B or a unit-scale init: the regime map's stability grid) diverges within a
/// few dozen steps, and past that point the iterates overflow and no floating-point residual can
/// be evaluated: the identity is checked at every step up to divergence. Cases that ended this way
/// are counted in extra.runs_ended_by_divergence. Never in exact arithmetic (no overflow).
template <class T>
bool stop_at_divergence(Case<T>& c, const Factors<T>& f, const Mat<T>& Y, const T& start_loss);

/// stop_at_divergence's test on a loss already computed (the deep claims' runs use it too).
template <class T>
bool diverged_at_loss(Case<T>& c, const T& l, const Mat<T>& Y, const T& start_loss) {
  if constexpr (std::is_same_v<T, Rational>) {
    return false;
  } else {
    const T half_y = Y.squaredNorm() / 2;
    const T scale = start_loss > half_y ? start_loss : half_y;
    if (is_finite(l) && !(l > T(1e8) * scale)) return false;
    nlohmann::json& count = c.record().extra["runs_ended_by_divergence"];
    count = count.is_number() ? count.get<int>() + 1 : 1;
    return true;
  }
}

template <class T>
bool stop_at_divergence(Case<T>& c, const Factors<T>& f, const Mat<T>& Y, const T& start_loss) {
  if constexpr (std::is_same_v<T, Rational>) {
    return false;
  } else {
    return diverged_at_loss(c, loss(f, Y), Y, start_loss);
  }
}

/// Runs a discrete dynamic for at most `steps`, stopping at `converged_loss` (negative: never);
/// fails the case with the run's own message if it diverges.
template <class T>
Trajectory<T> run_or_fail(Case<T>& c, const Instance<T>& inst, Algorithm alg, long steps,
                          const T& converged_loss, long record_every = 0,
                          bool track_identities = false, const Factors<T>* start = nullptr) {
  RunConfig<T> cfg;
  cfg.algorithm = alg;
  cfg.eta = T(inst.eta);
  cfg.max_steps = steps;
  cfg.converged_loss = converged_loss;
  cfg.record_every = record_every;
  cfg.check_every = 10;
  cfg.track_identities = track_identities;
  Trajectory<T> run = run_dynamics(c.dynamics(), inst.Y, inst.B,
                                   start ? *start : starting_point(c, inst), cfg);
  if (run.status == RunStatus::diverged)
    c.fail(algorithm_name(alg) + " " + run.message);
  return run;
}

/// sigma_min(B^T U_k) / ||B||_2: how well the feedback sees col(Y). FA's speed depends on it, so
/// claims with a step budget state a lower bound on it as a checked hypothesis.
template <class T>
T feedback_conditioning(const Instance<T>& inst) {
  const Vec<T> s = singular_values<T>(Mat<T>(inst.B.transpose() * inst.U));
  const T bnorm = spectral_norm<T>(inst.B);
  if (s.size() == 0 || bnorm == 0) return T(0);
  return T(s(s.size() - 1)) / bnorm;
}

}  // namespace fa

namespace fa {

/// The feedback hypotheses of the convergence claims, as checked preconditions (discarded cases
/// are redrawn): B not degenerate in scale (||B||_2 >= 1/4 of its recipe's scale), of
/// well-conditioned columns (sigma_r(B) >= 0.1 ||B||_2 when r <= n), and seeing col(Y)
/// (sigma_min(B^T U_k) >= 0.05
/// ||B||_2). FA's speed and its rounding floor depend on these; without bounds on them no step
/// budget is meaningful.
template <class T>
void require_well_posed_feedback(Case<T>& c, const Instance<T>& inst) {
  const Vec<T> sb = singular_values<T>(inst.B);
  const T bnorm = sb(0);
  // Relative to the recipe's scale of B (2^b_scale_log2 N(0, 1/n)), so every scale is drawn.
  c.precondition(bnorm >= T(feedback_scale(inst.recipe) / 4), "||B||_2 < 2^b / 4");
  if (inst.B.cols() <= inst.B.rows())
    c.precondition(T(sb(sb.size() - 1)) >= T(0.1) * bnorm, "sigma_r(B) < 0.1 ||B||_2");
  c.precondition(feedback_conditioning(inst) >= T(0.05), "sigma_min(B^T U_k) < 0.05 ||B||_2");
}

/// Rounding floor of a converged loss: an update changes an entry only when it exceeds eps of
/// it, so ||E|| cannot be resolved below ~eps ||Y|| / (eta sigma_1); with a factor 2^6 of room:
/// 1/2 (2^6 eps / (eta sigma_1))^2 ||Y||_F^2.
template <class T>
T converged_loss_floor(const Instance<T>& inst) {
  const T rel = T(64) * epsilon<T>() / (T(inst.eta) * T(inst.s(0)));
  return rel * rel * inst.Y.squaredNorm() / 2;
}

/// The loss a convergence claim demands: the rounding floor above in double; in high precision
/// 1e-40 ||Y||_F^2, eight decades below anything double can reach, so that passing in mp shows
/// the convergence is real and not a rounding artefact.
template <class T>
T convergence_tolerance(const Instance<T>& inst) {
  if constexpr (std::is_same_v<T, double>) return converged_loss_floor(inst);
  return T(1e-40) * inst.Y.squaredNorm();
}

/// How closely an error measured at a stationary point with a non-zero limit (FA for r < k)
/// must match its predicted value: first order in the rounding floor of E (2 ||E*|| |dE| with
/// |dE| ~ 2^6 eps ||Y|| / (eta sigma_1), ||E*|| <= ||Y||): 2^8 eps ||Y||^2 / (eta sigma_1) in
/// double; 1e-40 ||Y||^2 in high precision, as above.
template <class T>
T limit_error_tolerance(const Instance<T>& inst) {
  const T y2 = inst.Y.squaredNorm();
  if constexpr (std::is_same_v<T, double>)
    return T(256) * epsilon<T>() * y2 / (T(inst.eta) * inst.s(0));
  return T(1e-40) * y2;
}

}  // namespace fa

namespace fa {

/// The step budget of an FA run from zero init that must bring the loss from its start L0 down
/// to `target`, derived rather than guessed: ln(L0 / target) / (eta mu), mu the rate of the
/// slowest direction. A scaling argument gives mu ~ (b sigma)^(2/3) for a direction with
/// singular value sigma seen by the feedback with strength b: at the fixed point FA reaches from
/// zero init (sym(B^T Z) = 1/2 W W^T, ZW = Y), W ~ (b sigma)^(1/3) and Z ~ sigma^(2/3) b^(-1/3),
/// so both layers relax at rate (b sigma)^(2/3). The slowest direction has sigma = sigma_d,
/// d = min(r, k), and b = sigma_min(B^T U_k). Measured on 150 random instances (n, m <= 16, c
/// 2^-8..2^-1, B 2^-3..2^3, condition numbers to 2^8; least squares on log(steps eta / ln):
/// exponents -0.57 for sigma_k, -0.67 for ||B||, -0.61 for sigma_min(B^T U_k)/||B||, rms 0.17),
/// the steps taken were at most 0.24 of this budget: the budget leaves a factor 4 of room.
template <class T>
double fa_step_budget(const Instance<T>& inst, double start_loss, double target) {
  const int d = std::min(inst.recipe.r, inst.recipe.k);
  const Vec<T> b = singular_values<T>(Mat<T>(inst.B.transpose() * inst.U));
  const double feedback = to_double(T(b(b.size() - 1)));
  const double sigma = to_double(T(inst.s(d - 1))) / to_double(T(inst.s(0)));
  const double rate = std::pow(feedback * sigma, 2.0 / 3.0);
  const double decades = std::log(std::max(start_loss / target, 2.0));
  return decades / (inst.eta * to_double(T(inst.s(0))) * rate);
}

/// The largest spread (log2 sigma_1 / sigma_k) a step constant 2^step_log2 allows in the
/// convergence claims' region: c (sigma_k/sigma_1)^(2/3) >= 2^-9, i.e. spread <= 3/2 (9 + log2 c):
/// each halving of c doubles the steps, and so does each factor 2^(3/2) of conditioning
/// (fa_step_budget).
inline int fa_spread_allowed(int step_log2) {
  return std::max(0, 3 * (9 + step_log2) / 2);
}

/// A convergence claim's budget for FA (and for GD to opt_r, which relaxes no slower on these
/// regions): 4 fa_step_budget with the old fixed budget as a floor, refused above `cap`.
template <class T>
long stationary_budget(Case<T>& c, const Instance<T>& inst, const T& tol, long floor, double cap) {
  const double derived =
      4 * fa_step_budget(inst, to_double(T(inst.Y.squaredNorm() / 2)), to_double(tol));
  c.precondition(derived <= cap, "derived budget above the cap");
  return std::max(floor, static_cast<long>(std::ceil(derived)));
}

/// Runs until the loss changes by at most `still` over a chunk of steps (a stationary point for
/// the working precision) or the budget is spent; fails the case on divergence. Returns the last
/// trajectory (its final factors and loss) and sets `steps` to the steps taken in all.
template <class T>
Trajectory<T> run_until_stationary(Case<T>& c, const Instance<T>& inst, Algorithm alg,
                                   Factors<T> start, long budget, const T& still, long& steps,
                                   long chunk = 1000) {
  steps = 0;
  T previous = loss(start, inst.Y);
  Trajectory<T> run;
  while (steps < budget) {
    run = run_or_fail(c, inst, alg, chunk, T(-1), 0, false, &start);
    steps += run.steps_taken;
    const T change = run.final_loss > previous ? T(run.final_loss - previous)
                                               : T(previous - run.final_loss);
    start = run.final;
    previous = run.final_loss;
    if (change <= still) break;
  }
  return run;
}

/// ||Y (I - P)||_F^2 with P the projector onto row(B^T Y): FA's limit error (claim A4,
/// core/linalg.hpp).
template <class T>
T fa_limit_error(const Instance<T>& inst) {
  return fa_limit_error<T>(inst.Y, inst.B);
}

}  // namespace fa
