// fa-claims: runs the registered claims (theorems/*.cpp), one (claim, scalar) at a time, prints a
// verdict that explains itself, writes a report fragment, and generates the ctest registrations.
#include "checks/claim_runner.hpp"

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

std::string self_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("fa-claims") : p.string();
}

std::filesystem::path report_dir() {
  if (const char* env = std::getenv("FA_REPORT_DIR")) return env;
  return FA_DEFAULT_REPORT_DIR;
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  write_file_atomically(path, text);
}

std::string test_name(const ClaimSpec& spec, const std::string& scalar) {
  return spec.id + " " + spec.title + " (" + scalar + ")";
}

std::string reproduce_command(const ClaimSpec& spec, const std::string& scalar, const RunResult& r,
                              const std::string& falsifier) {
  std::string cmd = self_path() + " run " + spec.id + " --scalar " + scalar;
  if (!falsifier.empty()) cmd += " --falsifier " + falsifier;
  cmd += " --seed " + std::to_string(r.seed);
  if (!r.reproduce.empty()) cmd += " --reproduce " + shell_quote(r.reproduce);
  return cmd;
}

nlohmann::json power_measurement_json(const PowerMeasurement& m) {
  return {{"scalar", m.scalar}, {"cases", m.cases}, {"refuting", m.refuting}, {"level", m.level},
          {"seed", m.seed},     {"date", m.date},   {"commit", m.commit},     {"where", m.where}};
}

/// A conjecture's search in `scalar` (claims.json "search"): the recorded power measurement, the
/// rate and interval computed from it, and the budget derived from it with its miss probability
/// at the test command's depth, the main job's and this run's. Null without a measurement.
nlohmann::json search_json(const ClaimSpec& spec, const std::string& scalar) {
  const PowerMeasurement* m = find_power(spec, scalar);
  if (!m) return nullptr;
  const SearchBudget b = derive_budget(*m);
  const long main_cases = b.cases * main_profile_multiplier(spec, scalar);
  const long run_cases =
      scaled_cases(static_cast<int>(b.cases * main_job_multiplier(spec, scalar)));
  auto at = [&](long cases) {
    return nlohmann::json{{"cases", cases}, {"miss_bound", miss_bound(b.interval.lo, cases)}};
  };
  return {{"measurement", power_measurement_json(*m)},
          {"rate", b.rate},
          {"interval", {b.interval.lo, b.interval.hi}},
          {"p_lo", b.interval.lo},
          {"target", b.target},
          {"budget", b.cases},
          {"formula", b.formula},
          {"test_command", at(b.cases)},
          {"main_job", at(main_cases)},
          {"this_run", at(run_cases)}};
}

nlohmann::json fragment_json(const ClaimSpec& spec, const std::string& scalar, const RunResult& r,
                             const std::string& reproduce) {
  nlohmann::json j;
  j["id"] = spec.id;
  j["title"] = spec.title;
  j["source"] = source_name(spec.source);
  if (!spec.citation.empty()) j["citation"] = spec.citation;
  j["statement"] = spec.statement;
  j["hypotheses"] = spec.hypotheses;
  j["recipe"] = spec.recipe;
  j["scalar"] = scalar;
  j["precision_bits"] = scalar == "double" ? 53 : scalar == "mp" ? precision_bits<Mp>() : 0;
  j["verdict"] = r.verdict;
  j["expected"] = spec.expected_to_hold() ? "holds" : "refuted";
  j["cases"] = r.cases;
  j["seed"] = std::to_string(r.seed);
  j["seconds"] = r.seconds;
  nlohmann::json wm;
  if (std::isfinite(r.record.worst.margin)) {
    wm["margin"] = r.record.worst.margin;
    wm["quantity"] = r.record.worst.quantity;
    wm["bound"] = r.record.worst.bound;
    wm["what"] = r.record.worst.what;
    wm["recipe"] = r.record.worst.recipe;
  }
  j["worst_margin"] = wm.is_null() ? nlohmann::json(nullptr) : wm;
  j["counterexample"] = r.property_failed && !r.record.last_failure.is_null()
                            ? r.record.last_failure
                            : nlohmann::json(nullptr);
  j["reproduce"] = reproduce;
  j["message"] = r.message;
  j["extra"] = r.record.extra;
  j["region"] = r.record.region.to_json();
  nlohmann::json fals = nlohmann::json::array();
  for (const auto& f : spec.falsifiers)
    fals.push_back({{"name", f.name}, {"description", f.description}});
  j["falsifiers"] = fals;
  j["proof"] = spec.proof.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.proof);
  j["strength_note"] = spec.strength_note;
  j["exact_replay"] = r.exact_replay;
  j["search"] = search_json(spec, scalar);
  return j;
}

bool verdict_as_expected(const ClaimSpec& spec, const RunResult& r, bool falsifier) {
  const bool refuted = r.verdict == "refuted";
  if (r.verdict == "error") return false;
  const bool should_be_refuted = spec.expected_to_hold() == falsifier;
  if (should_be_refuted) return refuted;
  return spec.expected_to_hold() ? r.verdict == "verified" : r.verdict == "inconclusive";
}

/// The exact replay of a refuted conjecture's minimal counterexample (ClaimSpec::replay_exactly),
/// as report data; an exception in the replay is reported, not fatal.
nlohmann::json replay_counterexample(const ClaimSpec& spec, const nlohmann::json& counterexample) {
  ExactReplay e;
  try {
    e = spec.replay_exactly(counterexample);
  } catch (const std::exception& ex) {
    e.status = "not certified";
    e.detail = std::string("the exact replay failed: ") + ex.what();
  }
  return {
      {"status", e.status}, {"detail", e.detail}, {"exact_counterexample", e.exact_counterexample}};
}

void print_result(std::ostream& os, const ClaimSpec& spec, const std::string& scalar,
                  const RunResult& r, const std::string& falsifier, const std::string& reproduce,
                  bool ok) {
  os << "claim " << spec.id << " [" << scalar << "] " << spec.title << "\n";
  os << "  source: " << source_name(spec.source)
     << (spec.expected_to_hold() ? "" : " (a conjecture: the suite must refute it)") << "\n";
  if (!falsifier.empty()) {
    for (const auto& f : spec.falsifiers)
      if (f.name == falsifier) os << "  FALSIFIER " << f.name << ": " << f.description << "\n";
    os << "  (the check must "
       << (spec.expected_to_hold() ? "fail (refuted)" : "find no counterexample") << ")\n";
  }
  os << "  verdict: " << r.verdict << " after " << r.cases << " cases in " << r.seconds
     << " s (seed " << r.seed << ")\n";
  if (falsifier.empty())
    if (const nlohmann::json search = search_json(spec, scalar); search.is_object())
      os << "  search budget: " << search["this_run"]["cases"]
         << " cases, P(miss) <= " << search["this_run"]["miss_bound"].get<double>() << " ("
         << search["formula"].get<std::string>() << ")\n";
  if (std::isfinite(r.record.worst.margin)) {
    os << "  worst margin: " << r.record.worst.margin << " on " << r.record.worst.what << ": "
       << r.record.worst.quantity << " vs bound " << r.record.worst.bound << "\n    at "
       << r.record.worst.recipe << "\n";
  }
  if (r.property_failed) {
    os << (spec.expected_to_hold() ? "  COUNTEREXAMPLE (minimal after shrinking):\n"
                                   : "  minimal counterexample (refutes the conjecture):\n");
    std::istringstream lines(r.message);
    for (std::string line; std::getline(lines, line);) os << "    " << line << "\n";
    os << "  reproduce: " << reproduce << "\n";
    if (r.exact_replay.is_object())
      os << "  exact replay: " << r.exact_replay["status"].get<std::string>() << ": "
         << r.exact_replay["detail"].get<std::string>() << "\n";
  } else if (!r.message.empty() && r.verdict != "verified") {
    os << "  " << r.message << "\n";
  }
  os << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
}

int run_claim(const std::string& id, const std::string& scalar, const std::string& falsifier,
              std::optional<std::uint64_t> seed, int cases, const std::string& reproduce,
              bool write_report, const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim) {
    std::cerr << "fa-claims: no claim '" << id << "' (try: fa-claims list)\n";
    return 2;
  }
  const ClaimSpec& spec = claim->spec;
  RunRequest req;
  req.seed = seed;
  req.cases = cases;
  req.reproduce = reproduce;
  if (!falsifier.empty()) {
    for (std::size_t i = 0; i < spec.falsifiers.size(); ++i)
      if (spec.falsifiers[i].name == falsifier) req.variant = static_cast<int>(i) + 1;
    if (req.variant == 0) {
      std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
      return 2;
    }
  }
  for (const auto& [name, runner] : claim->scalars) {
    if (name != scalar) continue;
    const bool writes = write_report && req.variant == 0 && !req.fixed_recipe;
    const auto part = report_dir() / "parts" / (spec.id + "." + scalar + ".json");
    if (writes) {
      // A placeholder first: a run that crashes or is killed (ctest timeout) shows in the
      // report as an error instead of silently missing.
      RunResult unfinished;
      unfinished.verdict = "error";
      unfinished.message = "started but did not finish (crashed or killed, e.g. by a timeout)";
      write_atomically(part, fragment_json(spec, scalar, unfinished, "").dump(2) + "\n");
    }
    RunResult r = runner(spec, req);
    if (req.variant == 0 && spec.replay_exactly && r.property_failed &&
        r.record.last_failure.is_object() && r.record.last_failure.contains("matrices"))
      r.exact_replay = replay_counterexample(spec, r.record.last_failure);
    bool ok = verdict_as_expected(spec, r, req.variant > 0);
    // A claim must draw its region, not mostly throw draws away (issue 11): more discarded than
    // kept cases (preconditions) is a failure of the claim's generator.
    const RegionSeen& region = r.record.region;
    if (req.variant == 0 && region.discards > region.cases && r.verdict != "refuted") {
      std::cout << "  DISCARDS: " << region.discards << " of " << region.cases + region.discards
                << " draws failed a precondition (more than half): the generator must draw the "
                   "region better\n";
      ok = false;
    }
    const std::string repro = reproduce_command(spec, scalar, r, falsifier);
    print_result(std::cout, spec, scalar, r, falsifier, repro, ok);
    if (writes) write_atomically(part, fragment_json(spec, scalar, r, repro).dump(2) + "\n");
    if (!json_out.empty()) {
      nlohmann::json j = fragment_json(spec, scalar, r, repro);
      j["as_expected"] = ok;
      write_atomically(json_out, j.dump(2) + "\n");
    }
    return ok ? 0 : 1;
  }
  std::cerr << "fa-claims: claim " << id << " does not run in scalar '" << scalar << "'\n";
  return 2;
}

namespace {

/// The variant number of a claim's falsifier (0 for none); -1 when the claim has no such one.
int falsifier_variant(const ClaimSpec& spec, const std::string& falsifier) {
  if (falsifier.empty()) return 0;
  for (std::size_t i = 0; i < spec.falsifiers.size(); ++i)
    if (spec.falsifiers[i].name == falsifier) return static_cast<int>(i) + 1;
  return -1;
}

const ClaimRunner* runner_for(const RegisteredClaim& claim, const std::string& scalar) {
  for (const auto& [name, runner] : claim.scalars)
    if (name == scalar) return &runner;
  return nullptr;
}

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

/// Each pinned case of a claim on its fixed recipe, in its scalar: a conjecture's must refute
/// (and its exact replay, where the claim has one, certify the refutation); a holding claim's must
/// pass. A case its checked preconditions discard is a failure too (it would pass silently).
/// With a falsifier the verdict flips: the test passes when some pinned case no longer behaves.
int run_pinned(const std::string& id, const std::string& falsifier, bool write_report) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || claim->spec.pinned.empty()) {
    std::cerr << "fa-claims: no claim '" << id << "' with pinned cases\n";
    return 2;
  }
  const ClaimSpec& spec = claim->spec;
  const int variant = falsifier_variant(spec, falsifier);
  if (variant < 0) {
    std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
    return 2;
  }
  const bool writes = write_report && variant == 0;
  const auto part = report_dir() / "parts" / (id + ".pinned.json");
  nlohmann::json j{{"id", id},
                   {"title", spec.title},
                   {"expected", spec.expected_to_hold() ? "holds" : "refuted"},
                   {"verdict", "error"},
                   {"cases", nlohmann::json::array()},
                   {"seconds", 0.0}};
  if (writes) write_atomically(part, j.dump(2) + "\n");  // a crash shows as an error
  bool all_behave = true;
  double seconds = 0;
  std::cout << "pinned cases of " << spec.id << " " << spec.title
            << (falsifier.empty() ? "" : " with falsifier " + falsifier) << "\n";
  for (const PinnedCase& pin : spec.pinned) {
    const ClaimRunner* runner = runner_for(*claim, pin.scalar);
    nlohmann::json row{{"scalar", pin.scalar},    {"recipe", pin.recipe.describe()},
                       {"origin", pin.origin},    {"verdict", "error"},
                       {"exact_replay", nullptr}, {"strength", nullptr},
                       {"as_expected", false}};
    std::string why;
    if (!runner) {
      why = "the claim does not run in scalar '" + pin.scalar + "'";
    } else {
      RunRequest req;
      req.variant = variant;
      req.fixed_recipe = &pin.recipe;
      RunResult r = (*runner)(spec, req);
      seconds += r.seconds;
      row["verdict"] = r.verdict;
      row["message"] = r.message;
      if (r.record.region.discards > 0) {
        why = "a checked precondition discarded the pinned recipe: " + r.message;
      } else if (spec.expected_to_hold()) {
        if (r.verdict == "verified") {
          row["as_expected"] = true;
          row["strength"] = "tested";
          why = "passes";
        } else {
          why = "FAILS: " + r.message;
        }
      } else if (r.verdict != "refuted") {
        why = "NO LONGER REFUTES (verdict " + r.verdict + ")";
      } else if (!spec.replay_exactly) {
        row["as_expected"] = true;
        row["strength"] = "tested";
        why = "refutes in " + pin.scalar + " (no exact replay for this claim)";
      } else if (!r.record.last_failure.contains("matrices")) {
        why = "refutes, but recorded no matrices to replay exactly";
      } else {
        const nlohmann::json replay = replay_counterexample(spec, r.record.last_failure);
        row["exact_replay"] = replay;
        const std::string status = replay["status"].get<std::string>();
        const bool certified =
            status == "certified exact" ||
            (status == "rounding artefact" && replay["exact_counterexample"].is_object());
        row["as_expected"] = certified;
        row["strength"] = certified ? nlohmann::json("certified") : nlohmann::json(nullptr);
        why = status == "certified exact" ? "refutes, certified in exact arithmetic: "
              : certified ? "refutes; the recorded instance is a rounding artefact, the exact "
                            "counterexample the replay gives is certified: "
                          : "refutes, but NOT certified: ";
        why += replay["detail"].get<std::string>();
      }
    }
    row["detail"] = why;
    all_behave = all_behave && row["as_expected"].get<bool>();
    std::cout << "  [" << pin.scalar << "] " << pin.recipe.describe() << "\n    " << why
              << "\n    (" << pin.origin << ")\n";
    j["cases"].push_back(row);
  }
  const bool ok = variant == 0 ? all_behave : !all_behave;
  if (variant > 0)
    std::cout << "  (with a falsifier, some pinned case must stop behaving as recorded)\n";
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  j["verdict"] = all_behave ? (spec.expected_to_hold() ? "verified" : "refuted") : "failed";
  j["as_expected"] = all_behave;
  j["seconds"] = seconds;
  if (writes) write_atomically(part, j.dump(2) + "\n");
  return ok ? 0 : 1;
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

/// The jobs whose outcome depends on FA_SEED: every claim's random search (double, mp, exact),
/// its Schwartz-Zippel points and the ties' points. The precision ladders (fixed recipes), the
/// symbolic proofs and the pinned cases do not read it.
std::vector<ClaimJob> seeded_jobs() {
  std::vector<ClaimJob> out;
  for (const ClaimJob& j : claim_jobs())
    if (j.scalar == "double" || j.scalar == "mp" || j.scalar == "exact" || j.scalar == "sz" ||
        j.scalar == "ties")
      out.push_back(j);
  return out;
}

int run_sweep(std::uint64_t seed, bool write_report) {
  // Every property seed of this process is FA_SEED mixed with its id (property_seed).
  ::setenv("FA_SEED", std::to_string(seed).c_str(), 1);
  const auto part = report_dir() / "parts" / ("_sweep." + std::to_string(seed) + ".json");
  nlohmann::json j{{"seed", std::to_string(seed)},
                   {"depth", std::getenv("FA_DEPTH") ? std::getenv("FA_DEPTH") : "1"},
                   {"profile", std::getenv("FA_PROFILE") ? std::getenv("FA_PROFILE") : "test"},
                   {"jobs", nlohmann::json::array()},
                   {"as_expected", false},
                   {"finished", false}};
  if (write_report) write_atomically(part, j.dump(2) + "\n");
  const auto tmp =
      std::filesystem::temp_directory_path() / ("fa-sweep-" + std::to_string(::getpid()) + ".json");
  int failures = 0;
  for (const ClaimJob& job : seeded_jobs()) {
    int rc = 0;
    nlohmann::json row{{"job", job.name()}};
    try {
      if (job.scalar == "sz") {
        rc = run_schwartz_zippel(job.id, "", std::nullopt, 0, false);
      } else if (job.scalar == "ties") {
        rc = run_ties(std::nullopt, false);
      } else {
        rc = run_claim(job.id, job.scalar, "", std::nullopt, 0, "", false, tmp.string());
        const nlohmann::json r = nlohmann::json::parse(read_whole_file(tmp));
        row["verdict"] = r["verdict"];
        row["cases"] = r["cases"];
        row["reproduce"] = r["reproduce"];
        if (rc != 0 && r["counterexample"].is_object())
          row["counterexample"] = r["counterexample"].value("recipe", "");
      }
    } catch (const std::exception& e) {
      std::cerr << "fa-claims: " << job.name() << ": error: " << e.what() << "\n";
      row["error"] = e.what();
      rc = 3;
    }
    row["as_expected"] = rc == 0;
    failures += rc != 0;
    j["jobs"].push_back(row);
  }
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  j["as_expected"] = failures == 0;
  j["finished"] = true;
  if (write_report) write_atomically(part, j.dump(2) + "\n");
  std::cout << "seed sweep: FA_SEED=" << seed << ": " << j["jobs"].size() << " jobs, "
            << j["jobs"].size() - failures << " as expected, " << failures << " not\n";
  return failures == 0 ? 0 : 1;
}

bool LadderResult::rungs_within_bounds() const {
  if (rungs.empty()) return false;
  for (const auto& g : rungs)
    if (!g.within_bound()) return false;
  return true;
}

bool LadderResult::slope_exact_like() const {
  return slope >= kLadderSlopeMin && slope <= kLadderSlopeMax;
}

/// Precision ladder: the same fixed instance at 53 (double), 114, 201 and 400 bits (MPFR; the
/// bit counts Boost's decimal-digit precision gives). Each rung is the claim's own check at that
/// precision, so it must meet the claim's own bounds (k eps scale, k as justified in the claim,
/// eps of the rung); then log10(residual) is fitted against log10(eps): an exact identity's
/// residual falls with eps (slope ~1), an approximate one's does not (~0).
LadderResult precision_ladder(const RegisteredClaim& claim, int variant,
                              const DynamicsSet& dynamics) {
  LadderResult out;
  RunRequest req;
  req.variant = variant;
  req.dynamics = dynamics;
  if (!claim.spec.ladder_recipe)
    throw std::runtime_error("claim " + claim.spec.id + " has no ladder recipe");
  req.fixed_recipe = &*claim.spec.ladder_recipe;
  const ClaimRunner* d = nullptr;
  const ClaimRunner* v = nullptr;
  for (const auto& [name, runner] : claim.scalars) {
    if (name == "double") d = &runner;
    if (name == "mpfr") v = &runner;
  }
  if (!d || !v) throw std::runtime_error("claim " + claim.spec.id + " has no precision ladder");
  auto rung = [&](int bits, const ClaimRunner& runner, double eps) {
    RunResult r = runner(claim.spec, req);
    LadderRung g;
    g.bits = bits;
    g.eps = eps;
    g.residual = r.record.max_identity_residual;
    g.verdict = r.verdict;
    g.bound_ratio = r.record.max_identity_bound_ratio;
    g.identity_checks = r.record.identity_checks;
    if (!g.within_bound())
      g.message = g.identity_checks == 0 ? "no identity was checked (case discarded?) " + r.message
                                         : r.message;
    out.rungs.push_back(g);
  };
  rung(53, *d, std::ldexp(1.0, -52));
  for (int bits : {113, 200, 400}) {
    const int got = set_mpvar_bits(bits);
    rung(got, *v, std::ldexp(1.0, 1 - got));
  }
  // Least squares on (log10 eps, log10 residual); a residual of exactly 0 (operations that
  // happen to round exactly) is floored at eps: it is at most the rounding level, as an exact
  // identity's residual must be.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(out.rungs.size());
  for (const auto& g : out.rungs) {
    const double x = std::log10(g.eps);
    const double y = std::log10(g.residual > 0 ? g.residual : g.eps);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  out.slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return out;
}

std::string ladder_failure_text(const LadderResult& lad) {
  std::ostringstream os;
  for (const auto& g : lad.rungs)
    if (!g.within_bound())
      os << g.bits << "-bit rung out of its own bound (residual/bound " << g.bound_ratio
         << "): " << g.message << "\n";
  if (!lad.slope_exact_like())
    os << "slope " << lad.slope << " outside [" << kLadderSlopeMin << ", " << kLadderSlopeMax
       << "]\n";
  return os.str();
}

void print_ladder(std::ostream& os, const LadderResult& lad) {
  for (const auto& g : lad.rungs)
    os << "  " << g.bits << " bits  eps=" << g.eps << "  relative residual=" << g.residual
       << "  residual/bound=" << g.bound_ratio << " (" << g.identity_checks << " checks)"
       << (g.within_bound() ? "  within its bound" : "  OUT OF ITS BOUND") << "\n";
  os << "  every rung within its own bound (k eps scale at that precision): "
     << (lad.rungs_within_bounds() ? "yes" : "NO") << "\n";
  os << "  slope of log residual vs log eps: " << lad.slope
     << " (exact identity: ~1, approximate: ~0; required in [" << kLadderSlopeMin << ", "
     << kLadderSlopeMax << "])\n";
  if (!lad.exact_like()) {
    std::istringstream lines(ladder_failure_text(lad));
    for (std::string line; std::getline(lines, line);) os << "  " << line << "\n";
  }
}

int run_ladder(const std::string& id, const std::string& falsifier, bool write_report,
               const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || !claim->spec.has_ladder()) {
    std::cerr << "fa-claims: no claim '" << id << "' with a precision ladder\n";
    return 2;
  }
  int variant = 0;
  for (std::size_t i = 0; i < claim->spec.falsifiers.size(); ++i)
    if (claim->spec.falsifiers[i].name == falsifier) variant = static_cast<int>(i) + 1;
  if (!falsifier.empty() && variant == 0) {
    std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
    return 2;
  }
  const auto part = report_dir() / "parts" / (id + ".ladder.json");
  if (write_report && variant == 0) {
    nlohmann::json j{{"id", id},
                     {"slope", nullptr},
                     {"recipe", claim->spec.ladder_recipe->describe()},
                     {"verdict", "error"},
                     {"rungs", nlohmann::json::array()},
                     {"message", "started but did not finish (crashed or killed)"}};
    write_atomically(part, j.dump(2) + "\n");
  }
  const LadderResult lad = precision_ladder(*claim, variant);
  const bool exact_like = lad.exact_like();
  const bool ok = variant == 0 ? exact_like : !exact_like;
  std::cout << "precision ladder " << id << " " << claim->spec.title
            << (variant ? " with falsifier " + falsifier : std::string()) << "\n";
  print_ladder(std::cout, lad);
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if ((write_report && variant == 0) || !json_out.empty()) {
    nlohmann::json j;
    j["id"] = id;
    j["slope"] = lad.slope;
    j["recipe"] = claim->spec.ladder_recipe->describe();
    j["verdict"] = exact_like ? "verified" : "refuted";
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& g : lad.rungs)
      rungs.push_back({{"bits", g.bits},
                       {"eps", g.eps},
                       {"residual", g.residual},
                       {"bound_ratio", std::isfinite(g.bound_ratio) ? nlohmann::json(g.bound_ratio)
                                                                    : nlohmann::json(nullptr)},
                       {"within_bound", g.within_bound()}});
    j["rungs"] = rungs;
    j["rungs_within_bounds"] = lad.rungs_within_bounds();
    j["slope_exact_like"] = lad.slope_exact_like();
    if (!exact_like) j["message"] = ladder_failure_text(lad);
    if (write_report && variant == 0) write_atomically(part, j.dump(2) + "\n");
    if (!json_out.empty()) {
      j["falsifier"] = falsifier;
      j["as_expected"] = ok;
      write_atomically(json_out, j.dump(2) + "\n");
    }
  }
  return ok ? 0 : 1;
}

/// `fa-claims proof ID`: runs the claim's symbolic proof (theorems/proofs/<ID>.py) with Debian's
/// Python and SymPy, shows its output, and writes report/parts/<ID>.proof.json from its result.
int run_proof(const std::string& id, bool write_report) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || claim->spec.proof.empty()) {
    std::cerr << "fa-claims: no claim '" << id << "' with a symbolic proof\n";
    return 2;
  }
  const std::filesystem::path script = std::filesystem::path(FA_SOURCE_DIR) / claim->spec.proof;
  const auto part = report_dir() / "parts" / (id + ".proof.json");
  auto failed = [&](const std::string& why) {
    nlohmann::json j{{"id", id},           {"kind", "symbolic"},
                     {"verdict", "error"}, {"script", claim->spec.proof},
                     {"message", why},     {"seconds", 0}};
    return j;
  };
  if (write_report) write_atomically(part, failed("started but did not finish").dump(2) + "\n");
  const auto result = std::filesystem::temp_directory_path() /
                      ("fa-proof-" + id + "-" + std::to_string(::getpid()) + ".json");
  const std::string cmd = shell_quote(FA_PYTHON3) + " " + shell_quote(script.string()) +
                          " --claim " + shell_quote(id) + " --json " + shell_quote(result.string());
  std::cout << std::flush;
  const int status =
      run_tied_child({FA_PYTHON3, script.string(), "--claim", id, "--json", result.string()});
  nlohmann::json j;
  std::string problem;
  if (status != 0 && !std::filesystem::exists(result)) {
    problem =
        "the proof script did not run to its verdict (exit status " + std::to_string(status) +
        "): is Debian's python3-sympy installed (scripts/setup.sh installs it)? command: " + cmd;
  } else {
    try {
      std::ifstream in(result);
      j = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      problem = std::string("unreadable proof result: ") + e.what();
    }
  }
  std::error_code ec;
  std::filesystem::remove(result, ec);
  if (problem.empty() && j.value("id", "") != id)
    problem =
        "the script " + claim->spec.proof + " proves claim '" + j.value("id", "?") + "', not " + id;
  if (!problem.empty()) {
    std::cout << "claim " << id << ": symbolic proof: ERROR: " << problem
              << "\n  RESULT: NOT AS EXPECTED\n";
    if (write_report) write_atomically(part, failed(problem).dump(2) + "\n");
    return 1;
  }
  const bool ok = j.value("verdict", "") == "proved" && status == 0;
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if (write_report) write_atomically(part, j.dump(2) + "\n");
  return ok ? 0 : 1;
}

/// The proofs and the claims name each other: every script in theorems/proofs (but the shared
/// modules common.py and deep.py) belongs to exactly one claim whose ClaimSpec::proof names it, and
/// every named script exists and declares that claim (CLAIM = "<ID>").
int check_proof_index() {
  int problems = 0;
  const std::filesystem::path dir = std::filesystem::path(FA_SOURCE_DIR) / "theorems" / "proofs";
  std::map<std::string, std::string> named;  // script -> claim
  for (const auto& c : claim_registry()) {
    if (c.spec.proof.empty()) continue;
    const std::filesystem::path p = std::filesystem::path(FA_SOURCE_DIR) / c.spec.proof;
    if (named.count(c.spec.proof)) {
      std::cout << "  " << c.spec.proof << " is named by two claims\n";
      ++problems;
    }
    named[c.spec.proof] = c.spec.id;
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cout << "  claim " << c.spec.id << " names " << c.spec.proof
                << ", which does not exist\n";
      ++problems;
    } else if (text.str().find("CLAIM = \"" + c.spec.id + "\"") == std::string::npos) {
      std::cout << "  " << c.spec.proof << " does not declare CLAIM = \"" << c.spec.id << "\"\n";
      ++problems;
    } else {
      std::cout << "  " << c.spec.id << " <-> " << c.spec.proof << "\n";
    }
  }
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".py" || name == "common.py" || name == "deep.py") continue;
    if (!named.count("theorems/proofs/" + name)) {
      std::cout << "  theorems/proofs/" << name << " is named by no claim (ClaimSpec::proof)\n";
      ++problems;
    }
  }
  std::cout << (problems == 0 ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  return problems == 0 ? 0 : 1;
}

std::vector<ClaimJob> claim_jobs() {
  std::vector<const RegisteredClaim*> claims;
  for (const auto& c : claim_registry()) claims.push_back(&c);
  std::sort(claims.begin(), claims.end(), [](const RegisteredClaim* a, const RegisteredClaim* b) {
    return a->spec.id < b->spec.id;
  });
  std::vector<ClaimJob> jobs;
  for (const RegisteredClaim* c : claims) {
    for (const char* scalar : {"double", "mp", "exact"})
      for (const auto& [name, runner] : c->scalars)
        if (name == scalar) jobs.push_back({c->spec.id, scalar, c->spec.slow});
    if (c->spec.has_ladder()) jobs.push_back({c->spec.id, "ladder", false});
    if (!c->spec.proof.empty()) jobs.push_back({c->spec.id, "proof", false});
    if (c->spec.polynomial) jobs.push_back({c->spec.id, "sz", false});
    if (!c->spec.pinned.empty()) jobs.push_back({c->spec.id, "pinned", false});
  }
  jobs.push_back({"implementation", "ties", false});
  return jobs;
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("shard '" + text + "': " + why +
                                 " (expected i/n with 0 <= i < n)");
  };
  if (slash == std::string::npos) throw bad("no '/'");
  Shard s;
  try {
    std::size_t used = 0;
    s.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw bad("i is not a number");
    const std::string n = text.substr(slash + 1);
    s.count = std::stoi(n, &used);
    if (used != n.size()) throw bad("n is not a number");
  } catch (const std::logic_error&) {
    throw bad("not numbers");
  }
  if (s.count < 1) throw bad("n must be >= 1");
  if (s.index < 0 || s.index >= s.count) throw bad("i out of range");
  return s;
}

int run_all(const RunAllOptions& opt) {
  const std::vector<ClaimJob> jobs = claim_jobs();
  auto wanted = [&](const ClaimJob& j) {
    auto in = [](const std::vector<std::string>& v, const std::string& x) {
      return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
    };
    return in(opt.ids, j.id) && in(opt.scalars, j.scalar) && !(opt.quick_only && j.slow);
  };
  for (const auto& id : opt.ids)
    if (!find_claim(id) && id != "implementation")
      throw std::invalid_argument("no claim '" + id + "' (try: fa-claims list)");
  nlohmann::json ran = nlohmann::json::array();
  int failures = 0, count = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const ClaimJob& job = jobs[j];
    if (static_cast<int>(j % static_cast<std::size_t>(opt.shard.count)) != opt.shard.index)
      continue;
    if (!wanted(job)) continue;
    ++count;
    if (opt.dry_run) {
      std::cout << j << "\t" << job.name() << "\n";
      continue;
    }
    int rc = 0;
    try {
      if (job.scalar == "ladder")
        rc = run_ladder(job.id, "", true);
      else if (job.scalar == "proof")
        rc = run_proof(job.id, true);
      else if (job.scalar == "sz")
        rc = run_schwartz_zippel(job.id, "", std::nullopt, 0, true);
      else if (job.scalar == "ties")
        rc = run_ties(std::nullopt, true);
      else if (job.scalar == "pinned")
        rc = run_pinned(job.id, "", true);
      else
        rc = run_claim(job.id, job.scalar, "", std::nullopt, 0, "", true);
    } catch (const std::exception& e) {
      std::cerr << "fa-claims: " << job.name() << ": error: " << e.what() << "\n";
      rc = 3;
    }
    if (rc != 0) ++failures;
    ran.push_back({{"job", j}, {"name", job.name()}, {"exit", rc}});
  }
  if (opt.dry_run) return 0;
  nlohmann::json manifest{
      {"shard", opt.shard.index},
      {"of", opt.shard.count},
      {"jobs_total", jobs.size()},
      {"environment",
       {{"FA_DEPTH", std::getenv("FA_DEPTH") ? nlohmann::json(std::getenv("FA_DEPTH"))
                                             : nlohmann::json(nullptr)},
        {"FA_SEED",
         std::getenv("FA_SEED") ? nlohmann::json(std::getenv("FA_SEED")) : nlohmann::json(nullptr)},
        {"FA_PROFILE", std::getenv("FA_PROFILE") ? nlohmann::json(std::getenv("FA_PROFILE"))
                                                 : nlohmann::json(nullptr)}}},
      {"ran", ran}};
  write_atomically(report_dir() / "parts" /
                       ("_shard." + std::to_string(opt.shard.index) + "-of-" +
                        std::to_string(opt.shard.count) + ".json"),
                   manifest.dump(2) + "\n");
  std::cout << "run-all: shard " << opt.shard.index << "/" << opt.shard.count << ": " << count
            << " jobs, " << (count - failures) << " as expected, " << failures << " not; parts in "
            << (report_dir() / "parts").string() << "\n";
  return failures == 0 ? 0 : 1;
}

std::string cmake_quote(const std::string& s) {
  std::string out = "[==[";
  out += s;
  return out + "]==]";
}

/// The ctest labels of a claim's source; a conjecture that widens a literature claim carries
/// source:literature as well, so that `ctest -L source:literature` runs every literature check.
std::string source_labels(const ClaimSpec& s) {
  std::string label = s.source == Source::paper_abstract ? "source:paper"
                      : s.source == Source::derived      ? "source:derived"
                      : s.source == Source::literature   ? "source:literature"
                                                         : "source:conjecture";
  if (s.source == Source::conjecture && !s.citation.empty()) label += ";source:literature";
  return label;
}

/// Writes the ctest registrations (like catch_discover_tests does for Catch binaries): one test
/// per claim and scalar, one per falsifier, one per precision ladder, each with its labels.
void write_ctest_include(const std::string& file, const std::string& binary) {
  std::ostringstream os;
  auto add = [&](const std::string& name, const std::string& args, const std::string& labels,
                 bool report) {
    os << "add_test(" << cmake_quote(name) << " " << cmake_quote(binary) << " " << args << ")\n";
    os << "set_tests_properties(" << cmake_quote(name) << " PROPERTIES LABELS "
       << cmake_quote(labels);
    if (report) os << " FIXTURES_REQUIRED claims_report";
    os << ")\n";
  };
  for (const auto& c : claim_registry()) {
    const auto& s = c.spec;
    const std::string source = source_labels(s);
    const std::string speed = s.slow ? "speed:slow" : "speed:quick;quick";
    for (const auto& [scalar, runner] : c.scalars) {
      if (scalar == "mpfr") continue;  // MPFR runs only on the ladder
      add(test_name(s, scalar), "run " + s.id + " --scalar " + scalar,
          "claim;" + source + ";scalar:" + scalar + ";" + speed, true);
    }
    if (s.has_ladder())
      add(s.id + " " + s.title + " (precision ladder)", "ladder " + s.id,
          "claim;ladder;" + source + ";scalar:mpfr;speed:quick;quick", true);
    for (const auto& f : s.falsifiers) {
      add(s.id + " check fails on falsifier " + f.name + " (double)",
          "run " + s.id + " --scalar double --falsifier " + f.name + " --no-report",
          "falsifier;" + source + ";scalar:double", false);
    }
    // The proof tier (label proof): the symbolic proof, the Schwartz-Zippel check of the
    // implementation and its falsifiers.
    if (!s.proof.empty())
      add(s.id + " " + s.title + " (symbolic proof, every shape)", "proof " + s.id,
          "proof;claim;symbolic;" + source + ";speed:quick;quick", true);
    if (s.polynomial) {
      add(s.id + " " + s.title +
              (s.polynomial->evaluate_deep
                   ? " (Schwartz-Zippel, all deep shapes L <= 5, widths <= 3)"
                   : " (Schwartz-Zippel, all shapes n, m <= 4)"),
          "sz " + s.id, "proof;claim;schwartz-zippel;" + source + ";speed:quick;quick", true);
      for (const auto& f : s.polynomial->falsifiers)
        add(s.id + " Schwartz-Zippel fails on falsifier " + f.name,
            "sz " + s.id + " --falsifier " + f.name,
            "proof;falsifier;schwartz-zippel;" + source, false);
    }
  }
  for (const auto& c : claim_registry()) {
    const auto& s = c.spec;
    if (s.pinned.empty()) continue;
    const std::string source = source_labels(s);
    add(s.id + " " + s.title + " (pinned cases" + (s.replay_exactly ? ", replayed exactly)" : ")"),
        "pinned " + s.id, "claim;pinned;" + source + ";speed:quick;quick", true);
    // A pinned case that stops refuting (or failing) must turn its test red: the first
    // falsifier (a true variant for a conjecture, a broken one for a claim) must flip it.
    if (!s.falsifiers.empty())
      add(s.id + " pinned cases fail on falsifier " + s.falsifiers.front().name,
          "pinned " + s.id + " --falsifier " + s.falsifiers.front().name + " --no-report",
          "falsifier;pinned;" + source, false);
  }
  add("search power: every conjecture's case budget derives from its measured power", "power-index",
      "claim;power;quick", false);
  // The seed sweep: every FA_SEED-dependent job under seeds 1..kSweepSeeds, registered only for
  // `ctest -C sweep`, the way CMake writes a test with CONFIGURATIONS sweep into a
  // CTestTestfile: the default run neither runs nor lists them.
  os << "if(CTEST_CONFIGURATION_TYPE MATCHES \"^([Ss][Ww][Ee][Ee][Pp])$\")\n";
  for (int seed = 1; seed <= kSweepSeeds; ++seed)
    add("seed sweep: FA_SEED=" + std::to_string(seed) + " (every seeded job)",
        "sweep " + std::to_string(seed), "claim;seed-sweep", true);
  os << "endif()\n";
  add("proof tier: double and MPFR steps are tied to the proved Rational step", "ties",
      "proof;claim;schwartz-zippel;speed:quick;quick", true);
  add("proof tier: every symbolic proof and its claim name each other", "proof-index",
      "proof;quick", false);
  write_atomically(file, os.str());
}

}  // namespace fa
