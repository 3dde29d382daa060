// fa-bench's instances (issue 7): seeded problems built inside this -march=native binary, which
// links nothing of the core (mixing the core's flags with these would mix Eigen's alignment
// assumptions across translation units). The shapes of every step row live here too.
#pragma once

#include "dynamics/deep.hpp"
#include "dynamics/dynamics.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace fa::bench {

struct Shape {
  int n, m, r;
  std::string str() const {
    return std::to_string(n) + "x" + std::to_string(m) + "x" + std::to_string(r);
  }
  double madds() const { return 3.0 * n * m * r; }  // per step; flops = 2 * madds
};

constexpr int kMpVarBits = 200;

template <class T>
std::string type_label() {
  if constexpr (std::is_same_v<T, double>) return "double";
  if constexpr (std::is_same_v<T, Mp>) return "mp";
  if constexpr (std::is_same_v<T, MpVar>) return "mpfr" + std::to_string(kMpVarBits);
}

Mat<double> gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& g, double scale);

/// ||A||_2 by 100 power iterations on A^T A (enough for the step sizes chosen from it).
double spectral_norm(const Mat<double>& A);

/// Y of rank r, B with N(0, 1/n) entries, small random (Z, W), eta = 0.1 / (s1 max(1, ||B||^2)):
/// FA and GD both converge on it, so values stay bounded however many steps a benchmark runs.
template <class T>
struct State {
  Mat<T> Y, B;
  Factors<T> start, f;
  T eta;
  Workspace<T> ws;
};

/// Instantiated for double, Mp and MpVar in instances.cpp: the same draws for every scalar.
template <class T>
State<T> make_state(const Shape& s, std::uint64_t seed = 12345);

// ---- deep linear networks (dynamics/deep.hpp): depth L, every hidden width the same ------------
struct DeepShape {
  int n, m, hidden, depth;
  std::string str() const {
    return std::to_string(n) + "x" + std::to_string(m) + " hidden " + std::to_string(hidden) +
           " L=" + std::to_string(depth);
  }
  int width(int l) const { return l == 0 ? m : l == depth ? n : hidden; }  // d_l
  /// Multiply-adds of one step (deep_step): the forward products P_2..P_{L-1}, the residual,
  /// the backward signals (GD/FA: W_{l+1}^T delta_{l+1}; DFA: D_l^T E) and the updates of
  /// W_2..W_L (W_1's takes no product).
  double madds(DeepAlgorithm a) const {
    double total = 0;
    for (int l = 2; l <= depth; ++l) total += 2.0 * width(l) * width(l - 1) * m;
    for (int l = 1; l < depth; ++l)
      total += double(width(l)) * (a == DeepAlgorithm::dfa ? n : width(l + 1)) * m;
    return total;
  }
};

struct DeepState {
  Layers<double> start, w;
  Mat<double> Y;
  DeepFeedback<double> fb;
  double eta = 0;
  DeepWorkspace<double> ws;
};

/// Seeded like make_state: Y of rank `hidden`, layers of spectral norm about 1 (entries
/// N(0, 1/4d_{l-1})), Gaussian feedback for FA and DFA, and a step small enough for the steps
/// timed (eta = 2^-4 / max(1, ||Y||)): every run stays finite, which peers.py checks.
DeepState make_deep_state(const DeepShape& s, std::uint64_t seed = 12345);

}  // namespace fa::bench
