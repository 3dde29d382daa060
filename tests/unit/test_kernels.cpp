// The fast step functions (dynamics/dynamics.hpp through dynamics/kernels.hpp) against the plain
// implementation, written here as the straightforward Eigen expressions of docs/algorithms.md.
//
//   double, Rational: equal values, entry by entry (==), after every step.
//   Mp, MpVar: the MPFR kernels compute every dot product exactly and round it once
//   (dynamics/exact_dot.hpp), where Eigen's generic kernel rounds every product and every sum.
//   So results may differ in the last bits, and each step (both sides starting from the same
//   state) is checked against the first-order rounding-error bound of the plain step, entry by
//   entry:
//     |fast - plain| <= 2 gamma_K (|X| + eta |update products|),  gamma_K = K u / (1 - K u),
//   u = 2^-p the unit roundoff and K = n + m + r + 4. Why: the plain side computes E to within
//   gamma_{r+1} (|Z||W| + |Y|) = gamma_{r+1} A, a product with E to within gamma_{inner + 1} of
//   |.| A |.| (plus the propagated error of E), and the update adds one rounding of each term; so
//   it is within gamma_K (|X| + eta |.|A|.|) of the exact step. The fast side's dot products are
//   within u of their exact values, inside the same bound, so the two are within twice that. The
//   bound is about 2 K u relative to the entries involved: far below any real mistake (a wrong or
//   missing term moves entries by ~eta |E| |W|, i.e. relative 1e-3 or more), and a check below
//   shows that it does fail when an entry is perturbed by a relative 1e-30.
//   The kernels themselves are checked more tightly at the end of this file: every entry equal
//   (==) to the exact rational dot product rounded once by MPFR.
#include "dynamics/dynamics.hpp"

#include "certify/exact.hpp"
#include "core/linalg.hpp"
#include "dynamics/plain_steps.hpp"

#include <catch2/catch.hpp>
#include <mpfr.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace fa;

namespace {


template <class T>
void fast_step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
               Workspace<T>& ws) {
  switch (a) {
    case Algorithm::gd:
      fa::gd_step(f, Y, eta, ws);
      return;
    case Algorithm::fa:
      fa::fa_step(f, Y, B, eta, ws);
      return;
    case Algorithm::fa_star:
      fa::fa_star_step(f, Y, B, eta, ws);
      return;
  }
}

struct Shape {
  int n, m, r;
};

std::string describe(const Shape& s, Algorithm a) {
  return algorithm_name(a) + " " + std::to_string(s.n) + "x" + std::to_string(s.m) + "x" +
         std::to_string(s.r);
}

/// A random problem in T: Gaussian Y (full rank), B, Z, W (the step identities do not care about
/// the rank). Values with full-length mantissas in T (scaled by sqrt(2) computed in T), so that
/// the roundings are generic; a few exact zeros in Y, to exercise signed zeros.
template <class T>
struct Problem {
  Mat<T> Y, B;
  Factors<T> f;
  T eta;
};

template <class T>
Mat<T> random_matrix(int rows, int cols, std::mt19937_64& g, double scale) {
  std::normal_distribution<double> nd;
  Mat<double> M(rows, cols);
  for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = scale * nd(g);
  Mat<T> out = cast_matrix<T>(M);
  if constexpr (!std::is_same_v<T, Rational>) {
    using std::sqrt;
    const T root2 = sqrt(T(2));
    for (Eigen::Index q = 0; q < out.size(); ++q) out.data()[q] *= root2;
  }
  return out;
}

template <class T>
Problem<T> random_problem(const Shape& s, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  Problem<T> p;
  p.Y = random_matrix<T>(s.n, s.m, g, 1.0);
  if (s.n * s.m > 2) p.Y(0, 0) = T(0);
  p.B = random_matrix<T>(s.n, s.r, g, 1.0 / std::sqrt(double(s.n)));
  p.f.Z = random_matrix<T>(s.n, s.r, g, 0.5);
  p.f.W = random_matrix<T>(s.r, s.m, g, 0.5);
  p.eta = T(1) / T(8 * (s.n + s.m));  // small enough to stay bounded over a few steps
  return p;
}

/// Rational instances: small integers over small denominators, exact and cheap.
Problem<Rational> rational_problem(const Shape& s, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<int> d(-4, 4);
  auto rnd = [&](int rows, int cols) {
    Mat<Rational> M(rows, cols);
    for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = Rational(d(g), 1 + (d(g) + 4) % 3);
    return M;
  };
  Problem<Rational> p;
  p.Y = rnd(s.n, s.m);
  p.B = rnd(s.n, s.r);
  p.f.Z = rnd(s.n, s.r);
  p.f.W = rnd(s.r, s.m);
  p.eta = Rational(1, 7);
  return p;
}

template <class T>
Mat<T> abs_of(const Mat<T>& M) {
  Mat<T> out(M.rows(), M.cols());
  for (Eigen::Index q = 0; q < M.size(); ++q) {
    using std::abs;
    out.data()[q] = abs(M.data()[q]);
  }
  return out;
}

/// The bound of the header comment, for one step from `start`: (bound on Z, bound on W).
template <class T>
std::pair<Mat<T>, Mat<T>> step_bounds(Algorithm a, const Factors<T>& start, const Mat<T>& Y,
                                      const Mat<T>& B, const T& eta) {
  const Eigen::Index n = Y.rows(), m = Y.cols(), r = start.Z.cols();
  const T u = epsilon<T>() / 2;
  const T K = T(n + m + r + 4);
  const T gamma = K * u / (1 - K * u);
  const Mat<T> aZ = abs_of(start.Z), aW = abs_of(start.W), aB = abs_of(B);
  const Mat<T> A = aZ * aW + abs_of(Y);  // >= |E|, and the scale of E's rounding error
  const Mat<T>& back = (a == Algorithm::gd) ? aZ : aB;
  const Mat<T> w_terms = aW + eta * (back.transpose() * A);
  Mat<T> v = aW;  // the W that Z's update uses: W, or FA*'s W_mid
  if (a == Algorithm::fa_star) v = aW + (eta / 2) * (aB.transpose() * A);
  const Mat<T> z_terms = aZ + eta * (A * v.transpose());
  return {Mat<T>(2 * gamma * z_terms), Mat<T>(2 * gamma * w_terms)};
}

/// Entries where |x - y| > bound; empty when all agree.
template <class T>
std::vector<std::string> violations(const Mat<T>& x, const Mat<T>& y, const Mat<T>& bound,
                                    const char* what) {
  std::vector<std::string> out;
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      using std::abs;
      const T diff = abs(T(x(i, j) - y(i, j)));
      if (diff > bound(i, j))
        out.push_back(std::string(what) + "(" + std::to_string(i) + "," + std::to_string(j) +
                      "): |fast - plain| = " + to_text(diff) + " > bound " + to_text(bound(i, j)));
    }
  return out;
}

const Algorithm kAlgorithms[] = {Algorithm::gd, Algorithm::fa, Algorithm::fa_star};

/// Several steps; before each, the fast and the plain step start from the same state (the
/// plain one's), and the results are compared: exactly for double, within the bound for MPFR.
template <class T>
void compare_steps(const Shape& s, std::uint64_t seed, int steps) {
  for (Algorithm a : kAlgorithms) {
    INFO(describe(s, a) << " in " << scalar_name<T>() << ", seed " << seed);
    Problem<T> p = random_problem<T>(s, seed);
    Workspace<T> ws_fast, ws_plain;  // reused across steps, as trajectories do
    Factors<T> state = p.f;
    for (int t = 0; t < steps; ++t) {
      INFO("step " << t);
      Factors<T> fast = state, ref = state;
      fast_step(a, fast, p.Y, p.B, p.eta, ws_fast);
      plain::step(a, ref, p.Y, p.B, p.eta, ws_plain);
      REQUIRE(fast.Z.rows() == ref.Z.rows());
      REQUIRE(fast.W.cols() == ref.W.cols());
      if constexpr (std::is_same_v<T, double>) {
        CHECK(fast.Z == ref.Z);
        CHECK(fast.W == ref.W);
      } else {
        const auto [bz, bw] = step_bounds(a, state, p.Y, p.B, p.eta);
        const auto vz = violations(fast.Z, ref.Z, bz, "Z");
        const auto vw = violations(fast.W, ref.W, bw, "W");
        CHECK(vz.empty());
        CHECK(vw.empty());
        for (const auto& v : vz) WARN(v);
        for (const auto& v : vw) WARN(v);
      }
      state = ref;
    }
  }
}

// Tiny sizes take Eigen's coefficient-based product, larger ones its blocked GEMM; r = 300
// exceeds one GEMM depth block (the double kernel then falls back to the plain expression);
// odd sizes exercise the leftover rows and columns of the blocked kernels.
const std::vector<Shape> kDoubleShapes = {
    {1, 1, 1},   {2, 3, 1},   {3, 2, 2},   {5, 4, 2},     {7, 9, 3},      {16, 12, 4},
    {33, 20, 5}, {64, 64, 8}, {65, 63, 9}, {130, 97, 17}, {257, 255, 33}, {40, 30, 300}};
const std::vector<Shape> kMpShapes = {{1, 1, 1}, {2, 3, 1},   {3, 2, 2},   {5, 4, 2},
                                      {7, 9, 3}, {16, 12, 4}, {17, 23, 5}, {33, 20, 8}};

/// Restores MpVar's default precision when a test changes it.
struct MpVarPrecisionGuard {
  unsigned saved = MpVar::default_precision();
  ~MpVarPrecisionGuard() { MpVar::default_precision(saved); }
};

}  // namespace

TEST_CASE("fast steps equal the plain Eigen steps in double", "[unit][quick][kernels]") {
  std::uint64_t seed = 1;
  for (const Shape& s : kDoubleShapes) compare_steps<double>(s, seed++, 4);
}

TEST_CASE("fast steps equal the plain Eigen steps in double from zero init",
          "[unit][quick][kernels]") {
  // Zero factors make every product an exact (signed) zero: the case where the fused residual
  // could differ in the sign of a zero; values must still be equal.
  for (const Shape& s : {Shape{3, 4, 2}, Shape{64, 64, 8}}) {
    for (Algorithm a : kAlgorithms) {
      INFO(describe(s, a));
      Problem<double> p = random_problem<double>(s, 7);
      Factors<double> fast{Mat<double>::Zero(s.n, s.r), Mat<double>::Zero(s.r, s.m)};
      Factors<double> ref = fast;
      Workspace<double> w1, w2;
      for (int t = 0; t < 3; ++t) {
        fast_step(a, fast, p.Y, p.B, p.eta, w1);
        plain::step(a, ref, p.Y, p.B, p.eta, w2);
        CHECK(fast.Z == ref.Z);
        CHECK(fast.W == ref.W);
      }
    }
  }
}

TEST_CASE("fast steps equal the plain Eigen steps exactly (exact)", "[unit][quick][kernels]") {
  for (const Shape& s : {Shape{1, 1, 1}, Shape{2, 3, 1}, Shape{4, 3, 2}, Shape{5, 6, 3}}) {
    for (Algorithm a : kAlgorithms) {
      INFO(describe(s, a));
      Problem<Rational> p = rational_problem(s, 11);
      Factors<Rational> fast = p.f, ref = p.f;
      Workspace<Rational> w1, w2;
      for (int t = 0; t < 2; ++t) {
        fast_step(a, fast, p.Y, p.B, p.eta, w1);
        plain::step(a, ref, p.Y, p.B, p.eta, w2);
        CHECK(fast.Z == ref.Z);
        CHECK(fast.W == ref.W);
      }
    }
  }
}

TEST_CASE("MPFR kernel steps agree with the plain Eigen steps to the rounding bound (mp)",
          "[unit][quick][kernels]") {
  std::uint64_t seed = 100;
  for (const Shape& s : kMpShapes) compare_steps<Mp>(s, seed++, 3);
}

TEST_CASE("MPFR kernel steps agree with the plain Eigen steps to the rounding bound (mpfr)",
          "[unit][quick][kernels]") {
  MpVarPrecisionGuard guard;
  for (int bits : {64, 113, 200}) {
    const int got = set_mpvar_bits(bits);
    INFO("MpVar at " << got << " bits");
    std::uint64_t seed = 200;
    for (const Shape& s : kMpShapes) compare_steps<MpVar>(s, seed++, 2);
  }
}

TEST_CASE("MPFR kernels round to the working precision and reuse a workspace across precisions",
          "[unit][quick][kernels]") {
  MpVarPrecisionGuard guard;
  const Shape s{6, 5, 2};
  set_mpvar_bits(200);
  Problem<MpVar> p = random_problem<MpVar>(s, 5);
  Workspace<MpVar> ws;
  Factors<MpVar> f = p.f;
  fa::fa_star_step(f, p.Y, p.B, p.eta, ws);
  // Now at a lower precision, with the workspace (E, G, W_mid at 200 bits) reused and the
  // factors still at 200 bits: every result of the kernels must carry the new working precision
  // (as the results of Eigen's GEMM path do; its coefficient-based path for tiny sizes keeps the
  // destination's precision in `Z -= ...`, so only agreement is checked against it).
  const int low = set_mpvar_bits(80);
  Problem<MpVar> q = random_problem<MpVar>(s, 6);
  Factors<MpVar> fast = f, ref = f;
  Workspace<MpVar> fresh;
  fa::fa_star_step(fast, q.Y, q.B, q.eta, ws);
  plain::plain_fa_star_step(ref, q.Y, q.B, q.eta, fresh);
  auto precision_of = [](const MpVar& x) { return mpfr_get_prec(x.backend().data()); };
  const MpVar probe(0);
  const auto working = precision_of(probe);
  CHECK(working >= low);
  for (const Mat<MpVar>* M : {&fast.Z, &fast.W, &ws.E, &ws.G, &ws.W_mid})
    for (Eigen::Index k = 0; k < M->size(); ++k) CHECK(precision_of(M->data()[k]) == working);
  const auto [bz, bw] = step_bounds(Algorithm::fa_star, f, q.Y, q.B, q.eta);
  CHECK(violations(fast.Z, ref.Z, bz, "Z").empty());
  CHECK(violations(fast.W, ref.W, bw, "W").empty());
}

TEST_CASE("the MPFR agreement check fails on a perturbation of a relative 1e-30 (mp)",
          "[unit][quick][kernels]") {
  const Shape s{7, 9, 3};
  Problem<Mp> p = random_problem<Mp>(s, 9);
  Factors<Mp> fast = p.f, ref = p.f;
  Workspace<Mp> w1, w2;
  fa::fa_step(fast, p.Y, p.B, p.eta, w1);
  plain::plain_fa_step(ref, p.Y, p.B, p.eta, w2);
  const auto [bz, bw] = step_bounds(Algorithm::fa, p.f, p.Y, p.B, p.eta);
  REQUIRE(violations(fast.W, ref.W, bw, "W").empty());
  fast.W(0, 4) *= Mp(1) + Mp("1e-30");
  CHECK(violations(fast.W, ref.W, bw, "W").size() == 1);
}

// ---- The dot products of the MPFR kernels are exact sums rounded once (issue 23) --------------
//
// Each entry of E = ZW - Y, of C = ZW (times), of G = A^T E and of the sum s = (E V^T)(i, k) inside
// Z -= eta E V^T must equal the exact rational value rounded to nearest by MPFR itself
// (mpfr_set_q): ==, not within a tolerance. Inputs span the cases the fixed-point path of
// dynamics/exact_dot.hpp treats differently: exponent spreads within a row or column from none to
// beyond kMaxDigits digits (the general path), exact zeros, cancellation, dot products longer than
// one carry chunk, a subtracted Y far above or below the products, and precisions from 53 to 1024
// bits.
namespace {

/// q rounded to nearest at T's working precision, by MPFR.
template <class T>
T mpfr_rounded(const Rational& q) {
  T out;
  mpfr_set_q(out.backend().data(), q.backend().data(), MPFR_RNDN);
  return out;
}

/// Entries 2^u x, x with a full mantissa (normal times sqrt(2)), u uniform in [-spread, spread];
/// about one in eight exactly zero.
template <class T>
Mat<T> spread_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& g, int spread) {
  Mat<T> M = random_matrix<T>(static_cast<int>(rows), static_cast<int>(cols), g, 1.0);
  std::uniform_int_distribution<int> exponent(-spread, spread), zero(0, 7);
  for (Eigen::Index q = 0; q < M.size(); ++q)
    M.data()[q] = zero(g) == 0 ? T(0) : T(ldexp(M.data()[q], exponent(g)));
  return M;
}

/// Which kernel entry failed, with both sides.
template <class T>
std::string exact_mismatch(const char* what, Eigen::Index i, Eigen::Index j, const T& got,
                           const T& want) {
  return std::string(what) + "(" + std::to_string(i) + "," + std::to_string(j) + "): kernel " +
         to_text(got) + ", exact sum rounded once " + to_text(want);
}

/// The four kernels on random operands of shape (n, m, r) against the exact sums rounded once;
/// returns the mismatches (empty when every entry is the correctly rounded one).
template <class T>
std::vector<std::string> kernel_exactness(Eigen::Index n, Eigen::Index m, Eigen::Index r,
                                          std::uint64_t seed, int spread, int y_shift = 0) {
  std::mt19937_64 g(seed);
  const Mat<T> Z = spread_matrix<T>(n, r, g, spread), W = spread_matrix<T>(r, m, g, spread);
  Mat<T> Y = spread_matrix<T>(n, m, g, spread);
  for (Eigen::Index q = 0; q < Y.size(); ++q) Y.data()[q] = ldexp(Y.data()[q], y_shift);
  if (n * m > 1) Y(n - 1, m - 1) = Z.row(n - 1).dot(W.col(m - 1));  // cancels to the last bits
  const Mat<Rational> Zq = exact::to_rational(Z), Wq = exact::to_rational(W),
                      Yq = exact::to_rational(Y);
  std::vector<std::string> bad;
  Mat<T> E;
  kernels::mpfr_residual(Z, W, Y, E);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const T want = mpfr_rounded<T>(Rational(Zq.row(i).dot(Wq.col(j)) - Yq(i, j)));
      if (E(i, j) != want) bad.push_back(exact_mismatch("E", i, j, E(i, j), want));
    }
  Mat<T> C;  // the deep networks' forward product: ZW rounded once per entry
  kernels::times(Z, W, C);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const T want = mpfr_rounded<T>(Rational(Zq.row(i).dot(Wq.col(j))));
      if (C(i, j) != want) bad.push_back(exact_mismatch("C", i, j, C(i, j), want));
    }
  Mat<T> Ct;  // an instance's target U diag(s) V^T: times_transpose(A, B) = A B^T
  kernels::times_transpose(Z, Mat<T>(W.transpose()), Ct);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const T want = mpfr_rounded<T>(Rational(Zq.row(i).dot(Wq.col(j))));
      if (Ct(i, j) != want) bad.push_back(exact_mismatch("ZW^T", i, j, Ct(i, j), want));
    }
  const Mat<Rational> Eq = exact::to_rational(E);
  {  // a loss, FA's limit error: the exact sum of squares rounded once
    const T want = mpfr_rounded<T>(Rational(Eq.squaredNorm()));
    const T got = kernels::squared_norm(E);
    if (got != want) bad.push_back(exact_mismatch("||E||^2", 0, 0, got, want));
  }
  Mat<T> G;
  kernels::transpose_times(Z, E, G);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index k = 0; k < r; ++k) {
      const T want = mpfr_rounded<T>(Zq.col(k).dot(Eq.col(j)));
      if (G(k, j) != want) bad.push_back(exact_mismatch("G", k, j, G(k, j), want));
    }
  // Z - eta s: s rounded once, then eta s and the difference rounded as MPFR rounds them.
  const T eta = ldexp(sqrt(T(2)), -3);
  Mat<T> Znew = Z;
  kernels::sub_scaled_times_transpose(Znew, eta, E, W);
  for (Eigen::Index k = 0; k < r; ++k)
    for (Eigen::Index i = 0; i < n; ++i) {
      const T s = mpfr_rounded<T>(Eq.row(i).dot(Wq.row(k)));
      const T want = T(Z(i, k) - T(eta * s));
      if (Znew(i, k) != want) bad.push_back(exact_mismatch("Z+", i, k, Znew(i, k), want));
    }
  return bad;
}

template <class T>
void require_exact_kernels(Eigen::Index n, Eigen::Index m, Eigen::Index r, std::uint64_t seed,
                           int spread, int y_shift = 0) {
  INFO(scalar_name<T>() << " at " << precision_bits<T>() << " bits, n=" << n << " m=" << m
                        << " r=" << r << ", seed " << seed << ", exponent spread " << spread
                        << ", Y shifted by 2^" << y_shift);
  const auto bad = kernel_exactness<T>(n, m, r, seed, spread, y_shift);
  for (const auto& b : bad) WARN(b);
  CHECK(bad.empty());
}

}  // namespace

TEST_CASE("MPFR kernels return the exact dot products rounded once (mp)",
          "[unit][quick][kernels]") {
  std::uint64_t seed = 300;
  for (int spread : {0, 3, 40, 200, 2000})  // 2000: beyond kMaxDigits, the general path
    for (const Shape& s : {Shape{1, 1, 1}, Shape{3, 4, 2}, Shape{9, 7, 4}, Shape{16, 16, 5}})
      require_exact_kernels<Mp>(s.n, s.m, s.r, seed++, spread);
  // Y far above and far below the products (the general path for entries whose Y does not fit
  // the fixed-point columns), and dot products longer than one carry chunk (2048 terms at D=4).
  require_exact_kernels<Mp>(5, 4, 3, 401, 3, 3000);
  require_exact_kernels<Mp>(5, 4, 3, 402, 3, -3000);
  require_exact_kernels<Mp>(5, 4, 3, 403, 3, 150);
  require_exact_kernels<Mp>(5000, 2, 1, 404, 5);
  require_exact_kernels<Mp>(2, 2, 5000, 405, 5);
}

TEST_CASE("MPFR kernels return the exact dot products rounded once (mpfr, 53 to 1024 bits)",
          "[unit][quick][kernels]") {
  MpVarPrecisionGuard guard;
  std::uint64_t seed = 500;
  for (int bits : {53, 64, 113, 200, 400, 1024}) {
    set_mpvar_bits(bits);
    for (int spread : {0, 30, 300})
      require_exact_kernels<MpVar>(7, 6, 3, seed++, spread);
  }
}

TEST_CASE("the exactness check fails on a kernel result one ulp off (mp)",
          "[unit][quick][kernels]") {
  // The comparison is ==: one ulp in one entry is a mismatch.
  std::mt19937_64 g(77);
  const Mat<Mp> Z = spread_matrix<Mp>(4, 2, g, 3), W = spread_matrix<Mp>(2, 3, g, 3);
  const Mat<Mp> Y = spread_matrix<Mp>(4, 3, g, 3);
  Mat<Mp> E;
  kernels::mpfr_residual(Z, W, Y, E);
  const Rational exact_e =
      Rational(exact::to_rational(Z).row(1).dot(exact::to_rational(W).col(2)) -
               exact::to_rational(Y(1, 2)));
  REQUIRE(E(1, 2) == mpfr_rounded<Mp>(exact_e));
  mpfr_nextabove(E(1, 2).backend().data());
  CHECK(E(1, 2) != mpfr_rounded<Mp>(exact_e));
}

TEST_CASE("MPFR kernels raise the inexact flag exactly when a result is rounded (mp)",
          "[unit][quick][kernels]") {
  // Small integers: every dot product is exact, and the flag must stay clear (the ties of
  // checks/schwartz_zippel.cpp rely on it); one generic operand makes some result inexact.
  Mat<Mp> Z(3, 2), W(2, 4), Y(3, 4);
  for (Eigen::Index q = 0; q < Z.size(); ++q) Z.data()[q] = Mp(int(q) - 2);
  for (Eigen::Index q = 0; q < W.size(); ++q) W.data()[q] = Mp(3 * int(q) + 1);
  for (Eigen::Index q = 0; q < Y.size(); ++q) Y.data()[q] = Mp(int(q) * 7 - 20);
  Mat<Mp> E, G;
  mpfr_clear_flags();
  kernels::mpfr_residual(Z, W, Y, E);
  kernels::transpose_times(Z, E, G);
  CHECK_FALSE(mpfr_inexflag_p());
  W(1, 1) = sqrt(Mp(2));
  kernels::mpfr_residual(Z, W, Y, E);
  CHECK(mpfr_inexflag_p());
  mpfr_clear_flags();
}

TEST_CASE("MPFR kernels overflow and underflow as MPFR does (mp, reduced exponent range)",
          "[unit][quick][kernels]") {
  // Products beyond the exponent range: the result is rounded by MPFR (mpfr_set_z_2exp), which
  // gives an infinity or zero with its flags, as mpfr_set_q does for the exact value.
  const mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  Mat<Mp> Z(2, 2), W(2, 2), Y = Mat<Mp>::Zero(2, 2);
  Z << Mp(3), Mp(-5), Mp(7), Mp(11);
  W << Mp(13), Mp(17), Mp(-19), Mp(23);
  Z *= Mp(ldexp(Mp(1), 60));
  W *= Mp(ldexp(Mp(1), 60));
  const Mat<Rational> Zq = exact::to_rational(Z), Wq = exact::to_rational(W);
  REQUIRE(mpfr_set_emax(110) == 0);
  mpfr_clear_flags();
  Mat<Mp> E;
  kernels::mpfr_residual(Z, W, Y, E);
  const bool overflowed = mpfr_overflow_p();
  Mat<Mp> want(2, 2);
  for (Eigen::Index j = 0; j < 2; ++j)
    for (Eigen::Index i = 0; i < 2; ++i)
      want(i, j) = mpfr_rounded<Mp>(Zq.row(i).dot(Wq.col(j)));
  REQUIRE(mpfr_set_emax(emax) == 0);
  CHECK(overflowed);
  for (Eigen::Index q = 0; q < 4; ++q) {
    INFO("entry " << q << ": " << to_text(E.data()[q]) << " vs " << to_text(want.data()[q]));
    CHECK(isinf(E.data()[q]));
    CHECK(E.data()[q] == want.data()[q]);
  }
  Z /= Mp(ldexp(Mp(1), 170));  // entries near 2^-110, products near 2^-220
  W /= Mp(ldexp(Mp(1), 170));
  REQUIRE(mpfr_set_emin(-150) == 0);
  mpfr_clear_flags();
  kernels::mpfr_residual(Z, W, Y, E);
  const bool underflowed = mpfr_underflow_p();
  REQUIRE(mpfr_set_emin(emin) == 0);
  CHECK(underflowed);
  for (Eigen::Index q = 0; q < 4; ++q) CHECK(E.data()[q] == 0);
  mpfr_clear_flags();
}

TEST_CASE("MPFR kernels follow MPFR on NaN and infinite operands (mp)", "[unit][quick][kernels]") {
  // A diverged run: an infinite entry makes the dot products it enters infinite (or NaN against
  // a zero), the others stay exact; the general path (mpfr_sum) decides, as mpfr_mul/add did.
  std::mt19937_64 g(91);
  Mat<Mp> Z = spread_matrix<Mp>(3, 2, g, 2), W = spread_matrix<Mp>(2, 3, g, 2);
  const Mat<Mp> Y = spread_matrix<Mp>(3, 3, g, 2);
  W(0, 0) = Mp(1);
  W(0, 1) = Mp(0);
  W(1, 1) = Mp(2);
  Z(0, 0) = std::numeric_limits<Mp>::infinity();
  Mat<Mp> E;
  kernels::mpfr_residual(Z, W, Y, E);
  CHECK(isinf(E(0, 0)));
  CHECK(E(0, 0) > 0);
  CHECK(isnan(E(0, 1)));  // inf * 0
  const Mat<Rational> Zq = exact::to_rational(Mat<Mp>(Z.bottomRows(2))),
                      Wq = exact::to_rational(W), Yq = exact::to_rational(Y);
  for (Eigen::Index j = 0; j < 3; ++j)
    for (Eigen::Index i = 1; i < 3; ++i)
      CHECK(E(i, j) == mpfr_rounded<Mp>(Rational(Zq.row(i - 1).dot(Wq.col(j)) - Yq(i, j))));
}

TEST_CASE("one-term products (r = 1, or n = 1 / m = 1 in the transposed kernels) take MPFR's "
          "fused operations: rounded once, +0 for an exact zero, MPFR's special values",
          "[unit][quick][kernels]") {
  // exact_dots routes dot products of length 1 to mpfr_fms / mpfr_mul instead of the panels
  // (dynamics/kernels.hpp, one_term); the other tests' shapes with r = 1 check the rounding on
  // random operands, this one the cases the panels treat specially.
  Mat<Mp> Z(3, 1), W(1, 3), Y(3, 3);
  const Mp third = Mp(1) / 3, tenth = Mp(1) / 10;
  Z << third, Mp(0), -std::numeric_limits<Mp>::infinity();
  W << tenth, Mp(-2), Mp(0);
  Y << Mp(third * tenth), Mp(1), Mp(1),  // (0,0): x y - y' with y' = fl(x y): the rounding error
      Mp(0), Mp(0), Mp(-5),              // (1,1): 0 * -2 - 0 = -0 - 0: an exact zero, +0
      Mp(1), Mp(1), Mp(1);               // (2,2): -inf * 0 = NaN; (2,0): -inf
  Mat<Mp> E;
  kernels::mpfr_residual(Z, W, Y, E);
  const Rational exact_00 = Rational(exact::to_rational(third) * exact::to_rational(tenth) -
                                     exact::to_rational(Y(0, 0)));
  CHECK(E(0, 0) == mpfr_rounded<Mp>(exact_00));
  CHECK(E(0, 0) != 0);  // two roundings (fl(fl(x y) - y')) would give exactly 0 here
  CHECK(E(1, 1) == 0);
  CHECK_FALSE(signbit(E(1, 1)));
  CHECK(E(1, 2) == 5);
  CHECK(isinf(E(2, 0)));
  CHECK(E(2, 0) < 0);
  CHECK(isnan(E(2, 2)));
  Mat<Mp> C;  // times: 0 * -2 = -0 by MPFR's sign rule; the kernel's exact zero is +0
  kernels::times(Z, W, C);
  CHECK(C(1, 1) == 0);
  CHECK_FALSE(signbit(C(1, 1)));
  CHECK(C(0, 0) == mpfr_rounded<Mp>(Rational(exact::to_rational(third) *
                                             exact::to_rational(tenth))));
}

// orthonormal_columns for the MPFR types runs its own Householder QR on the mpfr_t values (core/
// linalg_impl.hpp). Q is unique given G (the thin QR with R's diagonal positive), so checking the
// defining properties checks the value: Q^T Q = I, R = Q^T G upper triangular with a positive
// diagonal, and Q R = G. Bounds (Higham, Accuracy and Stability, Thm 19.4 and 19.13: the computed
// Q of Householder QR is within gamma~_{nk} of orthonormal and reproduces G to gamma~_{nk} ||G||,
// gamma~ = c n k u with a small constant c): 8 n k u entrywise (relative to ||G||_F for Q R - G
// and for R's lower triangle), c = 8 covering the test's own products (one rounding each: the
// kernels round each dot product once). The observed errors are a few u; a relative 1e-40 change
// of one entry of Q breaks the check (the last section).
namespace {

template <class T>
std::vector<std::string> qr_violations(const Mat<T>& G, const Mat<T>& Q) {
  const Eigen::Index n = G.rows(), k = G.cols();
  const T u = ldexp(T(1), -static_cast<int>(precision_bits<T>()));
  const T tol = 8 * T(n) * T(k) * u;
  const T g_norm = G.norm();
  std::vector<std::string> bad;
  Mat<T> QtQ, R, QR;
  kernels::transpose_times(Q, Q, QtQ);
  kernels::transpose_times(Q, G, R);
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index i = 0; i < k; ++i) {
      const T off = abs(T(QtQ(i, j) - (i == j ? T(1) : T(0))));
      if (off > tol) bad.push_back("Q^T Q - I at " + std::to_string(i) + "," + std::to_string(j) +
                                   ": " + to_text(off) + " > " + to_text(tol));
      if (i > j && abs(R(i, j)) > tol * g_norm)
        bad.push_back("R below the diagonal at " + std::to_string(i) + "," + std::to_string(j));
    }
  for (Eigen::Index j = 0; j < k; ++j)
    if (!(R(j, j) > 0)) bad.push_back("R(" + std::to_string(j) + "," + std::to_string(j) + ") <= 0");
  Mat<T> Rt = R.template triangularView<Eigen::Upper>();
  kernels::times(Q, Rt, QR);
  const T err = Mat<T>(QR - G).cwiseAbs().maxCoeff();
  if (err > tol * g_norm)
    bad.push_back("max |QR - G| " + to_text(err) + " > " + to_text(T(tol * g_norm)));
  return bad;
}

template <class T>
void require_qr(Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  const Mat<T> G = random_matrix<T>(static_cast<int>(n), static_cast<int>(k), g, 1.0);
  INFO(scalar_name<T>() << " at " << precision_bits<T>() << " bits, " << n << " x " << k
                        << ", seed " << seed);
  const auto bad = qr_violations<T>(G, orthonormal_columns<T>(G));
  for (const auto& b : bad) WARN(b);
  CHECK(bad.empty());
}

}  // namespace

TEST_CASE("orthonormal_columns in MPFR: Q^T Q = I, R = Q^T G upper triangular with a positive "
          "diagonal, Q R = G, to 8 n k u",
          "[unit][quick][kernels]") {
  std::uint64_t seed = 900;
  for (auto [n, k] : {std::pair<int, int>{1, 1}, {4, 1}, {5, 3}, {8, 8}, {24, 24}, {40, 7}})
    require_qr<Mp>(n, k, seed++);
  {  // a column already reduced (zero below the diagonal: H = I) and a zero column
    Mat<Mp> G = Mat<Mp>::Zero(4, 3);
    G(0, 0) = Mp(-3);  // negative: the sign fix turns Q's column around
    G(1, 1) = Mp(2), G(3, 1) = Mp(1) / 3, G(2, 2) = Mp(5);
    const auto bad = qr_violations<Mp>(G, orthonormal_columns<Mp>(G));
    for (const auto& b : bad) WARN(b);
    CHECK(bad.empty());
  }
  MpVarPrecisionGuard guard;
  for (int bits : {53, 200, 1024}) {
    set_mpvar_bits(bits);
    require_qr<MpVar>(9, 6, seed++);
  }
}

TEST_CASE("the QR check fails on Q changed by a relative 1e-40 in one entry (mp)",
          "[unit][quick][kernels]") {
  std::mt19937_64 g(950);
  const Mat<Mp> G = random_matrix<Mp>(6, 4, g, 1.0);
  Mat<Mp> Q = orthonormal_columns<Mp>(G);
  REQUIRE(qr_violations<Mp>(G, Q).empty());
  Q(2, 1) *= Mp(1) + Mp("1e-40");
  CHECK_FALSE(qr_violations<Mp>(G, Q).empty());
}

// exact_dot::fms_three_limbs (the one-term residual at Mp's three limbs: every entry of ZW - Y
// when r = 1) against MPFR's own correctly rounded mpfr_fms, value and inexact flag, on cases
// built to reach each branch: the operands' signs, c from far below the product to far above it
// (both ends past the window: the function declines and the kernel takes mpfr_fms), c within a
// few ulps of fl(x y) (cancellation down to an exact zero), and short significands whose exact
// products sit on ties and exact results.
namespace {

Mp random_mp(std::mt19937_64& g, int bits, int exponent) {
  // a significand of `bits` random bits, then scaled: exact in Mp for bits <= 168
  Mp v = 0;
  std::uniform_int_distribution<int> bit(0, 1);
  for (int i = 0; i < bits; ++i) v = 2 * v + bit(g);
  if (v == 0) v = 1;
  return ldexp(v, exponent - bits);
}

}  // namespace

TEST_CASE("the three-limb one-term residual equals mpfr_fms, value and inexact flag (mp)",
          "[unit][quick][kernels]") {
  std::mt19937_64 g(4242);
  std::uniform_int_distribution<int> coin(0, 1), small(-6, 6), offset(-260, 460), ulps(-3, 3),
      short_bits(1, 90);
  long taken = 0, declined = 0, exact_results = 0, ties = 0, mismatches = 0;
  kernels::exact_dot::Rounding rounding;
  for (int trial = 0; trial < 60000; ++trial) {
    const int kind = trial % 3;
    const int bx = kind == 2 ? short_bits(g) : 168, by = kind == 2 ? short_bits(g) : 168;
    Mp x = random_mp(g, bx, small(g)), y = random_mp(g, by, small(g));
    if (coin(g)) x = -x;
    if (coin(g)) y = -y;
    Mp c;
    const Mp xy = x * y;  // rounded
    const long exy = mpfr_get_exp(xy.backend().data());
    if (kind == 0) {
      c = random_mp(g, 168, static_cast<int>(exy) + offset(g) / 2);
      if (coin(g)) c = -c;
    } else if (kind == 1) {  // cancellation: c = fl(x y) + k ulp
      c = xy;
      const int k = ulps(g);
      for (int i = 0; i < std::abs(k); ++i)
        k > 0 ? mpfr_nextabove(c.backend().data()) : mpfr_nextbelow(c.backend().data());
    } else {  // short operands: an exact product; c short too, near the product's last bits
      c = random_mp(g, short_bits(g), static_cast<int>(exy) - small(g) - 170 * coin(g));
      if (coin(g)) c = -c;
    }
    Mp want, got;
    const int ternary = mpfr_fms(want.backend().data(), x.backend().data(), y.backend().data(),
                                 c.backend().data(), MPFR_RNDN);
    bool inexact = false;
    if (kernels::exact_dot::fms_three_limbs(got.backend().data(), x.backend().data(),
                                            y.backend().data(), c.backend().data(), rounding,
                                            inexact)) {
      ++taken;
      exact_results += ternary == 0;
      if (ternary != 0) {  // a tie: exact at one bit more, and not at p bits
        mpfr_t wide;
        mpfr_init2(wide, mpfr_get_prec(want.backend().data()) + 1);
        ties += mpfr_fms(wide, x.backend().data(), y.backend().data(), c.backend().data(),
                         MPFR_RNDN) == 0;
        mpfr_clear(wide);
      }
      const bool same = want == got && (want != 0 || !signbit(got)) && inexact == (ternary != 0);
      if (!same && ++mismatches <= 5)
        WARN("x " << to_text(x) << " y " << to_text(y) << " c " << to_text(c) << ": mpfr_fms "
                  << to_text(want) << " (ternary " << ternary << "), three limbs " << to_text(got)
                  << " (inexact " << inexact << ")");
    } else {
      ++declined;
    }
  }
  INFO("taken " << taken << ", declined " << declined << ", exact results " << exact_results
                << ", ties " << ties);
  CHECK(mismatches == 0);
  CHECK(taken > 40000);         // the fast path is what ran
  CHECK(declined > 100);        // and c beyond the window reached the fallback
  CHECK(exact_results > 1000);  // exact results (no rounding) were among the cases
  CHECK(ties > 100);            // and ties, where only ties-to-even decides
}

TEST_CASE("the one-term comparison fails on a three-limb result one ulp off (mp)",
          "[unit][quick][kernels]") {
  const Mp x = Mp(1) / 3, y = Mp(2) / 7, c = Mp(1) / 11;
  Mp want, got;
  mpfr_fms(want.backend().data(), x.backend().data(), y.backend().data(), c.backend().data(),
           MPFR_RNDN);
  kernels::exact_dot::Rounding rounding;
  bool inexact = false;
  REQUIRE(kernels::exact_dot::fms_three_limbs(got.backend().data(), x.backend().data(),
                                              y.backend().data(), c.backend().data(), rounding,
                                              inexact));
  REQUIRE(got == want);
  mpfr_nextabove(got.backend().data());
  CHECK(got != want);
}
