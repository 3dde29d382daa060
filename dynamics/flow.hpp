// Gradient-flow limits (eta -> 0) of GD and FA, integrated with Boost.Odeint's adaptive,
// error-controlled Runge-Kutta-Fehlberg 7(8) stepper (high order, so that the tight tolerances
// of high-precision runs need few steps):
//   GD flow: dZ/dt = -E W^T, dW/dt = -Z^T E;   FA flow: dZ/dt = -E W^T, dW/dt = -B^T E.
// In flow, FA conserves Q = B^T Z + Z^T B - W W^T and GD conserves D = Z^T Z - W W^T (F1, F3);
// the recorded q_residual / d_residual are ||Q_t - Q_0||_F and ||D_t - D_0||_F.
#pragma once

#include "dynamics/trajectory.hpp"

#include <functional>
#include <vector>

namespace fa {

enum class FlowKind { gd, fa };

template <class T>
struct FlowConfig {
  FlowKind kind = FlowKind::fa;
  T end_time = T(1);
  /// Observation times in (0, end_time]; rows are recorded at 0 and at each of them.
  std::vector<T> observe_at;
  /// Odeint's absolute and relative error tolerances per step.
  T abs_tol = T(1e-10);
  T rel_tol = T(1e-10);
  /// Steps allowed between two observations before the run is declared stuck.
  int max_steps_between_observations = 100000;
  /// Called at every evaluation of the right-hand side with the time reached (progress display,
  /// interruption: it may throw, and the exception leaves run_flow).
  std::function<void(double)> on_progress;
};

template <class T>
struct FlowTrajectory {
  Factors<T> final;
  std::vector<T> times;
  std::vector<TraceRow<T>> rows;
  RunStatus status = RunStatus::budget_exhausted;
  std::string message;
  std::size_t integrator_steps = 0;
};

template <class T>
FlowTrajectory<T> run_flow(const Mat<T>& Y, const Mat<T>& B, Factors<T> start,
                           const FlowConfig<T>& cfg);

/// The flows' right-hand side at f = (Z, W): dZ/dt = -E W^T, dW/dt = -Z^T E (GD) or -B^T E (FA),
/// E = ZW - Y. run_flow integrates exactly this function. It is plain Eigen, so it also runs in
/// exact rationals, where checks/schwartz_zippel.cpp evaluates it without Odeint; the MPFR types
/// take the steps' kernels (dynamics/kernels.hpp: each entry of E, E W^T and A^T E the exact sum
/// rounded once, within the plain expression's rounding bound; negation and 0 - s are exact),
/// tied to the Rational function at exact points like the steps (checks/implementation_ties.cpp).
template <class T>
Factors<T> flow_rhs(FlowKind kind, const Mat<T>& Y, const Mat<T>& B, const Factors<T>& f) {
  if constexpr (kernels::is_mpfr_v<T>) {
    Mat<T> E;
    kernels::mpfr_residual(f.Z, f.W, Y, E);
    Factors<T> d;
    d.Z = Mat<T>::Zero(f.Z.rows(), f.Z.cols());
    kernels::sub_scaled_times_transpose(d.Z, T(1), E, f.W);  // 0 - 1 (E W^T)
    kernels::transpose_times(kind == FlowKind::fa ? B : f.Z, E, d.W);
    kernels::negate(d.W);
    return d;
  }
  const Mat<T> E = f.Z * f.W - Y;
  Factors<T> d;
  d.Z = -(E * f.W.transpose());
  d.W = kind == FlowKind::fa ? Mat<T>(-(B.transpose() * E)) : Mat<T>(-(f.Z.transpose() * E));
  return d;
}

#define FA_DECLARE_FLOW(T, EXTERN)                                                          \
  EXTERN template FlowTrajectory<T> run_flow<T>(const Mat<T>&, const Mat<T>&, Factors<T>,   \
                                                const FlowConfig<T>&);

FA_DECLARE_FLOW(double, extern)
FA_DECLARE_FLOW(Mp, extern)
FA_DECLARE_FLOW(MpVar, extern)

}  // namespace fa
