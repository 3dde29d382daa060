// fa-check: single runs of GD, FA, FA* (reconstruction) and their gradient flows on a user's own
// matrices. Command line by CLI11. Subcommands:
//   run      one trajectory, its final factors and trace (cli/run_impl.hpp)
//   info     shape and spectrum summary of matrix files (checks that they read)
//   convert  one matrix file into another format (csv, mtx, npy)
// Errors: one line on stderr, "fa-check: error: ...", exit code 1. A diverged run exits with 2.
#include "cli/matrix_io.hpp"
#include "cli/run.hpp"
#include "core/linalg.hpp"
#include "core/scalar.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <new>
#include <string>
#include <vector>

namespace {

using fa::cli::RunOptions;
using fa::cli::UsageError;

void add_run_options(CLI::App* run, RunOptions& o, std::string& precision) {
  run->add_option("--y", o.y_file,
                  "target matrix Y from a file (.csv, .mtx or .npy, chosen by extension); "
                  "without it Y is generated from --n --m --rank-of-y --spectrum --seed");
  auto* n = run->add_option("--n", o.n, "generated Y: rows");
  auto* m = run->add_option("--m", o.m, "generated Y: columns");
  auto* k = run->add_option("--rank-of-y", o.rank_of_y, "generated Y: rank k");
  auto* sp = run->add_option("--spectrum", o.spectrum,
                             "generated Y: singular-value profile, sigma_1 = 1: flat, geometric "
                             "(condition 2^spread), gapped (gap after sigma_r), clustered")
                 ->capture_default_str();
  auto* spread = run->add_option("--spread", o.spread, "generated Y: log2 of the condition "
                                                       "number / gap / cluster width")
                     ->capture_default_str();
  for (CLI::Option* opt : {n, m, k, sp, spread}) opt->excludes("--y");
  run->add_option("--seed", o.seed,
                  "seed of every random draw: generated Y, B (unless --b), small init")
      ->capture_default_str();
  run->add_option("--algo", o.algo, "gd | fa | fastar (FA*, our reconstruction) | gd-flow | fa-flow")
      ->capture_default_str();
  run->add_option("--r", o.r,
                  "inner dimension r of ZW, 1 <= r <= min(n, m) (default: columns of --b or "
                  "--z0, or --rank-of-y when generated)");
  run->add_option("--eta", o.eta,
                  "step size (default: 2^step-log2 / (sigma_1(Y) max(1, ||B||_2^2)), computed "
                  "in double)");
  run->add_option("--step-log2", o.step_log2, "log2 of c in the default step size")
      ->capture_default_str();
  run->add_option("--steps", o.steps, "step budget of a discrete run")->capture_default_str();
  run->add_option("--time", o.time, "end time of a flow (gd-flow, fa-flow)")
      ->capture_default_str();
  run->add_option("--init", o.init, "initial factors: zero | small (2^init-log2 N(0,1) from "
                                    "--seed) | given (--z0, --w0)")
      ->capture_default_str();
  run->add_option("--init-log2", o.init_log2, "log2 of the small-init scale")
      ->capture_default_str();
  run->add_option("--z0", o.z0_file, "initial Z (n x r) for --init given");
  run->add_option("--w0", o.w0_file, "initial W (r x m) for --init given");
  run->add_option("--b", o.b_file,
                  "feedback matrix B (n x r) from a file (default: N(0, 1/n) entries from --seed)");
  run->add_option("--precision", precision,
                  "double, or BITS: MPFR with that many bits (e.g. 200); text files are then "
                  "parsed at that precision and outputs written in full")
      ->capture_default_str();
  run->add_option("--tol", o.tol,
                  "converged when 1/2||ZW-Y||^2 <= opt_r/2 + tol 1/2||Y||^2 (negative: run "
                  "the whole budget)")
      ->capture_default_str();
  run->add_option("--flow-tol", o.flow_tol, "flows: Odeint's absolute and relative tolerance")
      ->capture_default_str();
  run->add_option("--record-every", o.record_every,
                  "trace.csv: one row every this many steps (default: about 1000 rows)");
  run->add_option("--observations", o.observations, "flows: rows of trace.csv")
      ->capture_default_str();
  run->add_option("--out", o.out_dir,
                  "directory for Z, W, B (in Y's format, csv when generated), trace.csv and "
                  "summary.json");
  run->add_option("--format", o.format, "format of the output matrices: csv | mtx | npy");
  run->add_flag("--save-y", o.save_y, "also write Y to --out");
  run->add_option("--progress", o.progress,
                  "progress on stderr: auto (only when stderr is a terminal) | always | never")
      ->capture_default_str();
}

int do_run(RunOptions o, const std::string& precision, CLI::App* run) {
  o.r_given = run->get_option("--r")->count() > 0;
  o.eta_given = run->get_option("--eta")->count() > 0;
  o.steps_given = run->get_option("--steps")->count() > 0;
  o.time_given = run->get_option("--time")->count() > 0;
  o.init_given = run->get_option("--init")->count() > 0;
  o.bits_asked = fa::cli::parse_precision(precision);
  if (o.bits_asked == 0) return fa::cli::run_check<double>(o);
  o.bits = fa::set_mpvar_bits(o.bits_asked);
  return fa::cli::run_check<fa::MpVar>(o);
}

int do_info(const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    const fa::io::RawMatrix raw = fa::io::read_matrix(f);
    fa::Mat<double> M = Eigen::Map<const fa::Mat<double>>(raw.values.data(), raw.rows, raw.cols);
    const fa::Vec<double> s = fa::singular_values<double>(M);
    int rank = 0;
    for (Eigen::Index i = 0; i < s.size(); ++i)
      if (s(i) > 1e-12 * s(0)) ++rank;
    std::cout << f << ": " << fa::io::format_name(fa::io::format_of_path(f)) << ", " << raw.rows
              << "x" << raw.cols << ", ||.||_F " << M.norm() << ", sigma_1 "
              << (s.size() ? s(0) : 0.0) << ", numerical rank " << rank << " (sigma_i > 1e-12 "
              << "sigma_1)\n";
  }
  return 0;
}

int do_convert(const std::string& in, const std::string& out) {
  fa::io::ReadOptions ro;
  ro.keep_text = true;  // text to text keeps every digit the user wrote
  const fa::io::RawMatrix raw = fa::io::read_matrix(in, ro);
  fa::io::write_matrix(out, fa::io::format_of_path(out), raw.rows, raw.cols, raw.values, raw.text);
  std::cout << "wrote " << out << " (" << raw.rows << "x" << raw.cols << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fa-check: single runs of gradient descent (GD), feedback alignment (FA), FA* (our "
      "reconstruction) and their gradient flows on low-rank factorisation ZW ~ Y, on your own "
      "matrices or generated ones. Exit codes: 0 ok, 1 bad input, 2 the run diverged."};
  app.require_subcommand(1);

  RunOptions run_opt;
  std::string precision = "double";
  CLI::App* run = app.add_subcommand("run", "one trajectory: final Z, W, B, trace and a summary");
  add_run_options(run, run_opt, precision);

  std::vector<std::string> info_files;
  CLI::App* info = app.add_subcommand("info", "read matrix files and print shape and spectrum");
  info->add_option("files", info_files, "matrix files (.csv, .mtx, .npy)")->required();

  std::string conv_in, conv_out;
  CLI::App* convert = app.add_subcommand("convert", "convert a matrix file to another format");
  convert->add_option("input", conv_in, "input file (.csv, .mtx, .npy)")->required();
  convert->add_option("output", conv_out, "output file; its extension chooses the format")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::string sub;
    for (CLI::App* s : app.get_subcommands()) sub = " " + s->get_name();
    std::cerr << "fa-check: error: " << e.what() << " (see 'fa-check" << sub << " --help')"
              << std::endl;
    return fa::cli::exit_error;
  }

  try {
    if (*run) return do_run(run_opt, precision, run);
    if (*info) return do_info(info_files);
    if (*convert) return do_convert(conv_in, conv_out);
  } catch (const UsageError& e) {
    std::cerr << "fa-check: error: " << e.what() << std::endl;
  } catch (const fa::io::MatrixIoError& e) {
    std::cerr << "fa-check: error: " << e.what() << std::endl;
  } catch (const std::bad_alloc&) {
    std::cerr << "fa-check: error: out of memory" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "fa-check: error: " << e.what() << std::endl;
  }
  return fa::cli::exit_error;
}
