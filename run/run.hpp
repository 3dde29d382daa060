// `fa-check run` and the Python module's faverify.run: one trajectory of GD, FA, FA* or a gradient
// flow on a user's matrix or a generated one.
//
// The run library: one core, two front ends. run_problem() takes the options and the input
// matrices (each with its name for messages and a loader), validates them, builds the problem and
// runs it, and returns the outcome as data. `fa-check run` (cli/run_command.hpp) gives it files
// and writes the outcome to files and stdout; the Python module (python/) gives it numpy arrays
// and returns the outcome as numpy arrays. Same code, so the same inputs give bit-identical
// results and the same error messages (spelled with the front end's option names: "--rank-of-y 9"
// or "rank_of_y=9"). The input checks both front ends share are in run/inputs.hpp. Compiled once
// per scalar in the fa_run library (run/run_double.cpp, run/run_mpvar.cpp).
#pragma once

#include "io/matrix_io.hpp"
#include "core/scalar.hpp"
#include "dynamics/trajectory.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fa::run {

/// A bad option value or an inconsistent combination: one line, naming the option.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  // Y from a file, or generated from a recipe.
  std::string y_file;
  long long n = 0, m = 0, rank_of_y = 0;
  std::string spectrum = "flat";
  int spread = 0;
  std::uint64_t seed = 0;
  // The run.
  std::string algo = "fa";
  long long r = 0;
  bool r_given = false;
  bool eta_given = false;
  double eta = 0;
  int step_log2 = -3;
  bool steps_given = false;
  long long steps = 10000;
  bool time_given = false;
  double time = 10;
  std::string init = "zero";
  bool init_given = false;
  int init_log2 = -8;
  std::string z0_file, w0_file, b_file;
  int b_scale_log2 = 0;  // drawn B = 2^b_scale_log2 N(0, 1/n) (not with --b FILE)
  double tol = 1e-10;
  double flow_tol = 1e-10;
  long long record_every = 0;  // 0: about 1000 rows
  int observations = 100;
  // Precision: 0 for double, else MPFR bits (MpVar, set before the run).
  int bits = 0;
  int bits_asked = 0;
  // Output (fa-check only).
  std::string out_dir;
  std::string format;  // empty: the input's format (csv when generated)
  bool save_y = false;
  std::string progress = "auto";  // auto | always | never
  // A cell of the regime map: this many seeded instances (regimes/cell.hpp); 0: one run.
  int replicates = 0;
  // A deep network (run/deep_run.hpp): depth L >= 2 and hidden widths "d_1,...,d_{L-1}";
  // depth 0: the two-layer run.
  int depth = 0;
  std::string widths;
  // The literature's dynamics (dynamics/literature.hpp, docs/claims-literature.md). Weight decay
  // lambda on both factors (GD, FA: regularised_step, even when given as 0); --algo pseudo-bp is
  // Lillicrap's pseudo-backprop rule; --init aligned is Girotti's spectral start with these gains.
  bool weight_decay_given = false;
  double weight_decay = 0;
  std::string feedback_gains;  // "g1,...,gk": B = U diag(g) for --init aligned
  // A network on data (dynamics/network.hpp): inputs X (d x N) from a file or generated
  // (generators/literature.hpp: data_inputs, teacher_map), loss (1/2N) ||Z W X - Y||_F^2.
  std::string x_file;
  long long data_dim = 0, samples = 0;
};

/// How messages name the options: fa-check's flags ("--rank-of-y 9", "--z0 FILE") or the Python
/// module's keyword arguments ("rank_of_y=9", "z0").
enum class Spelling { cli, python };

/// "--rank-of-y" / "rank_of_y" (`flag` is given in the CLI's spelling).
inline std::string option_name(Spelling sp, const std::string& flag) {
  if (sp == Spelling::cli) return flag;
  std::string name = flag.substr(flag.find_first_not_of('-'));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

/// "--r 0" / "r=0".
inline std::string option_value(Spelling sp, const std::string& flag, const std::string& value) {
  return option_name(sp, flag) + (sp == Spelling::cli ? " " : "=") + value;
}

/// Largest matrix (entries) a run may hold: Recipe::max_entries for double; for MPFR, what keeps
/// about five n x m working matrices under 4 GiB (an MPFR value costs ~48 bytes plus its limbs).
inline std::int64_t entry_limit(int bits) {
  if (bits == 0) return io::max_entries;
  const std::int64_t per_entry = 48 + 8 * ((bits + 63) / 64);
  return std::min<std::int64_t>(io::max_entries, (std::int64_t(4) << 30) / (5 * per_entry));
}

/// Precision from its text: "double" -> 0, else a number of MPFR bits in [16, 100000]; throws
/// UsageError naming the option otherwise.
inline int parse_precision(const std::string& s, Spelling sp = Spelling::cli) {
  if (s == "double") return 0;
  if (s.empty() || s.size() > 7 || s.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError(option_value(sp, "--precision", "'" + s + "'") +
                     ": expected 'double' or a number of bits (e.g. 200)");
  const int bits = std::stoi(s);
  if (bits < 16 || bits > 100000)
    throw UsageError(option_value(sp, "--precision", s) + ": bits must be in [16, 100000]");
  return bits;
}

/// Whether `algo` names a gradient flow (gd-flow, fa-flow) rather than discrete steps.
inline bool is_flow_algo(const std::string& algo) {
  return algo == "gd-flow" || algo == "fa-flow";
}

/// Whether the run trains a network on data X (--x FILE, or --data-dim and --samples).
inline bool is_network_run(const RunOptions& o) {
  return !o.x_file.empty() || o.data_dim != 0 || o.samples != 0;
}

/// An input matrix of a run: its name in messages (a file path, or "(array b)") and how to get it
/// at the run's scalar type. Loaded when run_problem needs it, so errors come in the CLI's order.
template <class T>
struct MatrixSource {
  std::string name;
  std::function<Mat<T>()> load;  // empty: not given
  bool given() const { return static_cast<bool>(load); }
};

/// A matrix file read by the readers of io/matrix_io.hpp at `bits` (0: double); an empty
/// path gives a source that is not given.
template <class T>
MatrixSource<T> file_source(const std::string& path, int bits);

template <class T>
struct RunInputs {
  RunOptions opt;  // the file names in opt are not used: the sources below are
  Spelling spelling = Spelling::cli;
  MatrixSource<T> y, b, z0, w0;
  MatrixSource<T> x;  // network inputs X (d x N); not given: no data, or generated X
};

/// Called during a run, with no lock held. Discrete runs: after every step, with (steps done, step
/// budget, loss). Flows: at every evaluation of the right-hand side, with (time reached, end time,
/// NaN). It may throw to abort the run; the exception leaves run_problem.
using ProgressHook = std::function<void(double done, double total, double loss)>;

/// What a run was and how it ended, without its matrices and high-precision numbers.
struct RunDescription {
  bool flow = false;
  std::string algo;            // as asked: gd, fa, fastar, gd-flow, fa-flow
  std::string algorithm_name;  // GD, FA, FA* (reconstruction), GD flow, FA flow
  std::string y_desc;          // "generated {n=...}" or "<name> (3x4)"
  bool generated = false;
  std::string init;  // zero, small or given
  long long n = 0, m = 0, r = 0;
  int precision_bits = 53;
  std::string scalar;  // double or mpfr
  double eta = 0;      // discrete runs
  bool eta_given = false;
  std::string eta_rule;  // "--eta", or the default rule in words
  double time = 0;       // flows: end time and tolerance
  double flow_tol = 0;
  std::uint64_t seed = 0;
  RunStatus status = RunStatus::budget_exhausted;
  std::string message;
  long steps = 0;  // steps taken (flows: integrator steps)
  long diverged_at = -1;
  bool have_ratio = false;  // opt_r is not zero to working precision
  // The literature's options, as run (summary.json records them; "" / -1 when not used).
  std::string weight_decay;    // lambda as text
  std::string feedback_gains;  // --init aligned
  std::string x_desc;          // network runs: "<name> (dxN)" or "generated {d=..., N=...}"
  long long data_dim = -1, samples = -1;
};

/// Everything a run produced, and what it was run on.
template <class T>
struct RunOutcome : RunDescription {
  Mat<T> Y, B;
  Factors<T> start, final;
  std::vector<TraceRow<T>> rows;
  std::vector<T> times;  // flows: the time of each row
  T final_loss, opt_r, converged_loss;
  T ratio;  // ||ZW - Y||_F^2 / opt_r when have_ratio
  Mat<T> X;  // network runs: the inputs (d x N); Y is then the targets (n x N)
};

/// The run's summary, field by field in summary.json's order, for each front end to write in
/// its own form (fa-check: JSON text; the module: Python numbers). `out` has
///   text(key, std::string), integer(key, integer), step(key, long; -1 for none),
///   number(key, value of T or double, present).
template <class T, class Fields>
void summary_fields(const RunOutcome<T>& o, Fields& out) {
  out.text("y", o.y_desc);
  out.text("algorithm", o.algo);
  out.integer("n", o.n);
  out.integer("m", o.m);
  out.integer("r", o.r);
  out.integer("precision_bits", o.precision_bits);
  out.text("scalar", o.scalar);
  out.number("eta", o.eta, !o.flow);
  out.text("eta_rule", o.eta_rule);
  out.integer("seed", o.seed);
  out.text("init", o.init);
  out.text("status", status_name(o.status));
  out.text("message", o.message);
  out.integer("steps", o.steps);
  out.step("diverged_at", o.diverged_at);
  out.number("final_loss", o.final_loss, true);
  out.number("opt_r", o.opt_r, true);
  out.number("ratio", o.ratio, o.have_ratio);
  out.number("converged_loss", o.converged_loss, true);
  out.text("weight_decay", o.weight_decay);
  out.text("feedback_gains", o.feedback_gains);
  out.text("x", o.x_desc);
  out.step("data_dim", o.data_dim);
  out.step("samples", o.samples);
}

/// Validates the inputs, builds the problem (Y, B, start, eta) and runs it. Throws UsageError,
/// fa::io::MatrixIoError (from a loader) or std::invalid_argument on bad input; a diverged run is
/// a status of the outcome, not an exception.
template <class T>
RunOutcome<T> run_problem(const RunInputs<T>& in, const ProgressHook& progress = {});

/// The summary fa-check prints (without the "wrote" lines).
template <class T>
std::string summary_text(const RunOutcome<T>& out);

/// FA's predicted limit error for r <= rank(Y) (claim A4), computed in T, NOT certified:
/// err* = ||Y (I - P)||_F^2 with P the projector onto row(B^T Y), and opt_r = sum_{i>r} sigma_i^2.
template <class T>
struct LimitEstimate {
  T err_star, opt_r;
  int rank_of_bty = 0;   // numerical rank of B^T Y (singular values above 100 eps sigma_1)
  bool defined = false;  // B^T Y has full row rank r, so P and err* are defined
};
template <class T>
LimitEstimate<T> limit_estimate(const Mat<T>& Y, const Mat<T>& B);

#define FA_DECLARE_RUN(T, EXTERN)                                                         \
  EXTERN template RunOutcome<T> run_problem<T>(const RunInputs<T>&, const ProgressHook&); \
  EXTERN template std::string summary_text<T>(const RunOutcome<T>&);                      \
  EXTERN template LimitEstimate<T> limit_estimate<T>(const Mat<T>&, const Mat<T>&);       \
  EXTERN template MatrixSource<T> file_source<T>(const std::string&, int);

FA_DECLARE_RUN(double, extern)
FA_DECLARE_RUN(MpVar, extern)

}  // namespace fa::run
