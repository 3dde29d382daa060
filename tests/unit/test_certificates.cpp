// Exact certificates (certify/): exact ranks and rationals, the separation certificate on
// instances whose answers are known by hand, and that it fails where separation is false.
#include "certify/certificates.hpp"
#include "certify/exact.hpp"

#include <catch2/catch.hpp>

using fa::Mat;
using fa::Rational;

namespace {

Mat<double> good_3x4() {
  Mat<double> Y(3, 4);
  Y << 1, 0, 2, 1, 0, 1, 1, -1, 1, 1, 3, 0;  // rank 2, sigma_2^2 = 3
  return Y;
}

}  // namespace

TEST_CASE("every double is taken as its exact binary fraction", "[certify]") {
  CHECK(fa::exact::fraction(fa::exact::to_rational(0.1)) == "3602879701896397/36028797018963968");
  CHECK(fa::exact::to_rational(-0.75) == Rational(-3) / 4);
  CHECK(fa::exact::to_rational(fa::Mp("0.1")) != fa::exact::to_rational(0.1));
  CHECK_THROWS(fa::exact::to_rational(std::numeric_limits<double>::infinity()));
}

TEST_CASE("exact ranks", "[certify]") {
  CHECK(fa::exact::rank(fa::exact::to_rational(good_3x4())) == 2);
  CHECK(fa::exact::rank(Mat<Rational>(Mat<Rational>::Zero(3, 2))) == 0);
  // A tall matrix (Gram path): rank 1 exactly, although a rounding of it would have rank 2.
  Mat<Rational> tall(10, 2);
  for (int i = 0; i < 10; ++i) tall(i, 0) = i + 1, tall(i, 1) = Rational(i + 1) / 3;
  CHECK(fa::exact::rank(tall) == 1);
  tall(9, 1) += Rational(1, 1000000007);
  CHECK(fa::exact::rank(tall) == 2);
}

TEST_CASE("decimal text rounds in the direction asked", "[certify]") {
  const Rational third = Rational(1) / 3;
  CHECK(fa::exact::decimal(third, 5, 'U') == "3.3334e-01");
  CHECK(fa::exact::decimal(third, 5, 'D') == "3.3333e-01");
  CHECK(fa::exact::decimal(Rational(17) / 3, 17) == "5.6666666666666667e+00");
}

TEST_CASE("separation certificate: a known separation is proved exactly", "[certify]") {
  // B = e_1: B^T Y = Y's first row m; err* = ||Y||^2 - ||Y m^T||^2 / ||m||^2 = 20 - 86/6 = 17/3,
  // opt_1 = sigma_2^2 = 3.
  Mat<double> B = Mat<double>::Zero(3, 1);
  B(0, 0) = 1;
  const auto c = fa::certify::certify_separation(good_3x4(), B);
  CHECK(c.rank_y == 2);
  CHECK(c.rank_feedback == 1);
  CHECK(c.err_star == Rational(17) / 3);
  REQUIRE(c.opt_bound_known);
  CHECK(c.opt_upper >= 3);  // Eckart-Young: never below opt_1
  CHECK(c.opt_upper - 3 < Rational(1, 1000000));
  CHECK(c.separation_proved);
  CHECK(c.gap <= Rational(8) / 3);
  CHECK(c.gap > Rational(26, 10));
  // The rational overload (bound basis from a double eigendecomposition) agrees.
  const auto q = fa::certify::certify_separation(fa::exact::to_rational(good_3x4()),
                                                 fa::exact::to_rational(B));
  CHECK(q.err_star == c.err_star);
  CHECK(q.separation_proved);
}

TEST_CASE("separation certificate fails where there is no separation", "[certify]") {
  // Y = diag(3, 1), B = e_1: row(B^T Y) is the top right singular vector, so err* = opt_1 = 1
  // exactly. The claim "err* > opt_r" is false here: the certificate must not prove it.
  Mat<double> Y = Mat<double>::Zero(2, 2);
  Y(0, 0) = 3, Y(1, 1) = 1;
  Mat<double> B = Mat<double>::Zero(2, 1);
  B(0, 0) = 1;
  const auto c = fa::certify::certify_separation(Y, B);
  CHECK(c.err_star == 1);
  CHECK_FALSE(c.separation_proved);
  CHECK(c.verdict.rfind("separation not proved", 0) == 0);
  // r >= rank(Y): opt_r = 0 exactly, and err* = 0 when B^T Y has Y's rank.
  const auto full = fa::certify::certify_separation(Y, Mat<double>(Mat<double>::Identity(2, 2)));
  CHECK(full.opt_upper == 0);
  CHECK(full.err_star == 0);
  CHECK_FALSE(full.separation_proved);
  CHECK(full.verdict.find("not provable: rank(Y) = 2 <= r = 2") != std::string::npos);
  // ... and a rank-deficient feedback is a proved separation even then (err* > 0 = opt_r).
  Mat<double> B2 = Mat<double>::Zero(2, 2);
  B2(0, 0) = B2(0, 1) = 1;
  const auto deficient = fa::certify::certify_separation(Y, B2);
  CHECK(deficient.rank_feedback == 1);
  CHECK(deficient.err_star == 1);
  CHECK(deficient.separation_proved);
}

TEST_CASE("feedback-rank certificate (A1(a))", "[certify]") {
  const Mat<Rational> Y = fa::exact::to_rational(good_3x4());
  Mat<Rational> B = Mat<Rational>::Zero(3, 2);
  B(0, 0) = 1, B(1, 1) = 1;
  const auto ok = fa::certify::certify_feedback_rank(Y, B);
  CHECK(ok.rank_y == 2);
  CHECK(ok.rank_feedback == 2);
  CHECK(ok.stationary_points_optimal());
  // A feedback that sees only part of Y: the certificate must fail.
  B(1, 1) = 0, B(0, 1) = 2;  // both columns along e_1
  const auto bad = fa::certify::certify_feedback_rank(Y, B);
  CHECK(bad.rank_feedback == 1);
  CHECK_FALSE(bad.stationary_points_optimal());
}
