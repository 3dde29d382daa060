// Pieces of the claim runner that other tools reuse (the mutation tests, the report).
#pragma once

#include "checks/claim.hpp"

#include <filesystem>

namespace fa {

const RegisteredClaim* find_claim(const std::string& id);

struct LadderRung {
  int bits;
  double eps;
  double residual;  // largest relative identity residual on the ladder's fixed instance
  std::string verdict;
};

struct LadderResult {
  std::vector<LadderRung> rungs;
  double slope = 0;
};

LadderResult precision_ladder(const RegisteredClaim& claim, int variant);

std::filesystem::path report_dir();
std::vector<RegisteredClaim>& claim_registry();

/// Runs one claim in one scalar (or one of its falsifiers), prints the verdict and, unless
/// told otherwise, writes report/parts/<id>.<scalar>.json. Returns the process exit code:
/// 0 when the verdict is the expected one.
int run_claim(const std::string& id, const std::string& scalar, const std::string& falsifier,
              std::optional<std::uint64_t> seed, int cases, const std::string& reproduce,
              bool write_report);
int run_ladder(const std::string& id, const std::string& falsifier, bool write_report);
bool verdict_as_expected(const ClaimSpec& spec, const RunResult& r, bool falsifier);
void write_ctest_include(const std::string& file, const std::string& binary);
void write_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace fa
