// Body of run_case_property: drives a claim's check with RapidCheck (or on one fixed recipe).
#pragma once

#include "checks/claim.hpp"
#include "checks/property.hpp"

#include <rapidcheck/GenerationFailure.h>

#include <chrono>

namespace fa {

namespace detail {
/// Marks a case that failed because our own code threw (not because the claim failed).
inline const char* const kErrorKey = "error";
}  // namespace detail

template <class T>
RunResult run_case_property(const ClaimSpec& spec, const RunRequest& req,
                            void (*check)(Case<T>&)) {
  RunResult out;
  const std::string scalar = scalar_name<T>();
  std::string id = spec.id + "/" + scalar;
  if (req.variant > 0) id += "/" + spec.falsifiers.at(static_cast<std::size_t>(req.variant - 1)).name;
  const Dynamics<T>& dyn = req.dynamics.template get<T>();
  const auto start = std::chrono::steady_clock::now();
  bool errored = false;

  // The region drawn (checks/region.hpp): every case up to the first failure; the cases
  // RapidCheck runs while shrinking are not part of the draw.
  auto count_case = [&](const Case<T>& c, bool discarded, bool failed) {
    if (out.record.failed_once) return;
    if (discarded)
      ++out.record.region.discards;
    else if (c.drawn())
      out.record.region.add(c.recipe());
    if (failed) out.record.failed_once = true;
  };
  // A power run (req.power) counts a refuting case and goes on, so RapidCheck draws every case
  // of its schedule; power_index and power_discards follow RapidCheck's own bookkeeping (the
  // index of the next case, the discards since the last one), which gives each case's size.
  long power_index = 0, power_discards = 0;
  const long power_cases = req.cases;
  auto power_case = [&](const Case<T>& c, bool refuted) {
    const int size = std::min(
        100, rapidcheck_size(power_cases, power_index) + static_cast<int>(power_discards / 10));
    ++power_index, power_discards = 0;
    tally_power_case(out.power, c.recipe(), size, refuted);
  };
  auto one_case = [&](const Recipe* fixed) {
    Case<T> c(spec, out.record, dyn, req.variant, fixed);
    try {
      check(c);
      if (req.power) power_case(c, false);
      count_case(c, false, false);
    } catch (const rc::detail::CaseResult& r) {
      if (req.power) {
        if (r.type == rc::detail::CaseResult::Type::Discard) {
          ++power_discards;
          throw;
        }
        power_case(c, true);
        return;  // counted; RapidCheck goes on to the next case
      }
      count_case(c, r.type == rc::detail::CaseResult::Type::Discard,
                 r.type == rc::detail::CaseResult::Type::Failure);
      throw;
    } catch (const rc::GenerationFailure&) {
      throw;
    } catch (const std::exception& e) {
      if (req.power) {  // our own code failed: a power run reports it, it is no refutation
        nlohmann::json& errors = out.power["errors"];
        errors = errors.is_number() ? errors.get<long>() + 1 : 1;
        out.power["first_error"] = std::string(e.what()) + " at " + c.recipe().describe();
        ++power_index, power_discards = 0;
        return;
      }
      count_case(c, false, true);
      errored = true;
      out.record.last_failure[detail::kErrorKey] = e.what();
      out.record.last_failure["recipe"] = c.recipe().describe();
      throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure,
                                   "claim " + spec.id + " [" + scalar +
                                       "]: error in the check itself: " + e.what() +
                                       "\n  recipe " + c.recipe().describe());
    }
  };

  if (req.fixed_recipe) {
    out.seed = req.fixed_recipe->seed;
    try {
      one_case(req.fixed_recipe);
      out.cases = 1;
    } catch (const rc::detail::CaseResult& r) {
      out.property_failed = r.type == rc::detail::CaseResult::Type::Failure;
      out.message = r.description;
    }
  } else {
    PropertyOptions opts;
    int base = std::is_same_v<T, double>     ? spec.cases_double
               : std::is_same_v<T, Rational> ? spec.cases_exact
                                             : spec.cases_mp;
    // A conjecture with a measured power searches for its derived budget (a multiple of 101,
    // checks/search_power.hpp), so that it misses with probability below kMissTarget.
    if (const PowerMeasurement* m = find_power(spec, scalar))
      base = static_cast<int>(derive_budget(*m).cases);
    if (req.power && req.cases <= 0)
      throw std::invalid_argument("a power run needs its number of cases");
    opts.cases = req.cases > 0 ? req.cases : base * main_job_multiplier(spec, scalar);
    opts.scale_cases = req.cases <= 0;
    opts.seed = req.seed;
    opts.reproduce = req.reproduce;
    opts.shrink = req.shrink && !req.power;
    const PropertyOutcome outcome = fa::check_property(id, [&] { one_case(nullptr); }, opts);
    out.cases = outcome.cases;
    out.seed = outcome.seed;
    out.message = outcome.message;
    out.reproduce = outcome.reproduce;
    out.property_failed = !outcome.passed && !outcome.gave_up;
    if (outcome.gave_up) out.verdict = "inconclusive";
  }
  out.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (out.verdict.empty()) {
    if (errored && out.property_failed && out.record.last_failure.contains(detail::kErrorKey)) {
      out.verdict = "error";
    } else if (out.property_failed) {
      out.verdict = "refuted";
    } else {
      out.verdict = spec.expected_to_hold() ? "verified" : "inconclusive";
    }
  }
  return out;
}

}  // namespace fa
