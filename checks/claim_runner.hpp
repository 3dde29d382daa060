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
void write_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace fa
