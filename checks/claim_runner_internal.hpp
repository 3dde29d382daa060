// What the files of fa-claims' runner (checks/claim_run.cpp, power_run.cpp, pinned_run.cpp,
// seed_sweep.cpp, precision_ladder.cpp, proof_runner.cpp, run_all.cpp, ctest_registration.cpp)
// share and nothing else uses. The runner's public entry points are in checks/claim_runner.hpp.
#pragma once

#include "checks/claim_runner.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fa {

/// This executable's path (for reproduce commands and ctest registrations).
std::string self_path();
/// The ctest name of a claim in one scalar.
std::string test_name(const ClaimSpec& spec, const std::string& scalar);
/// The command that reruns exactly this run (claim, scalar, falsifier, seed, RapidCheck case).
std::string reproduce_command(const ClaimSpec& spec, const std::string& scalar, const RunResult& r,
                              const std::string& falsifier);
/// The exact replay of a refuted conjecture's minimal counterexample (ClaimSpec::replay_exactly),
/// as report data; an exception in the replay is reported, not fatal.
nlohmann::json replay_counterexample(const ClaimSpec& spec, const nlohmann::json& counterexample);

/// The variant number of a claim's falsifier (0 for none); -1 when the claim has no such one.
inline int falsifier_variant(const ClaimSpec& spec, const std::string& falsifier) {
  if (falsifier.empty()) return 0;
  for (std::size_t i = 0; i < spec.falsifiers.size(); ++i)
    if (spec.falsifiers[i].name == falsifier) return static_cast<int>(i) + 1;
  return -1;
}

/// The claim's runner in `scalar`, or nullptr when the claim does not run in it.
inline const ClaimRunner* runner_for(const RegisteredClaim& claim, const std::string& scalar) {
  for (const auto& [name, runner] : claim.scalars)
    if (name == scalar) return &runner;
  return nullptr;
}

}  // namespace fa
