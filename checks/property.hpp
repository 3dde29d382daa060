// A thin RapidCheck runner of our own. RapidCheck's stock Catch adapter passes no test id, so its
// failures never print a working `reproduce=` string; this one gives RapidCheck an id (the Catch
// test name), fixed parameters per property, a stable default seed, and returns the full result so
// a caller can turn it into a verdict, a report row and a one-line reproduction command.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rc::detail {
// Defined in librapidcheck (src/detail/ReproduceListener.cpp), not declared in its public headers.
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
}  // namespace rc::detail

namespace fa {

struct PropertyOptions {
  int cases = 100;          // successful cases required before a property passes
  int max_size = 100;       // RapidCheck size; Debian's has UB above 100 (docs/building.md)
  int max_discard_ratio = 10;
  bool shrink = true;
  bool scale_cases = true;           // multiply by FA_DEPTH
  std::optional<std::uint64_t> seed;  // overrides property_seed()
  std::string reproduce;              // RapidCheck reproduce string (from a failure's output)
};

struct PropertyOutcome {
  bool passed = false;    // RapidCheck found no failing case
  bool gave_up = false;   // too many discarded cases (or an error in the runner itself)
  int cases = 0;          // successful cases run
  std::uint64_t seed = 0;
  std::string message;    // RapidCheck's own text (includes the shrunk counterexample)
  std::vector<std::pair<std::string, std::string>> counterexample;
  std::string reproduce;  // value for RC_PARAMS="reproduce=..." (empty unless it failed)
};

/// Number of cases for a property: `base` times FA_DEPTH (env, default 1), or RC_PARAMS's
/// max_success when that is given explicitly.
int scaled_cases(int base);

/// Seed used for `id`: RC_PARAMS's seed when given, else FA_SEED (env) mixed with the id, else a
/// fixed hash of the id, so that default runs are deterministic.
std::uint64_t property_seed(const std::string& id);

namespace detail {
PropertyOutcome run_property(const std::string& id, const rc::detail::Property& property,
                             const PropertyOptions& options);
}

/// Runs `testable` (a callable using RC_ASSERT / *gen) as property `id`.
template <class Testable>
PropertyOutcome check_property(const std::string& id, Testable&& testable,
                               const PropertyOptions& options = {}) {
  return detail::run_property(id, rc::detail::toProperty(std::forward<Testable>(testable)),
                              options);
}

}  // namespace fa
