// Running a discrete dynamic for many steps: recording the paper's quantities along the way and
// ending with an explicit status (converged / budget exhausted / diverged), never a silent pass.
#pragma once

#include "dynamics/dynamics.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace fa {

enum class RunStatus { converged, budget_exhausted, diverged };

inline std::string status_name(RunStatus s) {
  switch (s) {
    case RunStatus::converged: return "converged";
    case RunStatus::budget_exhausted: return "budget exhausted";
    case RunStatus::diverged: return "diverged";
  }
  return "?";
}

/// Quantities recorded at one step. Residuals of the exact laws are relative to the scale of the
/// matrices involved, so that they read directly in units of the working precision.
template <class T>
struct TraceRow {
  long step = 0;
  T loss;               // 1/2 ||ZW - Y||_F^2
  T feedback_residual;  // ||B^T E||_F
  T alignment;          // tr(B^T Z)
  T half_w_norm_sq;     // 1/2 ||W||_F^2 (compare with the alignment, claim A2/X2)
  T cos_z_b;            // <Z, B>_F / (||Z|| ||B||), 0 while Z = 0
  T q_residual;         // FA: ||Q_t - (Q_0 - eta^2 sum G G^T)||_F; FA*: ||Q_t - Q_0||_F; GD: NaN
  T d_residual;         // GD: ||D_t - (D_0 + eta^2 sum (W E^T E W^T - Z^T E E^T Z))||_F; else NaN
  T cos_fa_gd_update;   // cos between B^T E (FA's W-update) and Z^T E (GD's), 0 if either is 0
};

template <class T>
struct RunConfig {
  Algorithm algorithm = Algorithm::fa;
  T eta = T(0);
  long max_steps = 0;
  /// Record a row every this many steps (and always at step 0 and at the end); 0 records none.
  long record_every = 0;
  /// Stop as converged once the loss is at or below this (negative: run the whole budget).
  T converged_loss = T(-1);
  /// Loss above this (or any non-finite entry) ends the run as diverged.
  T divergence_loss = T(0);  // 0: 1e8 * max(initial loss, 1/2 ||Y||^2)
  /// Check loss and finiteness every this many steps.
  long check_every = 1;
  /// Track the residuals of the exact laws X1/X3/X7 (costs a few small products per step).
  bool track_identities = false;
  /// Called after each step with (steps done, current loss when known); for progress display.
  std::function<void(long, double)> on_progress;
};

template <class T>
struct Trajectory {
  Factors<T> final;
  std::vector<TraceRow<T>> rows;
  RunStatus status = RunStatus::budget_exhausted;
  long steps_taken = 0;
  T final_loss;
  /// Step at which divergence was detected (-1 if none) and why.
  long diverged_at = -1;
  std::string message;
};

template <class T>
T frobenius_cosine(const Mat<T>& A, const Mat<T>& B) {
  T na = A.norm(), nb = B.norm();
  if (na == 0 || nb == 0) return T(0);
  return (A.cwiseProduct(B)).sum() / (na * nb);
}

/// Q = B^T Z + Z^T B - W W^T (the FA alignment matrix, X1).
template <class T>
Mat<T> alignment_matrix(const Factors<T>& f, const Mat<T>& B) {
  Mat<T> BtZ = B.transpose() * f.Z;
  return BtZ + BtZ.transpose() - f.W * f.W.transpose();
}

/// D = Z^T Z - W W^T (the GD balance matrix, X3).
template <class T>
Mat<T> balance_matrix(const Factors<T>& f) {
  return f.Z.transpose() * f.Z - f.W * f.W.transpose();
}

template <class T>
Trajectory<T> run_dynamics(const Dynamics<T>& dyn, const Mat<T>& Y, const Mat<T>& B,
                           Factors<T> start, const RunConfig<T>& cfg);

#define FA_DECLARE_TRAJECTORY(T, EXTERN)                                                     \
  EXTERN template Trajectory<T> run_dynamics<T>(const Dynamics<T>&, const Mat<T>&,           \
                                                const Mat<T>&, Factors<T>, const RunConfig<T>&);

FA_DECLARE_TRAJECTORY(double, extern)
FA_DECLARE_TRAJECTORY(Mp, extern)
FA_DECLARE_TRAJECTORY(MpVar, extern)

}  // namespace fa
