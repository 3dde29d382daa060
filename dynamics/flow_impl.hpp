// Body of run_flow; included only by core/instantiate_*.cpp.
#pragma once

#include "dynamics/flow.hpp"
#include "dynamics/trajectory_impl.hpp"

#include "dynamics/odeint_mpfr.hpp"

#include <boost/numeric/odeint.hpp>

// Boost.Multiprecision numbers define value_type as themselves, which sends odeint's
// extract_value_type into an endless descent; stop it at the number.
namespace boost::numeric::odeint::detail {
template <>
struct extract_value_type<fa::Mp, void> {
  using type = fa::Mp;
};
template <>
struct extract_value_type<fa::MpVar, void> {
  using type = fa::MpVar;
};
}  // namespace boost::numeric::odeint::detail

namespace fa {

namespace detail {

template <class T>
struct FlowState {
  Eigen::Index n, r, m;
  void unpack(const std::vector<T>& x, Factors<T>& f) const {
    f.Z = Eigen::Map<const Mat<T>>(x.data(), n, r);
    f.W = Eigen::Map<const Mat<T>>(x.data() + n * r, r, m);
  }
  void pack(const Factors<T>& f, std::vector<T>& x) const {
    x.resize(static_cast<std::size_t>(n * r + r * m));
    Eigen::Map<Mat<T>>(x.data(), n, r) = f.Z;
    Eigen::Map<Mat<T>>(x.data() + n * r, r, m) = f.W;
  }
};

struct FlowBlewUp {
  double time;
};

}  // namespace detail

template <class T>
FlowTrajectory<T> run_flow(const Mat<T>& Y, const Mat<T>& B, Factors<T> f,
                           const FlowConfig<T>& cfg) {
  namespace odeint = boost::numeric::odeint;
  detail::validate_problem(Y, B, f, T(1));
  if (!(cfg.end_time > 0)) throw std::invalid_argument("flow end time must be > 0");
  if (!(cfg.abs_tol > 0) || !(cfg.rel_tol > 0))
    throw std::invalid_argument("flow tolerances must be > 0");
  const detail::FlowState<T> layout{Y.rows(), f.Z.cols(), Y.cols()};
  auto system = [&](const std::vector<T>& x, std::vector<T>& dxdt, T t) {
    if (cfg.on_progress) cfg.on_progress(to_double(t));
    Factors<T> g;
    layout.unpack(x, g);
    layout.pack(flow_rhs(cfg.kind, Y, B, g), dxdt);
  };

  FlowTrajectory<T> out;
  const Mat<T> q0 = alignment_matrix(f, B);
  const Mat<T> d0 = balance_matrix(f);
  const T blow_up = T(1e8) * (Y.squaredNorm() + T(1));
  auto observe = [&](const std::vector<T>& x, T t) {
    Factors<T> g;
    layout.unpack(x, g);
    Mat<T> E = g.Z * g.W - Y;
    TraceRow<T> row;
    row.step = static_cast<long>(out.rows.size());
    row.loss = E.squaredNorm() / 2;
    if (!is_finite(row.loss) || row.loss > blow_up) throw detail::FlowBlewUp{to_double(t)};
    Mat<T> BtE = B.transpose() * E;
    row.feedback_residual = BtE.norm();
    row.alignment = (B.transpose() * g.Z).trace();
    row.half_w_norm_sq = g.W.squaredNorm() / 2;
    row.cos_z_b = frobenius_cosine<T>(g.Z, B);
    row.cos_fa_gd_update = frobenius_cosine<T>(BtE, Mat<T>(g.Z.transpose() * E));
    row.q_residual = (alignment_matrix(g, B) - q0).norm();
    row.d_residual = (balance_matrix(g) - d0).norm();
    out.times.push_back(t);
    out.rows.push_back(row);
  };

  std::vector<T> times{T(0)};
  for (const T& t : cfg.observe_at)
    if (t > 0 && t < cfg.end_time) times.push_back(t);
  times.push_back(cfg.end_time);

  std::vector<T> x;
  layout.pack(f, x);
  // MpfrOperations: Odeint's operations, each scale sum in MPFR the exact sum rounded once
  // (odeint_mpfr.hpp).
  using Stepper = odeint::runge_kutta_fehlberg78<std::vector<T>, T, std::vector<T>, T,
                                                 odeint::range_algebra, MpfrOperations>;
  auto controlled = odeint::make_controlled(cfg.abs_tol, cfg.rel_tol, Stepper());
  const T dt0 = cfg.end_time / 1000;
  try {
    out.integrator_steps =
        odeint::integrate_times(controlled, system, x, times.begin(), times.end(), dt0, observe,
                                odeint::max_step_checker(cfg.max_steps_between_observations));
    out.status = RunStatus::budget_exhausted;
    out.message = "integrated to t = " + to_text(cfg.end_time);
  } catch (const detail::FlowBlewUp& e) {
    out.status = RunStatus::diverged;
    out.message = "flow blew up (loss not finite or above 1e8 (||Y||^2 + 1)) by t = " +
                  std::to_string(e.time);
  } catch (const odeint::step_adjustment_error& e) {
    out.status = RunStatus::diverged;
    out.message = std::string("flow integrator could not meet its tolerance: ") + e.what();
  } catch (const odeint::no_progress_error& e) {
    out.status = RunStatus::diverged;
    out.message = std::string("flow integrator made no progress: ") + e.what();
  }
  layout.unpack(x, out.final);
  return out;
}

}  // namespace fa
