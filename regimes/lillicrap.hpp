// Lillicrap et al.'s experiment (Nature Communications 7:13276, 2016; docs/claims-literature.md,
// "Lillicrap et al.'s 30-20-10 experiment"), reproduced in double: a linear network 30-20-10
// (input m = 30, hidden r = 20, output n = 10), target map A (10 x 30) with U[-1, 1] entries,
// weights U[-0.01, 0.01], feedback B U[-0.5, 0.5], inputs x ~ N(0, I_30). BP (GD) and FA train side
// by side on the same minibatches (network_step, dynamics/network.hpp). Recorded every `every`
// steps: the angle between FA's hidden update B^T E_net X^T and the update backprop would make at
// FA's weights, Z^T E_net X^T, on that minibatch; and both networks' expected losses
// 1/2 ||ZW - A||_F^2 (E[x x^T] = I). Every draw comes from engines seeded by `seed` (streams of
// generators/random.hpp): the same seed gives the same run.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace fa::regimes {

struct LillicrapSettings {
  std::uint64_t seed = 1;
  long steps = 3000;
  int batch = 20;      // samples per step
  double eta = 0.002;  // step on the per-sample mean loss (our choice: the paper's is not given)
  long every = 10;     // record every this many steps (and the last)
  int inputs = 30, hidden = 20, outputs = 10;
};

struct LillicrapRun {
  LillicrapSettings settings;
  std::vector<long> step;
  std::vector<double> angle_deg;  // angle(FA hidden update, BP hidden update at FA's weights)
  std::vector<double> loss_fa, loss_bp;
};

/// Runs the experiment. Throws std::invalid_argument on non-positive sizes, steps, batch or eta.
LillicrapRun lillicrap_experiment(const LillicrapSettings& settings);

/// The run as JSON (settings, and the recorded series).
nlohmann::json lillicrap_json(const LillicrapRun& run);

}  // namespace fa::regimes
