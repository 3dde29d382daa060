// The points of the Schwartz-Zippel checks (checks/schwartz_zippel.cpp) and of the ties
// (checks/implementation_ties.cpp): shapes, seeded integer points that every scalar builds the
// same way. Internal to those two files.
#pragma once

#include "checks/schwartz_zippel.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fa::sz_detail {

struct Shape {
  int n, m, r;
  std::string text() const {
    return "n=" + std::to_string(n) + " m=" + std::to_string(m) + " r=" + std::to_string(r);
  }
};

inline std::vector<Shape> all_shapes(int max_dim) {
  std::vector<Shape> out;
  for (int n = 1; n <= max_dim; ++n)
    for (int m = 1; m <= max_dim; ++m)
      for (int r = 1; r <= std::min(n, m); ++r) out.push_back({n, m, r});
  return out;
}

/// Entries uniform in {0, ..., 2^bits - 1}: the top `bits` bits of a 64-bit draw.
struct PointSource {
  Engine engine;
  int bits;
  std::uint64_t next() { return bits >= 64 ? engine() : engine() >> (64 - bits); }
  std::vector<std::uint64_t> draw(long count) {
    std::vector<std::uint64_t> v(static_cast<std::size_t>(count));
    for (auto& x : v) x = next();
    return v;
  }
};

/// The raw integers of one point (column-major), so every scalar builds the same point.
struct RawPoint {
  std::vector<std::uint64_t> Y, B, Z, W;
  std::uint64_t eta = 0;
};

inline RawPoint draw_point(PointSource& src, const Shape& s) {
  RawPoint p;
  p.Y = src.draw(long(s.n) * s.m);
  p.B = src.draw(long(s.n) * s.r);
  p.Z = src.draw(long(s.n) * s.r);
  p.W = src.draw(long(s.r) * s.m);
  p.eta = src.next();
  return p;
}

template <class T>
T scalar_of(std::uint64_t x) {
  if constexpr (std::is_same_v<T, double>) {
    return static_cast<double>(x);  // exact: callers keep x below 2^53
  } else {
    return T(static_cast<unsigned long long>(x));
  }
}

template <class T>
Mat<T> matrix_of(const std::vector<std::uint64_t>& v, int rows, int cols) {
  Mat<T> M(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i)
      M(i, j) = scalar_of<T>(v[static_cast<std::size_t>(j * rows + i)]);
  return M;
}

inline PolyPoint rational_point(const RawPoint& p, const Shape& s) {
  return PolyPoint{matrix_of<Rational>(p.Y, s.n, s.m), matrix_of<Rational>(p.B, s.n, s.r),
                   matrix_of<Rational>(p.Z, s.n, s.r), matrix_of<Rational>(p.W, s.r, s.m),
                   scalar_of<Rational>(p.eta)};
}

/// Deep shapes: widths d_0 = m, d_1 .. d_{L-1}, d_L = n.
struct DeepShape {
  std::vector<int> d;
  int depth() const { return static_cast<int>(d.size()) - 1; }
  std::string text() const {
    std::string t = "L=" + std::to_string(depth()) + " widths=";
    for (std::size_t i = 0; i < d.size(); ++i) t += (i ? "," : "") + std::to_string(d[i]);
    return t;
  }
};

/// Every depth 2 <= L <= max_depth with every width (n, m and the hidden ones) in
/// 1..max_width, and 1..max_width_deepest at L = max_depth (the count grows as width^(L+1)).
inline std::vector<DeepShape> all_deep_shapes(int max_depth, int max_width, int max_width_deepest) {
  std::vector<DeepShape> out;
  for (int L = 2; L <= max_depth; ++L) {
    const int w = L == max_depth ? max_width_deepest : max_width;
    std::vector<int> d(static_cast<std::size_t>(L + 1), 1);
    while (true) {
      out.push_back({d});
      std::size_t i = 0;
      while (i < d.size() && d[i] == w) d[i++] = 1;
      if (i == d.size()) break;
      ++d[i];
    }
  }
  return out;
}

inline DeepPolyPoint draw_deep_point(PointSource& src, const DeepShape& s) {
  const int L = s.depth();
  auto width = [&](int l) { return s.d[static_cast<std::size_t>(l)]; };
  auto matrix = [&](int rows, int cols) {
    return matrix_of<Rational>(src.draw(long(rows) * cols), rows, cols);
  };
  DeepPolyPoint p;
  p.Y = matrix(width(L), width(0));
  p.w.W.resize(static_cast<std::size_t>(L + 1));
  p.fb.fa.resize(static_cast<std::size_t>(L + 1));
  p.fb.dfa.resize(static_cast<std::size_t>(L + 1));
  for (int l = 1; l <= L; ++l) p.w.W[static_cast<std::size_t>(l)] = matrix(width(l), width(l - 1));
  for (int l = 2; l <= L; ++l)
    p.fb.fa[static_cast<std::size_t>(l)] = matrix(width(l), width(l - 1));
  for (int l = 1; l <= L - 1; ++l)
    p.fb.dfa[static_cast<std::size_t>(l)] = matrix(width(L), width(l));
  p.eta = scalar_of<Rational>(src.next());
  return p;
}

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace fa::sz_detail
