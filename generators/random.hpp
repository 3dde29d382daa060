// Explicit, seeded random streams. No global RNG and no Eigen Random(): every draw comes from a
// Boost.Random engine seeded from (recipe seed, stream id), so any instance is reproducible bit for
// bit, and Boost.Random's algorithms are specified, unlike std::normal_distribution's.
#pragma once

#include "core/scalar.hpp"

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>

namespace fa {

/// Independent streams of one instance; the ids are part of the instance definition.
enum class Stream : std::uint64_t {
  left_basis = 1,   // Gaussian matrix whose QR gives U
  right_basis = 2,  // ... gives V
  feedback = 3,     // B
  init_z = 4,
  init_w = 5,
  extra = 6,  // claim-specific draws (e.g. network inputs X)
  // Deep networks (generators/deep.hpp): one engine per layer, deep_stream(seed, stream, l).
  deep_feedback_fa = 7,   // FA's B_l, l = 2..L-1 (B_L is the two-layer B)
  deep_feedback_dfa = 8,  // DFA's B_l, l = 1..L-2 (B_{L-1} is the two-layer B)
  deep_init = 9,          // small init of the layers the two-layer recipe does not draw
};

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

using Engine = boost::random::mt19937_64;

inline Engine make_engine(std::uint64_t seed, Stream stream) {
  return Engine(splitmix64(seed * 0x100000001B3ull + static_cast<std::uint64_t>(stream)));
}

/// rows x cols i.i.d. standard normal doubles, filled column by column.
inline Mat<double> gaussian_matrix(Eigen::Index rows, Eigen::Index cols, Engine& engine) {
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  Mat<double> G(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) G(i, j) = normal(engine);
  return G;
}

inline Mat<double> gaussian_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                                   Stream stream) {
  Engine engine = make_engine(seed, stream);
  return gaussian_matrix(rows, cols, engine);
}

}  // namespace fa
