// Data for the claims from the feedback-alignment literature (docs/claims-literature.md): the
// over-parameterised inputs of Robertson and Koyejo's minimum-norm claim. Drawn in double from the
// recipe's seed (stream extra) and cast, so every scalar sees the same inputs.
#pragma once

#include "generators/random.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace fa {

/// d x N inputs for any d, N >= 1: X = sqrt(N/d) G, G i.i.d. N(0, 1) from the seed's extra
/// stream (fa-check run --data-dim d --samples N draws these).
template <class T>
Mat<T> data_inputs(int d, int N, std::uint64_t seed) {
  if (N < 1 || d < 1)
    throw std::invalid_argument("data_inputs: need d >= 1 and N >= 1 (got d = " +
                                std::to_string(d) + ", N = " + std::to_string(N) + ")");
  const Mat<double> X =
      std::sqrt(double(N) / double(d)) * gaussian_matrix(d, N, seed, Stream::extra);
  return cast_matrix<T>(X);
}

/// A teacher map A (n x d), entries N(0, 1/d) from the seed's right_basis stream, drawn in
/// double (L6's teacher; fa-check's generated data has targets A X).
inline Mat<double> teacher_map(int n, int d, std::uint64_t seed) {
  return gaussian_matrix(n, d, seed, Stream::right_basis) / std::sqrt(double(d));
}

/// d x N inputs with d > N (more inputs than samples): X = sqrt(N/d) G, G i.i.d. N(0, 1), so that
/// X^T X is close to N I_N (each entry of X^T X / N has mean I and spread ~ 1/sqrt(d)).
template <class T>
Mat<T> overparameterised_inputs(int d, int N, std::uint64_t seed) {
  if (N < 1 || d <= N)
    throw std::invalid_argument("overparameterised_inputs: need d > N >= 1 (got d = " +
                                std::to_string(d) + ", N = " + std::to_string(N) + ")");
  return data_inputs<T>(d, N, seed);
}

}  // namespace fa
