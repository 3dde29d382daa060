// Body of run_dynamics; included only by core/instantiate_*.cpp.
#pragma once

#include "dynamics/trajectory.hpp"

#include <limits>
#include <sstream>

namespace fa {

namespace detail {

template <class T>
T quiet_nan() {
  return std::numeric_limits<T>::quiet_NaN();
}

inline std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

template <class T>
void validate_problem(const Mat<T>& Y, const Mat<T>& B, const Factors<T>& f, const T& eta) {
  const auto n = Y.rows(), m = Y.cols(), r = f.Z.cols();
  auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
  if (n == 0 || m == 0) fail("Y is empty (" + shape(n, m) + ")");
  if (r == 0) fail("r must be at least 1");
  if (f.Z.rows() != n) fail("Z has " + shape(f.Z.rows(), f.Z.cols()) + ", expected n=" +
                            std::to_string(n) + " rows to match Y " + shape(n, m));
  if (f.W.rows() != r || f.W.cols() != m)
    fail("W has " + shape(f.W.rows(), f.W.cols()) + ", expected " + shape(r, m) +
         " to match Z " + shape(n, r) + " and Y " + shape(n, m));
  if (B.rows() != n || B.cols() != r)
    fail("B has " + shape(B.rows(), B.cols()) + ", expected " + shape(n, r) + " (the shape of Z)");
  if (!all_finite(Y)) fail("Y has a non-finite entry");
  if (!all_finite(B)) fail("B has a non-finite entry");
  if (!all_finite(f.Z) || !all_finite(f.W)) fail("initial Z or W has a non-finite entry");
  if (!is_finite(eta) || !(eta > 0)) fail("step size eta must be finite and > 0, got " + to_text(eta));
}

}  // namespace detail

template <class T>
Trajectory<T> run_dynamics(const Dynamics<T>& dyn, const Mat<T>& Y, const Mat<T>& B,
                           Factors<T> f, const RunConfig<T>& cfg) {
  detail::validate_problem(Y, B, f, cfg.eta);
  if (cfg.max_steps < 0) throw std::invalid_argument("step budget must be >= 0");
  const T eta = cfg.eta;
  const T eta_sq = eta * eta;
  Trajectory<T> out;
  Workspace<T> ws;
  Mat<T> E(Y.rows(), Y.cols());

  const bool track = cfg.track_identities;
  Mat<T> q_pred, d_pred;
  if (track) {
    q_pred = alignment_matrix(f, B);
    d_pred = balance_matrix(f);
  }

  residual(f, Y, E);
  const T initial_loss = squared_norm(E) / 2;
  T divergence_loss = cfg.divergence_loss;
  if (!(divergence_loss > 0)) {
    T scale = initial_loss > Y.squaredNorm() / 2 ? initial_loss : T(Y.squaredNorm() / 2);
    divergence_loss = T(1e8) * (scale > 0 ? scale : T(1));
  }

  auto record = [&](long t) {
    residual(f, Y, E);
    TraceRow<T> row;
    row.step = t;
    row.loss = squared_norm(E) / 2;
    Mat<T> BtE = B.transpose() * E;
    Mat<T> ZtE = f.Z.transpose() * E;
    row.feedback_residual = BtE.norm();
    row.alignment = (B.transpose() * f.Z).trace();
    row.half_w_norm_sq = f.W.squaredNorm() / 2;
    row.cos_z_b = frobenius_cosine<T>(f.Z, B);
    row.cos_fa_gd_update = frobenius_cosine<T>(BtE, ZtE);
    row.q_residual = detail::quiet_nan<T>();
    row.d_residual = detail::quiet_nan<T>();
    if (track) {
      if (cfg.algorithm == Algorithm::gd) {
        row.d_residual = (balance_matrix(f) - d_pred).norm();
      } else {
        row.q_residual = (alignment_matrix(f, B) - q_pred).norm();
      }
    }
    out.rows.push_back(row);
  };

  if (cfg.record_every > 0) record(0);
  long t = 0;
  out.status = RunStatus::budget_exhausted;
  for (; t < cfg.max_steps; ++t) {
    if (track) {
      // The exact laws' right-hand sides, from the point before the step.
      residual(f, Y, E);
      if (cfg.algorithm == Algorithm::gd) {
        Mat<T> EWt = E.transpose() * f.Z;  // (Z^T E)^T
        Mat<T> EtW = E * f.W.transpose();  // E W^T
        d_pred += eta_sq * (EtW.transpose() * EtW - EWt.transpose() * EWt);
      } else if (cfg.algorithm == Algorithm::fa) {
        Mat<T> G = B.transpose() * E;
        q_pred -= eta_sq * (G * G.transpose());
      }
    }
    dyn.step(cfg.algorithm, f, Y, B, eta, t, ws);
    const long done = t + 1;
    if (done % cfg.check_every == 0 || done == cfg.max_steps) {
      residual(f, Y, E);
      const T current = squared_norm(E) / 2;
      if (!is_finite(current) || current > divergence_loss) {
        out.status = RunStatus::diverged;
        out.diverged_at = done;
        std::ostringstream msg;
        msg << "diverged at step " << done << ": loss " << to_double(current)
            << (is_finite(current) ? " exceeds the divergence bound " + to_text(divergence_loss)
                                   : std::string(" is not finite"))
            << " (eta = " << to_text(eta) << "; try a smaller step)";
        out.message = msg.str();
        ++t;
        break;
      }
      if (cfg.on_progress) cfg.on_progress(done, to_double(current));
      if (cfg.converged_loss >= 0 && current <= cfg.converged_loss) {
        out.status = RunStatus::converged;
        ++t;
        break;
      }
    }
    if (cfg.record_every > 0 && done % cfg.record_every == 0 && done != cfg.max_steps) record(done);
  }
  out.steps_taken = t;
  if (cfg.record_every > 0 && (out.rows.empty() || out.rows.back().step != t)) record(t);
  residual(f, Y, E);
  out.final_loss = squared_norm(E) / 2;
  out.final = std::move(f);
  if (out.message.empty())
    out.message = status_name(out.status) + " after " + std::to_string(out.steps_taken) + " steps";
  return out;
}

}  // namespace fa
