// One cell of the regime map (issue 11, docs/report.md "The regime map"): N seeded instances of one
// recipe, each run with GD and/or FA from the recipe's initialisation, and the numbers the map
// reports (divergence, steps to a relative loss, the error against opt_r, FA's limit error, the
// alignment cos(Z, B), the principal angles between the FA and GD representations).
//
// The layer above instances and dynamics: it calls materialise() and run_dynamics() as the
// claims do, in double. Both `fa-map` (the sweep) and `fa-check run --replicates N` (one cell,
// the command each map cell prints) call run_cell(), so a cell's numbers are reproduced by its
// command exactly: one code path, deterministic given the cell's seed.
#pragma once

#include "dynamics/dynamics.hpp"
#include "generators/recipe.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fa::regimes {

struct CellSpec {
  /// Shape, spectrum, c (step_log2), B scale, init and its scale; seed = the cell's seed.
  Recipe recipe;
  /// Algorithms run on every instance: {FA}, {GD} or {FA, GD}. With both, GD starts from the
  /// small init 2^init_log2 N(0, 1) when the recipe's init is zero (GD never leaves zero, R4).
  std::vector<Algorithm> algorithms{Algorithm::fa};
  long steps = 20000;  // budget per run (a run that does not converge within it is censored)
  double tol =
      1e-10;  // converged: 1/2 ||ZW - Y||^2 <= opt_r / 2 + tol 1/2 ||Y||^2 (fa-check's rule)
  int replicates = 8;
  /// A deep cell (docs/claims-deep.md) when not empty: the hidden widths d_1 .. d_{L-1} of a
  /// depth-L network (the recipe's r is d_{L-1}), run with `deep_algorithms` (gd, fa, dfa), every
  /// one from the recipe's initialisation of every layer (generators/deep.hpp); `algorithms`
  /// is then unused. Converged: 1/2 ||P_L - Y||^2 <= opt/2 + tol 1/2 ||Y||^2, opt the best error
  /// of rank min(d_l).
  std::vector<int> hidden;
  std::vector<DeepAlgorithm> deep_algorithms;
};

/// "gd+fa+dfa" and back, for deep cells.
std::string deep_algorithms_name(const std::vector<DeepAlgorithm>& algorithms);
std::vector<DeepAlgorithm> parse_deep_algorithms(const std::string& name);

/// Seed of replicate i of a cell: the cell's seed for i = 0 (so a single `fa-check run` with the
/// cell's options is its first replicate), then splitmix64-derived seeds.
std::uint64_t replicate_seed(std::uint64_t cell_seed, int i);

/// "fa", "gd", "fa+gd": the --algo value of fa-check for these algorithms.
std::string algorithms_name(const std::vector<Algorithm>& algorithms);
std::vector<Algorithm> parse_algorithms(const std::string& name);

/// Runs the cell: every replicate, every algorithm. Returns the cell's summary (the numbers the
/// map shows) with the per-replicate values: deterministic given the spec.
nlohmann::json run_cell(const CellSpec& spec);

/// The `fa-check run ... --replicates N --seed S` command that recomputes this cell.
std::string cell_command(const CellSpec& spec, const std::string& fa_check = "fa-check");

}  // namespace fa::regimes
