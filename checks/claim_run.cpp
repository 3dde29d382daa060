// One claim in one scalar (fa-claims run): the verdict printed so that it explains itself, the
// report part <ID>.<scalar>.json, the reproduce command; the paths every runner file shares.
#include "checks/claim_runner.hpp"
#include "checks/claim_runner_internal.hpp"

#include "checks/claim.hpp"
#include "checks/property.hpp"
#include "checks/schwartz_zippel.hpp"
#include "core/atomic_file.hpp"
#include "core/child_process.hpp"
#include "core/process_text.hpp"
#include "core/shell_quote.hpp"
#include "reports/parts.hpp"

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
  return parts::report_dir(FA_DEFAULT_REPORT_DIR);
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
    const auto part = parts::parts_dir(report_dir()) / parts::claim_file(spec.id, scalar);
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

}  // namespace fa
