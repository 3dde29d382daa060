// The regime map (issue 11, docs/report.md): four grids of cells (regimes/cell.hpp)
// that answer the paper's "when": where FA and GD become unstable (c against the scale of B), how
// far FA's error is from opt_r (r/k against the gap sigma_r/sigma_{r+1}), how many steps FA and
// GD need (r - k against the init scale, with the slow small-init r > k regime censored at the
// budget), and how aligned FA is at the end (cos(Z, B), principal angles between the FA and GD
// representations, against r/k).
//
// The cells form one fixed list; shard i of n runs the cells j with j mod n = i and writes
// <dir>/regimes-parts/cells.<i>-of-<n>.json; merge assembles <dir>/regimes.json, identical to an
// unsharded run's apart from the "seconds" fields.
#pragma once

#include "regimes/cell.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fa::regimes {

namespace fs = std::filesystem;

struct GridCell {
  std::string grid;   // stability, separation, speed, alignment
  int index = 0;      // position in its grid
  nlohmann::json at;  // the cell's coordinates on the grid's axes
  CellSpec spec;
};

/// Every cell, in a fixed order. `reduced`: a small map for tests (seconds, not minutes);
/// `depth` multiplies the replicates of every cell.
std::vector<GridCell> map_cells(bool reduced, int depth);

/// The grids' axes and what their cells report (for the JSON and the heatmaps).
nlohmann::json grid_descriptions(bool reduced);

struct MapOptions {
  bool reduced = false;
  int depth = 1;
  int shard = 0, shards = 1;
  std::vector<std::string> grids;     // empty: all
  fs::path dir;                       // report directory
  std::string fa_check = "fa-check";  // program name in the printed commands
  bool dry_run = false;
  int jobs = 0;  // cells run at once (threads); 0: every core (default_jobs())
};

/// The number of cores this process may use (sched_getaffinity, else hardware_concurrency), >= 1.
int default_jobs();

/// Runs the shard's cells and writes its part file. Returns the number of cells run.
int run_shard(const MapOptions& opt);

/// Assembles <dir>/regimes.json from the part files of the given directories (report dirs or
/// regimes-parts dirs). Refuses (throws) when a shard is missing, two shards disagree, or the
/// shards ran different maps; returns the assembled JSON.
nlohmann::json merge_parts(const std::vector<fs::path>& sources, const fs::path& dir);

/// The JSON with every "seconds" field removed (what must match between two runs).
nlohmann::json strip_seconds(nlohmann::json j);

}  // namespace fa::regimes
