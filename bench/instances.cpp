#include "bench/instances.hpp"

#include <algorithm>
#include <cmath>

namespace fa::bench {

Mat<double> gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& g, double scale) {
  std::normal_distribution<double> nd;
  Mat<double> M(rows, cols);
  for (Eigen::Index q = 0; q < M.size(); ++q) M.data()[q] = scale * nd(g);
  return M;
}

double spectral_norm(const Mat<double>& A) {
  Vec<double> v = Vec<double>::Ones(A.cols()).normalized();
  double s = 0;
  for (int it = 0; it < 100; ++it) {
    Vec<double> w = A.transpose() * (A * v);
    s = std::sqrt(w.norm());
    v = w.normalized();
  }
  return s;
}

template <class T>
State<T> make_state(const Shape& s, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  const Mat<double> Y = gaussian(s.n, s.r, g, 1 / std::sqrt(double(s.n))) *
                        gaussian(s.r, s.m, g, 1 / std::sqrt(double(s.m)));
  const Mat<double> B = gaussian(s.n, s.r, g, 1 / std::sqrt(double(s.n)));
  const Mat<double> Z = gaussian(s.n, s.r, g, 1.0 / 256);
  const Mat<double> W = gaussian(s.r, s.m, g, 1.0 / 256);
  const double b = spectral_norm(B);
  const double eta = 0.1 / (spectral_norm(Y) * std::max(1.0, b * b));
  State<T> st;
  st.Y = cast_matrix<T>(Y);
  st.B = cast_matrix<T>(B);
  st.start = Factors<T>{cast_matrix<T>(Z), cast_matrix<T>(W)};
  st.f = st.start;
  st.eta = T(eta);
  // Run a few steps first, so that mp values carry full-precision mantissas (not 53-bit ones).
  for (int t = 0; t < 3; ++t) fa_step(st.f, st.Y, st.B, st.eta, st.ws);
  st.start = st.f;
  return st;
}

template State<double> make_state<double>(const Shape&, std::uint64_t);
template State<Mp> make_state<Mp>(const Shape&, std::uint64_t);
template State<MpVar> make_state<MpVar>(const Shape&, std::uint64_t);

DeepState make_deep_state(const DeepShape& s, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  DeepState st;
  st.Y = gaussian(s.n, s.hidden, g, 1 / std::sqrt(double(s.n))) *
         gaussian(s.hidden, s.m, g, 1 / std::sqrt(double(s.m)));
  const auto L = static_cast<std::size_t>(s.depth);
  st.start.W.resize(L + 1);
  st.fb.fa.resize(L + 1);
  st.fb.dfa.resize(L + 1);
  for (int l = 1; l <= s.depth; ++l) {
    const double d = s.width(l - 1);
    st.start.W[std::size_t(l)] = gaussian(s.width(l), s.width(l - 1), g, 0.5 / std::sqrt(d));
    if (l >= 2)
      st.fb.fa[std::size_t(l)] = gaussian(s.width(l), s.width(l - 1), g, 1 / std::sqrt(d));
    if (l < s.depth)
      st.fb.dfa[std::size_t(l)] = gaussian(s.n, s.width(l), g, 1 / std::sqrt(double(s.n)));
  }
  st.eta = 1.0 / 16 / std::max(1.0, spectral_norm(st.Y));
  st.w = st.start;
  return st;
}

}  // namespace fa::bench
