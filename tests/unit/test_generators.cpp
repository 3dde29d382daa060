// Generated instances: exact rank, the asked singular values to the scalar's precision, the same
// instance in every scalar, determinism, and shrinking of recipes to a known minimum.
#include "checks/property.hpp"
#include "core/linalg.hpp"
#include "generators/arbitrary.hpp"
#include "generators/instance.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace fa;

namespace {

// Y = U diag(s) V^T with U, V orthonormal to ~n eps (Householder QR); the Jacobi SVD that reads
// the singular values back has backward error ~ n eps ||Y||. 16 max(n, m) eps covers both with a
// margin of about 4 and still fails for any real error in the spectrum.
template <class T>
T spectrum_tolerance(const Recipe& rec) {
  return T(16 * std::max(rec.n, rec.m)) * epsilon<T>();
}

template <class T>
void check_spectrum(const Recipe& rec) {
  const Instance<T> inst = materialise<T>(rec);
  const Vec<T> sv = singular_values<T>(inst.Y);
  const T tol = spectrum_tolerance<T>(rec) * inst.s(0);
  for (Eigen::Index i = 0; i < sv.size(); ++i) {
    const T expected = i < rec.k ? T(inst.s(i)) : T(0);
    const T err = abs(T(sv(i) - expected));
    RC_ASSERT(err <= tol);
  }
}

Recipe example_recipe() {
  Recipe rec;
  rec.n = 6;
  rec.m = 5;
  rec.k = 3;
  rec.r = 2;
  rec.spectrum = Spectrum::geometric;
  rec.spread = 3;
  rec.seed = 12345;
  rec.init = Init::small;
  return rec;
}

}  // namespace

namespace fa {
inline Mp abs(const Mp& x) { return boost::multiprecision::abs(x); }
}  // namespace fa
using std::abs;

TEST_CASE("generated Y has exact rank k and the asked singular values (double)",
          "[unit][generators]") {
  const auto outcome = check_property(Catch::getResultCapture().getCurrentTestName(),
                                      [] {
                                        const Recipe rec = *recipe_gen(RecipeSpace{});
                                        check_spectrum<double>(rec);
                                      });
  INFO(outcome.message);
  CHECK(outcome.passed);
  CHECK(outcome.cases >= 100);
}

TEST_CASE("generated Y has exact rank k and the asked singular values (mp)", "[unit][generators]") {
  PropertyOptions opts;
  opts.cases = 10;
  const auto outcome = check_property(
      Catch::getResultCapture().getCurrentTestName(),
      [] {
        const Recipe rec = *recipe_gen(RecipeSpace{});
        check_spectrum<Mp>(rec);
      },
      opts);
  INFO(outcome.message);
  CHECK(outcome.passed);
}

TEST_CASE("the spectrum check fails on a wrong singular value (it can fail)",
          "[unit][generators]") {
  Recipe rec = example_recipe();
  Instance<double> inst = materialise<double>(rec);
  inst.Y *= 1.0 + 1e-12;  // a relative error of 1e-12 is ~5000 eps: must be seen
  const Vec<double> sv = singular_values<double>(inst.Y);
  CHECK(std::abs(sv(0) - inst.s(0)) > spectrum_tolerance<double>(rec));
}

TEST_CASE("the same recipe gives the same instance in every scalar", "[unit][generators]") {
  const Recipe rec = example_recipe();
  const Instance<double> d = materialise<double>(rec);
  const Instance<Mp> p = materialise<Mp>(rec);
  set_mpvar_bits(200);
  const Instance<MpVar> v = materialise<MpVar>(rec);
  // Built from the same double draws: the raw draws and the step are identical bit for bit...
  CHECK(d.eta == p.eta);
  CHECK(d.eta == v.eta);
  CHECK(cast_matrix<double>(p.start.Z) == d.start.Z);
  CHECK(cast_matrix<double>(v.start.W) == d.start.W);
  // ... and the computed matrices agree to double's rounding (each type computes the same
  // mathematical object to its own precision): B is one division (2 eps), Y a QR and a product
  // (the spectrum tolerance above).
  const double eps = std::numeric_limits<double>::epsilon();
  CHECK((cast_matrix<double>(p.B) - d.B).cwiseAbs().maxCoeff() <= 2 * eps * d.B.cwiseAbs().maxCoeff());
  const double y_tol = spectrum_tolerance<double>(rec);
  CHECK((cast_matrix<double>(p.Y) - d.Y).cwiseAbs().maxCoeff() <= y_tol);
  CHECK((cast_matrix<double>(v.Y) - d.Y).cwiseAbs().maxCoeff() <= y_tol);
  // mp and 200-bit MPFR agree to mp's precision.
  CHECK((cast_matrix<MpVar>(p.Y) - v.Y).cwiseAbs().maxCoeff() <=
        MpVar(16 * 6) * MpVar(epsilon<Mp>()));
}

TEST_CASE("instances are deterministic and seeds matter", "[unit][generators]") {
  const Recipe rec = example_recipe();
  const Instance<double> a = materialise<double>(rec);
  const Instance<double> b = materialise<double>(rec);
  CHECK(a.Y == b.Y);
  CHECK(a.B == b.B);
  Recipe other = rec;
  other.seed += 1;
  CHECK_FALSE(materialise<double>(other).Y == a.Y);
}

TEST_CASE("a false property on recipes shrinks to the known minimal recipe",
          "[unit][generators][shrinking]") {
  // "Every generated Y has rank at most 2" is false; the smallest counterexample needs k = 3,
  // hence n = m = 3, with every other field at its simplest value.
  static Recipe last_failing;
  const auto outcome = check_property(Catch::getResultCapture().getCurrentTestName(), [] {
    const Recipe rec = *recipe_gen(RecipeSpace{});
    if (rec.k > 2) last_failing = rec;
    RC_ASSERT(rec.k <= 2);
  });
  REQUIRE_FALSE(outcome.passed);
  Recipe expected;
  expected.n = 3;
  expected.m = 3;
  expected.k = 3;
  expected.r = 1;
  expected.spectrum = Spectrum::flat;
  expected.spread = 0;
  expected.seed = 0;
  expected.step_log2 = -3;
  expected.init = Init::zero;
  INFO("shrunk to " << last_failing.describe() << "\n" << outcome.message);
  CHECK(last_failing == expected);
  CHECK_THAT(outcome.message, Catch::Contains(expected.describe()));
  CHECK_FALSE(outcome.reproduce.empty());
}

TEST_CASE("recipe dimensions and spreads grow with RapidCheck's size, within the region",
          "[unit][generators][region]") {
  RecipeSpace space = wide_space(48);
  space.spectra = {Spectrum::geometric, Spectrum::near_tie};
  const rc::Gen<Recipe> gen = recipe_gen(space);
  int largest = 0, smallest_c = 0, largest_c = -9, b_lo = 0, b_hi = 0;
  std::set<int> scales;
  for (int i = 0; i < 400; ++i) {
    const Recipe small = gen(rc::Random(static_cast<std::uint64_t>(i)), 0).value();
    CHECK(small.n == 1);  // size 0: the smallest instances only
    CHECK(small.m == 1);
    CHECK(small.spread <= 1);  // near-tie needs 1; geometric 0
    const Recipe big = gen(rc::Random(static_cast<std::uint64_t>(i)), 100).value();
    REQUIRE_NOTHROW(big.validate());
    CHECK(big.n <= 48);
    CHECK(big.m <= 48);
    if (big.spectrum == Spectrum::near_tie) CHECK(big.spread >= 1);
    largest = std::max({largest, big.n, big.m});
    smallest_c = std::min(smallest_c, big.step_log2);
    largest_c = std::max(largest_c, big.step_log2);
    b_lo = std::min(b_lo, big.b_scale_log2);
    b_hi = std::max(b_hi, big.b_scale_log2);
    if (big.init == Init::small) scales.insert(big.init_log2);
  }
  CHECK(largest >= 40);  // the top of the region is drawn at the largest size
  CHECK(smallest_c == -8);
  CHECK(largest_c == -1);
  CHECK(b_lo == -3);
  CHECK(b_hi == 3);
  CHECK(scales == std::set<int>{-8, -2, 0});
}

TEST_CASE("B's scale multiplies the default feedback exactly, and eta sees it",
          "[unit][generators][region]") {
  Recipe rec = example_recipe();
  const Instance<double> base = materialise<double>(rec);
  rec.b_scale_log2 = 3;
  const Instance<double> scaled = materialise<double>(rec);
  CHECK(scaled.B == Mat<double>(8.0 * base.B));  // a power of two: exact
  CHECK(scaled.Y == base.Y);
  CHECK(scaled.eta < base.eta);  // max(1, ||B||^2) grew
  CHECK(rec.describe().find("B=2^3") != std::string::npos);
  rec.b_scale_log2 = 0;
  CHECK(rec.describe().find("B=") == std::string::npos);  // old recipes read as before
}

TEST_CASE("a near-tie spectrum puts sigma_{r+1} just below sigma_r = 1", "[unit][generators]") {
  Recipe rec = fixed_recipe(8, 7, 5, 2, 3);
  rec.spectrum = Spectrum::near_tie;
  rec.spread = 10;
  const std::vector<double> s = recipe_singular_values(rec);
  REQUIRE(s.size() == 5u);
  CHECK(s[0] == 1.0);
  CHECK(s[1] == 1.0);
  CHECK(s[2] == 1.0 - std::ldexp(1.0, -10));
  CHECK(s[4] == s[2]);
}
