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

/// d x N inputs with d > N (more inputs than samples): X = sqrt(N/d) G, G i.i.d. N(0, 1), so that
/// X^T X is close to N I_N (each entry of X^T X / N has mean I and spread ~ 1/sqrt(d)).
template <class T>
Mat<T> overparameterised_inputs(int d, int N, std::uint64_t seed) {
  if (N < 1 || d <= N)
    throw std::invalid_argument("overparameterised_inputs: need d > N >= 1 (got d = " +
                                std::to_string(d) + ", N = " + std::to_string(N) + ")");
  const Mat<double> X =
      std::sqrt(double(N) / double(d)) * gaussian_matrix(d, N, seed, Stream::extra);
  return cast_matrix<T>(X);
}

}  // namespace fa
