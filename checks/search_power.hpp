// How much random search a conjecture needs, and the cases every run replays (issue 25).
//
// Measured power. `fa-claims power ID --scalar S --cases N` draws N cases exactly as the property
// draws them (the same seed, RapidCheck's own size schedule, the same discards), without stopping
// at the first refuting case and without shrinking, and counts the cases that refute. The count
// is recorded in the claim file (ClaimSpec::power); its rate and exact (Clopper-Pearson) interval
// are computed from it here, so they cannot drift from it.
//
// The budget. RapidCheck gives case i the size sizeFor(i) (rapidcheck src/detail/Testing.cpp):
// with N a multiple of 101 every size 0..100 is drawn N/101 times, in any run of such a length.
// The refuting probability p_s depends on the size (the largest dimension grows with it), so the
// measured rate estimates the mean p over that uniform schedule, and a run of B cases (B a
// multiple of 101) misses with probability prod_s (1 - p_s)^(B/101) <= (1 - mean p)^B (log(1 - p)
// is concave: Jensen). So a budget derived from the mean rate is valid, and conservative, when the
// run's schedule is the measured one: every budget is a multiple of 101, and so is every
// measurement. The budget is the smallest multiple of 101 with (1 - p_lo)^B <= 10^-6, p_lo the
// interval's lower end; FA_DEPTH and the main job's multiplier only multiply it (still multiples of
// 101: the bound only falls). The count of a schedule of unequal p_s is Poisson-binomial, not
// binomial; Hoeffding (1956) shows its tails beyond one of the mean are no heavier than the
// binomial's of the same mean, so the Clopper-Pearson bounds stay valid (conservative).
//
// Pinned cases (ClaimSpec::pinned, like Hypothesis' @example): fixed recipes every run replays,
// for a conjecture its known minimal counterexample (which must refute, certified in exact
// arithmetic by the claim's replay_exactly where it has one), for a claim that holds a regression
// case (which must pass). They run as their own tests; the random search's verdict stays its own.
#pragma once

#include "generators/recipe.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fa {

struct ClaimSpec;

/// One `fa-claims power` run, as the claim file records it.
struct PowerMeasurement {
  std::string scalar;   // "double" or "mp"
  long cases = 0;       // N: cases drawn as the property draws them, a multiple of 101
  long refuting = 0;    // how many of them refuted the conjecture
  double level = 0.99;  // two-sided level of the Clopper-Pearson interval
  std::string seed;     // the power run's seed (decimal; --seed)
  std::string date;     // YYYY-MM-DD
  std::string commit;   // the commit the measurement ran at (the claim's check and region)
  std::string where;    // which part of the region holds the refuting cases
};

/// A case every run replays on its fixed recipe (ClaimSpec::pinned).
struct PinnedCase {
  std::string scalar;  // the arithmetic it runs in: "double", "mp" or "exact"
  Recipe recipe;
  std::string origin;  // where it comes from (the search that found it, its seed)
};

/// RapidCheck's sizes run 0..100 (max_size, TOOLCHAIN.md): a schedule of a multiple of 101 cases
/// draws each size equally often.
inline constexpr long kSizesPerSchedule = 101;
/// The miss probability a conjecture's random search must stay below, per run.
inline constexpr double kMissTarget = 1e-6;

struct Interval {
  double lo = 0, hi = 1;
};
/// Exact two-sided Clopper-Pearson interval at `level` for `successes` of `trials`
/// (Boost.Math's binomial_distribution::find_{lower,upper}_bound_on_p, each tail (1 - level)/2).
Interval clopper_pearson(long trials, long successes, double level);

/// RapidCheck's size of the case with index `i` (successful or refuting cases before it) in a run
/// of `cases` (maxSuccess), max size 100, before its discard bump (src/detail/Testing.cpp).
int rapidcheck_size(long cases, long i);

/// The derivation of a conjecture's case budget from its measurement.
struct SearchBudget {
  double rate = 0;    // refuting / cases
  Interval interval;  // Clopper-Pearson at the measurement's level
  double target = kMissTarget;
  long cases = 0;         // B: the smallest multiple of 101 with (1 - p_lo)^B <= target
  double miss_bound = 1;  // (1 - p_lo)^B
  std::string formula;    // the derivation in words and numbers
};
/// Throws std::invalid_argument for a measurement that cannot give a budget (no refuting case,
/// N not a multiple of 101, level outside (0, 1), ...), with the reason.
SearchBudget derive_budget(const PowerMeasurement& m, double target = kMissTarget);
/// (1 - p_lo)^cases: the miss probability of a run of `cases` (a multiple of 101).
double miss_bound(double p_lo, long cases);

/// Adds one case of a power run to its tally (RunResult::power): counts, and refuting / drawn per
/// feature of the recipe (RapidCheck size bucket, smaller dimension, rank relation, spectrum,
/// init, c, B's scale), so that a small rate can be traced to the part of the region that refutes.
void tally_power_case(nlohmann::json& tally, const Recipe& rec, int size, bool refuted);

/// The claim's measurement in `scalar`, or null.
const PowerMeasurement* find_power(const ClaimSpec& spec, const std::string& scalar);

}  // namespace fa
