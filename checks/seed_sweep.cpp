// The seed sweep (fa-claims sweep SEED): every FA_SEED-dependent job with one seed.
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
  const auto part = parts::parts_dir(report_dir()) / parts::sweep_file(seed);
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

}  // namespace fa
