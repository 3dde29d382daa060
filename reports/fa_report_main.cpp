// fa-report: the claim-by-claim report (docs/report.md). Subcommands:
//   begin             clear <report>/parts for a fresh run (the ctest fixture's setup)
//   write             parts -> claims.json, claims.md, index.html (+ plots/), atomically
//   merge DIR...      combine the parts of shard directories into one report
//   validate FILE     check a claims.json against reports/claims.schema.json
//   compare A B       byte-compare two claims.json after removing timing and date fields
#include "reports/report.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace fa::report;
  CLI::App app{"fa-report: the claim-by-claim report (claims.json, claims.md, index.html)"};
  app.require_subcommand(1);
  std::string dir = default_report_dir().string();
  app.add_option("--dir", dir, "report directory (default: $FA_REPORT_DIR, else <build>/report)");

  app.add_subcommand("begin", "clear the report's parts/ for a fresh run (ctest fixture setup)");

  bool no_plots = false;
  auto* write = app.add_subcommand("write", "assemble parts/ into claims.json, claims.md, index.html");
  write->add_flag("--no-plots", no_plots, "do not run gnuplot");

  std::vector<std::string> sources;
  bool allow_partial = false;
  auto* merge_cmd = app.add_subcommand(
      "merge", "merge the parts of shard report directories into --dir, then write the report");
  merge_cmd->add_option("sources", sources, "report (or parts) directories of the shards")
      ->required()
      ->check(CLI::ExistingDirectory);
  merge_cmd->add_flag("--allow-partial", allow_partial, "write even if some shards are missing");
  merge_cmd->add_flag("--no-plots", no_plots, "do not run gnuplot");

  std::string file, schema = default_schema_path().string();
  auto* validate_cmd = app.add_subcommand("validate", "check a claims.json against the schema");
  validate_cmd->add_option("file", file, "claims.json")->required()->check(CLI::ExistingFile);
  validate_cmd->add_option("--schema", schema, "JSON Schema file")->capture_default_str();

  std::string a, b;
  auto* compare = app.add_subcommand(
      "compare", "compare two claims.json apart from timing and date fields (exit 1 if different)");
  compare->add_option("a", a)->required()->check(CLI::ExistingFile);
  compare->add_option("b", b)->required()->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  try {
    if (app.got_subcommand("begin")) {
      fa::report::begin(dir);
      return 0;
    }
    if (*write) return write_report(dir, !no_plots, false);
    if (*merge_cmd) {
      std::vector<fs::path> src(sources.begin(), sources.end());
      return merge(src, dir, allow_partial, !no_plots);
    }
    if (*validate_cmd) {
      const auto problems = validate(json::parse(read_text(file)), load_schema(schema));
      for (const auto& p : problems) std::cout << file << ": " << p << "\n";
      if (problems.empty()) std::cout << file << ": valid against " << schema << "\n";
      return problems.empty() ? 0 : 1;
    }
    if (*compare) {
      const std::string ta = strip_volatile(json::parse(read_text(a))).dump(1);
      const std::string tb = strip_volatile(json::parse(read_text(b))).dump(1);
      if (ta == tb) {
        std::cout << "identical apart from timing and date fields\n";
        return 0;
      }
      std::istringstream la(ta), lb(tb);
      std::string x, y;
      for (int line = 1;; ++line) {
        const bool ga = static_cast<bool>(std::getline(la, x)), gb = static_cast<bool>(std::getline(lb, y));
        if (!ga && !gb) break;
        if (x != y || ga != gb) {
          std::cout << "first difference at line " << line << " (after stripping):\n  < " << x
                    << "\n  > " << y << "\n";
          break;
        }
      }
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "fa-report: error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
