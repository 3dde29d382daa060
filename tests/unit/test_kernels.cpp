// The fast step functions (dynamics/dynamics.hpp through dynamics/kernels.hpp) against the plain
// implementation, written here as the straightforward Eigen expressions of docs/algorithms.md.
//
//   double, Rational: equal values, entry by entry (==), after every step.
//   Mp, MpVar: the MPFR kernels round every product and every sum like Eigen's generic kernel,
//   but sum each entry strictly left to right, where Eigen's blocked GEMM may split a sum. So
//   results may differ in the last bits, and each step (both sides starting from the same state)
//   is checked against the first-order rounding-error bound of the step, entry by entry:
//     |fast - plain| <= 2 gamma_K (|X| + eta |update products|),  gamma_K = K u / (1 - K u),
//   u = 2^-p the unit roundoff and K = n + m + r + 4. Why: each side computes E to within
//   gamma_{r+1} (|Z||W| + |Y|) = gamma_{r+1} A, a product with E to within gamma_{inner + 1} of
//   |.| A |.| (plus the propagated error of E), and the update adds one rounding of each term; so
//   each side is within gamma_K (|X| + eta |.|A|.|) of the exact step and the two within twice
//   that. The bound is about 2 K u relative to the entries involved: far below any real mistake
//   (a wrong or missing term moves entries by ~eta |E| |W|, i.e. relative 1e-3 or more), and a
//   check below shows that it does fail when an entry is perturbed by a relative 1e-30.
#include "dynamics/dynamics.hpp"

#include "dynamics/plain_steps.hpp"

#include <catch2/catch.hpp>

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
