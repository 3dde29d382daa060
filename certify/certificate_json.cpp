// The separation certificate as JSON (certify/certificates.hpp): one format for `fa-check certify
// --json` and the Python module's faverify.certify(), so the two cannot drift apart.
#include "certify/certificates.hpp"
#include "certify/exact.hpp"

#include <nlohmann/json.hpp>

namespace fa::certify {

namespace {

/// An exact number as its full fraction and a 17-digit decimal rounded the way that keeps the
/// statement true: 'U' up for an upper bound, 'D' down for a lower bound, 'N' to nearest.
nlohmann::json number_json(const Rational& q, char rounding) {
  return {{"fraction", exact::fraction(q)}, {"decimal", exact::decimal(q, 17, rounding)}};
}

}  // namespace

nlohmann::json to_json(const SeparationCertificate& c) {
  nlohmann::json j;
  j["n"] = c.n;
  j["m"] = c.m;
  j["r"] = c.r;
  j["rank_y"] = c.rank_y;
  j["rank_feedback"] = c.rank_feedback;
  j["stationary_points_optimal"] = c.feedback_sees_all_of_y();
  j["norm_y_squared"] = number_json(c.norm_y_sq, 'N');
  j["err_star"] = number_json(c.err_star, 'N');
  j["opt_r_upper_bound"] =
      c.opt_bound_known ? number_json(c.opt_upper, 'U') : nlohmann::json(nullptr);
  j["opt_r_bound_source"] = c.opt_bound_source;
  j["separation_proved"] = c.separation_proved;
  j["gap_lower_bound"] = c.separation_proved ? number_json(c.gap, 'D') : nlohmann::json(nullptr);
  j["verdict"] = c.verdict;
  return j;
}

}  // namespace fa::certify
