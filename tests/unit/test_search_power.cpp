// The search's power and budget (checks/search_power.hpp): the Clopper-Pearson interval against
// its defining tail equations, our copy of RapidCheck's size schedule against RapidCheck itself,
// and the budget against its definition (the smallest multiple of 101 that meets the target).
#include "checks/property.hpp"
#include "checks/search_power.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

using namespace fa;

namespace {

/// P(X >= x) for X ~ Binomial(n, p), summed term by term in long double (independent of Boost).
long double upper_tail(long n, long x, long double p) {
  long double sum = 0;
  for (long i = x; i <= n; ++i)
    sum += std::exp(std::lgamma(n + 1.0L) - std::lgamma(i + 1.0L) - std::lgamma(n - i + 1.0L) +
                    i * std::log(p) + (n - i) * std::log1p(-p));
  return sum;
}

}  // namespace

TEST_CASE("Clopper-Pearson bounds solve their tail equations", "[power]") {
  const double level = 0.99, tail = (1 - level) / 2;
  // Closed forms at the ends: x = 0 gives hi = 1 - tail^(1/n), x = n gives lo = tail^(1/n).
  const Interval none = clopper_pearson(404, 0, level);
  CHECK(none.lo == 0);
  CHECK(std::abs(none.hi - (1 - std::pow(tail, 1.0 / 404))) < 1e-12);
  const Interval all = clopper_pearson(101, 101, level);
  CHECK(all.hi == 1);
  CHECK(std::abs(all.lo - std::pow(tail, 1.0 / 101)) < 1e-12);
  // Inside: P(X >= x | p = lo) = tail and P(X <= x | p = hi) = tail. The sums of ~1000 terms
  // in long double carry relative error ~1e-15; Boost's inverse is accurate to ~1e-15 in p, which
  // moves the tail by at most n |dp| / p ~ 1e-11 relative: 1e-8 of room.
  for (const auto& [n, x] : std::vector<std::pair<long, long>>{{1010, 37}, {404, 3}, {101, 50}}) {
    const Interval ci = clopper_pearson(n, x, level);
    CAPTURE(n, x, ci.lo, ci.hi);
    CHECK(std::abs(static_cast<double>(upper_tail(n, x, ci.lo)) - tail) < 1e-8 * tail);
    CHECK(std::abs(static_cast<double>(1 - upper_tail(n, x + 1, ci.hi)) - tail) < 1e-8 * tail);
    CHECK(ci.lo < static_cast<double>(x) / n);
    CHECK(ci.hi > static_cast<double>(x) / n);
  }
  CHECK_THROWS_AS(clopper_pearson(10, 11, level), std::invalid_argument);
  CHECK_THROWS_AS(clopper_pearson(10, 1, 1.0), std::invalid_argument);
}

TEST_CASE("rapidcheck_size is RapidCheck's own size schedule", "[power]") {
  // The sizes RapidCheck gives the cases of a run, read inside the property.
  for (const long cases : {40L, 200L, 202L, 303L}) {
    std::vector<int> seen;
    PropertyOptions opts;
    opts.cases = static_cast<int>(cases);
    opts.scale_cases = false;
    opts.seed = 1;
    check_property(
        "unit/size-schedule",
        [&] { seen.push_back(*rc::gen::withSize([](int size) { return rc::gen::just(size); })); },
        opts);
    REQUIRE(seen.size() == static_cast<std::size_t>(cases));
    for (long i = 0; i < cases; ++i) {
      CAPTURE(cases, i);
      CHECK(rapidcheck_size(cases, i) == seen[static_cast<std::size_t>(i)]);
    }
  }
  // A multiple of 101 cases draws every size 0..100 equally often: the schedule the budgets use.
  std::map<int, int> count;
  for (long i = 0; i < 303; ++i) ++count[rapidcheck_size(303, i)];
  CHECK(count.size() == 101);
  for (const auto& [size, n] : count) CHECK(n == 3);
}

TEST_CASE("the budget is the smallest multiple of 101 that meets the miss target", "[power]") {
  for (const auto& [n, x] : std::vector<std::pair<long, long>>{
           {1010, 37}, {404, 3}, {1010, 1010}, {101, 1}, {2020, 5}}) {
    PowerMeasurement m;
    m.scalar = "double", m.cases = n, m.refuting = x;
    const SearchBudget b = derive_budget(m);
    CAPTURE(n, x, b.interval.lo, b.cases);
    CHECK(b.cases % kSizesPerSchedule == 0);
    CHECK(b.miss_bound <= kMissTarget);
    CHECK(std::pow(1 - b.interval.lo, static_cast<double>(b.cases)) <= kMissTarget * (1 + 1e-9));
    if (b.cases > kSizesPerSchedule)
      CHECK(miss_bound(b.interval.lo, b.cases - kSizesPerSchedule) > kMissTarget);
  }
  PowerMeasurement bad;
  bad.scalar = "mp", bad.cases = 400, bad.refuting = 3;  // not a multiple of 101
  CHECK_THROWS_AS(derive_budget(bad), std::invalid_argument);
  bad.cases = 404, bad.refuting = 0;  // no refuting case: no lower bound, no budget
  CHECK_THROWS_AS(derive_budget(bad), std::invalid_argument);
}

TEST_CASE("a schedule of unequal rates misses no more often than its mean rate says", "[power]") {
  // The budget's argument (checks/search_power.hpp): prod_s (1 - p_s) <= (1 - mean p)^S.
  std::vector<double> p(101);
  for (int s = 0; s <= 100; ++s) p[static_cast<std::size_t>(s)] = s < 50 ? 0.0 : 0.019 * (s - 49);
  double log_miss = 0, mean = 0;
  for (double q : p) log_miss += std::log1p(-q), mean += q / 101;
  CHECK(log_miss <= 101 * std::log1p(-mean));
}
