#include "core/linalg.hpp"
#include "generators/instance.hpp"

#include <algorithm>
#include <cmath>

namespace fa {

std::vector<double> recipe_singular_values(const Recipe& recipe) {
  const int k = recipe.k;
  std::vector<double> s(static_cast<std::size_t>(k), 1.0);
  switch (recipe.spectrum) {
    case Spectrum::flat: break;
    case Spectrum::geometric:
      for (int i = 1; i < k; ++i)
        s[static_cast<std::size_t>(i)] =
            std::exp2(-static_cast<double>(recipe.spread) * i / static_cast<double>(k - 1));
      break;
    case Spectrum::gapped:
      for (int i = std::min(recipe.r, k); i < k; ++i)
        s[static_cast<std::size_t>(i)] = std::ldexp(1.0, -recipe.spread);
      break;
    case Spectrum::clustered:
      for (int i = 0; i < k; ++i)
        s[static_cast<std::size_t>(i)] = 1.0 + std::ldexp(static_cast<double>(k - 1 - i),
                                                          -(recipe.spread + 4));
      break;
    case Spectrum::near_tie:
      for (int i = std::min(recipe.r, k); i < k; ++i)
        s[static_cast<std::size_t>(i)] = 1.0 - std::ldexp(1.0, -recipe.spread);
      break;
    case Spectrum::explicit_values: s = recipe.singular_values; break;
  }
  return s;
}

double recipe_step_size(const Recipe& recipe) {
  const std::vector<double> s = recipe_singular_values(recipe);
  const Mat<double> B = feedback_scale(recipe) *
                        gaussian_matrix(recipe.n, recipe.r, recipe.seed, Stream::feedback) /
                        std::sqrt(recipe.n);
  const double b_norm = spectral_norm<double>(B);
  return std::ldexp(1.0, recipe.step_log2) / (s.front() * std::max(1.0, b_norm * b_norm));
}

}  // namespace fa
