// The deep GD, FA and DFA steps (dynamics/deep.hpp):
//   - at L = 2 they are today's two-layer gd_step and fa_step, bit for bit, in every arithmetic
//     (double through its fused residual and Eigen's products, Mp and MpVar through the in-place
//     MPFR kernels, Rational), over several shapes (including one where double's GEMM blocks)
//     and several steps; and FA = DFA there;
//   - at L = 3, 4 in exact rationals they equal the update written out from the definition
//     (W_l+ = W_l - eta delta_l P_{l-1}^T, via deep_flow_rhs: an independent, plain Eigen form);
//   - in Mp they agree with that exact step to the rounding-error bound of the step;
//   - the deep instance of a two-layer recipe is the two-layer instance;
//   - bad input gets a clear error.
#include "certify/exact.hpp"
#include "dynamics/deep_flow.hpp"
#include "generators/deep.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace fa;

namespace {

struct DeepTestShape {
  int n, m, r;
};

template <class T>
Mat<T> deep_test_matrix(int rows, int cols, std::mt19937_64& g, double scale) {
  std::normal_distribution<double> nd;
  Mat<double> M(rows, cols);
  for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = scale * nd(g);
  Mat<T> out = cast_matrix<T>(M);
  if constexpr (!std::is_same_v<T, Rational>) {
    // Full-length mantissas in T, so that the roundings are generic.
    using std::sqrt;
    const T root2 = sqrt(T(2));
    for (Eigen::Index q = 0; q < out.size(); ++q) out.data()[q] *= root2;
  }
  return out;
}

/// Two-layer problem (Y, B, Z, W, eta) in T, the same draws for every T.
template <class T>
struct DeepTestProblem {
  Mat<T> Y, B;
  Factors<T> f;
  T eta;
};

template <class T>
DeepTestProblem<T> deep_test_problem(const DeepTestShape& s, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  DeepTestProblem<T> p;
  p.Y = deep_test_matrix<T>(s.n, s.m, g, 1.0);
  if (s.n * s.m > 2) p.Y(0, 0) = T(0);  // an exact zero: signed zeros are exercised
  p.B = deep_test_matrix<T>(s.n, s.r, g, 1.0 / std::sqrt(double(s.n)));
  p.f.Z = deep_test_matrix<T>(s.n, s.r, g, 0.5);
  p.f.W = deep_test_matrix<T>(s.r, s.m, g, 0.5);
  p.eta = T(1) / T(8 * (s.n + s.m));
  return p;
}

/// Bitwise equality for every scalar: == on the values, and for the MPFR types the same
/// precision too (a value rounded to another precision is a different computation).
template <class T>
bool same_bits(const Mat<T>& a, const Mat<T>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index q = 0; q < a.size(); ++q) {
    if (!(a.data()[q] == b.data()[q])) return false;
    if constexpr (std::is_same_v<T, double>) {
      if (std::signbit(a.data()[q]) != std::signbit(b.data()[q])) return false;
    }
    if constexpr (kernels::is_mpfr_v<T>) {
      if (mpfr_get_prec(a.data()[q].backend().data()) !=
          mpfr_get_prec(b.data()[q].backend().data()))
        return false;
      if (mpfr_signbit(a.data()[q].backend().data()) != mpfr_signbit(b.data()[q].backend().data()))
        return false;
    }
  }
  return true;
}

template <class T>
void two_layer_bit_for_bit() {
  const std::vector<DeepTestShape> shapes = {{1, 1, 1}, {2, 3, 1}, {4, 3, 2},
                                             {5, 7, 3}, {3, 6, 6}, {9, 4, 5}};
  std::vector<DeepTestShape> all = shapes;
  if constexpr (std::is_same_v<T, double>) all.push_back({150, 140, 24});  // GEMM blocks here
  for (const DeepTestShape& s : all) {
    for (DeepAlgorithm deep_alg : {DeepAlgorithm::gd, DeepAlgorithm::fa, DeepAlgorithm::dfa}) {
      INFO(scalar_name<T>() << " " << deep_algorithm_name(deep_alg) << " n=" << s.n << " m=" << s.m
                            << " r=" << s.r);
      const DeepTestProblem<T> p = deep_test_problem<T>(s, 1000 + s.n * 31 + s.m * 7 + s.r);
      Factors<T> two = p.f;
      Workspace<T> ws2;
      Layers<T> deep;
      deep.W = {Mat<T>(), p.f.W, p.f.Z};
      DeepFeedback<T> fb;
      fb.fa = {Mat<T>(), Mat<T>(), p.B};
      fb.dfa = {Mat<T>(), p.B, Mat<T>()};
      DeepWorkspace<T> wsd;
      for (int t = 0; t < 4; ++t) {
        if (deep_alg == DeepAlgorithm::gd)
          gd_step(two, p.Y, p.eta, ws2);
        else
          fa_step(two, p.Y, p.B, p.eta, ws2);  // FA, and DFA, whose B_1 is B at L = 2
        deep_step(deep_alg, deep, p.Y, fb, p.eta, wsd);
        INFO("step " << t);
        REQUIRE(same_bits(deep.W[2], two.Z));
        REQUIRE(same_bits(deep.W[1], two.W));
      }
    }
  }
}

}  // namespace

TEST_CASE("deep steps at L = 2 are the two-layer GD and FA steps bit for bit (double)",
          "[unit][deep]") {
  two_layer_bit_for_bit<double>();
}
TEST_CASE("deep steps at L = 2 are the two-layer GD and FA steps bit for bit (mp)",
          "[unit][deep]") {
  two_layer_bit_for_bit<Mp>();
}
TEST_CASE("deep steps at L = 2 are the two-layer GD and FA steps bit for bit (mpfr 64, 300 bits)",
          "[unit][deep]") {
  const int saved = static_cast<int>(MpVar::default_precision());
  for (int bits : {64, 300}) {
    set_mpvar_bits(bits);
    two_layer_bit_for_bit<MpVar>();
  }
  MpVar::default_precision(static_cast<unsigned>(saved));
}
TEST_CASE("deep steps at L = 2 are the two-layer GD and FA steps bit for bit (exact)",
          "[unit][deep]") {
  two_layer_bit_for_bit<Rational>();
}

TEST_CASE("the bit-for-bit comparison can fail: one ulp off is seen", "[unit][deep]") {
  Mat<double> a(1, 2), b(1, 2);
  a << 1.0, 2.0;
  b << 1.0, std::nextafter(2.0, 3.0);
  CHECK_FALSE(same_bits(a, b));
  b << 1.0, 2.0;
  CHECK(same_bits(a, b));
  b << 1.0, 2.0;
  a(0, 0) = 0.0;
  b(0, 0) = -0.0;
  CHECK_FALSE(same_bits(a, b));  // the sign of zero counts
}

namespace {
/// Random deep problem in Rational: small integers over small denominators.
struct DeepExactProblem {
  Layers<Rational> w;
  DeepFeedback<Rational> fb;
  Mat<Rational> Y;
  Rational eta;
};
DeepExactProblem deep_exact_problem(const std::vector<int>& d, std::uint64_t seed,
                                    bool integers = false) {
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<int> u(-4, 4);
  auto rnd = [&](int rows, int cols) {
    Mat<Rational> M(rows, cols);
    for (Eigen::Index q = 0; q < M.size(); ++q) {
      const int num = u(g), den = 1 + (u(g) + 4) % 3;
      M.data()[q] = integers ? Rational(num) : Rational(num, den);
    }
    return M;
  };
  const int L = static_cast<int>(d.size()) - 1;
  DeepExactProblem p;
  p.w.W.resize(d.size());
  p.fb.fa.resize(d.size());
  p.fb.dfa.resize(d.size());
  for (int l = 1; l <= L; ++l) p.w.W[l] = rnd(d[l], d[l - 1]);
  for (int l = 2; l <= L; ++l) p.fb.fa[l] = rnd(d[l], d[l - 1]);
  for (int l = 1; l <= L - 1; ++l) p.fb.dfa[l] = rnd(d[L], d[l]);
  p.Y = rnd(d[L], d[0]);
  p.eta = Rational(1, 5);
  return p;
}
}  // namespace

TEST_CASE("deep steps at L = 3, 4 equal the definition W_l+ = W_l - eta delta_l P_{l-1}^T (exact)",
          "[unit][deep]") {
  for (const std::vector<int>& d :
       std::vector<std::vector<int>>{{2, 3, 2}, {3, 1, 2, 2}, {2, 2, 3, 1, 3}, {4, 2, 2, 2}}) {
    for (DeepAlgorithm a : {DeepAlgorithm::gd, DeepAlgorithm::fa, DeepAlgorithm::dfa}) {
      INFO(deep_algorithm_name(a) << " L=" << d.size() - 1);
      DeepExactProblem p = deep_exact_problem(d, 7 * d.size() + d[1]);
      const Layers<Rational> rhs = deep_flow_rhs(a, p.w, p.Y, p.fb);
      Layers<Rational> want = p.w;
      for (int l = 1; l < static_cast<int>(d.size()); ++l) want.W[l] += p.eta * rhs.W[l];
      DeepWorkspace<Rational> ws;
      deep_step(a, p.w, p.Y, p.fb, p.eta, ws);
      for (int l = 1; l < static_cast<int>(d.size()); ++l) CHECK(p.w.W[l] == want.W[l]);
    }
  }
}

TEST_CASE("the deep algorithms differ where they should (exact, L = 3)", "[unit][deep]") {
  // GD, FA and DFA send different signals below the output: a step that ignored the algorithm
  // would pass the test above for one of them only.
  DeepExactProblem p = deep_exact_problem({2, 3, 3, 2}, 99);
  DeepWorkspace<Rational> ws;
  Layers<Rational> gd = p.w, fa = p.w, dfa = p.w;
  deep_step(DeepAlgorithm::gd, gd, p.Y, p.fb, p.eta, ws);
  deep_step(DeepAlgorithm::fa, fa, p.Y, p.fb, p.eta, ws);
  deep_step(DeepAlgorithm::dfa, dfa, p.Y, p.fb, p.eta, ws);
  CHECK(gd.W[3] == fa.W[3]);  // the output layer's update is the same for all three
  CHECK(fa.W[3] == dfa.W[3]);
  CHECK(gd.W[2] != fa.W[2]);
  CHECK(fa.W[1] != dfa.W[1]);
}

TEST_CASE("the deep MPFR kernels equal the exact deep step where no operation rounds (mp, L = 4)",
          "[unit][deep]") {
  // Integer data and eta = 1/4: every intermediate value has far fewer than Mp's 168 bits, so
  // the MPFR path must compute the exact step itself (MPFR's inexact flag stays clear), and any
  // slip in the kernels' loops (a term dropped, a stride, a sign) shows as a different value.
  const std::vector<int> d = {3, 4, 2, 5, 3};
  for (DeepAlgorithm a : {DeepAlgorithm::gd, DeepAlgorithm::fa, DeepAlgorithm::dfa}) {
    INFO(deep_algorithm_name(a));
    DeepExactProblem p = deep_exact_problem(d, 4242, true);
    auto to_mp = [](const std::vector<Mat<Rational>>& v) {
      std::vector<Mat<Mp>> out;
      for (const auto& M : v) out.push_back(M.size() ? cast_matrix<Mp>(M) : Mat<Mp>());
      return out;
    };
    Layers<Mp> wm{to_mp(p.w.W)};
    const DeepFeedback<Mp> fbm{to_mp(p.fb.fa), to_mp(p.fb.dfa)};
    const Mat<Mp> Ym = cast_matrix<Mp>(p.Y);
    const Rational eta(1, 4);
    DeepWorkspace<Rational> wsq;
    DeepWorkspace<Mp> wsm;
    for (int t = 0; t < 2; ++t) {
      deep_step(a, p.w, p.Y, p.fb, eta, wsq);
      mpfr_clear_flags();
      deep_step(a, wm, Ym, fbm, Mp(0.25), wsm);
      CHECK_FALSE(mpfr_inexflag_p());
      for (std::size_t l = 1; l < d.size(); ++l) CHECK(exact::to_rational(wm.W[l]) == p.w.W[l]);
    }
  }
}

TEST_CASE("the deep instance of a two-layer recipe is the two-layer instance", "[unit][deep]") {
  for (std::uint64_t seed : {1u, 7u, 123u}) {
    Recipe r = fixed_recipe(5, 4, 3, 2, seed, seed % 2 ? Init::small : Init::zero, -3);
    r.b_scale_log2 = 1;
    const Instance<double> two = materialise<double>(r);
    const DeepInstance<double> deep = materialise_deep<double>(two_layer_as_deep(r));
    CHECK(same_bits(deep.Y(), two.Y));
    CHECK(same_bits(deep.feedback.fa[2], two.B));
    CHECK(same_bits(deep.feedback.dfa[1], two.B));
    CHECK(same_bits(deep.start.W[2], two.start.Z));
    CHECK(same_bits(deep.start.W[1], two.start.W));
    CHECK(deep.eta == two.eta);
  }
}

TEST_CASE("deep instances: shapes, determinism, per-layer init", "[unit][deep]") {
  DeepRecipe r;
  r.base = fixed_recipe(3, 5, 2, 2, 9, Init::small, -2);
  r.hidden = {4, 1, 2};
  r.inits = {Init::small, Init::zero, Init::small, Init::small};
  const DeepInstance<double> a = materialise_deep<double>(r);
  const DeepInstance<double> b = materialise_deep<double>(r);
  const std::vector<int> d = {5, 4, 1, 2, 3};
  REQUIRE(layer_widths(a.start) == d);
  for (int l = 1; l <= 4; ++l) CHECK(same_bits(a.start.W[l], b.start.W[l]));
  CHECK(a.start.W[2].isZero());
  CHECK(!a.start.W[1].isZero());
  for (int l = 2; l <= 4; ++l) {
    CHECK(a.feedback.fa[l].rows() == d[l]);
    CHECK(a.feedback.fa[l].cols() == d[l - 1]);
  }
  for (int l = 1; l <= 3; ++l) {
    CHECK(a.feedback.dfa[l].rows() == 3);
    CHECK(a.feedback.dfa[l].cols() == d[l]);
  }
  CHECK(same_bits(a.feedback.fa[4], a.feedback.dfa[3]));  // the top hidden layer's shared B
  const DeepInstance<Mp> mp = materialise_deep<Mp>(r);
  for (int l = 1; l <= 4; ++l) CHECK(cast_matrix<double>(mp.start.W[l]) == a.start.W[l]);
}

TEST_CASE("deep problems with bad shapes get clear errors", "[unit][deep]") {
  DeepExactProblem p = deep_exact_problem({2, 3, 2}, 5);
  auto message = [&](DeepAlgorithm a, const Layers<Rational>& w, const DeepFeedback<Rational>& fb) {
    try {
      validate_deep_problem(a, w, p.Y, fb);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(message(DeepAlgorithm::fa, p.w, p.fb) == "(no error)");
  Layers<Rational> one = p.w;
  one.W.pop_back();
  CHECK_THAT(message(DeepAlgorithm::gd, one, p.fb), Catch::Contains("depth L >= 2"));
  Layers<Rational> zero_width = p.w;
  zero_width.W[1] = Mat<Rational>(0, 2);
  zero_width.W[2] = Mat<Rational>(2, 0);
  CHECK_THAT(message(DeepAlgorithm::gd, zero_width, p.fb), Catch::Contains("d_1 must be >= 1"));
  DeepFeedback<Rational> bad = p.fb;
  bad.fa[2] = Mat<Rational>::Zero(3, 2);
  CHECK_THAT(message(DeepAlgorithm::fa, p.w, bad), Catch::Contains("FA's B_2 has 3x2"));
  bad = p.fb;
  bad.dfa[1] = Mat<Rational>::Zero(2, 2);
  CHECK_THAT(message(DeepAlgorithm::dfa, p.w, bad), Catch::Contains("DFA's B_1 has 2x2"));
  DeepRecipe r;
  r.base = fixed_recipe(3, 3, 1, 2, 1);
  r.hidden = {2, 0, 2};
  CHECK_THROWS_WITH(r.validate(), Catch::Contains("hidden width"));
  r.hidden = {};
  CHECK_THROWS_WITH(r.validate(), Catch::Contains("L must be >= 2"));
}
