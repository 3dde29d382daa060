// Helpers shared by claim files: entrywise bounds for rounding tolerances and runs that fail the
// case with an explanation instead of passing silently when the dynamics misbehave.
#pragma once

#include "checks/claim.hpp"

namespace fa {

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

/// Where a run starts: the dynamics' own zero initialisation when the recipe asks for zero init
/// (so that a dynamics whose "zero" is not zero is caught by every zero-init claim), otherwise the
/// instance's small random start.
template <class T>
Factors<T> starting_point(Case<T>& c, const Instance<T>& inst) {
  const Recipe& r = inst.recipe;
  return r.init == Init::zero ? c.dynamics().zero_init(r.n, r.r, r.m) : inst.start;
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
/// are redrawn): B not degenerate in scale (||B||_2 >= 1/4), of well-conditioned columns
/// (sigma_r(B) >= 0.1 ||B||_2 when r <= n), and seeing col(Y) (sigma_min(B^T U_k) >= 0.05
/// ||B||_2). FA's speed and its rounding floor depend on these; without bounds on them no step
/// budget is meaningful.
template <class T>
void require_well_posed_feedback(Case<T>& c, const Instance<T>& inst) {
  const Vec<T> sb = singular_values<T>(inst.B);
  const T bnorm = sb(0);
  c.precondition(bnorm >= T(0.25), "||B||_2 < 1/4");
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
