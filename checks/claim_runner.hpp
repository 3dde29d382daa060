// Pieces of the claim runner that other tools reuse (the mutation tests, the report).
#pragma once

#include "checks/claim.hpp"

#include <filesystem>
#include <ostream>

namespace fa {

const RegisteredClaim* find_claim(const std::string& id);

struct LadderRung {
  int bits = 0;
  double eps = 0;
  double residual = 0;     // largest relative identity residual on the ladder's fixed instance
  std::string verdict;     // the claim's own verdict at this precision (its k eps scale bounds)
  double bound_ratio = 0;  // largest residual / (k eps scale) of the rung: <= 1 within bound
  long identity_checks = 0;
  std::string message;  // the failure, when the rung is out of its bound
  /// The rung meets its own bound: every identity the claim checked at this precision stayed
  /// within k eps of that precision times its scale (and at least one was checked).
  bool within_bound() const {
    return verdict == "verified" && identity_checks > 0 && bound_ratio <= 1;
  }
};

struct LadderResult {
  std::vector<LadderRung> rungs;
  double slope = 0;
  /// First condition: every rung within its own bound. Second: the slope of log residual
  /// against log eps is that of an exact identity, in [kLadderSlopeMin, kLadderSlopeMax].
  bool rungs_within_bounds() const;
  bool slope_exact_like() const;
  bool exact_like() const { return rungs_within_bounds() && slope_exact_like(); }
};

// An exact identity's residual is rounding, O(eps): slope 1 within the scatter of rounding
// constants across rungs (a factor <= 10 over 105 decades of eps moves the slope < 0.02);
// [0.8, 1.2] leaves room and still rejects an approximate identity (slope ~0) outright. A bug
// confined to one rung can leave the slope in range (a 53-bit rung off by 10^12 eps moves it by
// < 0.1), which is why every rung must also meet its own bound.
inline constexpr double kLadderSlopeMin = 0.8;
inline constexpr double kLadderSlopeMax = 1.2;

/// Runs the claim's check on its ladder recipe at 53 (double), 114, 201 and 400 bits (MpVar).
/// `dynamics` replaces the reference dynamics per scalar (tests: a bug confined to one rung).
LadderResult precision_ladder(const RegisteredClaim& claim, int variant,
                              const DynamicsSet& dynamics = {});

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
/// `fa-claims power`: draws `cases` (a multiple of 101) as the claim's property draws them, counts
/// the refuting ones without stopping or shrinking, prints the rate, its Clopper-Pearson interval
/// at `level`, the rate by feature of the recipe and the budget it implies
/// (checks/search_power.hpp).
int run_power(const std::string& id, const std::string& scalar, const std::string& falsifier,
              long cases, std::optional<std::uint64_t> seed, double level,
              const std::string& json_out = "");
/// `fa-claims pinned`: replays the claim's pinned cases (ClaimSpec::pinned); writes
/// report/parts/<ID>.pinned.json. 0 when every one behaves as recorded (with a falsifier: when
/// one does not).
int run_pinned(const std::string& id, const std::string& falsifier, bool write_report);
/// Every conjecture records a usable power measurement for each scalar it searches in. 0 when so.
int check_power_index();
/// How many FA_SEED values the seed sweep registers (`ctest -C sweep -L seed-sweep`).
inline constexpr int kSweepSeeds = 20;
/// `fa-claims sweep SEED`: every FA_SEED-dependent job (random searches, Schwartz-Zippel, ties)
/// with FA_SEED=SEED, no claim parts written; writes report/parts/_sweep.<SEED>.json. 0 when every
/// verdict is the expected one.
int run_sweep(std::uint64_t seed, bool write_report);
/// The symbolic proof of a claim (ClaimSpec::proof), run with Debian's python3 and SymPy; writes
/// report/parts/<ID>.proof.json. 0 when proved.
int run_proof(const std::string& id, bool write_report);
/// Every proof script is named by its claim and names it back. 0 when so.
int check_proof_index();
/// The rungs (residual, residual/bound, within bound or not) and the slope, one line each.
void print_ladder(std::ostream& os, const LadderResult& lad);
/// Why a ladder fails: the rungs out of their bounds (with the claim's message) and the slope.
std::string ladder_failure_text(const LadderResult& lad);
bool verdict_as_expected(const ClaimSpec& spec, const RunResult& r, bool falsifier);
void write_ctest_include(const std::string& file, const std::string& binary);
void write_atomically(const std::filesystem::path& path, const std::string& text);

// ---- run-all and shards (the report: docs/report.md) ---------------

/// One unit of work of a full run: a claim in one scalar, or a claim's precision ladder.
struct ClaimJob {
  std::string id;
  std::string scalar;  // "double", "mp", "exact", "ladder", "proof", "sz" (Schwartz-Zippel),
                       // "pinned" (the claim's pinned cases), or "ties" (id "implementation")
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
