// Bodies of run/run.hpp; included by run/run_double.cpp and run/run_mpvar.cpp only.
// Everything heavy (decompositions, trajectories, flows, instances) is an extern template of
// fa_core: this file only orchestrates.
#pragma once

#include "run/inputs.hpp"
#include "run/run.hpp"
#include "core/linalg.hpp"
#include "dynamics/flow.hpp"
#include "dynamics/literature.hpp"
#include "dynamics/network.hpp"
#include "dynamics/trajectory.hpp"
#include "generators/instance.hpp"
#include "generators/literature.hpp"

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

namespace detail {

/// "--feedback-gains 1,0.5" as numbers; throws UsageError naming the option.
inline std::vector<double> parse_gains(const std::string& text, Spelling sp) {
  std::vector<double> gains;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    std::size_t used = 0;
    double g = 0;
    try {
      g = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || !std::isfinite(g))
      refuse(option_value(sp, "--feedback-gains", "'" + text + "'") +
             ": expected finite numbers g1,...,gk separated by commas");
    gains.push_back(g);
    start = end + 1;
  }
  return gains;
}

/// Decimal text of a list of gains, as summary.json records them.
inline std::string gains_text(const std::vector<double>& gains) {
  std::string text;
  for (double g : gains) text += (text.empty() ? "" : ",") + to_text(g);
  return text;
}

/// A discrete run's configuration from the options: budget, trace rows (about 1000 by default),
/// convergence level and progress.
template <class T>
RunConfig<T> discrete_config(const RunOptions& opt, Algorithm algorithm, double eta,
                             const T& converged_loss, const ProgressHook& progress) {
  RunConfig<T> cfg;
  cfg.algorithm = algorithm;
  cfg.eta = T(eta);
  cfg.max_steps = static_cast<long>(opt.steps);
  cfg.record_every = opt.record_every > 0 ? static_cast<long>(opt.record_every)
                                          : std::max(1L, static_cast<long>(opt.steps / 1000));
  cfg.converged_loss = converged_loss;
  if (progress) {
    const double total = static_cast<double>(cfg.max_steps);
    cfg.on_progress = [&progress, total](long done, double loss) {
      progress(static_cast<double>(done), total, loss);
    };
  }
  return cfg;
}

/// A discrete trajectory's rows, end point and status, into the run's outcome.
template <class T>
void take_trajectory(RunOutcome<T>& out, Trajectory<T>&& traj) {
  out.rows = std::move(traj.rows);
  out.final = std::move(traj.final);
  out.status = traj.status;
  out.message = traj.message;
  out.steps = traj.steps_taken;
  out.diverged_at = traj.diverged_at;
  out.final_loss = traj.final_loss;
}

/// A network trained on data X (dynamics/network.hpp, network_step_on_targets), recorded as
/// run_dynamics records the factorisation (same rows, statuses and divergence rule), with E the
/// network's error Z W X - Y: loss (1/2N) ||E||^2, feedback residual ||B^T E||, alignment
/// tr(B^T Z), cos(Z, B), cos(B^T E, Z^T E).
template <class T>
Trajectory<T> run_network(const Mat<T>& X, const Mat<T>& Y, const Mat<T>& B, Factors<T> f,
                          const RunConfig<T>& cfg) {
  const T N(static_cast<double>(X.cols()));
  Trajectory<T> out;
  const T initial = network_loss_on_targets(f, X, Y), half_y = Y.squaredNorm() / (2 * N);
  const T scale = initial > half_y ? initial : half_y;
  const T divergence_loss = T(1e8) * (scale > 0 ? scale : T(1));
  auto record = [&](long t) {
    const Mat<T> E = f.Z * f.W * X - Y;
    const Mat<T> BtE = B.transpose() * E, ZtE = f.Z.transpose() * E;
    TraceRow<T> row;
    row.step = t;
    row.loss = E.squaredNorm() / (2 * N);
    row.feedback_residual = BtE.norm();
    row.alignment = (B.transpose() * f.Z).trace();
    row.half_w_norm_sq = f.W.squaredNorm() / 2;
    row.cos_z_b = frobenius_cosine<T>(f.Z, B);
    row.cos_fa_gd_update = frobenius_cosine<T>(BtE, ZtE);
    row.q_residual = std::numeric_limits<T>::quiet_NaN();
    row.d_residual = std::numeric_limits<T>::quiet_NaN();
    out.rows.push_back(row);
  };
  if (cfg.record_every > 0) record(0);
  long t = 0;
  for (; t < cfg.max_steps; ++t) {
    f = network_step_on_targets(f, X, Y, B, cfg.eta, cfg.algorithm);
    const long done = t + 1;
    const T current = network_loss_on_targets(f, X, Y);
    if (!is_finite(current) || current > divergence_loss) {
      out.status = RunStatus::diverged;
      out.diverged_at = done;
      out.message = "diverged at step " + std::to_string(done) + ": loss " +
                    to_text(to_double(current)) + " (eta = " + to_text(cfg.eta) +
                    "; try a smaller step)";
      ++t;
      break;
    }
    if (cfg.on_progress) cfg.on_progress(done, to_double(current));
    if (cfg.converged_loss >= 0 && current <= cfg.converged_loss) {
      out.status = RunStatus::converged;
      ++t;
      break;
    }
    if (cfg.record_every > 0 && done % cfg.record_every == 0 && done != cfg.max_steps) record(done);
  }
  out.steps_taken = t;
  if (cfg.record_every > 0 && (out.rows.empty() || out.rows.back().step != t)) record(t);
  out.final_loss = network_loss_on_targets(f, X, Y);
  out.final = std::move(f);
  if (out.message.empty())
    out.message = status_name(out.status) + " after " + std::to_string(out.steps_taken) + " steps";
  return out;
}

}  // namespace detail

/// A network on data (--x FILE, or --data-dim d --samples N): targets Y (n x N) from --y FILE or
/// A X from a teacher A (n x d) drawn from the seed (generators/literature.hpp, as claim L6 draws
/// it); GD or FA steps of the network (dynamics/network.hpp); default step size L6's rule.
template <class T>
RunOutcome<T> run_network_problem(const RunInputs<T>& in, const ProgressHook& progress) {
  const RunOptions& opt = in.opt;
  const Spelling sp = in.spelling;
  auto flag = [sp](const std::string& f) { return option_name(sp, f); };
  auto said = [sp](const std::string& f, const std::string& v) { return option_value(sp, f, v); };
  const bool x_given = in.x.given();
  const std::string data_flags = x_given ? (sp == Spelling::cli ? "--x FILE" : "x")
                                         : flag("--data-dim") + "/" + flag("--samples");
  const std::string network_words = "a network on data (" + data_flags + ")";
  if (opt.algo != "gd" && opt.algo != "fa")
    refuse(said("--algo", opt.algo) + " does not apply to " + network_words +
           ": it trains with gd or fa steps (network_step)");
  if (opt.weight_decay_given)
    refuse(flag("--weight-decay") + " does not combine with " + network_words +
           ": weight decay is a step of the factorisation (regularised_step, claim L7)");
  if (opt.init == "aligned" || !opt.feedback_gains.empty())
    refuse(said("--init", "aligned") + " does not combine with " + network_words +
           ": the aligned start is the factorisation's (Y's singular vectors)");
  if (x_given && (opt.data_dim != 0 || opt.samples != 0))
    refuse(data_flags + " excludes " + flag("--data-dim") + " and " + flag("--samples") +
           " (generated data)");
  if (!x_given && (opt.data_dim < 1 || opt.samples < 1))
    refuse("generated data needs " + flag("--data-dim") + " >= 1 and " + flag("--samples") +
           " >= 1 (got " + said("--data-dim", std::to_string(opt.data_dim)) + " " +
           said("--samples", std::to_string(opt.samples)) + "), or give " +
           (sp == Spelling::cli ? std::string("--x FILE") : flag("--x")));
  const std::pair<const char*, bool> y_generator_options[] = {
      {"--m", opt.m != 0},
      {"--rank-of-y", opt.rank_of_y != 0},
      {"--spectrum", opt.spectrum != "flat"},
      {"--spread", opt.spread != 0}};
  for (const auto& [name, set] : y_generator_options)
    if (set)
      refuse(flag(name) + " does not apply to " + network_words + ": the targets are " +
             flag("--y") + " (n x N) or A X from a teacher A drawn from " + flag("--seed") +
             " with " + flag("--n") + " rows");
  if (in.y.given() && opt.n != 0) refuse(flag("--y") + " excludes " + flag("--n"));
  if (!in.y.given() && opt.n < 1)
    refuse("generated targets A X need " + flag("--n") + " >= 1 (the rows of A), or give " +
           flag("--y"));
  const std::int64_t limit = entry_limit(opt.bits);
  if (!x_given && opt.data_dim > limit / opt.samples)
    refuse(said("--data-dim", std::to_string(opt.data_dim)) + " " +
           said("--samples", std::to_string(opt.samples)) + ": more than " + std::to_string(limit) +
           " entries at this precision; refused");

  RunOutcome<T> out;
  Mat<T>& X = out.X;
  X = x_given
          ? in.x.load()
          : data_inputs<T>(static_cast<int>(opt.data_dim), static_cast<int>(opt.samples), opt.seed);
  const Eigen::Index d = X.rows(), N = X.cols();
  const std::string x_name = x_given ? in.x.name
                                     : "generated {d=" + std::to_string(d) +
                                           ", N=" + std::to_string(N) +
                                           ", seed=" + std::to_string(opt.seed) + "}";
  out.x_desc = x_given ? x_name + " (" + shape_text(d, N) + ")" : x_name;
  Mat<T>& Y = out.Y;
  if (in.y.given()) {
    Y = in.y.load();
    if (Y.cols() != N)
      refuse("Y " + in.y.name + " is " + shape_text(Y.rows(), Y.cols()) + " and X " + x_name +
             " is " + shape_text(d, N) +
             ": Y holds one target column per sample, so its columns must equal X's (N)");
    out.y_desc = in.y.name + " (" + shape_text(Y.rows(), Y.cols()) + ")";
  } else {
    if (opt.n > limit / std::max<Eigen::Index>(d, N))
      refuse(said("--n", std::to_string(opt.n)) + ": more than " + std::to_string(limit) +
             " entries at this precision; refused");
    Y = Mat<T>(cast_matrix<T>(teacher_map(static_cast<int>(opt.n), static_cast<int>(d), opt.seed)) *
               X);
    out.y_desc = "A X, teacher A " + shape_text(opt.n, d) + " N(0, 1/d) from seed " +
                 std::to_string(opt.seed);
  }
  const Eigen::Index n = Y.rows();

  // r: --r, else the columns of B or Z0, else (generated targets) min(n, d, N), their rank.
  Mat<T>& B = out.B;
  if (in.b.given()) B = in.b.load();
  Mat<T> Z0, W0;
  const bool given_init =
      opt.init == "given" || (!opt.init_given && (in.z0.given() || in.w0.given()));
  if (given_init) {
    Z0 = in.z0.load();
    W0 = in.w0.load();
  }
  long long r = opt.r;
  std::string r_source = said("--r", std::to_string(r));
  if (!opt.r_given) {
    if (B.size()) {
      r = B.cols();
      r_source = "r = " + std::to_string(r) + " (columns of B)";
    } else if (Z0.size()) {
      r = Z0.cols();
      r_source = "r = " + std::to_string(r) + " (columns of Z0)";
    } else if (!in.y.given()) {
      r = std::min<long long>({n, d, N});
      r_source = "r = " + std::to_string(r) + " (min(n, d, N), the rank of A X)";
    } else {
      refuse(flag("--r") + " is required with " + flag("--y") + " (or give " + flag("--b") + " / " +
             flag("--z0") + ", whose columns are r)");
    }
  }
  // Over-parameterised r is allowed (L6 uses r > rank); the bound only keeps the factors small.
  if (r < 1 || r > n + d)
    refuse(r_source + ": r must be in [1, n + d] = [1, " + std::to_string(n + d) + "]");
  if (r > limit / std::max<Eigen::Index>(n, d))
    refuse(r_source + ": the factors would have more than " + std::to_string(limit) +
           " entries at this precision; refused");
  if (!B.size()) {
    B = default_feedback<T>(n, r, opt.seed);
    if (opt.b_scale_log2 != 0) B *= T(std::ldexp(1.0, opt.b_scale_log2));
  }
  check_feedback_shape(B, in.b.name, n, r, r_source);
  if (given_init) {
    if (Z0.rows() != n || Z0.cols() != r)
      refuse("Z0 " + in.z0.name + " is " + shape_text(Z0.rows(), Z0.cols()) + ", expected " +
             shape_text(n, r) + " (n x r: n = rows of Y, " + r_source + ")");
    if (W0.rows() != r || W0.cols() != d)
      refuse("W0 " + in.w0.name + " is " + shape_text(W0.rows(), W0.cols()) + ", expected " +
             shape_text(r, d) + " (r x d: d = rows of X, " + r_source + ")");
    out.start = Factors<T>{std::move(Z0), std::move(W0)};
  } else if (opt.init == "small") {
    Recipe rec;  // only its sizes, seed and scale: the small start every run draws
    rec.n = static_cast<int>(n);
    rec.r = static_cast<int>(r);
    rec.m = static_cast<int>(d);
    rec.seed = opt.seed;
    rec.init = Init::small;
    rec.init_log2 = opt.init_log2;
    out.start = initial_factors<T>(rec);
  } else {
    out.start = Factors<T>{Mat<T>::Zero(n, r), Mat<T>::Zero(r, d)};
  }

  // Step size (a double): L6's rule 2^step_log2 / (sigma_1(Y / sqrt N) max(1, ||B||^2)
  // sigma_1(X)^2 / N), the factorisation's rule for the network's curvature.
  double eta = opt.eta;
  std::string eta_rule = flag("--eta");
  if (!opt.eta_given) {
    const Mat<double> Yd = cast_matrix<double>(Y), Bd = cast_matrix<double>(B),
                      Xd = cast_matrix<double>(X);
    double y_scale = spectral_norm<double>(Yd) / std::sqrt(double(N));
    if (!(y_scale > 0)) y_scale = 1;
    double x_max = singular_values<double>(Xd)(0);
    if (!(x_max > 0)) x_max = 1;
    const double b_norm = spectral_norm<double>(Bd);
    eta = std::ldexp(1.0, opt.step_log2) /
          (y_scale * std::max(1.0, b_norm * b_norm) * x_max * x_max / double(N));
    eta_rule = "2^" + std::to_string(opt.step_log2) +
               " / (sigma_1(Y/sqrt N) max(1, ||B||_2^2) sigma_1(X)^2/N)";
  }

  // opt_r: the least (1/N) ||M X - Y||^2 over M of rank <= r: with P the projector onto row(X),
  // ||Y (I - P)||^2 + (best rank-r error of Y P), over N. Defined here for X of full rank
  // min(d, N) (P = I when d >= N); a rank-deficient X leaves it unknown (NaN).
  const T NT(static_cast<double>(N));
  const int x_rank = numerical_rank<T>(X, T(100) * epsilon<T>());
  if (x_rank == std::min(d, N)) {
    if (d >= N) {
      out.opt_r = best_rank_error<T>(Y, static_cast<int>(r)) / NT;
    } else {
      const Mat<T> YP = Y * row_space_projector<T>(X);
      out.opt_r = (Mat<T>(Y - YP).squaredNorm() + best_rank_error<T>(YP, static_cast<int>(r))) / NT;
    }
  } else {
    out.opt_r = std::numeric_limits<T>::quiet_NaN();
  }

  const Algorithm algorithm = parse_algorithm(opt.algo);
  out.algo = opt.algo;
  out.algorithm_name = algorithm_name(algorithm) + " network on data X";
  out.generated = !in.y.given();
  out.init = given_init ? "given" : opt.init;
  out.n = n;
  out.m = N;
  out.r = r;
  out.data_dim = d;
  out.samples = N;
  out.precision_bits = precision_bits<T>();
  out.scalar = std::is_same_v<T, double> ? "double" : "mpfr";
  out.eta = eta;
  out.eta_given = opt.eta_given;
  out.eta_rule = eta_rule;
  out.seed = opt.seed;
  const T half_y_sq = Y.squaredNorm() / (2 * NT);
  const T opt_half = is_finite(out.opt_r) ? T(out.opt_r / 2) : T(0);
  out.converged_loss = opt.tol >= 0 ? T(opt_half + T(opt.tol) * half_y_sq) : T(-1);

  const RunConfig<T> cfg =
      detail::discrete_config<T>(opt, algorithm, eta, out.converged_loss, progress);
  detail::take_trajectory(out, detail::run_network<T>(X, Y, B, out.start, cfg));
  const T err = 2 * out.final_loss;
  const T zero_level = T(100) * epsilon<T>();
  out.have_ratio = is_finite(out.opt_r) && out.opt_r > zero_level * zero_level * 2 * half_y_sq;
  out.ratio = out.have_ratio ? T(err / out.opt_r) : T(0);
  return out;
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
  const bool pseudo = opt.algo == "pseudo-bp";
  if (!flow && !pseudo && opt.algo != "gd" && opt.algo != "fa" && opt.algo != "fastar")
    refuse(said("--algo", "'" + opt.algo + "'") +
           ": expected gd, fa, fastar, pseudo-bp, gd-flow or fa-flow");
  // pseudo-bp: LiteratureDynamics ignores the algorithm; FA's names the B it is given.
  const Algorithm algorithm = flow || pseudo ? Algorithm::fa : parse_algorithm(opt.algo);
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
  if (opt.init != "zero" && opt.init != "small" && opt.init != "given" && opt.init != "aligned")
    refuse(said("--init", "'" + opt.init + "'") + ": expected zero, small, given or aligned");
  if (opt.weight_decay_given && !(std::isfinite(opt.weight_decay) && opt.weight_decay >= 0))
    refuse(said("--weight-decay", to_text(opt.weight_decay)) +
           ": the weight decay lambda must be finite and >= 0");
  const bool given_init =
      opt.init == "given" || (!opt.init_given && (in.z0.given() || in.w0.given()));
  if (given_init && (!in.z0.given() || !in.w0.given()))
    refuse(said("--init", "given") + " needs both " + file_flag("--z0") + " and " +
           file_flag("--w0"));
  if (!given_init && (in.z0.given() || in.w0.given()))
    refuse(flag("--z0") + "/" + flag("--w0") + " are only used with " + said("--init", "given") +
           " (got " + said("--init", opt.init) + ")");
  if (in.x.given() || opt.data_dim != 0 || opt.samples != 0)
    return run_network_problem<T>(in, progress);
  if (pseudo && opt.weight_decay_given)
    refuse(flag("--weight-decay") + " does not combine with " + said("--algo", "pseudo-bp"));
  if (opt.weight_decay_given && opt.algo != "gd" && opt.algo != "fa")
    refuse(flag("--weight-decay") + " applies to " + said("--algo", "gd") + " or " +
           said("--algo", "fa") + " (regularised_step), not " + said("--algo", opt.algo));
  const bool aligned = opt.init == "aligned";
  if (!aligned && !opt.feedback_gains.empty())
    refuse(flag("--feedback-gains") + " is for " + said("--init", "aligned") + " (got " +
           said("--init", opt.init) + ")");
  if (aligned && opt.feedback_gains.empty())
    refuse(said("--init", "aligned") + " needs " + flag("--feedback-gains") +
           " g1,...,gk: one feedback gain per component of Y (B = U diag(g))");
  if (aligned && in.b.given())
    refuse(said("--init", "aligned") + " sets B = U diag(gains); it excludes " + flag("--b"));
  if (aligned && opt.b_scale_log2 != 0)
    refuse(said("--init", "aligned") + " sets B = U diag(gains); it excludes " +
           flag("--b-scale-log2"));
  if (aligned && in.y.given())
    refuse(said("--init", "aligned") + " needs a generated Y (" + flag("--n") + ", " + flag("--m") +
           ", " + flag("--rank-of-y") +
           "): its start is built from the recipe's singular vectors U, V");
  if (pseudo && opt.init == "zero")
    refuse(said("--algo", "pseudo-bp") + " needs a start with Z of full row rank (" +
           said("--init", "small") + ", given or aligned; got " + said("--init", "zero") +
           "): Z^+ = Z^T (Z Z^T)^-1 is not defined at Z = 0");
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

  // Weight decay (L7) and pseudo-backprop (L2: n < r < m) are studied over-parameterised: r up
  // to 4 max(n, m) there; min(n, m) otherwise.
  const bool wide_r = opt.weight_decay_given || pseudo;
  auto check_wide_r = [&](long long rows, long long cols, const std::string& y_name) {
    const long long r_max = 4 * std::max(rows, cols);
    if (r > r_max)
      refuse(r_source + ": r must be at most 4 max(n, m) = " + std::to_string(r_max) + " for Y " +
             y_name + shape_text(rows, cols) + " (" + flag("--weight-decay") + ", pseudo-bp)");
    if (r > limit / std::max(rows, cols))
      refuse(r_source + ": the factors would have more than " + std::to_string(limit) +
             " entries at this precision; refused");
  };
  if (generated) {
    if (wide_r)
      check_wide_r(opt.n, opt.m, "");
    else if (r > std::min(opt.n, opt.m))
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
    if (aligned) {
      // Girotti's spectral start (dynamics/literature.hpp), as claims L3 and L4 build it.
      const std::vector<double> gains = detail::parse_gains(opt.feedback_gains, sp);
      if (static_cast<long long>(gains.size()) != opt.rank_of_y)
        refuse(said("--feedback-gains", opt.feedback_gains) + " gives " +
               std::to_string(gains.size()) + " gains; " + said("--init", "aligned") +
               " needs one per component of Y, k = " + std::to_string(opt.rank_of_y) + " (" +
               flag("--rank-of-y") + ")");
      if (r != opt.rank_of_y)
        refuse(said("--init", "aligned") + " needs r = k (each column of Z starts on one of Y's " +
               "k components): got " + r_source + ", " +
               said("--rank-of-y", std::to_string(opt.rank_of_y)));
      AlignedStart<T> a = aligned_start<T>(inst.U, inst.V, gains, std::ldexp(1.0, opt.init_log2));
      B = std::move(a.B);
      Z0 = std::move(a.start.Z);
      W0 = std::move(a.start.W);
      out.feedback_gains = detail::gains_text(gains);
    }
    if (!B.size()) B = std::move(inst.B);
    out.y_desc = "generated " + rec.describe();
  } else {
    Y = in.y.load();
    const long long n = Y.rows(), m = Y.cols();
    if (wide_r)
      check_wide_r(n, m, in.y.name + " ");
    else
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
  if (aligned) {
    out.start = Factors<T>{std::move(Z0), std::move(W0)};
  } else if (given_init) {
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
    // The rule divides by sigma_1 and its cross-check squares it (Gram eigenvalues): for a Y this
    // small (subnormal entries, say) eta nears overflow and the check cannot agree. Say so.
    if (s1 > 0 && s1 < std::ldexp(1.0, -500))
      refuse("Y's largest singular value " + to_text(s1) +
             " is below 2^-500: the default step size 2^step-log2 / sigma_1(Y) is out of "
             "double's range; rescale Y, or give the step with " + flag("--eta"));
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
  if (pseudo) out.algorithm_name = "pseudo-backprop (W moves along Z^+ E)";
  if (opt.weight_decay_given) {
    out.weight_decay = to_text(opt.weight_decay);
    out.algorithm_name += " with weight decay " + out.weight_decay;
  }

  // ---- run ----
  const T half_y_sq = Y.squaredNorm() / 2;
  out.converged_loss = opt.tol >= 0 ? T(out.opt_r / 2 + T(opt.tol) * half_y_sq) : T(-1);
  if (!flow) {
    const RunConfig<T> cfg =
        detail::discrete_config<T>(opt, algorithm, eta, out.converged_loss, progress);
    // The literature's rules (dynamics/literature.hpp) go through run_dynamics like GD and FA.
    const LiteratureDynamics<T> literature =
        pseudo ? LiteratureDynamics<T>::pseudo_backprop()
               : LiteratureDynamics<T>::weight_decay(T(opt.weight_decay));
    const Dynamics<T>& dynamics = pseudo || opt.weight_decay_given
                                      ? static_cast<const Dynamics<T>&>(literature)
                                      : reference_dynamics<T>();
    try {
      detail::take_trajectory(out, run_dynamics<T>(dynamics, Y, B, out.start, cfg));
    } catch (const std::domain_error& e) {  // pseudo-backprop at a singular Z Z^T
      refuse(said("--algo", "pseudo-bp") + ": " + e.what());
    }
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
  const bool network = !o.x_desc.empty();
  if (network) out << "  data X " << o.x_desc << ", loss (1/2N) ||Z W X - Y||_F^2\n";
  if (!o.feedback_gains.empty())
    out << "  aligned start Z_0 = a U, W_0 = a V^T, B = U diag(" << o.feedback_gains << ")\n";
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
  out << "final loss  " << short_text(o.final_loss)
      << (network ? "   ((1/2N) ||Z W X - Y||_F^2)" : "   (1/2 ||ZW - Y||_F^2)")
      << (o.weight_decay.empty() ? "" : ", without the penalty lambda/2 (||Z||^2 + ||W||^2)")
      << "\n";
  out << "opt_r       " << short_text(o.opt_r)
      << (network ? "   (least (1/N) ||M X - Y||_F^2 over rank(M) <= r; nan: X rank-deficient)"
                  : "   (best rank-r error, sum_{i>r} sigma_i^2)")
      << "\n";
  out << "ratio       "
      << (o.have_ratio ? short_text(o.ratio) : std::string("n/a (opt_r is 0 to working precision)"))
      << (network ? "   ((1/N) ||Z W X - Y||_F^2 / opt_r)\n" : "   (||ZW - Y||_F^2 / opt_r)\n");
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
