// `fa-check run`: one trajectory of GD, FA, FA* or a gradient flow on a user's matrix or a
// generated one. The options as parsed by the command line (cli/fa_check.cpp), and the run itself,
// compiled once per scalar (cli/run_double.cpp, cli/run_mpvar.cpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace fa::cli {

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
  // Output.
  std::string out_dir;
  std::string format;  // empty: the input's format (csv when generated)
  bool save_y = false;
  std::string progress = "auto";  // auto | always | never
  // A cell of the regime map: this many seeded instances (regimes/cell.hpp); 0: one run.
  int replicates = 0;
};

/// Exit codes of `fa-check run`.
inline constexpr int exit_ok = 0;        // converged or budget exhausted
inline constexpr int exit_error = 1;     // bad input or usage
inline constexpr int exit_diverged = 2;  // the run diverged

/// Runs with scalar T (double or fa::MpVar, whose precision the caller has set). Throws UsageError,
/// fa::io::MatrixIoError or std::invalid_argument on bad input; returns the exit code.
template <class T>
int run_check(const RunOptions& opt);

}  // namespace fa::cli
