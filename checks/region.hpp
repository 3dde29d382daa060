// The region a claim's check actually drew (issue 11): per claim and scalar, the largest
// dimensions, the step constants c, the initialisations and their scales, the scales of B, the
// spectra with their worst conditioning and narrowest gap, and how many cases the checked
// preconditions discarded. Written to claims.json as "region" (reports/claims.schema.json), so
// "verified" says where it was verified.
#pragma once

#include "generators/recipe.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace fa {

struct RegionSeen {
  long cases = 0;     // cases that ran to a verdict (passed or failed), shrinking excluded
  long discards = 0;  // cases thrown away by a checked precondition
  int n_max = 0, m_max = 0, k_max = 0, r_max = 0;
  int n_min = std::numeric_limits<int>::max(), m_min = std::numeric_limits<int>::max();
  std::set<int> step_log2, b_scale_log2;
  std::set<std::string> inits, spectra, rank_relations;
  double min_sigma_ratio = 1;  // smallest sigma_k / sigma_1 drawn
  double min_gap =
      std::numeric_limits<double>::infinity();  // smallest sigma_r / sigma_{r+1}, r < k

  void add(const Recipe& rec) {
    ++cases;
    n_max = std::max(n_max, rec.n), m_max = std::max(m_max, rec.m);
    n_min = std::min(n_min, rec.n), m_min = std::min(m_min, rec.m);
    k_max = std::max(k_max, rec.k), r_max = std::max(r_max, rec.r);
    step_log2.insert(rec.step_log2);
    b_scale_log2.insert(rec.b_scale_log2);
    inits.insert(rec.init == Init::zero ? std::string("zero")
                                        : "small 2^" + std::to_string(rec.init_log2));
    spectra.insert(spectrum_name(rec.spectrum));
    rank_relations.insert(rec.r < rec.k ? "r < k" : rec.r == rec.k ? "r = k" : "r > k");
    const std::vector<double> s = recipe_singular_values(rec);
    if (!s.empty() && s.front() > 0) {
      min_sigma_ratio = std::min(min_sigma_ratio, s.back() / s.front());
      if (rec.r < rec.k)
        min_gap = std::min(
            min_gap, s[static_cast<std::size_t>(rec.r - 1)] / s[static_cast<std::size_t>(rec.r)]);
    }
  }

  nlohmann::json to_json() const {
    nlohmann::json j;
    const long drawn = cases + discards;
    j["cases"] = cases;
    j["discards"] = discards;
    j["discard_rate"] =
        drawn > 0 ? static_cast<double>(discards) / static_cast<double>(drawn) : 0.0;
    if (cases == 0) {
      j["drawn"] = nullptr;
      return j;
    }
    nlohmann::json d;
    d["n"] = {n_min, n_max};
    d["m"] = {m_min, m_max};
    d["k_max"] = k_max;
    d["r_max"] = r_max;
    d["c_log2"] = nlohmann::json(std::vector<int>(step_log2.begin(), step_log2.end()));
    d["b_scale_log2"] = nlohmann::json(std::vector<int>(b_scale_log2.begin(), b_scale_log2.end()));
    d["inits"] = nlohmann::json(std::vector<std::string>(inits.begin(), inits.end()));
    d["spectra"] = nlohmann::json(std::vector<std::string>(spectra.begin(), spectra.end()));
    d["rank_relations"] =
        nlohmann::json(std::vector<std::string>(rank_relations.begin(), rank_relations.end()));
    d["min_sigma_k_over_sigma_1"] = min_sigma_ratio;
    d["min_gap_sigma_r_over_sigma_r1"] =
        std::isfinite(min_gap) ? nlohmann::json(min_gap) : nlohmann::json(nullptr);
    j["drawn"] = d;
    return j;
  }
};

}  // namespace fa
