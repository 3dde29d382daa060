// Symbolic proofs (fa-claims proof, theorems/proofs/<ID>.py) and the proof index.
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

/// `fa-claims proof ID`: runs the claim's symbolic proof (theorems/proofs/<ID>.py) with Debian's
/// Python and SymPy, shows its output, and writes report/parts/<ID>.proof.json from its result.
int run_proof(const std::string& id, bool write_report) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || claim->spec.proof.empty()) {
    std::cerr << "fa-claims: no claim '" << id << "' with a symbolic proof\n";
    return 2;
  }
  const std::filesystem::path script = std::filesystem::path(FA_SOURCE_DIR) / claim->spec.proof;
  const auto part = parts::parts_dir(report_dir()) / parts::proof_file(id);
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

}  // namespace fa
