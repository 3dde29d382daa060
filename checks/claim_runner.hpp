// Pieces of the claim runner that other tools reuse (the mutation tests, the report).
#pragma once

#include "checks/claim.hpp"

#include <filesystem>

namespace fa {

const RegisteredClaim* find_claim(const std::string& id);

struct LadderRung {
  int bits;
  double eps;
  double residual;  // largest relative identity residual on the ladder's fixed instance
  std::string verdict;
};

struct LadderResult {
  std::vector<LadderRung> rungs;
  double slope = 0;
};

LadderResult precision_ladder(const RegisteredClaim& claim, int variant);

std::filesystem::path report_dir();
std::vector<RegisteredClaim>& claim_registry();

/// Runs one claim in one scalar (or one of its falsifiers), prints the verdict and, unless
/// told otherwise, writes report/parts/<id>.<scalar>.json. With `json_out`, also writes that
/// fragment (plus "as_expected") to json_out, for any run, falsifiers included (the Python
/// module reads it). Returns the process exit code: 0 when the verdict is the expected one.
int run_claim(const std::string& id, const std::string& scalar, const std::string& falsifier,
              std::optional<std::uint64_t> seed, int cases, const std::string& reproduce,
              bool write_report, const std::string& json_out = "");
int run_ladder(const std::string& id, const std::string& falsifier, bool write_report,
               const std::string& json_out = "");
bool verdict_as_expected(const ClaimSpec& spec, const RunResult& r, bool falsifier);
void write_ctest_include(const std::string& file, const std::string& binary);
void write_atomically(const std::filesystem::path& path, const std::string& text);

// ---- run-all and shards (the report: reports/README section of the top README) ---------------

/// One unit of work of a full run: a claim in one scalar, or a claim's precision ladder.
struct ClaimJob {
  std::string id;
  std::string scalar;  // "double", "mp", "exact", or "ladder"
  bool slow = false;
  std::string name() const { return id + "." + scalar; }
};

/// Every job in a fixed order (claim id, then double, mp, exact, ladder): job j belongs to shard
/// j mod n, so the shards of a split run are the same on every machine.
std::vector<ClaimJob> claim_jobs();

struct Shard {
  int index = 0;
  int count = 1;
};
/// Parses "i/n" (0 <= i < n); throws std::invalid_argument with the reason otherwise.
Shard parse_shard(const std::string& text);

struct RunAllOptions {
  Shard shard;
  std::vector<std::string> scalars;  // empty: all
  std::vector<std::string> ids;      // empty: all
  bool quick_only = false;
  bool dry_run = false;  // print the shard's jobs only
};
/// Runs the shard's jobs, writing their parts and parts/_shard.<i>-of-<n>.json (the manifest the
/// merge uses to find missing shards). Returns 0 when every verdict is the expected one.
int run_all(const RunAllOptions& opt);

}  // namespace fa
