// Direct tests with hand-computed values for four pieces that, before issue 14, only a claim
// happened to check (a bug in any of them was caught by one claim each and by no unit test):
// zero initialisation, the row-space projector at rank >= 2, opt_r's index range, and the
// network-side updates that claim A6 compares with the matrix dynamics. Each case below is small
// enough to verify by hand; the comments give the arithmetic.
#include "core/linalg.hpp"
#include "dynamics/network.hpp"
#include "generators/instance.hpp"
#include "tests/support/hand_matrix.hpp"

#include <catch2/catch.hpp>

using namespace fa;
using fa::testing::mat;

namespace {

template <class T>
bool all_exactly_zero(const Mat<T>& M) {
  for (Eigen::Index q = 0; q < M.size(); ++q)
    if (M.data()[q] != 0) return false;
  return true;
}

template <class T>
T max_abs_difference(const Mat<T>& A, const Mat<T>& B) {
  T worst(0);
  for (Eigen::Index q = 0; q < A.size(); ++q) {
    const T d =
        A.data()[q] > B.data()[q] ? T(A.data()[q] - B.data()[q]) : T(B.data()[q] - A.data()[q]);
    if (d > worst) worst = d;
  }
  return worst;
}

template <class T>
void check_zero_init() {
  INFO("scalar " << scalar_name<T>());
  // The dynamics' own zero initialisation (what every zero-init claim starts from).
  const Factors<T> f = reference_dynamics<T>().zero_init(3, 2, 4);
  REQUIRE(f.Z.rows() == 3);
  REQUIRE(f.Z.cols() == 2);
  REQUIRE(f.W.rows() == 2);
  REQUIRE(f.W.cols() == 4);
  CHECK(all_exactly_zero(f.Z));
  CHECK(all_exactly_zero(f.W));
  // One FA step from it on Y = [2 0; 0 4] (n = m = 2), B = [1 ; 1] (r = 1), eta = 1/2: E = -Y,
  // so W_1 = eta B^T Y = 1/2 [2 4] = [1 2] and Z_1 = Z_0 - eta E W_0^T = 0; a second step gives
  // Z_2 = eta Y W_1^T = 1/2 [2; 8] = [1; 4] and W_2 = 2 eta B^T Y = [2 4]. GD does not move.
  const Mat<T> Y = mat<T>({{T(2), T(0)}, {T(0), T(4)}});
  const Mat<T> B = mat<T>({{T(1)}, {T(1)}});
  const T eta = T(1) / T(2);
  Workspace<T> ws;
  Factors<T> fa = reference_dynamics<T>().zero_init(2, 1, 2);
  reference_dynamics<T>().step(Algorithm::fa, fa, Y, B, eta, 0, ws);
  CHECK(fa.W == mat<T>({{T(1), T(2)}}));
  CHECK(all_exactly_zero(fa.Z));
  reference_dynamics<T>().step(Algorithm::fa, fa, Y, B, eta, 1, ws);
  CHECK(fa.Z == mat<T>({{T(1)}, {T(4)}}));
  CHECK(fa.W == mat<T>({{T(2), T(4)}}));
  Factors<T> gd = reference_dynamics<T>().zero_init(2, 1, 2);
  for (long t = 0; t < 3; ++t) reference_dynamics<T>().step(Algorithm::gd, gd, Y, B, eta, t, ws);
  CHECK(all_exactly_zero(gd.Z));
  CHECK(all_exactly_zero(gd.W));
}

/// Recipe with explicit singular values (3, 2, 1): Y is 4 x 3 of rank 3.
Recipe spectrum_321(int r) {
  Recipe rec;
  rec.n = 4;
  rec.m = 3;
  rec.k = 3;
  rec.r = r;
  rec.spectrum = Spectrum::explicit_values;
  rec.singular_values = {3, 2, 1};
  rec.seed = 5;
  return rec;
}

}  // namespace

TEST_CASE(
    "zero initialisation is exactly zero and FA's first steps from it match the hand "
    "values",
    "[unit][hand]") {
  check_zero_init<double>();
  check_zero_init<Mp>();
  check_zero_init<Rational>();
  // The generators' zero init, and the instances built with it.
  Recipe rec = spectrum_321(2);
  rec.init = Init::zero;
  const Factors<double> f = initial_factors<double>(rec);
  CHECK(f.Z.rows() == 4);
  CHECK(f.Z.cols() == 2);
  CHECK(f.W.rows() == 2);
  CHECK(f.W.cols() == 3);
  CHECK(all_exactly_zero(f.Z));
  CHECK(all_exactly_zero(f.W));
  const Instance<Mp> inst = materialise<Mp>(rec);
  CHECK(all_exactly_zero(inst.start.Z));
  CHECK(all_exactly_zero(inst.start.W));
}

TEST_CASE("the row-space projector at rank 2 matches the hand-computed projector", "[unit][hand]") {
  // M = [1 1 0 0; 0 1 1 0]: rows of rank 2, not orthogonal (a projector that treats the rows one
  // at a time, or ignores the off-diagonal of M M^T, is right at rank 1 and wrong here).
  // M M^T = [2 1; 1 2], its inverse 1/3 [2 -1; -1 2], and P = M^T (M M^T)^{-1} M =
  // 1/3 [2 1 -1 0; 1 2 1 0; -1 1 2 0; 0 0 0 0] (symmetric, P^2 = P, trace 2).
  const Mat<double> M = mat<double>({{1, 1, 0, 0}, {0, 1, 1, 0}});
  const Mat<double> expected =
      mat<double>({{2, 1, -1, 0}, {1, 2, 1, 0}, {-1, 1, 2, 0}, {0, 0, 0, 0}}) / 3;
  // An LDL^T solve of a 2 x 2 system and two products of inner size <= 2 on entries <= 1:
  // 16 eps per entry covers the roundings (about 8 of at most eps each) twice over.
  const double eps = std::numeric_limits<double>::epsilon();
  const Mat<double> P = row_space_projector<double>(M);
  CHECK(max_abs_difference(P, expected) <= 16 * eps);
  // Rank 3 of 4: M3 = [1 0 0 0; 1 1 0 0; 0 1 1 1]; its row space is the orthogonal complement of
  // v = (0, 0, 1, -1) (M3 v = 0), so P = I - v v^T / 2.
  const Mat<double> M3 = mat<double>({{1, 0, 0, 0}, {1, 1, 0, 0}, {0, 1, 1, 1}});
  Mat<double> expected3 = Mat<double>::Identity(4, 4);
  expected3.bottomRightCorner(2, 2) = mat<double>({{0.5, 0.5}, {0.5, 0.5}});
  CHECK(max_abs_difference(row_space_projector<double>(M3), expected3) <= 64 * eps);
  // The same in mp, against the same rationals to mp's epsilon.
  const Mat<Mp> Pm = row_space_projector<Mp>(cast_matrix<Mp>(M));
  const Mat<Mp> em =
      cast_matrix<Mp>(mat<double>({{2, 1, -1, 0}, {1, 2, 1, 0}, {-1, 1, 2, 0}, {0, 0, 0, 0}})) /
      Mp(3);
  CHECK(max_abs_difference(Pm, em) <= Mp(16) * epsilon<Mp>());
}

TEST_CASE("opt_r is the sum of sigma_i^2 over i > r (index range by hand)", "[unit][hand]") {
  // sigma = (3, 2, 1): opt_1 = 2^2 + 1^2 = 5, opt_2 = 1, opt_3 = 0 (an off-by-one gives 1, 0 or
  // 14, 5 instead).
  const double expected[] = {5, 1, 0};
  for (int r = 1; r <= 3; ++r) {
    INFO("r = " << r);
    const Instance<double> d = materialise<double>(spectrum_321(r));
    CHECK(d.opt_r == expected[r - 1]);  // sums of squares of small integers: exact
    const Instance<Mp> p = materialise<Mp>(spectrum_321(r));
    CHECK(p.opt_r == Mp(expected[r - 1]));
    // From the matrix itself (Jacobi SVD of the built Y, singular values to ~d eps of sigma_1 = 3:
    // 64 eps times ||Y||_F^2 = 14 covers the squares).
    const double eps = std::numeric_limits<double>::epsilon();
    CHECK(std::abs(best_rank_error<double>(d.Y, r) - expected[r - 1]) <= 64 * eps * 14);
  }
  // r >= rank: nothing left.
  CHECK(best_rank_error<double>(Mat<double>(mat<double>({{3, 0}, {0, 2}})), 2) == 0);
  CHECK(best_rank_error<double>(Mat<double>(mat<double>({{3, 0}, {0, 2}})), 1) == 4);
}

TEST_CASE("the network's GD and FA updates match hand-computed values (A6's network side)",
          "[unit][hand]") {
  using Q = Rational;
  // X = [1 -1; 1 1] (m = N = 2, X X^T = 2 I, not symmetric: X and X^T differ), A = [1 0; 0 2],
  // Z = [1; 0], W = [1 1], B = [1; 2], eta = 1/2.
  // H = W X = [2 0]; Z H = [2 0; 0 0]; A X = [1 -1; 2 2]; E_net = [1 1; -2 -2].
  // Z+ = Z - (eta/N) E_net H^T = [1; 0] - 1/4 [2; -4] = [1/2; 1].
  // FA: B^T E_net = [-3 -3], times X^T = [1 1; -1 1]: [0 -6]; W+ = [1 1] - 1/4 [0 -6] = [1 5/2].
  // GD: Z^T E_net = [1 1], times X^T: [0 2]; W+ = [1 1] - 1/4 [0 2] = [1 1/2].
  // Loss: (1/2N) ||E_net||^2 = 1/4 (1 + 1 + 4 + 4) = 5/2.
  // The matrix dynamics with Y = A agree (X X^T = N I): E = ZW - A = [0 1; 0 -2],
  // Z - eta E W^T = [1/2; 1], W - eta B^T E = [1 5/2], W - eta Z^T E = [1 1/2], 1/2||E||^2 = 5/2.
  const Mat<Q> X = mat<Q>({{Q(1), Q(-1)}, {Q(1), Q(1)}});
  const Mat<Q> A = mat<Q>({{Q(1), Q(0)}, {Q(0), Q(2)}});
  const Mat<Q> B = mat<Q>({{Q(1)}, {Q(2)}});
  const Factors<Q> f{mat<Q>({{Q(1)}, {Q(0)}}), mat<Q>({{Q(1), Q(1)}})};
  const Q eta(1, 2);
  const Factors<Q> fa = network_step(f, X, A, B, eta, Algorithm::fa);
  CHECK(fa.Z == mat<Q>({{Q(1, 2)}, {Q(1)}}));
  CHECK(fa.W == mat<Q>({{Q(1), Q(5, 2)}}));
  const Factors<Q> gd = network_step(f, X, A, B, eta, Algorithm::gd);
  CHECK(gd.Z == mat<Q>({{Q(1, 2)}, {Q(1)}}));
  CHECK(gd.W == mat<Q>({{Q(1), Q(1, 2)}}));
  CHECK(network_loss(f, X, A) == Q(5, 2));
  // Against the matrix dynamics' own steps.
  for (Algorithm alg : {Algorithm::fa, Algorithm::gd}) {
    Factors<Q> m = f;
    Workspace<Q> ws;
    reference_step(alg, m, A, B, eta, ws);
    const Factors<Q> net = alg == Algorithm::fa ? fa : gd;
    CHECK(m.Z == net.Z);
    CHECK(m.W == net.W);
  }
  // Unwhitened data (X X^T != N I) must give different updates: X2 = [1 2; 0 1], N = 2.
  // H = [1 3]; Z H = [1 3; 0 0]; A X2 = [1 2; 0 2]; E_net = [0 1; 0 -2]; FA: B^T E_net = [0 -3],
  // times X2^T = [1 0; 2 1]: [-6 -3]; W+ = [1 1] - 1/4 [-6 -3] = [5/2 7/4]
  // (the matrix step gives [1 5/2]).
  const Mat<Q> X2 = mat<Q>({{Q(1), Q(2)}, {Q(0), Q(1)}});
  CHECK(network_step(f, X2, A, B, eta, Algorithm::fa).W == mat<Q>({{Q(5, 2), Q(7, 4)}}));
  CHECK_THROWS_AS(network_step(f, X, A, B, eta, Algorithm::fa_star), std::invalid_argument);
}
