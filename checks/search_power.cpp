#include "checks/search_power.hpp"

#include "checks/claim.hpp"

#include <boost/math/distributions/binomial.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace fa {

Interval clopper_pearson(long trials, long successes, double level) {
  if (trials < 1 || successes < 0 || successes > trials)
    throw std::invalid_argument("Clopper-Pearson needs 0 <= successes <= trials, trials >= 1");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("confidence level must be in (0, 1)");
  using boost::math::binomial_distribution;
  const double tail = (1 - level) / 2;
  const auto n = static_cast<double>(trials), k = static_cast<double>(successes);
  Interval out;
  out.lo = successes == 0 ? 0.0 : binomial_distribution<>::find_lower_bound_on_p(n, k, tail);
  out.hi = successes == trials ? 1.0 : binomial_distribution<>::find_upper_bound_on_p(n, k, tail);
  return out;
}

int rapidcheck_size(long cases, long i) {
  const long regular = (cases / kSizesPerSchedule) * kSizesPerSchedule;
  if (i < regular) return static_cast<int>(i % kSizesPerSchedule);
  const long rest = cases - regular;
  if (rest == 1) return 0;
  return static_cast<int>(((i % kSizesPerSchedule) * (kSizesPerSchedule - 1)) / (rest - 1));
}

double miss_bound(double p_lo, long cases) {
  return std::exp(static_cast<double>(cases) * std::log1p(-p_lo));
}

SearchBudget derive_budget(const PowerMeasurement& m, double target) {
  auto refuse = [&](const std::string& why) {
    return std::invalid_argument("power measurement in " + m.scalar + " (" +
                                 std::to_string(m.refuting) + " of " + std::to_string(m.cases) +
                                 "): " + why);
  };
  if (m.cases < kSizesPerSchedule || m.cases % kSizesPerSchedule != 0)
    throw refuse("N must be a positive multiple of 101 (every RapidCheck size equally often)");
  if (m.refuting < 1) throw refuse("no refuting case: the rate's lower bound is 0, no budget");
  if (!(target > 0 && target < 1)) throw refuse("the miss target must be in (0, 1)");
  SearchBudget b;
  b.rate = static_cast<double>(m.refuting) / static_cast<double>(m.cases);
  b.interval = clopper_pearson(m.cases, m.refuting, m.level);
  b.target = target;
  const double p_lo = b.interval.lo;
  // (1 - p_lo)^B <= target  <=>  B >= ln(target) / ln(1 - p_lo); rounded up to whole schedules.
  const double needed = std::log(target) / std::log1p(-p_lo);
  const long schedules = std::max(1L, static_cast<long>(std::ceil(needed / kSizesPerSchedule)));
  b.cases = schedules * kSizesPerSchedule;
  b.miss_bound = miss_bound(p_lo, b.cases);
  std::ostringstream f;
  f.precision(4);
  f << "B = 101 ceil(ln(" << target << ") / (101 ln(1 - p_lo))) with p_lo = " << p_lo
    << " (Clopper-Pearson " << m.level * 100 << "% lower end, " << m.refuting << " of " << m.cases
    << " cases refuted): B = " << b.cases << ", (1 - p_lo)^B = " << b.miss_bound;
  b.formula = f.str();
  return b;
}

void tally_power_case(nlohmann::json& tally, const Recipe& rec, int size, bool refuted) {
  if (!tally.is_object()) tally = {{"cases", 0}, {"refuting", 0}, {"by", nlohmann::json::object()}};
  tally["cases"] = tally["cases"].get<long>() + 1;
  if (refuted) tally["refuting"] = tally["refuting"].get<long>() + 1;
  const int dim = std::min(rec.n, rec.m);
  const int bucket = std::min(size, 99) / 25;  // 0-24, 25-49, 50-74, 75-100
  const std::pair<const char*, std::string> features[] = {
      {"size",
       std::to_string(bucket * 25) + "-" + std::to_string(bucket == 3 ? 100 : bucket * 25 + 24)},
      {"min(n, m)", dim <= 1   ? "1"
                    : dim <= 3 ? "2-3"
                    : dim <= 7 ? "4-7"
                               : "8+"},
      {"rank", rec.r < rec.k    ? "r < k"
               : rec.r == rec.k ? "r = k"
                                : "r > k"},
      {"spectrum", spectrum_name(rec.spectrum)},
      {"init",
       rec.init == Init::zero ? std::string("zero") : "small 2^" + std::to_string(rec.init_log2)},
      {"c", "2^" + std::to_string(rec.step_log2)},
      {"B scale", "2^" + std::to_string(rec.b_scale_log2)},
  };
  for (const auto& [feature, value] : features) {
    nlohmann::json& cell = tally["by"][feature][value];
    if (!cell.is_object()) cell = {{"cases", 0}, {"refuting", 0}};
    cell["cases"] = cell["cases"].get<long>() + 1;
    if (refuted) cell["refuting"] = cell["refuting"].get<long>() + 1;
  }
}

const PowerMeasurement* find_power(const ClaimSpec& spec, const std::string& scalar) {
  for (const auto& m : spec.power)
    if (m.scalar == scalar) return &m;
  return nullptr;
}

}  // namespace fa
