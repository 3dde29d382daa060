// Gradient-flow limits (eta -> 0) of the deep GD, FA and DFA (dynamics/deep.hpp):
//   dW_l/dt = -delta_l P_{l-1}^T,   l = 1..L,
// integrated with Boost.Odeint's controlled Runge-Kutta-Fehlberg 7(8) stepper, as run_flow does
// for two layers. In flow the layer-wise FA matrices Q_l and GD's D_l are conserved (the flow
// forms of DL1 and DL2, docs/claims-deep.md); the claims read them off the recorded states.
#pragma once

#include "dynamics/deep.hpp"

#include <functional>
#include <string>
#include <vector>

namespace fa {

/// The right-hand side at w: -delta_l P_{l-1}^T for every layer. Plain Eigen (so it also runs in
/// exact rationals), except for the MPFR types: there the steps' kernels (deep_signals, each
/// entry of P_l, E, delta_l and delta_l P_{l-1}^T the exact sum rounded once, then an exact
/// negation), as flow_rhs does for two layers; Eigen's generic products were a third of a deep
/// flow in mp.
template <class T>
Layers<T> deep_flow_rhs(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y,
                        const DeepFeedback<T>& fb) {
  const int L = w.depth();
  Layers<T> d;
  d.W.resize(static_cast<std::size_t>(L + 1));
  if constexpr (kernels::is_mpfr_v<T>) {
    thread_local DeepWorkspace<T> ws;  // reused: a flow evaluates this 13 times per step
    deep_signals(a, w, Y, fb, ws);
    for (int l = 1; l <= L; ++l) {
      const auto i = static_cast<std::size_t>(l);
      const Mat<T>& delta = l == L ? ws.E : ws.delta[i];
      if (l == 1)
        d.W[i] = delta;
      else
        kernels::times_transpose(delta, forward_product(w, ws, l - 1), d.W[i]);
      kernels::negate(d.W[i]);
    }
    return d;
  }
  const DeepSignals<T> s = plain_deep_signals(a, w, Y, fb);
  d.W[1] = -s.delta[1];
  for (int l = 2; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    d.W[i] = -(s.delta[i] * s.P[i - 1].transpose());
  }
  return d;
}

template <class T>
struct DeepFlowConfig {
  DeepAlgorithm algorithm = DeepAlgorithm::fa;
  T end_time = T(1);
  /// Observation times in (0, end_time]; states are recorded at 0, at each of them, and at the end.
  std::vector<T> observe_at;
  T abs_tol = T(1e-10);
  T rel_tol = T(1e-10);
  int max_steps_between_observations = 100000;
};

template <class T>
struct DeepFlowTrajectory {
  std::vector<T> times;
  std::vector<Layers<T>> states;
  bool completed = false;  // integrated to end_time without blowing up or stalling
  bool blew_up = false;    // the loss left every bound: the solution does not exist to end_time
  std::string message;
  std::size_t integrator_steps = 0;
};

template <class T>
DeepFlowTrajectory<T> run_deep_flow(const Mat<T>& Y, const DeepFeedback<T>& fb, Layers<T> start,
                                    const DeepFlowConfig<T>& cfg);

#define FA_DECLARE_DEEP_FLOW(T, EXTERN)                                                         \
  EXTERN template DeepFlowTrajectory<T> run_deep_flow<T>(const Mat<T>&, const DeepFeedback<T>&, \
                                                         Layers<T>, const DeepFlowConfig<T>&);

FA_DECLARE_DEEP_FLOW(double, extern)
FA_DECLARE_DEEP_FLOW(Mp, extern)
FA_DECLARE_DEEP_FLOW(MpVar, extern)

}  // namespace fa
