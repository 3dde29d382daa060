// `fa-check run --depth L --widths d_1,...,d_{L-1} --algo gd|fa|dfa` and faverify.run(...,
// depth=, widths=): one trajectory of a deep linear network (dynamics/deep.hpp,
// docs/claims-deep.md) on a generated Y. The instance is the deep recipe's (generators/deep.hpp):
// the same Y, eta and top feedback as the two-layer run with r = d_{L-1}, so --depth 2 --widths r
// --algo fa is the two-layer FA run. One core for both front ends, like run_problem (run/run.hpp).
#pragma once

#include "run/run.hpp"
#include "core/linalg.hpp"
#include "generators/deep.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace fa::run {

/// A deep run, validated.
struct DeepRunSpec {
  DeepRecipe recipe;
  DeepAlgorithm algorithm = DeepAlgorithm::fa;
  long steps = 10000;
  double tol = 1e-10;
  bool eta_given = false;
  double eta = 0;
  long record_every = 0;  // 0: about 1000 rows
};

/// "4,2,3" -> {4, 2, 3}; throws UsageError naming the option.
inline std::vector<int> parse_widths(const std::string& text, Spelling sp) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.size() > 6 ||
        item.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError(option_value(sp, "--widths", "'" + text + "'") +
                       ": expected hidden widths d_1,...,d_{L-1} as positive integers (e.g. 4,3)");
    out.push_back(std::stoi(item));
  }
  return out;
}

/// Validates the deep options of `o` (which has o.depth >= 1 or algo dfa) and builds the spec.
/// `given(flag)` tells whether an option was set by the caller.
template <class Given>
DeepRunSpec deep_run_spec(const RunOptions& o, Spelling sp, const Given& given) {
  auto fail = [&](const std::string& what) { throw UsageError(what); };
  DeepRunSpec s;
  if (o.depth == 0)
    fail(option_value(sp, "--algo", o.algo) + " needs " + option_name(sp, "--depth") +
         " (DFA is a deep-network algorithm; at depth 2 it is FA)");
  if (o.depth < 2 || o.depth > 12)
    fail(option_value(sp, "--depth", std::to_string(o.depth)) + ": depth must be in [2, 12]");
  try {
    s.algorithm = parse_deep_algorithm(o.algo);
  } catch (const std::invalid_argument&) {
    fail(option_value(sp, "--algo", o.algo) +
         ": a deep network runs gd, fa or dfa (FA* and the "
         "flows are two-layer only)");
  }
  for (const char* flag :
       {"--y", "--b", "--z0", "--w0", "--r", "--time", "--flow-tol", "--observations",
        "--replicates", "--weight-decay", "--feedback-gains", "--x", "--data-dim", "--samples"})
    if (given(flag))
      fail(option_name(sp, flag) + " does not apply to a deep run (" + option_name(sp, "--depth") +
           "): Y is generated from --n, --m, --rank-of-y, the "
           "feedback from --seed, and the hidden widths are " +
           option_name(sp, "--widths"));
  if (o.n < 1 || o.m < 1 || o.rank_of_y < 1)
    fail("a deep run needs a generated Y: " + option_name(sp, "--n") + ", " +
         option_name(sp, "--m") + ", " + option_name(sp, "--rank-of-y"));
  const std::vector<int> widths = parse_widths(o.widths, sp);
  if (static_cast<int>(widths.size()) != o.depth - 1)
    fail(option_value(sp, "--widths", o.widths) + " gives " + std::to_string(widths.size()) +
         " hidden widths; " + option_value(sp, "--depth", std::to_string(o.depth)) + " needs " +
         std::to_string(o.depth - 1) + " (d_1 .. d_{L-1})");
  for (std::size_t l = 0; l < widths.size(); ++l)
    if (widths[l] < 1)
      fail(option_value(sp, "--widths", o.widths) + ": d_" + std::to_string(l + 1) +
           " = 0; every hidden width must be >= 1");
  if (o.init != "zero" && o.init != "small")
    fail(option_value(sp, "--init", o.init) + ": a deep run starts from zero or small layers");
  if (o.steps < 0) fail(option_name(sp, "--steps") + " must be >= 0");
  if (o.eta_given && !(o.eta > 0 && o.eta < 1e300))
    fail(option_name(sp, "--eta") + " must be finite and > 0");
  DeepRecipe& r = s.recipe;
  r.base.n = static_cast<int>(o.n);
  r.base.m = static_cast<int>(o.m);
  r.base.k = static_cast<int>(o.rank_of_y);
  r.base.r = widths.back();
  try {
    r.base.spectrum = parse_spectrum(o.spectrum);
  } catch (const std::invalid_argument& e) {
    fail(option_name(sp, "--spectrum") + ": " + e.what());
  }
  r.base.spread = o.spread;
  r.base.seed = o.seed;
  r.base.step_log2 = o.step_log2;
  r.base.init = o.init == "small" ? Init::small : Init::zero;
  r.base.init_log2 = o.init_log2;
  r.base.b_scale_log2 = o.b_scale_log2;
  r.hidden = widths;
  try {
    r.validate();
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  s.steps = static_cast<long>(o.steps);
  s.tol = o.tol;
  s.eta_given = o.eta_given;
  s.eta = o.eta;
  s.record_every = static_cast<long>(o.record_every);
  return s;
}

template <class T>
struct DeepRunOutcome {
  DeepRunSpec spec;
  Mat<T> Y;
  Layers<T> start, final;
  DeepFeedback<T> feedback;
  double eta = 0;
  std::vector<long> trace_steps;
  std::vector<T> trace_loss;
  RunStatus status = RunStatus::budget_exhausted;
  long steps = 0;
  T final_loss, opt, converged_loss;
  std::string message;
};

/// Runs the spec: converged once 1/2 ||P_L - Y||^2 <= opt/2 + tol 1/2 ||Y||^2, opt the best
/// error of rank min(d_l) (sum of the squared singular values past the narrowest width);
/// diverged when the loss is not finite or above 1e8 max(L0, 1/2 ||Y||^2).
template <class T>
DeepRunOutcome<T> run_deep(const DeepRunSpec& spec, const ProgressHook& progress = {}) {
  DeepRunOutcome<T> out;
  out.spec = spec;
  const DeepInstance<T> inst = materialise_deep<T>(spec.recipe);
  out.Y = inst.Y();
  out.start = inst.start;
  out.feedback = inst.feedback;
  out.eta = spec.eta;
  if (!spec.eta_given) {
    // fa-check's rule, computed as its two-layer run computes it (run/run_impl.hpp: from the
    // double matrices, and checked against the rule recomputed another way), so that --depth 2
    // is that run bit for bit; B is the top feedback B_L.
    const Mat<double> Yd = cast_matrix<double>(out.Y);
    const Mat<double> Bd = cast_matrix<double>(inst.feedback.fa.back());
    double s1 = spectral_norm<double>(Yd);
    if (!(s1 > 0)) s1 = 1;
    const double bn = spectral_norm<double>(Bd);
    out.eta = std::ldexp(1.0, spec.recipe.base.step_log2) / (s1 * std::max(1.0, bn * bn));
    require_step_size_rule(out.eta, spec.recipe.base.step_log2, std::min(Yd.rows(), Yd.cols()), Yd,
                           Bd);
  }
  out.opt = T(0);
  for (int i = spec.recipe.narrowest(); i < spec.recipe.base.k; ++i)
    out.opt += inst.base.s(i) * inst.base.s(i);
  const T half_y = out.Y.squaredNorm() / 2;
  out.converged_loss = out.opt / 2 + T(spec.tol) * half_y;
  Layers<T> w = inst.start;
  validate_deep_problem(spec.algorithm, w, out.Y, inst.feedback);
  const T start_loss = deep_loss(w, out.Y);
  const T bound = T(1e8) * (start_loss > half_y ? start_loss : half_y);
  const long every = spec.record_every > 0 ? spec.record_every : std::max(1L, spec.steps / 1000);
  out.trace_steps.push_back(0);
  out.trace_loss.push_back(start_loss);
  DeepWorkspace<T> ws;
  const T eta(out.eta);
  T current = start_loss;
  long t = 0;
  for (; t < spec.steps; ++t) {
    deep_step(spec.algorithm, w, out.Y, inst.feedback, eta, ws);
    current = deep_loss(w, out.Y);
    if (progress) progress(double(t + 1), double(spec.steps), to_double(current));
    if (!is_finite(current) || current > bound) {
      out.status = RunStatus::diverged;
      out.message = "diverged at step " + std::to_string(t + 1) + ": loss " + to_text(current) +
                    " (eta = " + to_text(eta) + "; try a smaller step)";
      ++t;
      break;
    }
    if ((t + 1) % every == 0) {
      out.trace_steps.push_back(t + 1);
      out.trace_loss.push_back(current);
    }
    if (spec.tol >= 0 && current <= out.converged_loss) {
      out.status = RunStatus::converged;
      ++t;
      break;
    }
  }
  out.steps = t;
  if (out.trace_steps.back() != t) {
    out.trace_steps.push_back(t);
    out.trace_loss.push_back(current);
  }
  out.final_loss = current;
  out.final = std::move(w);
  if (out.message.empty())
    out.message = status_name(out.status) + " after " + std::to_string(t) + " steps";
  return out;
}

template <class T>
std::string deep_summary_text(const DeepRunOutcome<T>& o) {
  std::ostringstream os;
  const DeepRecipe& r = o.spec.recipe;
  os << "deep " << deep_algorithm_name(o.spec.algorithm) << " on generated " << r.describe()
     << "\n  depth " << r.depth() << ", widths";
  for (int d : r.widths()) os << " " << d;
  os << " (m .. n), "
     << (std::is_same_v<T, double> ? std::string("double")
                                   : "mpfr " + std::to_string(precision_bits<T>()) + " bits")
     << "\n  eta " << to_text(T(o.eta))
     << (o.spec.eta_given ? " (given)" : " (2^step-log2 / (sigma_1 max(1, ||B_L||_2^2)))")
     << "\n  status: " << o.message << "\n  final loss " << to_text(o.final_loss)
     << ", best loss of rank min(d_l) " << to_text(T(o.opt / 2)) << "\n";
  return os.str();
}

#define FA_DECLARE_DEEP_RUN(T, EXTERN)                                                    \
  EXTERN template DeepRunOutcome<T> run_deep<T>(const DeepRunSpec&, const ProgressHook&); \
  EXTERN template std::string deep_summary_text<T>(const DeepRunOutcome<T>&);

FA_DECLARE_DEEP_RUN(double, extern)
FA_DECLARE_DEEP_RUN(MpVar, extern)

}  // namespace fa::run
