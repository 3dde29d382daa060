// fa-check: single runs of GD, FA, FA* (reconstruction) and their gradient flows on a user's own
// matrices. Command line by CLI11. Subcommands:
//   run      one trajectory, its final factors and trace (run/run.hpp, cli/run_command.hpp)
//   info     shape and spectrum summary of matrix files (checks that they read)
//   convert  one matrix file into another format (csv, mtx, npy)
//   certify  the separation certificate of a Y and B, in exact arithmetic (cli/certify.hpp)
// Errors: one line on stderr, "fa-check: error: ...", exit code 1. A diverged run exits with 2.
#include "cli/certify.hpp"
#include "cli/run_command.hpp"
#include "io/matrix_io.hpp"
#include "run/deep_run.hpp"
#include "run/run.hpp"
#include "core/linalg.hpp"
#include "core/scalar.hpp"
#include "regimes/cell.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <string>
#include <vector>

namespace {

using fa::run::RunOptions;
using fa::run::UsageError;

void add_run_options(CLI::App* run, RunOptions& o, std::string& precision) {
  run->add_option("--y", o.y_file,
                  "target matrix Y from a file (.csv, .mtx or .npy, chosen by extension); "
                  "without it Y is generated from --n --m --rank-of-y --spectrum --seed");
  auto* n = run->add_option("--n", o.n, "generated Y: rows");
  auto* m = run->add_option("--m", o.m, "generated Y: columns");
  auto* k = run->add_option("--rank-of-y", o.rank_of_y, "generated Y: rank k");
  auto* sp =
      run->add_option("--spectrum", o.spectrum,
                      "generated Y: singular-value profile, sigma_1 = 1: flat, geometric "
                      "(condition 2^spread), gapped (gap after sigma_r), clustered, near-tie "
                      "(sigma_{r+1} = 1 - 2^-spread after sigma_1..sigma_r = 1)")
          ->capture_default_str();
  auto* spread = run->add_option("--spread", o.spread, "generated Y: log2 of the condition "
                                                       "number / gap / cluster width")
                     ->capture_default_str();
  for (CLI::Option* opt : {n, m, k, sp, spread}) opt->excludes("--y");
  run->add_option("--seed", o.seed,
                  "seed of every random draw: generated Y, B (unless --b), small init")
      ->capture_default_str();
  run->add_option("--algo", o.algo,
                  "gd | fa | fastar (FA*, our reconstruction) | pseudo-bp (W moves along "
                  "Lillicrap's pseudo-backprop signal Z^+ E; needs r >= n) | gd-flow | fa-flow")
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
  run->add_option("--init", o.init,
                  "initial factors: zero | small (2^init-log2 N(0,1) from "
                  "--seed) | given (--z0, --w0) | aligned (Z_0 = a U, W_0 = "
                  "a V^T, a = 2^init-log2, B = U diag(--feedback-gains); "
                  "generated Y, r = k)")
      ->capture_default_str();
  run->add_option("--feedback-gains", o.feedback_gains,
                  "--init aligned: g1,...,gk, the feedback's gain on each singular component of "
                  "Y (B = U diag(g)); FA then learns component i at a speed set by g_i s_i");
  run->add_option("--weight-decay", o.weight_decay,
                  "lambda >= 0: GD or FA on 1/2||ZW-Y||^2 + lambda/2 (||Z||^2 + ||W||^2) "
                  "(regularised_step, as claim L7 runs it)");
  run->add_option("--x", o.x_file,
                  "a network on data: inputs X (d x N) from a file; Y (--y) is then the targets "
                  "(n x N) and the loss (1/2N) ||Z W X - Y||^2 (W is r x d)");
  run->add_option("--data-dim", o.data_dim,
                  "generated data: input dimension d of X = sqrt(N/d) G from --seed (d > N "
                  "allowed); targets A X from a teacher A (--n x d) unless --y");
  run->add_option("--samples", o.samples, "generated data: number of samples N (columns of X)");
  run->add_option("--init-log2", o.init_log2, "log2 of the small-init scale")
      ->capture_default_str();
  run->add_option("--z0", o.z0_file, "initial Z (n x r) for --init given");
  run->add_option("--w0", o.w0_file, "initial W (r x m) for --init given");
  auto* b_file = run->add_option(
      "--b", o.b_file,
      "feedback matrix B (n x r) from a file (default: N(0, 1/n) entries from --seed)");
  run->add_option("--b-scale-log2", o.b_scale_log2,
                  "scale of the drawn B: 2^x N(0, 1/n) entries, as a recipe's b_scale_log2 "
                  "(not with --b)")
      ->capture_default_str()
      ->excludes(b_file);
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
  run->add_option("--replicates", o.replicates,
                  "a regime-map cell: N instances generated from --seed (the first with --seed "
                  "itself), each run with --algo (fa, gd, fastar, or fa+gd: both, GD from small "
                  "init 2^init-log2 when --init zero); prints the cell's numbers, as fa-map's "
                  "cells print this command; --out DIR writes them to DIR/cell.json")
      ->check(CLI::Range(1, 100000));
  run->add_option("--depth", o.depth,
                  "a deep linear network of this depth L >= 2 (docs/claims-deep.md): --widths "
                  "gives its hidden widths, --algo gd | fa | dfa; Y is generated");
  run->add_option("--widths", o.widths, "deep run: hidden widths d_1,...,d_{L-1}, e.g. 4,3");
  run->add_option("--progress", o.progress,
                  "progress on stderr: auto (only when stderr is a terminal) | always | never")
      ->capture_default_str();
}

/// `fa-check run --depth L --widths ... --replicates N`: a deep cell of the regime map (its
/// depth grid), the same code fa-map runs (regimes/cell.cpp, run_cell).
int do_deep_cell(const RunOptions& o, CLI::App* run) {
  RunOptions single = o;
  single.algo = "fa";  // the options are validated as one deep run's; the algorithms below
  const auto given = [&](const char* flag) {
    return std::string(flag) != "--replicates" && run->get_option(flag)->count() > 0;
  };
  const fa::run::DeepRunSpec one = fa::run::deep_run_spec(single, fa::run::Spelling::cli, given);
  if (run->get_option("--eta")->count() > 0)
    throw UsageError("--eta does not apply to a cell (eta follows --step-log2)");
  fa::regimes::CellSpec spec;
  try {
    spec.deep_algorithms = fa::regimes::parse_deep_algorithms(o.algo);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--algo with --depth --replicates: ") + e.what());
  }
  spec.recipe = one.recipe.base;
  spec.hidden = one.recipe.hidden;
  spec.steps = one.steps;
  spec.tol = o.tol;
  spec.replicates = o.replicates;
  const nlohmann::json cell = fa::regimes::run_cell(spec);
  std::cout << "fa-check run: deep cell of " << spec.replicates << " instances of "
            << cell["recipe"].get<std::string>() << " (seeds from " << spec.recipe.seed << "), "
            << fa::regimes::deep_algorithms_name(spec.deep_algorithms) << ", budget " << spec.steps
            << " steps\n";
  for (const auto& [alg, v] : cell["runs"].items())
    std::cout << "  " << alg << ": diverged " << v["diverged"] << ", converged " << v["converged"]
              << ", censored " << v["censored"] << "; steps (converged) "
              << v["steps_converged"].dump() << "\n";
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir);
    const auto path = std::filesystem::path(o.out_dir) / "cell.json";
    std::ofstream(path) << cell.dump(1) << "\n";
    std::cout << "wrote       " << path.string() << "\n";
  }
  return fa::cli::exit_ok;
}

/// `fa-check run --replicates N`: one cell of the regime map (regimes/cell.hpp), the same code
/// fa-map runs, so a map cell's printed command reproduces its numbers exactly.
int do_cell(const RunOptions& o, const std::string& precision, CLI::App* run) {
  for (const char* opt : {"--y", "--b", "--z0", "--w0", "--eta", "--time", "--flow-tol",
                          "--record-every", "--observations", "--format", "--save-y",
                          "--weight-decay", "--feedback-gains", "--x", "--data-dim", "--samples"})
    if (run->get_option(opt)->count() > 0)
      throw UsageError(std::string("--replicates draws every instance from the recipe options; ") +
                       opt + " does not apply");
  if (precision != "double") throw UsageError("--replicates runs in double (--precision double)");
  if (o.init != "zero" && o.init != "small")
    throw UsageError("--replicates needs --init zero or small");
  if (o.n < 1 || o.m < 1 || o.rank_of_y < 1)
    throw UsageError("--replicates needs a generated Y: --n, --m, --rank-of-y");
  fa::regimes::CellSpec spec;
  const bool deep = o.depth != 0 || run->get_option("--widths")->count() > 0;
  if (deep) return do_deep_cell(o, run);
  if (o.algo.find("dfa") != std::string::npos)
    throw UsageError("--algo " + o.algo +
                     ": dfa runs on a deep network (give --depth and "
                     "--widths); a two-layer cell runs fa, gd, fastar or fa+gd");
  try {
    spec.algorithms = fa::regimes::parse_algorithms(o.algo);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--algo with --replicates: ") + e.what());
  }
  fa::Recipe& rec = spec.recipe;
  rec.n = static_cast<int>(o.n);
  rec.m = static_cast<int>(o.m);
  rec.k = static_cast<int>(o.rank_of_y);
  rec.r = static_cast<int>(run->get_option("--r")->count() ? o.r : o.rank_of_y);
  if (rec.r < 1 || rec.r > std::min(rec.n, rec.m))
    throw UsageError("--r must be in [1, min(n, m)]");
  try {
    rec.spectrum = fa::parse_spectrum(o.spectrum);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--spectrum: ") + e.what());
  }
  rec.spread = o.spread;
  rec.seed = o.seed;
  rec.step_log2 = o.step_log2;
  rec.b_scale_log2 = o.b_scale_log2;
  rec.init = o.init == "small" ? fa::Init::small : fa::Init::zero;
  rec.init_log2 = o.init_log2;
  try {
    rec.validate();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (o.steps < 0) throw UsageError("--steps must be >= 0");
  spec.steps = static_cast<long>(o.steps);
  spec.tol = o.tol;
  spec.replicates = o.replicates;
  const nlohmann::json cell = fa::regimes::run_cell(spec);
  std::cout << "fa-check run: cell of " << spec.replicates << " instances of " << rec.describe()
            << " (seeds from " << rec.seed << "), " << fa::regimes::algorithms_name(spec.algorithms)
            << ", budget " << spec.steps << " steps\n";
  for (const auto& [alg, v] : cell["runs"].items()) {
    std::cout << "  " << alg << ": diverged " << v["diverged"] << ", converged " << v["converged"]
              << ", censored " << v["censored"] << "; steps (converged) "
              << v["steps_converged"].dump() << "; err/opt_r " << v["ratio"].dump() << "; cos(Z,B) "
              << v["cos_zb"].dump() << "\n";
  }
  if (!cell["fa_limit_ratio"].is_null())
    std::cout << "  FA limit ||Y(I-P)||^2/opt_r " << cell["fa_limit_ratio"].dump() << "\n";
  if (!cell["fa_gd_overlap"].is_null())
    std::cout << "  FA-GD representations: mean cos^2 " << cell["fa_gd_overlap"].dump()
              << ", largest angle (deg) " << cell["fa_gd_max_angle_deg"].dump() << "\n";
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir);
    const auto path = std::filesystem::path(o.out_dir) / "cell.json";
    std::ofstream(path) << cell.dump(1) << "\n";
    std::cout << "wrote       " << path.string() << "\n";
  }
  return fa::cli::exit_ok;
}

/// Writes a deep run's outputs to --out: W1..WL (final layers), W1_0..WL_0 (start),
/// trace.csv (step, loss) and summary.json.
template <class T>
void write_deep_outputs(const fa::run::DeepRunOutcome<T>& out, const RunOptions& o) {
  namespace fs = std::filesystem;
  fs::create_directories(o.out_dir);
  const fa::io::Format format =
      o.format.empty() ? fa::io::Format::csv : fa::io::parse_format(o.format);
  auto write = [&](const std::string& name, const fa::Mat<T>& M) {
    const fa::Mat<double> D = fa::cast_matrix<double>(M);
    const std::vector<double> values(D.data(), D.data() + D.size());
    const std::string path = (fs::path(o.out_dir) / (name + fa::io::extension(format))).string();
    fa::io::write_matrix(path, format, D.rows(), D.cols(), values);
    std::cout << "wrote       " << path << "\n";
  };
  for (int l = 1; l <= out.final.depth(); ++l) {
    write("W" + std::to_string(l), out.final.W[static_cast<std::size_t>(l)]);
    write("W" + std::to_string(l) + "_0", out.start.W[static_cast<std::size_t>(l)]);
  }
  std::ofstream trace(fs::path(o.out_dir) / "trace.csv");
  trace << "step,loss\n";
  for (std::size_t i = 0; i < out.trace_steps.size(); ++i)
    trace << out.trace_steps[i] << "," << fa::to_text(out.trace_loss[i]) << "\n";
  nlohmann::json j;
  j["algorithm"] = fa::deep_algorithm_name(out.spec.algorithm);
  j["recipe"] = out.spec.recipe.describe();
  j["widths"] = out.spec.recipe.widths();
  j["eta"] = out.eta;
  j["status"] = fa::status_name(out.status);
  j["message"] = out.message;
  j["steps"] = out.steps;
  j["final_loss"] = fa::to_text(out.final_loss);
  j["opt_loss"] = fa::to_text(fa::to_double(out.opt) / 2);
  std::ofstream(fs::path(o.out_dir) / "summary.json") << j.dump(2) << "\n";
  std::cout << "wrote       " << (fs::path(o.out_dir) / "summary.json").string() << "\n";
}

/// `fa-check run --depth L --widths ... --algo gd|fa|dfa` (run/deep_run.hpp).
int do_deep_run(RunOptions o, const std::string& precision, CLI::App* run) {
  o.eta_given = run->get_option("--eta")->count() > 0;
  const auto given = [&](const char* flag) { return run->get_option(flag)->count() > 0; };
  const fa::run::DeepRunSpec spec = fa::run::deep_run_spec(o, fa::run::Spelling::cli, given);
  const int bits = fa::run::parse_precision(precision);
  auto finish = [&](const auto& out) {
    std::cout << fa::run::deep_summary_text(out);
    if (!o.out_dir.empty()) write_deep_outputs(out, o);
    return out.status == fa::RunStatus::diverged ? fa::cli::exit_diverged : fa::cli::exit_ok;
  };
  if (bits == 0) return finish(fa::run::run_deep<double>(spec));
  fa::set_mpvar_bits(bits);
  return finish(fa::run::run_deep<fa::MpVar>(spec));
}

int do_run(RunOptions o, const std::string& precision, CLI::App* run) {
  if (o.depth != 0 || o.algo == "dfa" || run->get_option("--widths")->count() > 0) {
    if (o.replicates > 0) return do_cell(o, precision, run);
    return do_deep_run(o, precision, run);
  }
  if (o.replicates > 0) return do_cell(o, precision, run);
  o.r_given = run->get_option("--r")->count() > 0;
  o.eta_given = run->get_option("--eta")->count() > 0;
  o.steps_given = run->get_option("--steps")->count() > 0;
  o.time_given = run->get_option("--time")->count() > 0;
  o.init_given = run->get_option("--init")->count() > 0;
  o.weight_decay_given = run->get_option("--weight-decay")->count() > 0;
  o.bits_asked = fa::run::parse_precision(precision);
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

  fa::cli::CertifyOptions cert_opt;
  CLI::App* certify = app.add_subcommand(
      "certify",
      "in exact arithmetic: rank(B^T Y), FA's limit error err* (exact fraction and "
      "decimal), an upper bound on opt_r, and whether err* - opt_r > 0 is proved");
  certify->add_option("--y", cert_opt.y_file, "target matrix Y (.csv, .mtx or .npy)")->required();
  certify->add_option("--b", cert_opt.b_file,
                      "feedback matrix B (n x r) (default: N(0, 1/n) entries from --seed, as "
                      "fa-check run draws it)");
  certify->add_option("--r", cert_opt.r, "inner dimension r (default: columns of --b)");
  certify->add_option("--seed", cert_opt.seed, "seed of B when --b is not given")
      ->capture_default_str();
  certify->add_option("--json", cert_opt.json_file,
                      "write the certificate as JSON (exact fractions in full) to this file");

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
    if (*certify) {
      cert_opt.r_given = certify->get_option("--r")->count() > 0;
      return fa::cli::certify_check(cert_opt);
    }
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
