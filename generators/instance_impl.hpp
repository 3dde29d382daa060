// Bodies of generators/instance.hpp; included only by core/instantiate_*.cpp.
#pragma once

#include "core/linalg.hpp"
#include "generators/instance.hpp"

#include <cmath>

namespace fa {

template <class T>
Factors<T> initial_factors(const Recipe& recipe) {
  Factors<T> f{Mat<T>::Zero(recipe.n, recipe.r), Mat<T>::Zero(recipe.r, recipe.m)};
  if (recipe.init == Init::small) {
    // A power-of-two scale keeps the entries exact doubles, hence identical in every scalar.
    const double scale = std::ldexp(1.0, recipe.init_log2);
    f.Z = cast_matrix<T>(Mat<double>(scale * gaussian_matrix(recipe.n, recipe.r, recipe.seed,
                                                              Stream::init_z)));
    f.W = cast_matrix<T>(Mat<double>(scale * gaussian_matrix(recipe.r, recipe.m, recipe.seed,
                                                              Stream::init_w)));
  }
  return f;
}

template <class T>
Instance<T> materialise(const Recipe& recipe) {
  recipe.validate();
  Instance<T> inst;
  inst.recipe = recipe;
  const std::vector<double> sv = recipe_singular_values(recipe);
  const int k = recipe.k;
  inst.s.resize(k);
  for (int i = 0; i < k; ++i) inst.s(i) = T(sv[static_cast<std::size_t>(i)]);
  inst.U = orthonormal_columns<T>(
      cast_matrix<T>(gaussian_matrix(recipe.n, k, recipe.seed, Stream::left_basis)));
  inst.V = orthonormal_columns<T>(
      cast_matrix<T>(gaussian_matrix(recipe.m, k, recipe.seed, Stream::right_basis)));
  if constexpr (kernels::is_mpfr_v<T>) {
    // Each entry the exact sum of (u_il s_l) v_jl rounded once (Eigen's generic product rounds
    // every term and partial sum, and was a fifth of building a 24 x 24 mp instance).
    kernels::times_transpose(Mat<T>(inst.U * inst.s.asDiagonal()), inst.V, inst.Y);
  } else {
    inst.Y = inst.U * inst.s.asDiagonal() * inst.V.transpose();
  }
  using std::sqrt;
  inst.B = cast_matrix<T>(gaussian_matrix(recipe.n, recipe.r, recipe.seed, Stream::feedback)) /
           sqrt(T(recipe.n));
  if (recipe.b_scale_log2 != 0) inst.B *= T(feedback_scale(recipe));  // exact: a power of two
  inst.eta = recipe_step_size(recipe);
  require_step_size_rule(inst.eta, recipe.step_log2, k, cast_matrix<double>(inst.Y),
                         cast_matrix<double>(inst.B));
  inst.opt_r = T(0);
  for (int i = recipe.r; i < k; ++i) inst.opt_r += inst.s(i) * inst.s(i);
  inst.start = initial_factors<T>(recipe);
  return inst;
}

}  // namespace fa
