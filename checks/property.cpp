#include "checks/property.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace fa {

namespace {

// RC_PARAMS as the user gave it. Without a seed there, RapidCheck would draw a random global seed
// and announce it on stderr ("Using configuration: seed=<random>") although no property uses it:
// every property gets its own seed (property_seed), printed with its verdict. Pinning the unused
// global seed to 0 keeps that announcement constant ("seed=0") instead of a random, misleading
// number; it cannot be silenced (RapidCheck announces any non-empty RC_PARAMS).
// RapidCheck reads RC_PARAMS lazily, on the first property; run_property calls this first.
const std::string& user_rc_params() {
  static const std::string params = [] {
    const char* env = std::getenv("RC_PARAMS");
    std::string original = env ? env : "";
    if (original.find("seed=") == std::string::npos)
      ::setenv("RC_PARAMS", (original.empty() ? "seed=0" : original + " seed=0").c_str(), 1);
    return original;
  }();
  return params;
}
bool rc_params_has(const char* key) { return user_rc_params().find(key) != std::string::npos; }

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

class SilentListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

}  // namespace

int scaled_cases(int base) {
  if (rc_params_has("max_success=")) return rc::detail::configuration().testParams.maxSuccess;
  int depth = 1;
  if (const char* env = std::getenv("FA_DEPTH")) depth = std::max(1, std::atoi(env));
  return base * depth;
}

std::uint64_t property_seed(const std::string& id) {
  if (rc_params_has("seed=")) return rc::detail::configuration().testParams.seed;
  std::uint64_t base = 0;
  if (const char* env = std::getenv("FA_SEED")) base = std::strtoull(env, nullptr, 10);
  return fnv1a(id) ^ (base * 0x9E3779B97F4A7C15ull);
}

namespace detail {

PropertyOutcome run_property(const std::string& id, const rc::detail::Property& property,
                             const PropertyOptions& options) {
  user_rc_params();  // before RapidCheck reads its configuration
  rc::detail::TestParams params;
  params.seed = options.seed ? *options.seed : property_seed(id);
  params.maxSuccess = options.scale_cases ? scaled_cases(options.cases) : options.cases;
  params.maxSize = std::min(options.max_size, 100);
  params.maxDiscardRatio = options.max_discard_ratio;
  params.disableShrinking = !options.shrink;

  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;

  // The reproduce map comes from RC_PARAMS="reproduce=..."; it is keyed by our id.
  SilentListener listener;
  auto reproduce_map = rc::detail::configuration().reproduce;
  if (!options.reproduce.empty()) {
    // Same format as RC_PARAMS="reproduce=...", keyed by the property id it was printed for.
    reproduce_map =
        rc::detail::configFromString("reproduce=" + options.reproduce).reproduce;
  }
  const auto result =
      rc::detail::checkProperty(property, metadata, params, listener, reproduce_map);

  PropertyOutcome out;
  out.seed = params.seed;
  std::ostringstream text;
  rc::detail::printResultMessage(result, text);
  out.message = text.str();
  if (result.template is<rc::detail::SuccessResult>()) {
    out.passed = true;
    out.cases = result.template get<rc::detail::SuccessResult>().numSuccess;
  } else if (result.template is<rc::detail::FailureResult>()) {
    const auto& failure = result.template get<rc::detail::FailureResult>();
    out.cases = failure.numSuccess;
    out.counterexample = failure.counterExample;
    out.reproduce = rc::detail::reproduceMapToString({{id, failure.reproduce}});
  } else if (result.template is<rc::detail::GaveUpResult>()) {
    out.gave_up = true;
    out.cases = result.template get<rc::detail::GaveUpResult>().numSuccess;
  } else {
    out.gave_up = true;
  }
  return out;
}

}  // namespace detail
}  // namespace fa
