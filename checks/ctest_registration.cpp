// The ctest registrations of the claims (fa-claims ctest-include, a build step).
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
            "sz " + s.id + " --falsifier " + f.name, "proof;falsifier;schwartz-zippel;" + source,
            false);
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
