// The search power of a conjecture's random search (fa-claims power, checks/search_power.hpp)
// and the check that every conjecture records it (fa-claims power-index).
#include "checks/claim_runner.hpp"
#include "checks/claim_runner_internal.hpp"

#include "checks/claim.hpp"
#include "checks/property.hpp"
#include "checks/schwartz_zippel.hpp"
#include "core/atomic_file.hpp"
#include "core/child_process.hpp"
#include "core/process_text.hpp"
#include "core/shell_quote.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace fa {

namespace {

std::string rate_text(long part, long whole) {
  std::ostringstream os;
  os << part << "/" << whole;
  if (whole > 0) os << " = " << static_cast<double>(part) / static_cast<double>(whole);
  return os.str();
}

}  // namespace

int run_power(const std::string& id, const std::string& scalar, const std::string& falsifier,
              long cases, std::optional<std::uint64_t> seed, double level,
              const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim) {
    std::cerr << "fa-claims: no claim '" << id << "' (try: fa-claims list)\n";
    return 2;
  }
  const ClaimSpec& spec = claim->spec;
  const ClaimRunner* runner = runner_for(*claim, scalar);
  if (!runner) {
    std::cerr << "fa-claims: claim " << id << " does not run in scalar '" << scalar << "'\n";
    return 2;
  }
  if (cases < kSizesPerSchedule || cases % kSizesPerSchedule != 0 || cases > 1000000) {
    std::cerr << "fa-claims: power needs --cases a multiple of 101 (each RapidCheck size 0..100 "
                 "equally often, as in the budgeted runs), at most 1000000; got "
              << cases << "\n";
    return 2;
  }
  if (!(level > 0 && level < 1)) {
    std::cerr << "fa-claims: --level must be in (0, 1)\n";
    return 2;
  }
  RunRequest req;
  req.variant = falsifier_variant(spec, falsifier);
  if (req.variant < 0) {
    std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
    return 2;
  }
  req.power = true;
  req.cases = static_cast<int>(cases);
  req.seed = seed;
  const RunResult r = (*runner)(spec, req);
  const nlohmann::json& t = r.power;
  const long drawn = t.is_object() ? t.value("cases", 0L) : 0L;
  const long refuting = t.is_object() ? t.value("refuting", 0L) : 0L;
  const long errors = t.is_object() ? t.value("errors", 0L) : 0L;
  std::cout << "power of " << spec.id << " [" << scalar << "]"
            << (falsifier.empty() ? "" : " with falsifier " + falsifier) << ": " << drawn
            << " cases drawn as the property draws them (seed " << r.seed << ", RapidCheck sizes "
            << "0..100, each " << cases / kSizesPerSchedule << "x), no shrinking, in " << r.seconds
            << " s\n";
  if (r.verdict == "inconclusive" && r.property_failed == false && drawn < cases)
    std::cout << "  RapidCheck gave up (too many discards): " << r.message << "\n";
  nlohmann::json j{{"id", id},
                   {"scalar", scalar},
                   {"falsifier", falsifier},
                   {"seed", std::to_string(r.seed)},
                   {"cases", drawn},
                   {"refuting", refuting},
                   {"errors", errors},
                   {"level", level},
                   {"seconds", r.seconds},
                   {"by", t.is_object() && t.contains("by") ? t["by"] : nlohmann::json::object()}};
  if (drawn > 0) {
    const Interval ci = clopper_pearson(drawn, refuting, level);
    std::cout << "  refuting cases: " << rate_text(refuting, drawn) << ", " << level * 100
              << "% Clopper-Pearson interval [" << ci.lo << ", " << ci.hi << "]\n";
    j["rate"] = static_cast<double>(refuting) / static_cast<double>(drawn);
    j["interval"] = {ci.lo, ci.hi};
  }
  if (errors > 0)
    std::cout << "  ERRORS in the check itself: " << errors
              << " (first: " << t.value("first_error", std::string()) << ")\n";
  if (t.is_object() && t.contains("by")) {
    std::cout << "  refuting / drawn by feature of the recipe:\n";
    for (const auto& [feature, values] : t["by"].items()) {
      std::cout << "    " << feature << ":";
      for (const auto& [value, cell] : values.items())
        std::cout << "  " << value << " " << cell["refuting"].get<long>() << "/"
                  << cell["cases"].get<long>();
      std::cout << "\n";
    }
  }
  const bool complete = drawn == cases && errors == 0;
  if (complete && refuting > 0 && falsifier.empty()) {
    PowerMeasurement m;
    m.scalar = scalar, m.cases = drawn, m.refuting = refuting, m.level = level;
    const SearchBudget b = derive_budget(m);
    std::cout << "  budget: " << b.formula << "\n";
    const std::string commit =
        first_output_line("git -C " + shell_quote(FA_SOURCE_DIR) + " rev-parse --short=12 HEAD");
    std::cout << "  to record it (ClaimSpec::power in theorems/" << id << ".cpp):\n    {\""
              << scalar << "\", " << drawn << ", " << refuting << ", " << level << ", \"" << r.seed
              << "\", \"" << utc_text("%Y-%m-%d") << "\", \"" << commit
              << "\", \"<where they are>\"},\n";
    j["budget"] = b.cases;
    j["formula"] = b.formula;
  } else if (complete && refuting == 0 && !spec.expected_to_hold() && falsifier.empty()) {
    std::cout << "  no refuting case: no lower bound on the rate, no budget can be derived\n";
  }
  if (!json_out.empty()) write_atomically(json_out, j.dump(2) + "\n");
  return complete ? 0 : 1;
}

/// Every conjecture records a usable power measurement (a budget can be derived from it) in each
/// scalar its random search runs in, and no claim that holds records one; prints each budget's
/// derivation. The budgets themselves are derived at run time from the records, so they cannot
/// drift from them.
int check_power_index() {
  int problems = 0;
  for (const auto& c : claim_registry()) {
    const ClaimSpec& spec = c.spec;
    if (spec.expected_to_hold()) {
      if (!spec.power.empty()) {
        std::cout << "  " << spec.id << " holds but records a power measurement\n";
        ++problems;
      }
      continue;
    }
    for (const auto& [scalar, runner] : c.scalars) {
      if (scalar == "mpfr") continue;
      const PowerMeasurement* m = find_power(spec, scalar);
      if (!m) {
        std::cout << "  " << spec.id << " [" << scalar
                  << "]: no power measurement (fa-claims power " << spec.id << " --scalar "
                  << scalar << " --cases 1010)\n";
        ++problems;
        continue;
      }
      try {
        const SearchBudget b = derive_budget(*m);
        if (m->date.empty() || m->commit.empty() || m->seed.empty())
          throw std::invalid_argument("date, commit and seed must be recorded");
        std::cout << "  " << spec.id << " [" << scalar << "]: rate " << b.rate << " in ["
                  << b.interval.lo << ", " << b.interval.hi << "]; " << b.formula << "; measured "
                  << m->date << " at " << m->commit << "\n";
      } catch (const std::exception& e) {
        std::cout << "  " << spec.id << " [" << scalar << "]: " << e.what() << "\n";
        ++problems;
      }
    }
    for (const auto& m : spec.power)
      if (!runner_for(c, m.scalar)) {
        std::cout << "  " << spec.id << " records power in '" << m.scalar
                  << "', a scalar it does not run in\n";
        ++problems;
      }
  }
  std::cout << (problems == 0 ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  return problems == 0 ? 0 : 1;
}

}  // namespace fa
