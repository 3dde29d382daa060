// Bodies of cli/run.hpp; included by cli/run_double.cpp and cli/run_mpvar.cpp only.
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
#include <limits>
#include <sstream>

namespace fa::cli {

namespace detail {

[[noreturn]] inline void usage(const std::string& msg) {
  throw UsageError(msg);
}

inline std::string shape(Eigen::Index r, Eigen::Index c) {
  return std::to_string(r) + "x" + std::to_string(c);
}

inline bool is_flow_algo(const std::string& algo) {
  return algo == "gd-flow" || algo == "fa-flow";
}

/// Progress on stderr: only when stderr is a terminal (or when asked), at most ten updates a
/// second.
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

/// summary.json's fields (summary_fields): every number as full-precision text, "" for none.
struct JsonFields {
  nlohmann::json j;
  void text(const char* key, const std::string& v) { j[key] = v; }
  template <class I>
  void integer(const char* key, I v) {
    j[key] = v;
  }
  void step(const char* key, long v) { j[key] = v; }
  template <class U>
  void number(const char* key, const U& v, bool present) {
    j[key] = present ? to_text(v) : std::string();
  }
};

/// The checks on r and on B's shape for a Y read from a file (n x m), shared by `fa-check run`
/// and `fa-check certify` so that both refuse bad input with the same words. r_source says where
/// r came from ("--r 2", "r = 2 (columns of --b B.csv)").
inline void check_r_for_file(long long r, const std::string& r_source, const std::string& y_name,
                             long long n, long long m) {
  if (r < 1) usage(r_source + ": r must be at least 1");
  if (r > std::min(n, m))
    usage(r_source + ": r must be at most min(n, m) = " + std::to_string(std::min(n, m)) +
          " for Y " + y_name + " (" + shape(n, m) + ")");
}

template <class T>
void check_feedback_shape(const Mat<T>& B, const std::string& b_name, Eigen::Index n, long long r,
                          const std::string& r_source) {
  if (B.rows() != n || B.cols() != r)
    usage("B " + b_name + " is " + shape(B.rows(), B.cols()) + ", expected " + shape(n, r) +
          " (n x r: n = rows of Y, " + r_source + ")");
}

/// B when no file gives it: N(0, 1/n) entries from the seed's feedback stream, as the suite's
/// instances draw it.
template <class T>
Mat<T> default_feedback(Eigen::Index n, long long r, std::uint64_t seed) {
  using std::sqrt;
  return cast_matrix<T>(gaussian_matrix(n, r, seed, Stream::feedback)) / sqrt(T(n));
}

}  // namespace detail

template <class T>
MatrixSource<T> file_source(const std::string& path, int bits) {
  MatrixSource<T> s;
  s.name = path;
  if (!path.empty()) s.load = [path, bits] { return detail::read_as<T>(path, bits); };
  return s;
}

template <class T>
RunOutcome<T> run_problem(const RunInputs<T>& in, const ProgressHook& progress) {
  using detail::shape;
  using detail::usage;
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
  out.flow = detail::is_flow_algo(opt.algo);
  const bool flow = out.flow;
  if (!flow && opt.algo != "gd" && opt.algo != "fa" && opt.algo != "fastar")
    usage(said("--algo", "'" + opt.algo + "'") + ": expected gd, fa, fastar, gd-flow or fa-flow");
  const Algorithm algorithm = flow ? Algorithm::fa : parse_algorithm(opt.algo);
  if (flow && opt.steps_given)
    usage(flag("--steps") + " is for the discrete algorithms; flows take " + flag("--time"));
  if (!flow && opt.time_given)
    usage(flag("--time") + " is for the flows (gd-flow, fa-flow); use " + flag("--steps"));
  if (opt.steps < 0) usage(said("--steps", std::to_string(opt.steps)) + ": must be >= 0");
  if (flow && !(std::isfinite(opt.time) && opt.time > 0))
    usage(said("--time", to_text(opt.time)) + ": must be finite and > 0");
  if (opt.eta_given && !(std::isfinite(opt.eta) && opt.eta > 0))
    usage(said("--eta", to_text(opt.eta)) + ": the step size must be finite and > 0");
  if (flow && opt.eta_given) usage(flag("--eta") + " has no meaning for a flow (gd-flow, fa-flow)");
  if (!(std::isfinite(opt.flow_tol) && opt.flow_tol > 0))
    usage(said("--flow-tol", to_text(opt.flow_tol)) + ": must be finite and > 0");
  if (!std::isfinite(opt.tol))
    usage(flag("--tol") + " must be finite (negative: run the whole budget)");
  if (opt.record_every < 0) usage(flag("--record-every") + " must be >= 0");
  if (opt.step_log2 < -60 || opt.step_log2 > 4) usage(flag("--step-log2") + " must be in [-60, 4]");
  if (opt.init_log2 < -100 || opt.init_log2 > 10)
    usage(flag("--init-log2") + " must be in [-100, 10]");
  if (opt.b_scale_log2 < -30 || opt.b_scale_log2 > 30)
    usage(flag("--b-scale-log2") + " must be in [-30, 30]");
  if (opt.observations < 1 || opt.observations > 1000000)
    usage(flag("--observations") + " must be in [1, 1000000]");
  if (opt.init != "zero" && opt.init != "small" && opt.init != "given")
    usage(said("--init", "'" + opt.init + "'") + ": expected zero, small or given");
  const bool given_init =
      opt.init == "given" || (!opt.init_given && (in.z0.given() || in.w0.given()));
  if (given_init && (!in.z0.given() || !in.w0.given()))
    usage(said("--init", "given") + " needs both " + file_flag("--z0") + " and " +
          file_flag("--w0"));
  if (!given_init && (in.z0.given() || in.w0.given()))
    usage(flag("--z0") + "/" + flag("--w0") + " are only used with " + said("--init", "given") +
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
      if (set) usage(flag("--y") + " excludes " + flag(name));
  }
  if (generated && (opt.n < 1 || opt.m < 1))
    usage("generated Y needs " + flag("--n") + " >= 1 and " + flag("--m") + " >= 1 (got " +
          said("--n", std::to_string(opt.n)) + " " + said("--m", std::to_string(opt.m)) +
          "), or give " + file_flag("--y"));
  if (generated) {
    if (opt.n > limit / opt.m)
      usage(said("--n", std::to_string(opt.n)) + " " + said("--m", std::to_string(opt.m)) +
            ": more than " + std::to_string(limit) + " entries at this precision; refused");
    if (opt.rank_of_y < 1 || opt.rank_of_y > std::min(opt.n, opt.m))
      usage(said("--rank-of-y", std::to_string(opt.rank_of_y)) +
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
      usage("Z0 " + in.z0.name + " is " + shape(Z0.rows(), Z0.cols()) + " and W0 " + in.w0.name +
            " is " + shape(W0.rows(), W0.cols()) + ": Z0's columns and W0's rows must both be r");
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
      usage(flag("--r") + " is required with " + flag("--y") + " (or give " + flag("--b") + " / " +
            flag("--z0") + ", whose columns are r)");
    }
  }
  if (r < 1) usage(r_source + ": r must be at least 1");

  if (generated) {
    if (r > std::min(opt.n, opt.m))
      usage(r_source + ": r must be at most min(n, m) = " + std::to_string(std::min(opt.n, opt.m)) +
            " for Y " + shape(opt.n, opt.m));
    if (opt.spread < 0 || opt.spread > 60) usage(flag("--spread") + " must be in [0, 60]");
    rec.n = static_cast<int>(opt.n);
    rec.m = static_cast<int>(opt.m);
    rec.k = static_cast<int>(opt.rank_of_y);
    rec.r = static_cast<int>(r);
    try {
      rec.spectrum = parse_spectrum(opt.spectrum);
    } catch (const std::invalid_argument& e) {
      usage(flag("--spectrum") + ": " + e.what());
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
    detail::check_r_for_file(r, r_source, in.y.name, n, m);
    rec.n = static_cast<int>(n);
    rec.m = static_cast<int>(m);
    rec.r = static_cast<int>(r);
    rec.seed = opt.seed;
    rec.init = opt.init == "small" ? Init::small : Init::zero;
    rec.init_log2 = opt.init_log2;
    out.opt_r = best_rank_error<T>(Y, static_cast<int>(r));
    if (!B.size()) {
      B = detail::default_feedback<T>(n, r, opt.seed);
      if (opt.b_scale_log2 != 0) B *= T(std::ldexp(1.0, opt.b_scale_log2));  // as materialise
    }
    out.y_desc = in.y.name + " (" + shape(n, m) + ")";
  }
  const Eigen::Index n = Y.rows(), m = Y.cols();
  detail::check_feedback_shape(B, in.b.name, n, r, r_source);

  // ---- initial factors ----
  if (given_init) {
    if (Z0.rows() != n || Z0.cols() != r)
      usage("Z0 " + in.z0.name + " is " + shape(Z0.rows(), Z0.cols()) + ", expected " +
            shape(n, r) + " (n x r: n = rows of Y, " + r_source + ")");
    if (W0.rows() != r || W0.cols() != m)
      usage("W0 " + in.w0.name + " is " + shape(W0.rows(), W0.cols()) + ", expected " +
            shape(r, m) + " (r x m: m = columns of Y, " + r_source + ")");
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
                                detail::shape(Y.rows(), Y.cols()) + ", B " +
                                detail::shape(B.rows(), B.cols()) + ")");
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

template <class T>
int run_check(const RunOptions& opt) {
  using detail::usage;
  if (opt.progress != "auto" && opt.progress != "always" && opt.progress != "never")
    usage("--progress '" + opt.progress + "': expected auto, always or never");
  if (!opt.format.empty()) io::parse_format(opt.format);  // refuse a bad --format before the run
  RunInputs<T> in;
  in.opt = opt;
  in.spelling = Spelling::cli;
  in.y = file_source<T>(opt.y_file, opt.bits);
  in.b = file_source<T>(opt.b_file, opt.bits);
  in.z0 = file_source<T>(opt.z0_file, opt.bits);
  in.w0 = file_source<T>(opt.w0_file, opt.bits);

  // Progress (discrete runs only: Odeint integrates between observations in one call).
  detail::Progress bar(opt.progress, static_cast<long>(opt.steps));
  ProgressHook hook;
  if (bar.enabled() && !detail::is_flow_algo(opt.algo))
    hook = [&bar](double done, double, double loss) { bar.update(static_cast<long>(done), loss); };
  const RunOutcome<T> o = run_problem<T>(in, hook);
  bar.finish();

  // ---- output files ----
  std::vector<std::string> written;
  if (!opt.out_dir.empty()) {
    io::Format out_format = opt.y_file.empty() ? io::Format::csv : io::format_of_path(opt.y_file);
    if (!opt.format.empty()) out_format = io::parse_format(opt.format);
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
    save("Z", o.final.Z);
    save("W", o.final.W);
    save("B", o.B);
    if (opt.save_y) save("Y", o.Y);

    const std::string trace_path = (dir / "trace.csv").string();
    std::ofstream trace(trace_path);
    trace << (o.flow ? "time" : "step") << ",loss,feedback_residual,alignment,cos_z_b,opt_r\n";
    for (std::size_t i = 0; i < o.rows.size(); ++i) {
      const TraceRow<T>& row = o.rows[i];
      trace << (o.flow ? to_text(o.times[i]) : std::to_string(row.step)) << ',' << to_text(row.loss)
            << ',' << to_text(row.feedback_residual) << ',' << to_text(row.alignment) << ','
            << to_text(row.cos_z_b) << ',' << to_text(o.opt_r) << '\n';
    }
    trace.flush();
    if (!trace) throw io::MatrixIoError(trace_path + ": write failed");
    written.push_back(trace_path);

    detail::JsonFields fields;
    summary_fields(o, fields);
    const nlohmann::json& j = fields.j;
    const std::string summary_path = (dir / "summary.json").string();
    std::ofstream summary(summary_path);
    summary << j.dump(2) << '\n';
    summary.flush();
    if (!summary) throw io::MatrixIoError(summary_path + ": write failed");
    written.push_back(summary_path);
  }

  // ---- summary ----
  std::ostringstream text;
  text << summary_text(o);
  for (const std::string& w : written) text << "wrote       " << w << "\n";
  std::cout << text.str() << std::flush;
  return o.status == RunStatus::diverged ? exit_diverged : exit_ok;
}

}  // namespace fa::cli
