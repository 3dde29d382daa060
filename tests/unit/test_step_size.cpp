// The step-size rule eta = 2^step_log2 / (sigma_1(Y) max(1, ||B||_2^2)) (docs/algorithms.md,
// "Step size") is checked where instances are built: materialise() recomputes it
// from the built Y and B (require_step_size_rule). These tests show that the check holds on the
// generators' instances in every scalar, and that it refuses a rule off by a constant factor or
// with a wrong ingredient.
#include "checks/property.hpp"
#include "core/linalg.hpp"
#include "generators/arbitrary.hpp"
#include "generators/instance.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace fa;

namespace {

Recipe example(double sigma_1) {
  Recipe rec;
  rec.n = 5;
  rec.m = 4;
  rec.k = 2;
  rec.r = 2;
  rec.spectrum = Spectrum::explicit_values;
  rec.singular_values = {sigma_1, sigma_1 / 4};
  rec.seed = 77;
  rec.step_log2 = -2;
  return rec;
}

/// Relative deviation of eta from the recomputed rule, in eps_double.
template <class T>
double deviation_ulps(const Instance<T>& inst) {
  const double rule = step_size_rule(inst.recipe.step_log2, cast_matrix<double>(inst.Y),
                                     cast_matrix<double>(inst.B));
  return std::abs(inst.eta - rule) / rule / std::numeric_limits<double>::epsilon();
}

}  // namespace

TEST_CASE("every generated instance follows the step-size rule to its rounding allowance",
          "[unit][generators][step-size]") {
  // materialise() throws if eta strays from the rule; here the deviation is also measured against
  // the allowance, over recipes up to 12 x 12 in double (observed: a few eps; allowed:
  // step_size_rule_ulps, >= 60 eps).
  static double worst_fraction = 0;
  RecipeSpace space;
  space.max_dim = 12;
  space.step_log2_min = -8;
  space.step_log2_max = -1;
  space.max_spread = 6;
  const auto outcome = check_property(Catch::getResultCapture().getCurrentTestName(), [space] {
    const Recipe rec = *recipe_gen(space);
    const Instance<double> inst = materialise<double>(rec);
    const double allowed = step_size_rule_ulps(rec.n, rec.m, rec.k, rec.r);
    const double got = deviation_ulps(inst);
    worst_fraction = std::max(worst_fraction, got / allowed);
    RC_ASSERT(got <= allowed);
  });
  INFO(outcome.message);
  CHECK(outcome.passed);
  INFO("worst deviation: " << worst_fraction << " of the allowance");
  CHECK(worst_fraction < 0.5);
  // The same instances in mp and at 200 bits: eta is the same double.
  const Recipe rec = example(4);
  CHECK(deviation_ulps(materialise<Mp>(rec)) <= step_size_rule_ulps(5, 4, 2, 2));
  const unsigned saved = MpVar::default_precision();
  set_mpvar_bits(200);
  CHECK(deviation_ulps(materialise<MpVar>(rec)) <= step_size_rule_ulps(5, 4, 2, 2));
  MpVar::default_precision(saved);
}

TEST_CASE("a step-size rule off by a constant factor is refused", "[unit][generators][step-size]") {
  const Recipe rec = example(4);
  const Instance<double> inst = materialise<double>(rec);
  const Mat<double> Y = inst.Y, B = inst.B;
  // The instance's own eta passes, and so does one a couple of ulps away.
  CHECK_NOTHROW(require_step_size_rule(inst.eta, rec.step_log2, rec.k, Y, B));
  CHECK_NOTHROW(require_step_size_rule(inst.eta * (1 + 4 * std::numeric_limits<double>::epsilon()),
                                       rec.step_log2, rec.k, Y, B));
  // Constant factors, large and small, are refused with both values in the message.
  for (double factor : {4.0, 2.0, 0.5, 0.25, 1 + 1e-9}) {
    INFO("factor " << factor);
    CHECK_THROWS_WITH(require_step_size_rule(inst.eta * factor, rec.step_log2, rec.k, Y, B),
                      Catch::Contains("does not follow the rule") && Catch::Contains("eta / rule"));
  }
}

TEST_CASE("step-size rules with a wrong ingredient are refused", "[unit][generators][step-size]") {
  // Each wrong rule: without sigma_1, with sigma_1^2, with ||B||_2 instead of its square, without
  // the max(1, .), with c = 2^(step_log2 + 1). sigma_1 = 4 here, and the feedback norm is taken
  // both below and above 1 (the first seeds from 1 with ||B||_2 < 0.8, and > 1.2), so that every
  // ingredient changes the value on at least one of the two instances.
  Recipe rec = example(4);
  bool below = false, above = false;
  for (std::uint64_t seed = 1; seed < 200 && !(below && above); ++seed) {
    rec.seed = seed;
    rec.r = below ? 2 : 1;  // r = 1: ||B||_2 = |b| often < 1; r = 2: usually > 1
    const Instance<double> inst = materialise<double>(rec);
    const double bn = spectral_norm<double>(inst.B);
    if ((below || bn >= 0.8) && (above || bn <= 1.2)) continue;
    (bn < 1 ? below : above) = true;
    INFO("seed " << seed << ", r " << rec.r << ", ||B||_2 = " << bn << ", eta " << inst.eta);
    const double c = std::ldexp(1.0, rec.step_log2), s1 = 4;
    const double wrong[] = {c / std::max(1.0, bn * bn), c / (s1 * s1 * std::max(1.0, bn * bn)),
                            c / (s1 * std::max(1.0, bn)), c / (s1 * bn * bn),
                            2 * c / (s1 * std::max(1.0, bn * bn))};
    int refused = 0;
    for (double eta : wrong) {
      if (std::abs(eta - inst.eta) <= 1e-6 * inst.eta) continue;  // coincides on this instance
      CHECK_THROWS_AS(require_step_size_rule(eta, rec.step_log2, rec.k, inst.Y, inst.B),
                      std::logic_error);
      ++refused;
    }
    CHECK(refused >= 4);  // at most one ingredient (||B|| vs its square, or the max) is inert
  }
  CHECK(below);
  CHECK(above);
}

TEST_CASE("the recomputed rule works at any scale of Y (fa-check's files)",
          "[unit][generators][step-size]") {
  // Gram matrices of entries near 2^+-600 would overflow or underflow; the rule scales Y by a
  // power of two first, so sigma_1 scales exactly and eta with it.
  const Recipe rec = example(1);
  const Instance<double> inst = materialise<double>(rec);
  const double base = step_size_rule(rec.step_log2, inst.Y, inst.B);
  for (int e : {-600, 600}) {
    INFO("Y scaled by 2^" << e);
    const double scaled = step_size_rule(rec.step_log2, Mat<double>(inst.Y * std::ldexp(1.0, e)),
                                         inst.B);
    CHECK(scaled == std::ldexp(base, -e));
  }
  CHECK(step_size_rule(rec.step_log2, Mat<double>::Zero(3, 2), inst.B) ==
        step_size_rule(rec.step_log2, Mat<double>::Identity(3, 2), inst.B));  // sigma_1 = 0 -> 1
}
