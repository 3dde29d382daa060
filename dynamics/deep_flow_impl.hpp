// Body of run_deep_flow; included only by the generated instantiation units (part "dynamics").
#pragma once

#include "dynamics/deep_flow.hpp"
#include "dynamics/flow_impl.hpp"  // odeint, and its value-type fix for the MPFR numbers

namespace fa {

namespace detail {
struct DeepFlowBlewUp {
  double time;
};
}  // namespace detail

template <class T>
DeepFlowTrajectory<T> run_deep_flow(const Mat<T>& Y, const DeepFeedback<T>& fb, Layers<T> w,
                                    const DeepFlowConfig<T>& cfg) {
  namespace odeint = boost::numeric::odeint;
  validate_deep_problem(cfg.algorithm, w, Y, fb);
  if (!(cfg.end_time > 0)) throw std::invalid_argument("flow end time must be > 0");
  if (!(cfg.abs_tol > 0) || !(cfg.rel_tol > 0))
    throw std::invalid_argument("flow tolerances must be > 0");
  const int L = w.depth();
  auto unpack = [&](const std::vector<T>& x, Layers<T>& g) {
    g.W.resize(static_cast<std::size_t>(L + 1));
    std::size_t at = 0;
    for (int l = 1; l <= L; ++l) {
      const auto i = static_cast<std::size_t>(l);
      g.W[i] = Eigen::Map<const Mat<T>>(x.data() + at, w.W[i].rows(), w.W[i].cols());
      at += static_cast<std::size_t>(w.W[i].size());
    }
  };
  auto pack = [&](const Layers<T>& g, std::vector<T>& x) {
    std::size_t size = 0;
    for (int l = 1; l <= L; ++l)
      size += static_cast<std::size_t>(w.W[static_cast<std::size_t>(l)].size());
    x.resize(size);
    std::size_t at = 0;
    for (int l = 1; l <= L; ++l) {
      const auto i = static_cast<std::size_t>(l);
      Eigen::Map<Mat<T>>(x.data() + at, g.W[i].rows(), g.W[i].cols()) = g.W[i];
      at += static_cast<std::size_t>(g.W[i].size());
    }
  };
  auto system = [&](const std::vector<T>& x, std::vector<T>& dxdt, T /*t*/) {
    Layers<T> g;
    unpack(x, g);
    pack(deep_flow_rhs(cfg.algorithm, g, Y, fb), dxdt);
  };
  DeepFlowTrajectory<T> out;
  const T blow_up = T(1e8) * (Y.squaredNorm() + T(1));
  auto observe = [&](const std::vector<T>& x, T t) {
    Layers<T> g;
    unpack(x, g);
    const T l = deep_loss(g, Y);
    if (!is_finite(l) || l > blow_up) throw detail::DeepFlowBlewUp{to_double(t)};
    out.times.push_back(t);
    out.states.push_back(std::move(g));
  };
  std::vector<T> times{T(0)};
  for (const T& t : cfg.observe_at)
    if (t > 0 && t < cfg.end_time) times.push_back(t);
  times.push_back(cfg.end_time);
  std::vector<T> x;
  pack(w, x);
  // MpfrOperations: Odeint's operations, each scale sum in MPFR the exact sum rounded once
  // (odeint_mpfr.hpp).
  using Stepper = odeint::runge_kutta_fehlberg78<std::vector<T>, T, std::vector<T>, T,
                                                 odeint::range_algebra, MpfrOperations>;
  auto controlled = odeint::make_controlled(cfg.abs_tol, cfg.rel_tol, Stepper());
  try {
    out.integrator_steps = odeint::integrate_times(
        controlled, system, x, times.begin(), times.end(), T(cfg.end_time / 1000), observe,
        odeint::max_step_checker(cfg.max_steps_between_observations));
    out.completed = true;
    out.message = "integrated to t = " + to_text(cfg.end_time);
  } catch (const detail::DeepFlowBlewUp& e) {
    out.blew_up = true;
    out.message = "flow blew up (loss not finite or above 1e8 (||Y||^2 + 1)) by t = " +
                  std::to_string(e.time);
  } catch (const odeint::step_adjustment_error& e) {
    out.message = std::string("flow integrator could not meet its tolerance: ") + e.what();
  } catch (const odeint::no_progress_error& e) {
    out.message = std::string("flow integrator made no progress: ") + e.what();
  }
  return out;
}

}  // namespace fa
