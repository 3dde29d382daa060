// The report-parts contract: where the tools that run checks write their results, and under which
// names, so that fa-report (reports/assemble.cpp) finds them. Every writer names its files through
// this header (fa-claims: checks/; fa-mutants: tests/mutants/; fa-map: regimes/), and fa-report
// reads them through it.
//
//   <report>                       $FA_REPORT_DIR, else the repository's report/
//   <report>/parts/                one file per finished job of fa-claims:
//     <ID>.<scalar>.json           one claim in one arithmetic (double, mp, exact)
//     <ID>.ladder.json             its precision ladder
//     <ID>.proof.json              its symbolic proof (theorems/proofs/<ID>.py)
//     <ID>.sz.json                 its Schwartz-Zippel check of the implementation
//     <ID>.pinned.json             its pinned cases, replayed
//     implementation.ties.json     the double and MPFR paths tied to the proved Rational step
//     _run.json                    written by `fa-report begin` (the run's start)
//     _shard.<i>-of-<n>.json       the manifest of one shard of `fa-claims run-all`
//     _sweep.<seed>.json           one seed of the seed sweep (`fa-claims sweep`)
//   <report>/mutants/<name>.json   one mutant's row of the kill matrix (fa-mutants run), or one
//                                  certificate falsifier's (fa-mutants certificate; cert-*)
//   <report>/mutants.json, mutants.md   the kill matrix (fa-mutants summary)
//   <dir>/regimes.json             the regime map (fa-map; its shards' cells in
//                                  <dir>/regimes-parts/cells.<i>-of-<n>.json)
//
// A writer puts a placeholder part (verdict "error") first and replaces it when the job ends, each
// write atomic (core/atomic_file.hpp): a job that crashed or was killed shows in the report as an
// error instead of silently missing. Names starting with '_' are bookkeeping, not results.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fa::parts {

namespace fs = std::filesystem;

/// $FA_REPORT_DIR, else `fallback` (each tool passes the repository's report/, which CMake gives
/// it as FA_DEFAULT_REPORT_DIR).
inline fs::path report_dir(const char* fallback) {
  if (const char* env = std::getenv("FA_REPORT_DIR")) return env;
  return fallback;
}

inline fs::path parts_dir(const fs::path& report) {
  return report / "parts";
}

/// The kinds of part file, told apart by name alone.
enum class Kind { claim, ladder, proof, sz, pinned, ties, run_start, shard, sweep, other };

inline std::string claim_file(const std::string& id, const std::string& scalar) {
  return id + "." + scalar + ".json";
}
inline std::string ladder_file(const std::string& id) {
  return id + ".ladder.json";
}
inline std::string proof_file(const std::string& id) {
  return id + ".proof.json";
}
inline std::string sz_file(const std::string& id) {
  return id + ".sz.json";
}
inline std::string pinned_file(const std::string& id) {
  return id + ".pinned.json";
}
inline const char* const kTiesFile = "implementation.ties.json";
inline const char* const kRunStartFile = "_run.json";
inline std::string shard_file(int index, int count) {
  return "_shard." + std::to_string(index) + "-of-" + std::to_string(count) + ".json";
}
inline std::string sweep_file(std::uint64_t seed) {
  return "_sweep." + std::to_string(seed) + ".json";
}

/// The kind of a file in parts/ by its name (a temporary file of an atomic write is `other`).
inline Kind kind_of(const std::string& name) {
  auto ends = [&](const std::string& suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto starts = [&](const std::string& prefix) { return name.rfind(prefix, 0) == 0; };
  if (!ends(".json") || name.find(".tmp.") != std::string::npos) return Kind::other;
  if (name == kRunStartFile) return Kind::run_start;
  if (starts("_shard.")) return Kind::shard;
  if (starts("_sweep.")) return Kind::sweep;
  if (name[0] == '_') return Kind::other;
  if (ends(".pinned.json")) return Kind::pinned;
  if (ends(".ladder.json")) return Kind::ladder;
  if (ends(".proof.json")) return Kind::proof;
  if (ends(".sz.json")) return Kind::sz;
  if (ends(".ties.json")) return Kind::ties;
  return Kind::claim;
}

/// The mutation tests' files (fa-mutants).
inline fs::path mutants_dir(const fs::path& report) {
  return report / "mutants";
}
inline std::string mutant_file(const std::string& mutant) {
  return mutant + ".json";
}
inline const char* const kMutantsSummary = "mutants.json";
inline const char* const kMutantsMarkdown = "mutants.md";

/// The regime map (fa-map): regimes.json, and the shards' cells in regimes-parts/.
inline const char* const kRegimesFile = "regimes.json";
inline const char* const kRegimesPartsDir = "regimes-parts";

}  // namespace fa::parts
