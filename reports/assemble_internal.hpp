// What the files of fa-report's assembly (reports/parts_io.cpp, strength_policy.cpp,
// assemble.cpp, merge.cpp) share and nothing else uses.
#pragma once

#include "reports/report.hpp"

#include "core/process_text.hpp"

#include <string>
#include <vector>

namespace fa::report {

inline std::string utc_now() {
  return utc_text("%Y-%m-%dT%H:%M:%SZ");
}

/// A finished part file (an atomic write's temporary file is not one).
inline bool is_part_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".json" && name.find(".tmp.") == std::string::npos;
}

/// The strength of one (claim, scalar) row (docs/strengths.md, "Three strengths") and what
/// it rests on (reports/strength_policy.cpp).
void add_strength(json& c, const Parts& parts);
/// The claim-level strength: proved when the statement's symbolic proof ran and passed, else the
/// strongest row's.
void add_summary_strength(json& row, const std::vector<json>& claims, const Parts& parts);

}  // namespace fa::report
