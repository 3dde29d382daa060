// fa-map: the regime map (regimes/map.hpp). Subcommands:
//   run     the whole map, or one shard of it (--shard i/n), into <dir>/regimes-parts/; an
//           unsharded run also writes <dir>/regimes.json
//   merge   the shards' parts (DIR...) into <dir>/regimes.json
//   compare two regimes.json apart from their "seconds" fields (exit 1 if they differ)
// fa-report shows regimes.json as heatmaps in index.html and claims.md.
#include "regimes/map.hpp"
#include "reports/parts.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

std::filesystem::path default_dir() {
  if (const char* env = std::getenv("FA_REPORT_DIR")) return env;
  return FA_DEFAULT_REPORT_DIR;
}

/// The fa-check beside this binary, so that the printed commands run as they are.
std::string fa_check_path() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto sibling = self.parent_path() / "fa-check";
    if (std::filesystem::exists(sibling)) return sibling.string();
  }
  return "fa-check";
}

nlohmann::json load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fa::regimes;
  CLI::App app{
      "fa-map: the regime map of when FA works (stability, separation, speed, "
      "alignment, and depth: deep GD, FA and DFA), written to <dir>/regimes.json"};
  app.require_subcommand(1);
  std::string dir = default_dir().string();
  app.add_option("--dir", dir, "report directory (default: $FA_REPORT_DIR, else <build>/report)");

  MapOptions opt;
  std::string shard_text;
  auto* run = app.add_subcommand("run", "run the map (or one shard of it)");
  run->add_flag("--reduced", opt.reduced, "a small map (tests, the SLURM test)");
  run->add_option("--depth", opt.depth, "multiply the replicates of every cell")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  run->add_option("--shard", shard_text,
                  "i/n: run only the cells j with j mod n = i (e.g. --shard "
                  "$SLURM_ARRAY_TASK_ID/4); merge the shards with 'fa-map merge'");
  run->add_option("--grid", opt.grids,
                  "only these grids: stability separation speed alignment depth");
  run->add_flag("--dry-run", opt.dry_run, "list this shard's cells and their commands");
  run->add_option("--jobs,-j", opt.jobs,
                  "cells run at once, on as many threads (default: every core this process may "
                  "use, " +
                      std::to_string(default_jobs()) + " here); the results do not depend on it")
      ->check(CLI::Range(1, 4096));

  std::vector<std::string> sources;
  auto* merge = app.add_subcommand("merge", "merge shard directories into <dir>/regimes.json");
  merge->add_option("sources", sources, "report (or regimes-parts) directories of the shards")
      ->required()
      ->check(CLI::ExistingDirectory);

  std::string a, b;
  auto* compare = app.add_subcommand("compare", "compare two regimes.json apart from timings");
  compare->add_option("a", a)->required()->check(CLI::ExistingFile);
  compare->add_option("b", b)->required()->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  try {
    opt.dir = dir;
    if (*run) {
      if (!shard_text.empty()) {
        const auto slash = shard_text.find('/');
        std::size_t used_i = 0, used_n = 0;
        if (slash == std::string::npos) throw std::invalid_argument("--shard: expected i/n");
        opt.shard = std::stoi(shard_text.substr(0, slash), &used_i);
        opt.shards = std::stoi(shard_text.substr(slash + 1), &used_n);
        if (used_i != slash || used_n != shard_text.size() - slash - 1)
          throw std::invalid_argument("--shard: expected i/n, got '" + shard_text + "'");
      }
      opt.fa_check = fa_check_path();
      const int cells = run_shard(opt);
      if (opt.dry_run) return 0;
      std::cout << "fa-map: shard " << opt.shard << "/" << opt.shards << ": " << cells
                << " cells; parts in " << (opt.dir / fa::parts::kRegimesPartsDir).string() << "\n";
      if (shard_text.empty()) {
        merge_parts({opt.dir / fa::parts::kRegimesPartsDir}, opt.dir);
        std::cout << "fa-map: wrote " << (opt.dir / fa::parts::kRegimesFile).string()
                  << " (fa-report write shows it as heatmaps)\n";
      }
      return 0;
    }
    if (*merge) {
      std::vector<std::filesystem::path> src(sources.begin(), sources.end());
      const auto merged = merge_parts(src, opt.dir);
      std::cout << "fa-map merge: " << sources.size() << " directories -> "
                << (opt.dir / fa::parts::kRegimesFile).string() << "\n";
      return 0;
    }
    if (*compare) {
      const std::string ta = strip_seconds(load(a)).dump(1), tb = strip_seconds(load(b)).dump(1);
      if (ta == tb) {
        std::cout << "identical apart from the seconds fields\n";
        return 0;
      }
      std::istringstream la(ta), lb(tb);
      std::string x, y;
      for (int line = 1;; ++line) {
        const bool ga = static_cast<bool>(std::getline(la, x));
        const bool gb = static_cast<bool>(std::getline(lb, y));
        if (!ga && !gb) break;
        if (x != y || ga != gb) {
          std::cout << "first difference at line " << line << ":\n  < " << x << "\n  > " << y
                    << "\n";
          break;
        }
      }
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "fa-map: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
