// Body of `fa-check run` (cli/run.hpp); included by cli/run_double.cpp and cli/run_mpvar.cpp only.
// Everything heavy (decompositions, trajectories, flows, instances) is an extern template of
// fa_core: this file only orchestrates.
#pragma once

#include "cli/matrix_convert.hpp"
#include "cli/run.hpp"
#include "core/linalg.hpp"
#include "dynamics/flow.hpp"
#include "dynamics/trajectory.hpp"
#include "generators/instance.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fa::cli {

namespace detail {

[[noreturn]] inline void usage(const std::string& msg) { throw UsageError(msg); }

inline std::string shape(Eigen::Index r, Eigen::Index c) {
  return std::to_string(r) + "x" + std::to_string(c);
}

/// Largest matrix (entries) a run may hold: Recipe::max_entries for double; for MPFR, what keeps
/// about five n x m working matrices under 4 GiB (an MPFR value costs ~48 bytes plus its limbs).
inline std::int64_t entry_limit(int bits) {
  if (bits == 0) return io::max_entries;
  const std::int64_t per_entry = 48 + 8 * ((bits + 63) / 64);
  return std::min<std::int64_t>(io::max_entries, (std::int64_t(4) << 30) / (5 * per_entry));
}

/// Progress on stderr: only when stderr is a terminal (or when asked), at most ten updates a second.
class Progress {
 public:
  Progress(const std::string& mode, long total) : total_(total) {
    enabled_ = mode == "always" || (mode == "auto" && isatty(STDERR_FILENO) == 1);
  }
  bool enabled() const { return enabled_; }
  void update(long done, double loss) {
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100) && done != total_) return;
    last_ = now;
    shown_ = true;
    std::fprintf(stderr, "\rfa-check: step %ld/%ld (%3d%%)  loss %.6e   ", done, total_,
                 total_ > 0 ? static_cast<int>(100.0 * static_cast<double>(done) /
                                               static_cast<double>(total_))
                            : 100,
                 loss);
    std::fflush(stderr);
  }
  void finish() {
    if (shown_) {
      std::fprintf(stderr, "\n");
      std::fflush(stderr);
    }
  }

 private:
  long total_;
  bool enabled_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

template <class T>
Mat<T> read_as(const std::string& path, int bits) {
  io::ReadOptions ro;
  ro.keep_text = !std::is_same_v<T, double>;
  ro.max_entries = entry_limit(bits);
  const io::RawMatrix raw = io::read_matrix(path, ro);
  try {
    return io::to_matrix<T>(raw);
  } catch (const std::runtime_error& e) {
    // Every text the reader accepted is a decimal number; MPFR refusing one would be our bug.
    throw io::MatrixIoError(path + ": an entry the reader accepted does not parse at " +
                            std::to_string(bits) + " bits (" + e.what() + ")");
  }
}

}  // namespace detail

template <class T>
int run_check(const RunOptions& opt) {
  using detail::shape;
  using detail::usage;
  const bool flow = opt.algo == "gd-flow" || opt.algo == "fa-flow";
  if (!flow && opt.algo != "gd" && opt.algo != "fa" && opt.algo != "fastar")
    usage("--algo '" + opt.algo + "': expected gd, fa, fastar, gd-flow or fa-flow");
  const Algorithm algorithm = flow ? Algorithm::fa : parse_algorithm(opt.algo);
  if (flow && opt.steps_given) usage("--steps is for the discrete algorithms; flows take --time");
  if (!flow && opt.time_given) usage("--time is for the flows (gd-flow, fa-flow); use --steps");
  if (opt.steps < 0) usage("--steps " + std::to_string(opt.steps) + ": must be >= 0");
  if (flow && !(std::isfinite(opt.time) && opt.time > 0))
    usage("--time " + to_text(opt.time) + ": must be finite and > 0");
  if (opt.eta_given && !(std::isfinite(opt.eta) && opt.eta > 0))
    usage("--eta " + to_text(opt.eta) + ": the step size must be finite and > 0");
  if (flow && opt.eta_given) usage("--eta has no meaning for a flow (gd-flow, fa-flow)");
  if (!(std::isfinite(opt.flow_tol) && opt.flow_tol > 0))
    usage("--flow-tol " + to_text(opt.flow_tol) + ": must be finite and > 0");
  if (!std::isfinite(opt.tol)) usage("--tol must be finite (negative: run the whole budget)");
  if (opt.record_every < 0) usage("--record-every must be >= 0");
  if (opt.step_log2 < -60 || opt.step_log2 > 4) usage("--step-log2 must be in [-60, 4]");
  if (opt.init_log2 < -100 || opt.init_log2 > 10) usage("--init-log2 must be in [-100, 10]");
  if (opt.observations < 1 || opt.observations > 1000000)
    usage("--observations must be in [1, 1000000]");
  if (opt.init != "zero" && opt.init != "small" && opt.init != "given")
    usage("--init '" + opt.init + "': expected zero, small or given");
  const bool given_init = opt.init == "given" || (!opt.init_given && (!opt.z0_file.empty() ||
                                                                      !opt.w0_file.empty()));
  if (given_init && (opt.z0_file.empty() || opt.w0_file.empty()))
    usage("--init given needs both --z0 FILE and --w0 FILE");
  if (!given_init && (!opt.z0_file.empty() || !opt.w0_file.empty()))
    usage("--z0/--w0 are only used with --init given (got --init " + opt.init + ")");
  if (opt.progress != "auto" && opt.progress != "always" && opt.progress != "never")
    usage("--progress '" + opt.progress + "': expected auto, always or never");
  const std::int64_t limit = detail::entry_limit(opt.bits);

  // ---- Y, and what comes with it ----
  const bool generated = opt.y_file.empty();
  if (generated && (opt.n < 1 || opt.m < 1))
    usage("generated Y needs --n >= 1 and --m >= 1 (got --n " + std::to_string(opt.n) +
          " --m " + std::to_string(opt.m) + "), or give --y FILE");
  if (generated) {
    if (opt.n > limit / opt.m)
      usage("--n " + std::to_string(opt.n) + " --m " + std::to_string(opt.m) + ": " +
            "more than " + std::to_string(limit) + " entries at this precision; refused");
    if (opt.rank_of_y < 1 || opt.rank_of_y > std::min(opt.n, opt.m))
      usage("--rank-of-y " + std::to_string(opt.rank_of_y) + ": must be in [1, min(n, m) = " +
            std::to_string(std::min(opt.n, opt.m)) + "]");
  }
  Mat<T> Y, B;
  T opt_r(0);
  std::string y_desc;
  Recipe rec;
  io::Format out_format = io::Format::csv;
  long long r = opt.r;
  Mat<T> Z0, W0;
  if (given_init) {
    Z0 = detail::read_as<T>(opt.z0_file, opt.bits);
    W0 = detail::read_as<T>(opt.w0_file, opt.bits);
    if (Z0.cols() != W0.rows())
      usage("Z0 " + opt.z0_file + " is " + shape(Z0.rows(), Z0.cols()) + " and W0 " +
            opt.w0_file + " is " + shape(W0.rows(), W0.cols()) +
            ": Z0's columns and W0's rows must both be r");
  }
  if (!opt.b_file.empty()) B = detail::read_as<T>(opt.b_file, opt.bits);
  // r: --r, else the inner size of a given B or Z0, else (generated) the rank of Y.
  std::string r_source = "--r " + std::to_string(r);
  if (!opt.r_given) {
    if (B.size()) {
      r = B.cols();
      r_source = "r = " + std::to_string(r) + " (columns of --b " + opt.b_file + ")";
    } else if (Z0.size()) {
      r = Z0.cols();
      r_source = "r = " + std::to_string(r) + " (columns of --z0 " + opt.z0_file + ")";
    } else if (generated) {
      r = opt.rank_of_y;
      r_source = "r = " + std::to_string(r) + " (the rank of Y, --rank-of-y)";
    } else {
      usage("--r is required with --y (or give --b / --z0, whose columns are r)");
    }
  }
  if (r < 1) usage(r_source + ": r must be at least 1");

  if (generated) {
    if (r > std::min(opt.n, opt.m))
      usage(r_source + ": r must be at most min(n, m) = " +
            std::to_string(std::min(opt.n, opt.m)) + " for Y " + shape(opt.n, opt.m));
    if (opt.spread < 0 || opt.spread > 60) usage("--spread must be in [0, 60]");
    rec.n = static_cast<int>(opt.n);
    rec.m = static_cast<int>(opt.m);
    rec.k = static_cast<int>(opt.rank_of_y);
    rec.r = static_cast<int>(r);
    try {
      rec.spectrum = parse_spectrum(opt.spectrum);
    } catch (const std::invalid_argument& e) {
      usage(std::string("--spectrum: ") + e.what());
    }
    rec.spread = opt.spread;
    rec.seed = opt.seed;
    rec.init = opt.init == "small" ? Init::small : Init::zero;
    rec.init_log2 = opt.init_log2;
    rec.validate();
    Instance<T> inst = materialise<T>(rec);
    Y = std::move(inst.Y);
    opt_r = inst.opt_r;
    if (!B.size()) B = std::move(inst.B);
    y_desc = "generated " + rec.describe();
  } else {
    Y = detail::read_as<T>(opt.y_file, opt.bits);
    out_format = io::format_of_path(opt.y_file);
    const long long n = Y.rows(), m = Y.cols();
    if (r > std::min(n, m))
      usage(r_source + ": r must be at most min(n, m) = " + std::to_string(std::min(n, m)) +
            " for Y " + opt.y_file + " (" + shape(n, m) + ")");
    rec.n = static_cast<int>(n);
    rec.m = static_cast<int>(m);
    rec.r = static_cast<int>(r);
    rec.seed = opt.seed;
    rec.init = opt.init == "small" ? Init::small : Init::zero;
    rec.init_log2 = opt.init_log2;
    opt_r = best_rank_error<T>(Y, static_cast<int>(r));
    if (!B.size()) {
      using std::sqrt;
      B = cast_matrix<T>(gaussian_matrix(n, r, opt.seed, Stream::feedback)) / sqrt(T(n));
    }
    y_desc = opt.y_file + " (" + shape(n, m) + ")";
  }
  if (!opt.format.empty()) out_format = io::parse_format(opt.format);
  const Eigen::Index n = Y.rows(), m = Y.cols();
  if (B.rows() != n || B.cols() != r)
    usage("B " + opt.b_file + " is " + shape(B.rows(), B.cols()) + ", expected " + shape(n, r) +
          " (n x r: n = rows of Y, " + r_source + ")");

  // ---- initial factors ----
  Factors<T> start;
  if (given_init) {
    if (Z0.rows() != n || Z0.cols() != r)
      usage("Z0 " + opt.z0_file + " is " + shape(Z0.rows(), Z0.cols()) + ", expected " +
            shape(n, r) + " (n x r: n = rows of Y, " + r_source + ")");
    if (W0.rows() != r || W0.cols() != m)
      usage("W0 " + opt.w0_file + " is " + shape(W0.rows(), W0.cols()) + ", expected " +
            shape(r, m) + " (r x m: m = columns of Y, " + r_source + ")");
    start = Factors<T>{Z0, W0};
  } else if (opt.init == "small") {
    start = initial_factors<T>(rec);
  } else {
    start = reference_dynamics<T>().zero_init(n, r, m);
  }

  // ---- step size (a double, shared by every precision) ----
  double eta = opt.eta;
  std::string eta_rule = "--eta";
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

  // ---- run ----
  const T half_y_sq = Y.squaredNorm() / 2;
  const T converged_loss = opt.tol >= 0 ? T(opt_r / 2 + T(opt.tol) * half_y_sq) : T(-1);
  std::vector<TraceRow<T>> rows;
  std::vector<T> times;
  Factors<T> final;
  RunStatus status;
  std::string message;
  long steps_done = 0;
  long diverged_at = -1;
  T final_loss;
  if (!flow) {
    RunConfig<T> cfg;
    cfg.algorithm = algorithm;
    cfg.eta = T(eta);
    cfg.max_steps = static_cast<long>(opt.steps);
    cfg.record_every = opt.record_every > 0 ? static_cast<long>(opt.record_every)
                                            : std::max(1L, static_cast<long>(opt.steps / 1000));
    cfg.converged_loss = converged_loss;
    detail::Progress progress(opt.progress, cfg.max_steps);
    if (progress.enabled())
      cfg.on_progress = [&progress](long done, double loss) { progress.update(done, loss); };
    Trajectory<T> traj = run_dynamics<T>(reference_dynamics<T>(), Y, B, start, cfg);
    progress.finish();
    rows = std::move(traj.rows);
    final = std::move(traj.final);
    status = traj.status;
    message = traj.message;
    steps_done = traj.steps_taken;
    diverged_at = traj.diverged_at;
    final_loss = traj.final_loss;
  } else {
    FlowConfig<T> cfg;
    cfg.kind = opt.algo == "gd-flow" ? FlowKind::gd : FlowKind::fa;
    cfg.end_time = T(opt.time);
    for (int i = 1; i < opt.observations; ++i)
      cfg.observe_at.push_back(T(opt.time) * T(i) / T(opt.observations));
    cfg.abs_tol = T(opt.flow_tol);
    cfg.rel_tol = T(opt.flow_tol);
    FlowTrajectory<T> traj = run_flow<T>(Y, B, start, cfg);
    rows = std::move(traj.rows);
    times = std::move(traj.times);
    final = std::move(traj.final);
    status = traj.status;
    message = traj.message;
    steps_done = static_cast<long>(traj.integrator_steps);
    final_loss = (final.Z * final.W - Y).squaredNorm() / 2;
    if (status != RunStatus::diverged && converged_loss >= 0 && final_loss <= converged_loss)
      status = RunStatus::converged;
  }

  const T err = 2 * final_loss;
  // opt_r of a matrix of rank <= r is zero up to the SVD's rounding (~ eps ||Y||): no ratio then.
  const T zero_level = T(100) * epsilon<T>();
  const bool have_ratio = opt_r > zero_level * zero_level * Y.squaredNorm();
  const T ratio = have_ratio ? T(err / opt_r) : T(0);

  // ---- output files ----
  std::vector<std::string> written;
  if (!opt.out_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec || !fs::is_directory(opt.out_dir))
      usage("--out " + opt.out_dir + ": cannot create the directory (" + ec.message() + ")");
    const fs::path dir(opt.out_dir);
    auto save = [&](const char* name, const Mat<T>& M) {
      const std::string path = (dir / (std::string(name) + io::extension(out_format))).string();
      io::write_eigen<T>(path, out_format, M);
      written.push_back(path);
      if (out_format == io::Format::npy && !std::is_same_v<T, double>) {
        // .npy holds float64 only: keep the full-precision values beside it.
        const std::string full = (dir / (std::string(name) + ".csv")).string();
        io::write_eigen<T>(full, io::Format::csv, M);
        written.push_back(full);
      }
    };
    save("Z", final.Z);
    save("W", final.W);
    save("B", B);
    if (opt.save_y) save("Y", Y);

    const std::string trace_path = (dir / "trace.csv").string();
    std::ofstream trace(trace_path);
    trace << (flow ? "time" : "step") << ",loss,feedback_residual,alignment,cos_z_b,opt_r\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const TraceRow<T>& row = rows[i];
      trace << (flow ? to_text(times[i]) : std::to_string(row.step)) << ',' << to_text(row.loss)
            << ',' << to_text(row.feedback_residual) << ',' << to_text(row.alignment) << ','
            << to_text(row.cos_z_b) << ',' << to_text(opt_r) << '\n';
    }
    trace.flush();
    if (!trace) throw io::MatrixIoError(trace_path + ": write failed");
    written.push_back(trace_path);

    nlohmann::json j;
    j["y"] = y_desc;
    j["algorithm"] = opt.algo;
    j["n"] = n;
    j["m"] = m;
    j["r"] = r;
    j["precision_bits"] = precision_bits<T>();
    j["scalar"] = scalar_name<T>();
    j["eta"] = flow ? std::string("") : to_text(eta);
    j["eta_rule"] = flow ? std::string("") : eta_rule;
    j["seed"] = opt.seed;
    j["init"] = given_init ? "given" : opt.init;
    j["status"] = status_name(status);
    j["message"] = message;
    j["steps"] = steps_done;
    j["diverged_at"] = diverged_at;
    j["final_loss"] = to_text(final_loss);
    j["opt_r"] = to_text(opt_r);
    j["ratio"] = have_ratio ? to_text(ratio) : std::string("");
    j["converged_loss"] = to_text(converged_loss);
    const std::string summary_path = (dir / "summary.json").string();
    std::ofstream summary(summary_path);
    summary << j.dump(2) << '\n';
    summary.flush();
    if (!summary) throw io::MatrixIoError(summary_path + ": write failed");
    written.push_back(summary_path);
  }

  // ---- summary ----
  auto short_text = [](const T& x) {
    std::ostringstream os;
    os.precision(10);
    os << to_double(x);
    return os.str();
  };
  std::ostringstream out;
  std::string algo_name = flow ? (opt.algo == "gd-flow" ? std::string("GD flow")
                                                        : std::string("FA flow"))
                               : algorithm_name(algorithm);
  if (!flow && algorithm == Algorithm::fa_star) algo_name += " (reconstruction)";
  out << "fa-check run: " << algo_name << " on Y " << y_desc << "\n";
  out << "  r " << r << ", precision " << precision_bits<T>() << " bits ("
      << (std::is_same_v<T, double> ? "double" : "MPFR") << "), init "
      << (given_init ? std::string("given") : opt.init);
  if (flow) {
    out << ", time " << opt.time << ", flow tolerance " << opt.flow_tol << "\n";
  } else {
    out << ", eta " << to_text(eta) << (opt.eta_given ? "" : " = " + eta_rule) << "\n";
  }
  // The core's message already starts with the status for discrete runs ("converged after ...").
  const std::string status_line = message.rfind(status_name(status), 0) == 0
                                      ? message
                                      : status_name(status) + " (" + message + ")";
  out << "status      " << status_line << "\n";
  out << "final loss  " << short_text(final_loss) << "   (1/2 ||ZW - Y||_F^2)\n";
  out << "opt_r       " << short_text(opt_r) << "   (best rank-r error, sum_{i>r} sigma_i^2)\n";
  out << "ratio       " << (have_ratio ? short_text(ratio) : std::string("n/a (opt_r is 0 to working precision)"))
      << "   (||ZW - Y||_F^2 / opt_r)\n";
  out << (flow ? "steps       " : "steps       ") << steps_done
      << (flow ? "   (integrator steps)" : "") << "\n";
  if (diverged_at >= 0) out << "diverged at step " << diverged_at << "\n";
  for (const std::string& w : written) out << "wrote       " << w << "\n";
  std::cout << out.str() << std::flush;
  return status == RunStatus::diverged ? exit_diverged : exit_ok;
}

}  // namespace fa::cli
