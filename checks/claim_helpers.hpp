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
  Trajectory<T> run =
      run_dynamics(c.dynamics(), inst.Y, inst.B, start ? *start : inst.start, cfg);
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
