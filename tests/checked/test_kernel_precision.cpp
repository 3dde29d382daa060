// The MPFR kernels' precision checks (dynamics/kernels.hpp, FA_KERNEL_CHECKS). They are compiled
// in for debug and sanitizer builds only; this executable turns them on for itself
// (FA_KERNEL_CHECKS=1, set by tests/CMakeLists.txt) and links nothing else that instantiates the
// kernels, so it tests them in every build, Release included.
//
// The bug they exist for: a kernel that writes a lower-precision value into a fixed-precision
// (stack-allocated) Mp, e.g. through the in-place subtraction's limb swap with a heap scratch
// value, crashed the process with a double free when the scratch value was destroyed. With the
// checks it fails with an exception naming the kernel and the value, before anything is swapped.
#include "dynamics/dynamics.hpp"

#include <catch2/catch.hpp>

using namespace fa;
namespace kd = fa::kernels::detail;

namespace {

struct MpVarPrecisionGuard {
  unsigned saved = MpVar::default_precision();
  ~MpVarPrecisionGuard() { MpVar::default_precision(saved); }
};

template <class T>
Mat<T> filled(Eigen::Index rows, Eigen::Index cols, double start) {
  Mat<T> M(rows, cols);
  for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = T(start + 0.25 * double(q));
  return M;
}

}  // namespace

TEST_CASE("the kernels' precision checks are compiled into this test", "[unit][kernels][checked]") {
  STATIC_REQUIRE(kd::kPrecisionChecks);
}

TEST_CASE("a lower-precision operand fails the check instead of being used (mpfr)",
          "[unit][kernels][checked]") {
  MpVarPrecisionGuard guard;
  set_mpvar_bits(53);
  const Mat<MpVar> Y_low = filled<MpVar>(3, 4, 1);  // 53-bit values ...
  set_mpvar_bits(200);                              // ... used at 200 bits
  Factors<MpVar> f{filled<MpVar>(3, 2, 0.5), filled<MpVar>(2, 4, -0.5)};
  const Mat<MpVar> B = filled<MpVar>(3, 2, 0.125);
  Workspace<MpVar> ws;
  CHECK_THROWS_WITH(fa_step(f, Y_low, B, MpVar(0.125), ws), Catch::Contains("mpfr_residual") &&
                                                                Catch::Contains("operand Y(0,0)") &&
                                                                Catch::Contains("at least"));
  // Operands at a higher precision are read exactly and accepted (a workspace kept from a
  // higher-precision phase): results carry the working precision.
  set_mpvar_bits(300);
  const Mat<MpVar> Y_high = filled<MpVar>(3, 4, 1);
  Factors<MpVar> g{filled<MpVar>(3, 2, 0.5), filled<MpVar>(2, 4, -0.5)};
  const Mat<MpVar> B_high = filled<MpVar>(3, 2, 0.125);
  set_mpvar_bits(120);
  CHECK_NOTHROW(fa_star_step(g, Y_high, B_high, MpVar(0.125), ws));
  const mpfr_prec_t p = kd::working_precision<MpVar>();
  for (Eigen::Index q = 0; q < g.W.size(); ++q) CHECK(mpfr_get_prec(kd::in(g.W.data()[q])) == p);
}

TEST_CASE("a result at a lower precision fails the check (mpfr)", "[unit][kernels][checked]") {
  MpVarPrecisionGuard guard;
  set_mpvar_bits(200);
  Mat<MpVar> E = filled<MpVar>(2, 2, 1);
  const mpfr_prec_t p = kd::working_precision<MpVar>();
  CHECK_NOTHROW(kd::check_result("test", "E", E, p));
  mpfr_prec_round(kd::out(E(1, 0)), 53, MPFR_RNDN);  // what a buggy kernel would leave behind
  CHECK_THROWS_WITH(kd::check_result("test", "E", E, p),
                    Catch::Contains("result E(1,0) has 53 bits"));
}

TEST_CASE(
    "the double-free bug: a limb swap into a fixed-precision Mp is refused before it "
    "happens (mp)",
    "[unit][kernels][checked]") {
  // A kernel working at a wrong (lower) precision p would take sub_in_place's variable-precision
  // path for an Mp and swap a heap scratch value's limbs into it: the scratch value's destructor
  // would then free the Mp's stack limbs. The check throws first; x is untouched and everything
  // is destroyed normally (under AddressSanitizer this test would report the bad free otherwise).
  Mp x(3);
  kd::Temp t(53), spare(53);
  mpfr_set_ui(t.v, 1, MPFR_RNDN);
  CHECK_THROWS_WITH(kd::sub_in_place<Mp>(kd::out(x), t.v, 53, spare.v),
                    Catch::Contains("fixed-precision destination"));
  CHECK(x == 3);
  CHECK(mpfr_get_prec(kd::in(x)) == kd::working_precision<Mp>());
  // Operands of an Mp kernel must have exactly the working precision: a kernel run with a wrong
  // working precision is stopped at its first operand.
  const Mat<Mp> Z = filled<Mp>(2, 2, 1);
  CHECK_THROWS_WITH(kd::check_operand("mpfr_residual", "Z", Z, 53),
                    Catch::Contains("operand Z(0,0)") && Catch::Contains("expected exactly 53"));
  CHECK_NOTHROW(kd::check_operand("mpfr_residual", "Z", Z, kd::working_precision<Mp>()));
}

TEST_CASE("the reference MPFR steps pass their own checks (mp and mpfr)",
          "[unit][kernels][checked]") {
  MpVarPrecisionGuard guard;
  for (Algorithm a : {Algorithm::gd, Algorithm::fa, Algorithm::fa_star}) {
    Factors<Mp> f{filled<Mp>(4, 2, 0.5), filled<Mp>(2, 3, -0.5)};
    Workspace<Mp> ws;
    for (int t = 0; t < 3; ++t)
      CHECK_NOTHROW(
          reference_step(a, f, filled<Mp>(4, 3, 1), filled<Mp>(4, 2, 0.25), Mp(0.01), ws));
    set_mpvar_bits(113);
    Factors<MpVar> g{filled<MpVar>(4, 2, 0.5), filled<MpVar>(2, 3, -0.5)};
    Workspace<MpVar> wv;
    for (int t = 0; t < 3; ++t)
      CHECK_NOTHROW(
          reference_step(a, g, filled<MpVar>(4, 3, 1), filled<MpVar>(4, 2, 0.25), MpVar(0.01), wv));
  }
}
