// Bodies of run/run.hpp; included by run/run_double.cpp and run/run_mpvar.cpp only.
// Everything heavy (decompositions, trajectories, flows, instances) is an extern template of
// fa_core: this file only orchestrates.
#pragma once

#include "run/inputs.hpp"
#include "run/run.hpp"
#include "core/linalg.hpp"
#include "dynamics/flow.hpp"
#include "dynamics/trajectory.hpp"
#include "generators/instance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace fa::run {

template <class T>
MatrixSource<T> file_source(const std::string& path, int bits) {
  MatrixSource<T> s;
  s.name = path;
  if (!path.empty()) s.load = [path, bits] { return read_matrix_file<T>(path, bits); };
  return s;
}

template <class T>
RunOutcome<T> run_problem(const RunInputs<T>& in, const ProgressHook& progress) {
  const RunOptions& opt = in.opt;
  const Spelling sp = in.spelling;
  auto flag = [sp](const std::string& f) { return option_name(sp, f); };
  auto said = [sp](const std::string& f, const std::string& v) { return option_value(sp, f, v); };
  // A matrix option in words: "--z0 FILE" on the command line, "z0" in Python.
  auto file_flag = [sp](const std::string& f) {
    return sp == Spelling::cli ? f + " FILE" : option_name(sp, f);
  };
  // Where r came from: "--b path" on the command line, "b" in Python.
  auto source_ref = [sp](const std::string& f, const MatrixSource<T>& s) {
    return sp == Spelling::cli ? f + " " + s.name : option_name(sp, f);
  };

  RunOutcome<T> out;
  out.flow = is_flow_algo(opt.algo);
  const bool flow = out.flow;
  if (!flow && opt.algo != "gd" && opt.algo != "fa" && opt.algo != "fastar")
    refuse(said("--algo", "'" + opt.algo + "'") + ": expected gd, fa, fastar, gd-flow or fa-flow");
  const Algorithm algorithm = flow ? Algorithm::fa : parse_algorithm(opt.algo);
  if (flow && opt.steps_given)
    refuse(flag("--steps") + " is for the discrete algorithms; flows take " + flag("--time"));
  if (!flow && opt.time_given)
    refuse(flag("--time") + " is for the flows (gd-flow, fa-flow); use " + flag("--steps"));
  if (opt.steps < 0) refuse(said("--steps", std::to_string(opt.steps)) + ": must be >= 0");
  if (flow && !(std::isfinite(opt.time) && opt.time > 0))
    refuse(said("--time", to_text(opt.time)) + ": must be finite and > 0");
  if (opt.eta_given && !(std::isfinite(opt.eta) && opt.eta > 0))
    refuse(said("--eta", to_text(opt.eta)) + ": the step size must be finite and > 0");
  if (flow && opt.eta_given) refuse(flag("--eta") + " has no meaning for a flow (gd-flow, fa-flow)");
  if (!(std::isfinite(opt.flow_tol) && opt.flow_tol > 0))
    refuse(said("--flow-tol", to_text(opt.flow_tol)) + ": must be finite and > 0");
  if (!std::isfinite(opt.tol))
    refuse(flag("--tol") + " must be finite (negative: run the whole budget)");
  if (opt.record_every < 0) refuse(flag("--record-every") + " must be >= 0");
  if (opt.step_log2 < -60 || opt.step_log2 > 4) refuse(flag("--step-log2") + " must be in [-60, 4]");
  if (opt.init_log2 < -100 || opt.init_log2 > 10)
    refuse(flag("--init-log2") + " must be in [-100, 10]");
  if (opt.b_scale_log2 < -30 || opt.b_scale_log2 > 30)
    refuse(flag("--b-scale-log2") + " must be in [-30, 30]");
  if (opt.observations < 1 || opt.observations > 1000000)
    refuse(flag("--observations") + " must be in [1, 1000000]");
  if (opt.init != "zero" && opt.init != "small" && opt.init != "given")
    refuse(said("--init", "'" + opt.init + "'") + ": expected zero, small or given");
  const bool given_init =
      opt.init == "given" || (!opt.init_given && (in.z0.given() || in.w0.given()));
  if (given_init && (!in.z0.given() || !in.w0.given()))
    refuse(said("--init", "given") + " needs both " + file_flag("--z0") + " and " +
          file_flag("--w0"));
  if (!given_init && (in.z0.given() || in.w0.given()))
    refuse(flag("--z0") + "/" + flag("--w0") + " are only used with " + said("--init", "given") +
          " (got " + said("--init", opt.init) + ")");
  const std::int64_t limit = entry_limit(opt.bits);

  // ---- Y, and what comes with it ----
  const bool generated = !in.y.given();
  if (!generated) {
    // fa-check's parser refuses these combinations before we get here; the module does not.
    const std::pair<const char*, bool> generator_options[] = {
        {"--n", opt.n != 0},
        {"--m", opt.m != 0},
        {"--rank-of-y", opt.rank_of_y != 0},
        {"--spectrum", opt.spectrum != "flat"},
        {"--spread", opt.spread != 0}};
    for (const auto& [name, set] : generator_options)
      if (set) refuse(flag("--y") + " excludes " + flag(name));
  }
  if (generated && (opt.n < 1 || opt.m < 1))
    refuse("generated Y needs " + flag("--n") + " >= 1 and " + flag("--m") + " >= 1 (got " +
          said("--n", std::to_string(opt.n)) + " " + said("--m", std::to_string(opt.m)) +
          "), or give " + file_flag("--y"));
  if (generated) {
    if (opt.n > limit / opt.m)
      refuse(said("--n", std::to_string(opt.n)) + " " + said("--m", std::to_string(opt.m)) +
            ": more than " + std::to_string(limit) + " entries at this precision; refused");
    if (opt.rank_of_y < 1 || opt.rank_of_y > std::min(opt.n, opt.m))
      refuse(said("--rank-of-y", std::to_string(opt.rank_of_y)) +
            ": must be in [1, min(n, m) = " + std::to_string(std::min(opt.n, opt.m)) + "]");
  }
  Mat<T>& Y = out.Y;
  Mat<T>& B = out.B;
  Recipe rec;
  long long r = opt.r;
  Mat<T> Z0, W0;
  if (given_init) {
    Z0 = in.z0.load();
    W0 = in.w0.load();
    if (Z0.cols() != W0.rows())
      refuse("Z0 " + in.z0.name + " is " + shape_text(Z0.rows(), Z0.cols()) + " and W0 " + in.w0.name +
            " is " + shape_text(W0.rows(), W0.cols()) + ": Z0's columns and W0's rows must both be r");
  }
  if (in.b.given()) B = in.b.load();
  // r: --r, else the inner size of a given B or Z0, else (generated) the rank of Y.
  std::string r_source = said("--r", std::to_string(r));
  if (!opt.r_given) {
    if (B.size()) {
      r = B.cols();
      r_source = "r = " + std::to_string(r) + " (columns of " + source_ref("--b", in.b) + ")";
    } else if (Z0.size()) {
      r = Z0.cols();
      r_source = "r = " + std::to_string(r) + " (columns of " + source_ref("--z0", in.z0) + ")";
    } else if (generated) {
      r = opt.rank_of_y;
      r_source = "r = " + std::to_string(r) + " (the rank of Y, " + flag("--rank-of-y") + ")";
    } else {
      refuse(flag("--r") + " is required with " + flag("--y") + " (or give " + flag("--b") + " / " +
            flag("--z0") + ", whose columns are r)");
    }
  }
  if (r < 1) refuse(r_source + ": r must be at least 1");

  if (generated) {
    if (r > std::min(opt.n, opt.m))
      refuse(r_source + ": r must be at most min(n, m) = " + std::to_string(std::min(opt.n, opt.m)) +
            " for Y " + shape_text(opt.n, opt.m));
    if (opt.spread < 0 || opt.spread > 60) refuse(flag("--spread") + " must be in [0, 60]");
    rec.n = static_cast<int>(opt.n);
    rec.m = static_cast<int>(opt.m);
    rec.k = static_cast<int>(opt.rank_of_y);
    rec.r = static_cast<int>(r);
    try {
      rec.spectrum = parse_spectrum(opt.spectrum);
    } catch (const std::invalid_argument& e) {
      refuse(flag("--spectrum") + ": " + e.what());
    }
    rec.spread = opt.spread;
    rec.seed = opt.seed;
    rec.init = opt.init == "small" ? Init::small : Init::zero;
    rec.init_log2 = opt.init_log2;
    rec.b_scale_log2 = opt.b_scale_log2;
    rec.step_log2 = opt.step_log2;  // as the recipe is described (eta is computed below)
    rec.validate();
    Instance<T> inst = materialise<T>(rec);
    Y = std::move(inst.Y);
    out.opt_r = inst.opt_r;
    if (!B.size()) B = std::move(inst.B);
    out.y_desc = "generated " + rec.describe();
  } else {
    Y = in.y.load();
    const long long n = Y.rows(), m = Y.cols();
    check_r_for_target(r, r_source, in.y.name, n, m);
    rec.n = static_cast<int>(n);
    rec.m = static_cast<int>(m);
    rec.r = static_cast<int>(r);
    rec.seed = opt.seed;
    rec.init = opt.init == "small" ? Init::small : Init::zero;
    rec.init_log2 = opt.init_log2;
    out.opt_r = best_rank_error<T>(Y, static_cast<int>(r));
    if (!B.size()) {
      B = default_feedback<T>(n, r, opt.seed);
      if (opt.b_scale_log2 != 0) B *= T(std::ldexp(1.0, opt.b_scale_log2));  // as materialise
    }
    out.y_desc = in.y.name + " (" + shape_text(n, m) + ")";
  }
  const Eigen::Index n = Y.rows(), m = Y.cols();
  check_feedback_shape(B, in.b.name, n, r, r_source);

  // ---- initial factors ----
  if (given_init) {
    if (Z0.rows() != n || Z0.cols() != r)
      refuse("Z0 " + in.z0.name + " is " + shape_text(Z0.rows(), Z0.cols()) + ", expected " +
            shape_text(n, r) + " (n x r: n = rows of Y, " + r_source + ")");
    if (W0.rows() != r || W0.cols() != m)
      refuse("W0 " + in.w0.name + " is " + shape_text(W0.rows(), W0.cols()) + ", expected " +
            shape_text(r, m) + " (r x m: m = columns of Y, " + r_source + ")");
    out.start = Factors<T>{std::move(Z0), std::move(W0)};
  } else if (opt.init == "small") {
    out.start = initial_factors<T>(rec);
  } else {
    out.start = reference_dynamics<T>().zero_init(n, r, m);
  }

  // ---- step size (a double, shared by every precision) ----
  double eta = opt.eta;
  std::string eta_rule = flag("--eta");
  if (!opt.eta_given) {
    const Mat<double> Yd = cast_matrix<double>(Y), Bd = cast_matrix<double>(B);
    double s1 = spectral_norm<double>(Yd);
    if (!(s1 > 0)) s1 = 1;
    const double bn = spectral_norm<double>(Bd);
    eta = std::ldexp(1.0, opt.step_log2) / (s1 * std::max(1.0, bn * bn));
    // The same check as every generated instance gets (generators/instance.hpp): the rule
    // recomputed another way (Gram eigenvalues) must agree to rounding.
    require_step_size_rule(eta, opt.step_log2, std::min(Yd.rows(), Yd.cols()), Yd, Bd);
    eta_rule = "2^" + std::to_string(opt.step_log2) + " / (sigma_1(Y) max(1, ||B||_2^2))";
  }

  out.algo = opt.algo;
  out.generated = generated;
  out.init = given_init ? "given" : opt.init;
  out.n = n;
  out.m = m;
  out.r = r;
  out.precision_bits = precision_bits<T>();
  out.scalar = std::is_same_v<T, double> ? "double" : "mpfr";
  out.eta = flow ? 0.0 : eta;
  out.eta_given = opt.eta_given;
  out.eta_rule = flow ? std::string() : eta_rule;
  out.time = opt.time;
  out.flow_tol = opt.flow_tol;
  out.seed = opt.seed;
  out.algorithm_name =
      flow ? (opt.algo == "gd-flow" ? std::string("GD flow") : std::string("FA flow"))
           : algorithm_name(algorithm);
  if (!flow && algorithm == Algorithm::fa_star) out.algorithm_name += " (reconstruction)";

  // ---- run ----
  const T half_y_sq = Y.squaredNorm() / 2;
  out.converged_loss = opt.tol >= 0 ? T(out.opt_r / 2 + T(opt.tol) * half_y_sq) : T(-1);
  if (!flow) {
    RunConfig<T> cfg;
    cfg.algorithm = algorithm;
    cfg.eta = T(eta);
    cfg.max_steps = static_cast<long>(opt.steps);
    cfg.record_every = opt.record_every > 0 ? static_cast<long>(opt.record_every)
                                            : std::max(1L, static_cast<long>(opt.steps / 1000));
    cfg.converged_loss = out.converged_loss;
    if (progress) {
      const double total = static_cast<double>(cfg.max_steps);
      cfg.on_progress = [&progress, total](long done, double loss) {
        progress(static_cast<double>(done), total, loss);
      };
    }
    Trajectory<T> traj = run_dynamics<T>(reference_dynamics<T>(), Y, B, out.start, cfg);
    out.rows = std::move(traj.rows);
    out.final = std::move(traj.final);
    out.status = traj.status;
    out.message = traj.message;
    out.steps = traj.steps_taken;
    out.diverged_at = traj.diverged_at;
    out.final_loss = traj.final_loss;
  } else {
    FlowConfig<T> cfg;
    cfg.kind = opt.algo == "gd-flow" ? FlowKind::gd : FlowKind::fa;
    cfg.end_time = T(opt.time);
    for (int i = 1; i < opt.observations; ++i)
      cfg.observe_at.push_back(T(opt.time) * T(i) / T(opt.observations));
    cfg.abs_tol = T(opt.flow_tol);
    cfg.rel_tol = T(opt.flow_tol);
    if (progress) {
      const double end = opt.time;
      cfg.on_progress = [&progress, end](double t) {
        progress(t, end, std::numeric_limits<double>::quiet_NaN());
      };
    }
    FlowTrajectory<T> traj = run_flow<T>(Y, B, out.start, cfg);
    out.rows = std::move(traj.rows);
    out.times = std::move(traj.times);
    out.final = std::move(traj.final);
    out.status = traj.status;
    out.message = traj.message;
    out.steps = static_cast<long>(traj.integrator_steps);
    out.final_loss = (out.final.Z * out.final.W - Y).squaredNorm() / 2;
    if (out.status != RunStatus::diverged && out.converged_loss >= 0 &&
        out.final_loss <= out.converged_loss)
      out.status = RunStatus::converged;
  }

  const T err = 2 * out.final_loss;
  // opt_r of a matrix of rank <= r is zero up to the SVD's rounding (~ eps ||Y||): no ratio then.
  const T zero_level = T(100) * epsilon<T>();
  out.have_ratio = out.opt_r > zero_level * zero_level * Y.squaredNorm();
  out.ratio = out.have_ratio ? T(err / out.opt_r) : T(0);
  return out;
}

template <class T>
std::string summary_text(const RunOutcome<T>& o) {
  auto short_text = [](const T& x) {
    std::ostringstream os;
    os.precision(10);
    os << to_double(x);
    return os.str();
  };
  std::ostringstream out;
  out << "fa-check run: " << o.algorithm_name << " on Y " << o.y_desc << "\n";
  out << "  r " << o.r << ", precision " << o.precision_bits << " bits ("
      << (std::is_same_v<T, double> ? "double" : "MPFR") << "), init " << o.init;
  if (o.flow) {
    out << ", time " << o.time << ", flow tolerance " << o.flow_tol << "\n";
  } else {
    out << ", eta " << to_text(o.eta) << (o.eta_given ? "" : " = " + o.eta_rule) << "\n";
  }
  // The core's message already starts with the status for discrete runs ("converged after ...").
  const std::string status_line = o.message.rfind(status_name(o.status), 0) == 0
                                      ? o.message
                                      : status_name(o.status) + " (" + o.message + ")";
  out << "status      " << status_line << "\n";
  out << "final loss  " << short_text(o.final_loss) << "   (1/2 ||ZW - Y||_F^2)\n";
  out << "opt_r       " << short_text(o.opt_r) << "   (best rank-r error, sum_{i>r} sigma_i^2)\n";
  out << "ratio       "
      << (o.have_ratio ? short_text(o.ratio) : std::string("n/a (opt_r is 0 to working precision)"))
      << "   (||ZW - Y||_F^2 / opt_r)\n";
  out << "steps       " << o.steps << (o.flow ? "   (integrator steps)" : "") << "\n";
  if (o.diverged_at >= 0) out << "diverged at step " << o.diverged_at << "\n";
  return out.str();
}

template <class T>
LimitEstimate<T> limit_estimate(const Mat<T>& Y, const Mat<T>& B) {
  if (Y.size() == 0 || B.rows() != Y.rows() || B.cols() < 1)
    throw std::invalid_argument("limit estimate: B must be n x r with n = rows of Y (Y " +
                                shape_text(Y.rows(), Y.cols()) + ", B " +
                                shape_text(B.rows(), B.cols()) + ")");
  if (!all_finite(Y) || !all_finite(B))
    throw std::invalid_argument("limit estimate: Y and B must be finite");
  LimitEstimate<T> est;
  const int r = static_cast<int>(B.cols());
  est.opt_r = r < std::min(Y.rows(), Y.cols()) ? best_rank_error<T>(Y, r) : T(0);
  // Rank of B^T Y as computed: each entry of the computed product is within n eps |B|^T |Y| of the
  // exact one (the dot-product rounding bound), so its singular values move by at most
  // n eps ||B||_F ||Y||_F (Weyl); singular values below that are indistinguishable from zero.
  const Mat<T> BtY = B.transpose() * Y;
  const Vec<T> s = singular_values<T>(BtY);
  const T floor_level = T(static_cast<double>(Y.rows())) * epsilon<T>() * B.norm() * Y.norm();
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (s(i) > floor_level) ++est.rank_of_bty;
  est.defined = est.rank_of_bty == r;
  est.err_star = est.defined ? fa_limit_error<T>(Y, B) : std::numeric_limits<T>::quiet_NaN();
  return est;
}

}  // namespace fa::run
