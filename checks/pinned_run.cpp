// Pinned cases (ClaimSpec::pinned), replayed on every run (fa-claims pinned).
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
  const auto part = parts::parts_dir(report_dir()) / parts::pinned_file(id);
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

}  // namespace fa
