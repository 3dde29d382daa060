#include "regimes/map.hpp"

#include "core/atomic_file.hpp"
#include "reports/parts.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fa::regimes {

using nlohmann::json;

namespace {

const char* const kGrids[] = {"stability", "separation", "speed", "alignment", "depth"};
constexpr int kGridCount = 5;

std::uint64_t cell_seed(const std::string& grid, int index) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a of "grid/index": fixed, documented seeds
  for (unsigned char c : grid + "/" + std::to_string(index)) h = (h ^ c) * 1099511628211ull;
  return h & ((1ull << 53) - 1);
}

Recipe shape(int n, int m, int k, int r, Spectrum spectrum, int spread) {
  Recipe rec;
  rec.n = n, rec.m = m, rec.k = k, rec.r = r;
  rec.spectrum = spectrum;
  rec.spread = spread;
  return rec;
}

int grid_rank(const std::string& g) {
  for (int i = 0; i < kGridCount; ++i)
    if (g == kGrids[i]) return i;
  return kGridCount;
}

}  // namespace

std::vector<GridCell> map_cells(bool reduced, int depth) {
  if (depth < 1) throw std::invalid_argument("--depth must be >= 1");
  std::vector<GridCell> cells;
  auto add = [&](const std::string& grid, json at, Recipe rec, std::vector<Algorithm> algs,
                 long steps, int replicates) {
    GridCell c;
    c.grid = grid;
    c.index = static_cast<int>(std::count_if(cells.begin(), cells.end(),
                                             [&](const GridCell& g) { return g.grid == grid; }));
    rec.seed = cell_seed(grid, c.index);
    c.at = std::move(at);
    c.spec.recipe = rec;
    c.spec.algorithms = std::move(algs);
    c.spec.steps = steps;
    c.spec.replicates = replicates * depth;
    cells.push_back(std::move(c));
  };

  // Stability edge: fraction of runs that diverge, against c and the scale of B. Small init
  // 2^-8 for both (GD never leaves zero); 16 x 16, rank 4 = r, condition number 4.
  {
    const std::vector<int> cs =
        reduced ? std::vector<int>{-4, 0, 2} : std::vector<int>{-6, -5, -4, -3, -2, -1, 0, 1, 2};
    const std::vector<int> bs =
        reduced ? std::vector<int>{-3, 0, 3} : std::vector<int>{-3, -2, -1, 0, 1, 2, 3};
    for (int b : bs)
      for (int c : cs) {
        Recipe rec = shape(16, 16, 4, 4, Spectrum::geometric, 2);
        rec.step_log2 = c;
        rec.b_scale_log2 = b;
        rec.init = Init::small;
        rec.init_log2 = -8;
        add("stability", {{"c_log2", c}, {"b_scale_log2", b}}, rec, {Algorithm::fa, Algorithm::gd},
            reduced ? 400 : 2000, reduced ? 3 : 16);
      }
  }
  // Separation: FA's error against opt_r, r/k against the gap sigma_r / sigma_{r+1}. FA from
  // zero (c = 2^-3) for a budget, and FA's limit error from the formula of claim A4.
  {
    const int k = 8;
    const std::vector<int> rs = reduced ? std::vector<int>{1, 4} : std::vector<int>{1, 2, 4, 6, 7};
    const std::vector<std::pair<Spectrum, int>> gaps =
        reduced
            ? std::vector<std::pair<Spectrum, int>>{{Spectrum::near_tie, 4}, {Spectrum::gapped, 2}}
            : std::vector<std::pair<Spectrum, int>>{
                  {Spectrum::near_tie, 8}, {Spectrum::near_tie, 4}, {Spectrum::near_tie, 2},
                  {Spectrum::gapped, 1},   {Spectrum::gapped, 2},   {Spectrum::gapped, 4}};
    for (const auto& [spectrum, spread] : gaps)
      for (int r : rs) {
        const int dim = reduced ? 12 : 24;
        Recipe rec = shape(dim, dim, k, r, spectrum, spread);
        const std::vector<double> s = recipe_singular_values(rec);
        add("separation",
            {{"r", r},
             {"k", k},
             {"r_over_k", static_cast<double>(r) / k},
             {"spectrum", spectrum_name(spectrum) + " " + std::to_string(spread)},
             {"gap", s[static_cast<std::size_t>(r - 1)] / s[static_cast<std::size_t>(r)]}},
            rec, {Algorithm::fa}, reduced ? 2000 : 20000, reduced ? 4 : 32);
      }
  }
  // Speed: steps to a relative loss of 1e-10 (above opt_r), FA and GD, against r - k and the
  // init scale, budget capped: the censored fraction is the share that did not get there.
  {
    const int k = 3;
    const std::vector<int> extra = reduced ? std::vector<int>{0, 2} : std::vector<int>{0, 1, 2, 4};
    const std::vector<int> inits = reduced ? std::vector<int>{1, -8}  // 1: zero init
                                           : std::vector<int>{1, -8, -6, -4, -2, 0};
    for (Algorithm alg : {Algorithm::fa, Algorithm::gd})
      for (int init : inits)
        for (int e : extra) {
          Recipe rec = shape(10, 10, k, k + e, Spectrum::geometric, 2);
          rec.init = init == 1 ? Init::zero : Init::small;
          rec.init_log2 = init == 1 ? -8 : init;
          add("speed",
              {{"algorithm", algorithm_name(alg)},
               {"r_minus_k", e},
               {"init", init == 1 ? std::string("zero") : "2^" + std::to_string(init)},
               {"init_log2", init == 1 ? json(nullptr) : json(init)}},
              rec, {alg}, reduced ? 5000 : 1000000, reduced ? 3 : 8);
        }
  }
  // Alignment at the end of the budget: cos(Z, B) of FA, and the principal angles between the
  // FA and GD representations, against r/k. FA from zero, GD from 2^-8 N(0, 1).
  {
    const int k = 4;
    const std::vector<int> rs =
        reduced ? std::vector<int>{2, 6} : std::vector<int>{1, 2, 3, 4, 6, 8};
    for (int r : rs) {
      Recipe rec = shape(12, 12, k, r, Spectrum::geometric, 2);
      add("alignment", {{"r", r}, {"k", k}, {"r_over_k", static_cast<double>(r) / k}}, rec,
          {Algorithm::fa, Algorithm::gd}, reduced ? 3000 : 20000, reduced ? 3 : 16);
    }
  }
  // Depth (docs/claims-deep.md): deep GD, FA and DFA against the depth L and c, every layer from
  // small init 2^-2 N(0, 1); 8 x 8, rank 2, geometric spectrum (condition 2), every hidden width
  // 4 (>= rank). Reports the stability edge (share diverged) and the steps to converge.
  {
    const std::vector<int> depths =
        reduced ? std::vector<int>{2, 4} : std::vector<int>{2, 3, 4, 5, 6};
    const std::vector<int> cs =
        reduced ? std::vector<int>{-3, 0} : std::vector<int>{-6, -5, -4, -3, -2, -1, 0};
    for (int L : depths)
      for (int c : cs) {
        Recipe rec = shape(8, 8, 2, 4, Spectrum::geometric, 1);
        rec.step_log2 = c;
        rec.init = Init::small;
        rec.init_log2 = -2;
        add("depth", {{"depth", L}, {"c_log2", c}}, rec, {}, reduced ? 2000 : 20000,
            reduced ? 2 : 8);
        cells.back().spec.hidden.assign(static_cast<std::size_t>(L - 1), 4);
        cells.back().spec.deep_algorithms = {DeepAlgorithm::gd, DeepAlgorithm::fa,
                                             DeepAlgorithm::dfa};
      }
  }
  return cells;
}

json grid_descriptions(bool reduced) {
  json g;
  g["stability"] = {{"title", "Stability edge: fraction of runs that diverge"},
                    {"axes", {"c_log2", "b_scale_log2"}},
                    {"instance",
                     "16 x 16, rank 4 = r, geometric spectrum (condition 4), small init 2^-8 "
                     "N(0,1) for FA and GD; eta = 2^c_log2 / (sigma_1 max(1, ||B||_2^2)), "
                     "B = 2^b_scale_log2 N(0, 1/n)"},
                    {"value", "runs.FA.diverged and runs.GD.diverged"}};
  g["separation"] = {
      {"title", "Separation: err_FA / opt_r"},
      {"axes", {"r_over_k", "gap"}},
      {"instance", std::string(reduced ? "12 x 12" : "24 x 24") +
                       ", k = 8, sigma_1..sigma_r = 1 and the rest 1 - 2^-s (near-tie) or 2^-s "
                       "(gapped); FA from zero, c = 2^-3"},
      {"value",
       "fa_limit_ratio (||Y(I-P)||^2 / opt_r, the limit FA converges to, claim A4): "
       "q10, q50, q90; runs.FA.ratio: the same after the step budget"}};
  g["speed"] = {{"title", "Speed: steps to 1/2||ZW-Y||^2 <= opt_r/2 + 1e-10 1/2||Y||^2"},
                {"axes", {"r_minus_k", "init"}},
                {"instance",
                 "10 x 10, k = 3, geometric spectrum (condition 4), c = 2^-3; FA and GD "
                 "separately from the same init"},
                {"value",
                 "runs.<alg>.steps_converged.q50 (median over converged runs) and "
                 "runs.<alg>.censored (share not converged within the budget)"}};
  g["alignment"] = {
      {"title", "Alignment at the end of the budget"},
      {"axes", {"r_over_k"}},
      {"instance",
       "12 x 12, k = 4, geometric spectrum (condition 4), c = 2^-3; FA from zero, GD "
       "from 2^-8 N(0,1)"},
      {"value",
       "runs.FA.cos_zb (cos(Z, B)), fa_gd_overlap (mean cos^2 of the principal angles "
       "between the dominant min(r,k)-dim row spaces of W_FA and W_GD) and "
       "fa_gd_max_angle_deg"}};
  g["depth"] = {{"title", "Depth: deep GD, FA and DFA against L and c"},
                {"axes", {"depth", "c_log2"}},
                {"instance",
                 "8 x 8, rank 2, geometric spectrum (condition 2), every hidden width 4, every "
                 "layer small 2^-2 N(0,1); eta = 2^c_log2 / (sigma_1 max(1, ||B_L||_2^2))"},
                {"value",
                 "runs.<GD|FA|DFA>.diverged (the stability edge) and "
                 "runs.<alg>.steps_converged.q50, runs.<alg>.censored"}};
  return g;
}

int default_jobs() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  return std::max(1u, std::thread::hardware_concurrency());
}

int run_shard(const MapOptions& opt) {
  if (opt.shards < 1 || opt.shard < 0 || opt.shard >= opt.shards)
    throw std::invalid_argument("shard must be i/n with 0 <= i < n");
  if (opt.jobs < 0) throw std::invalid_argument("--jobs must be >= 1 (0: every core)");
  for (const auto& g : opt.grids)
    if (grid_rank(g) == kGridCount)
      throw std::invalid_argument("no grid '" + g +
                                  "' (expected stability, separation, speed, alignment, depth)");
  const std::vector<GridCell> cells = map_cells(opt.reduced, opt.depth);
  std::vector<std::size_t> mine;  // this shard's cells, in job order
  for (std::size_t j = 0; j < cells.size(); ++j) {
    if (static_cast<int>(j % static_cast<std::size_t>(opt.shards)) != opt.shard) continue;
    if (!opt.grids.empty() &&
        std::find(opt.grids.begin(), opt.grids.end(), cells[j].grid) == opt.grids.end())
      continue;
    mine.push_back(j);
  }
  if (opt.dry_run) {
    for (const std::size_t j : mine)
      std::cout << j << "\t" << cells[j].grid << "/" << cells[j].index << "\t"
                << cell_command(cells[j].spec, opt.fa_check) << "\n";
    return static_cast<int>(mine.size());
  }
  // Cells are independent and each one's numbers depend on its own seed alone (run_cell shares
  // no state between calls), so running them on several threads changes only the order of the
  // progress lines and the "seconds" fields; the part lists the cells in job order whatever
  // finished first (ctest -R 'regimes.*jobs' compares --jobs 1 and --jobs 2).
  std::vector<json> out(mine.size());
  std::atomic<std::size_t> next{0};
  std::mutex print;
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t q; (q = next++) < mine.size();) {
      const std::size_t j = mine[q];
      const GridCell& c = cells[j];
      try {
        const std::string command = cell_command(c.spec, opt.fa_check);
        const auto start = std::chrono::steady_clock::now();
        json result = run_cell(c.spec);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        out[q] = {{"job", j},
                  {"grid", c.grid},
                  {"index", c.index},
                  {"at", c.at},
                  {"seed", c.spec.recipe.seed},
                  {"command", command},
                  {"result", result},
                  {"seconds", seconds}};
        const std::lock_guard<std::mutex> lock(print);
        std::cout << "fa-map: " << c.grid << "/" << c.index << " " << c.at.dump() << " (" << seconds
                  << " s)" << std::endl;
      } catch (...) {
        const std::lock_guard<std::mutex> lock(print);
        if (!failure) failure = std::current_exception();
        next = mine.size();  // the others stop after their current cell
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(
      mine.size(), static_cast<std::size_t>(opt.jobs ? opt.jobs : default_jobs()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  json part{{"format", "fa-verify-regimes-part"},
            {"shard", opt.shard},
            {"of", opt.shards},
            {"reduced", opt.reduced},
            {"depth", opt.depth},
            {"grids", opt.grids},
            {"cells_total", cells.size()},
            {"cells", json(std::move(out))}};
  write_file_atomically(
      opt.dir / parts::kRegimesPartsDir /
          ("cells." + std::to_string(opt.shard) + "-of-" + std::to_string(opt.shards) + ".json"),
      part.dump(1) + "\n");
  return static_cast<int>(mine.size());
}

json strip_seconds(json j) {
  if (j.is_object()) {
    j.erase("seconds");
    for (auto& [k, v] : j.items()) v = strip_seconds(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = strip_seconds(v);
  }
  return j;
}

namespace {

/// The numbers a reader looks for first: the stability edges, the slowest regime, the widest
/// separation.
json findings(const std::map<std::string, std::vector<json>>& grids) {
  json f;
  if (grids.count("stability")) {
    json edges = json::object();
    for (const char* alg : {"FA", "GD"}) {
      std::map<int, std::vector<std::pair<int, double>>> by_b;
      for (const auto& c : grids.at("stability"))
        by_b[c["at"]["b_scale_log2"].get<int>()].push_back(
            {c["at"]["c_log2"].get<int>(), c["result"]["runs"][alg]["diverged"].get<double>()});
      json list = json::array();
      for (auto& [b, v] : by_b) {
        std::sort(v.begin(), v.end());
        json edge = nullptr, stable = nullptr;
        for (const auto& [c, d] : v) {
          if (d == 0) stable = c;
          if (d >= 0.5 && edge.is_null()) edge = c;
        }
        list.push_back({{"b_scale_log2", b},
                        {"largest_stable_c_log2", stable},
                        {"first_unstable_c_log2", edge}});
      }
      edges[alg] = list;
    }
    f["stability_edges"] = {
        {"note",
         "per scale of B: the largest c with no run diverging, and the smallest c with "
         "at least half of the runs diverging (null: none on the grid)"},
        {"by_algorithm", edges}};
  }
  if (grids.count("depth")) {
    // Per algorithm and depth: the stability edge in c, and the median steps to converge at the
    // largest stable c.
    json by_algorithm = json::object();
    for (const char* alg : {"GD", "FA", "DFA"}) {
      std::map<int, std::vector<const json*>> by_depth;
      for (const auto& c : grids.at("depth")) by_depth[c["at"]["depth"].get<int>()].push_back(&c);
      json list = json::array();
      for (auto& [L, cells] : by_depth) {
        std::sort(cells.begin(), cells.end(), [](const json* a, const json* b) {
          return (*a)["at"]["c_log2"].get<int>() < (*b)["at"]["c_log2"].get<int>();
        });
        json stable = nullptr, edge = nullptr, steps = nullptr;
        for (const json* c : cells) {
          const json& r = (*c)["result"]["runs"][alg];
          const double d = r["diverged"].get<double>();
          if (d == 0) {
            stable = (*c)["at"]["c_log2"];
            steps = r["steps_converged"].is_null() ? json(nullptr) : r["steps_converged"]["q50"];
          }
          if (d >= 0.5 && edge.is_null()) edge = (*c)["at"]["c_log2"];
        }
        list.push_back({{"depth", L},
                        {"largest_stable_c_log2", stable},
                        {"first_unstable_c_log2", edge},
                        {"median_steps_at_largest_stable_c", steps}});
      }
      by_algorithm[alg] = list;
    }
    f["depth_edges"] = {{"note",
                         "per depth L: the largest c with no run diverging, the smallest c with "
                         "at least half diverging (null: none on the grid), and the median steps "
                         "of the converged runs at the largest stable c"},
                        {"by_algorithm", by_algorithm}};
  }
  if (grids.count("speed")) {
    // Per algorithm, the cell with the most runs censored at the budget, then the most steps.
    // GD from exactly zero is left out: it never moves (R4), which is not slowness.
    json slowest = json::object();
    for (const char* alg : {"FA", "GD"}) {
      const json* worst = nullptr;
      auto key = [](const json& c) {
        const json& r = c["result"]["runs"][c["at"]["algorithm"].get<std::string>()];
        const double median =
            r["steps_converged"].is_null() ? 0.0 : r["steps_converged"]["q50"].get<double>();
        return std::make_pair(r["censored"].get<double>(), median);
      };
      for (const auto& c : grids.at("speed")) {
        if (c["at"]["algorithm"] != alg ||
            (c["at"]["init"] == "zero" && c["at"]["algorithm"] == "GD"))
          continue;
        if (!worst || key(c) > key(*worst)) worst = &c;
      }
      if (!worst) continue;
      const auto [censored, median] = key(*worst);
      slowest[alg] = {{"at", (*worst)["at"]},
                      {"censored", censored},
                      {"median_steps_of_converged", median},
                      {"steps_budget", (*worst)["result"]["steps_budget"]},
                      {"command", (*worst)["command"]}};
    }
    f["slowest_regime"] = slowest;
  }
  if (grids.count("separation")) {
    const json* widest = nullptr;
    for (const auto& c : grids.at("separation"))
      if (!c["result"]["fa_limit_ratio"].is_null() &&
          (!widest || c["result"]["fa_limit_ratio"]["q50"].get<double>() >
                          (*widest)["result"]["fa_limit_ratio"]["q50"].get<double>()))
        widest = &c;
    if (widest)
      f["widest_separation"] = {{"at", (*widest)["at"]},
                                {"fa_limit_ratio", (*widest)["result"]["fa_limit_ratio"]}};
  }
  return f;
}

}  // namespace

json merge_parts(const std::vector<fs::path>& sources, const fs::path& dir) {
  std::vector<json> parts;
  for (const auto& src : sources) {
    const fs::path d =
        fs::is_directory(src / parts::kRegimesPartsDir) ? src / parts::kRegimesPartsDir : src;
    if (!fs::is_directory(d)) throw std::runtime_error(src.string() + ": no such directory");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name.rfind("cells.", 0) == 0 && e.path().extension() == ".json" &&
          name.find(".tmp.") == std::string::npos)
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) parts.push_back(json::parse(read_whole_file(f)));
  }
  if (parts.empty())
    throw std::runtime_error("no regime map parts (regimes-parts/cells.*.json) found");
  const json& first = parts.front();
  std::set<int> present;
  for (const auto& p : parts) {
    for (const char* key : {"of", "reduced", "depth", "grids", "cells_total"})
      if (p[key] != first[key])
        throw std::runtime_error(std::string("the parts come from different maps ('") + key +
                                 "' differs)");
    if (!present.insert(p["shard"].get<int>()).second)
      throw std::runtime_error("shard " + p["shard"].dump() + " given twice");
  }
  const int n = first["of"];
  std::string missing;
  for (int i = 0; i < n; ++i)
    if (!present.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  if (!missing.empty())
    throw std::runtime_error("missing shards " + missing + " of " + std::to_string(n));
  std::vector<json> cells;
  for (const auto& p : parts)
    for (const auto& c : p["cells"]) cells.push_back(c);
  std::sort(cells.begin(), cells.end(), [](const json& a, const json& b) {
    return a["job"].get<long>() < b["job"].get<long>();
  });
  std::map<std::string, std::vector<json>> grids;
  for (const auto& c : cells) grids[c["grid"].get<std::string>()].push_back(c);
  json out;
  out["format"] = "fa-verify-regimes";
  out["format_version"] = 1;
  out["reduced"] = first["reduced"];
  out["depth"] = first["depth"];
  // (How many shards ran it is not recorded here: a merged map equals the unsharded one.)
  out["note"] =
      "Each cell: N seeded instances (replicates) of one recipe, in double; 'command' "
      "recomputes the cell's 'result' exactly (fa-check run --replicates N). Seeds are "
      "fixed per cell (FNV-1a of grid/index). Deterministic apart from 'seconds'.";
  const json desc = grid_descriptions(first["reduced"].get<bool>());
  json g = json::object();
  for (const char* name : kGrids) {
    if (!grids.count(name)) continue;
    g[name] = desc[name];
    g[name]["cells"] = grids[name];
  }
  out["grids"] = g;
  out["findings"] = findings(grids);
  double seconds = 0;
  for (const auto& c : cells) seconds += c.value("seconds", 0.0);
  out["seconds"] = seconds;
  write_file_atomically(dir / parts::kRegimesFile, out.dump(1) + "\n");
  return out;
}

}  // namespace fa::regimes
