// Precision ladders (fa-claims ladder): a claim's check on one fixed recipe at 53 to 400 bits.
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

bool LadderResult::rungs_within_bounds() const {
  if (rungs.empty()) return false;
  for (const auto& g : rungs)
    if (!g.within_bound()) return false;
  return true;
}

bool LadderResult::slope_exact_like() const {
  return slope >= kLadderSlopeMin && slope <= kLadderSlopeMax;
}

/// Precision ladder: the same fixed instance at 53 (double), 114, 201 and 400 bits (MPFR; the
/// bit counts Boost's decimal-digit precision gives). Each rung is the claim's own check at that
/// precision, so it must meet the claim's own bounds (k eps scale, k as justified in the claim,
/// eps of the rung); then log10(residual) is fitted against log10(eps): an exact identity's
/// residual falls with eps (slope ~1), an approximate one's does not (~0).
LadderResult precision_ladder(const RegisteredClaim& claim, int variant,
                              const DynamicsSet& dynamics) {
  LadderResult out;
  RunRequest req;
  req.variant = variant;
  req.dynamics = dynamics;
  if (!claim.spec.ladder_recipe)
    throw std::runtime_error("claim " + claim.spec.id + " has no ladder recipe");
  req.fixed_recipe = &*claim.spec.ladder_recipe;
  const ClaimRunner* d = nullptr;
  const ClaimRunner* v = nullptr;
  for (const auto& [name, runner] : claim.scalars) {
    if (name == "double") d = &runner;
    if (name == "mpfr") v = &runner;
  }
  if (!d || !v) throw std::runtime_error("claim " + claim.spec.id + " has no precision ladder");
  auto rung = [&](int bits, const ClaimRunner& runner, double eps) {
    RunResult r = runner(claim.spec, req);
    LadderRung g;
    g.bits = bits;
    g.eps = eps;
    g.residual = r.record.max_identity_residual;
    g.verdict = r.verdict;
    g.bound_ratio = r.record.max_identity_bound_ratio;
    g.identity_checks = r.record.identity_checks;
    if (!g.within_bound())
      g.message = g.identity_checks == 0 ? "no identity was checked (case discarded?) " + r.message
                                         : r.message;
    out.rungs.push_back(g);
  };
  rung(53, *d, std::ldexp(1.0, -52));
  for (int bits : {113, 200, 400}) {
    const int got = set_mpvar_bits(bits);
    rung(got, *v, std::ldexp(1.0, 1 - got));
  }
  // Least squares on (log10 eps, log10 residual); a residual of exactly 0 (operations that
  // happen to round exactly) is floored at eps: it is at most the rounding level, as an exact
  // identity's residual must be.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(out.rungs.size());
  for (const auto& g : out.rungs) {
    const double x = std::log10(g.eps);
    const double y = std::log10(g.residual > 0 ? g.residual : g.eps);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  out.slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return out;
}

std::string ladder_failure_text(const LadderResult& lad) {
  std::ostringstream os;
  for (const auto& g : lad.rungs)
    if (!g.within_bound())
      os << g.bits << "-bit rung out of its own bound (residual/bound " << g.bound_ratio
         << "): " << g.message << "\n";
  if (!lad.slope_exact_like())
    os << "slope " << lad.slope << " outside [" << kLadderSlopeMin << ", " << kLadderSlopeMax
       << "]\n";
  return os.str();
}

void print_ladder(std::ostream& os, const LadderResult& lad) {
  for (const auto& g : lad.rungs)
    os << "  " << g.bits << " bits  eps=" << g.eps << "  relative residual=" << g.residual
       << "  residual/bound=" << g.bound_ratio << " (" << g.identity_checks << " checks)"
       << (g.within_bound() ? "  within its bound" : "  OUT OF ITS BOUND") << "\n";
  os << "  every rung within its own bound (k eps scale at that precision): "
     << (lad.rungs_within_bounds() ? "yes" : "NO") << "\n";
  os << "  slope of log residual vs log eps: " << lad.slope
     << " (exact identity: ~1, approximate: ~0; required in [" << kLadderSlopeMin << ", "
     << kLadderSlopeMax << "])\n";
  if (!lad.exact_like()) {
    std::istringstream lines(ladder_failure_text(lad));
    for (std::string line; std::getline(lines, line);) os << "  " << line << "\n";
  }
}

int run_ladder(const std::string& id, const std::string& falsifier, bool write_report,
               const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || !claim->spec.has_ladder()) {
    std::cerr << "fa-claims: no claim '" << id << "' with a precision ladder\n";
    return 2;
  }
  int variant = 0;
  for (std::size_t i = 0; i < claim->spec.falsifiers.size(); ++i)
    if (claim->spec.falsifiers[i].name == falsifier) variant = static_cast<int>(i) + 1;
  if (!falsifier.empty() && variant == 0) {
    std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
    return 2;
  }
  const auto part = parts::parts_dir(report_dir()) / parts::ladder_file(id);
  if (write_report && variant == 0) {
    nlohmann::json j{{"id", id},
                     {"slope", nullptr},
                     {"recipe", claim->spec.ladder_recipe->describe()},
                     {"verdict", "error"},
                     {"rungs", nlohmann::json::array()},
                     {"message", "started but did not finish (crashed or killed)"}};
    write_atomically(part, j.dump(2) + "\n");
  }
  const LadderResult lad = precision_ladder(*claim, variant);
  const bool exact_like = lad.exact_like();
  const bool ok = variant == 0 ? exact_like : !exact_like;
  std::cout << "precision ladder " << id << " " << claim->spec.title
            << (variant ? " with falsifier " + falsifier : std::string()) << "\n";
  print_ladder(std::cout, lad);
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if ((write_report && variant == 0) || !json_out.empty()) {
    nlohmann::json j;
    j["id"] = id;
    j["slope"] = lad.slope;
    j["recipe"] = claim->spec.ladder_recipe->describe();
    j["verdict"] = exact_like ? "verified" : "refuted";
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& g : lad.rungs)
      rungs.push_back({{"bits", g.bits},
                       {"eps", g.eps},
                       {"residual", g.residual},
                       {"bound_ratio", std::isfinite(g.bound_ratio) ? nlohmann::json(g.bound_ratio)
                                                                    : nlohmann::json(nullptr)},
                       {"within_bound", g.within_bound()}});
    j["rungs"] = rungs;
    j["rungs_within_bounds"] = lad.rungs_within_bounds();
    j["slope_exact_like"] = lad.slope_exact_like();
    if (!exact_like) j["message"] = ladder_failure_text(lad);
    if (write_report && variant == 0) write_atomically(part, j.dump(2) + "\n");
    if (!json_out.empty()) {
      j["falsifier"] = falsifier;
      j["as_expected"] = ok;
      write_atomically(json_out, j.dump(2) + "\n");
    }
  }
  return ok ? 0 : 1;
}

}  // namespace fa
