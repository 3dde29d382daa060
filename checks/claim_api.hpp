// The claims as data, for front ends that should not compile RapidCheck or the claim templates
// (the Python module, python/): list them, run one or its precision ladder, and get back exactly
// what fa-claims prints and the report fragment it writes (report/parts/<id>.<scalar>.json, as
// JSON text; schema reports/claims.schema.json). Implemented in checks/claim_runner.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fa::api {

struct ClaimInfo {
  std::string id, title, source, statement, hypotheses, recipe;
  std::vector<std::string> scalars;                             // double, mp, exact, mpfr
  std::vector<std::pair<std::string, std::string>> falsifiers;  // name, description
  bool ladder = false;  // has a precision ladder (an exact identity)
  bool slow = false;
  bool expected_to_hold = true;  // false for the conjectures the suite must refute
  int cases_double = 0, cases_mp = 0, cases_exact = 0;
};

/// Every registered claim, in registration order (as `fa-claims list`).
std::vector<ClaimInfo> list_claims();

struct ClaimReport {
  std::string json;  // the report fragment (a JSON object, as text)
  std::string text;  // the verdict as fa-claims prints it
  bool as_expected = false;
};

/// `fa-claims run ID --scalar S [--falsifier F] [--seed N] [--cases K] [--reproduce R]`, without
/// writing report/. The fragment's reproduce command names `fa-claims`. Throws
/// std::invalid_argument with fa-claims' message for an unknown claim, scalar or falsifier.
ClaimReport run_claim(const std::string& id, const std::string& scalar,
                      const std::string& falsifier, std::optional<std::uint64_t> seed, int cases,
                      const std::string& reproduce);

/// `fa-claims ladder ID [--falsifier F]`, without writing report/. Sets MpVar's precision on the
/// way (it is process-wide): callers running MPFR elsewhere must serialise.
ClaimReport run_ladder(const std::string& id, const std::string& falsifier);

}  // namespace fa::api
