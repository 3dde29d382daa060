// Instances: the matrices a recipe describes, built in scalar T.
//   Y = U diag(s) V^T, U (n x k) and V (m x k) the Q factors of Gaussian matrices (orthonormal to
//   T's precision), s from the recipe's profile: exact rank k in every scalar.
//   B = 2^b_scale_log2 G_B / sqrt(n), G_B i.i.d. N(0, 1): entries N(0, 4^b_scale_log2 / n)
//   (b_scale_log2 = 0 by default: N(0, 1/n), docs/algorithms.md, "Instances").
//   eta = 2^step_log2 / (sigma_1 max(1, ||B||_2^2)), computed in double from the double draws, so
//   it is one double value shared by all scalar types; checked against the rule recomputed from
//   the built Y and B (require_step_size_rule) every time an instance is built.
// The raw draws are doubles from seeded streams (generators/random.hpp): every scalar type builds
// the same mathematical instance, each to its own precision.
#pragma once

#include "dynamics/dynamics.hpp"
#include "generators/random.hpp"
#include "generators/recipe.hpp"

namespace fa {

template <class T>
struct Instance {
  Recipe recipe;
  Mat<T> U, V;       // orthonormal bases of col(Y) and row(Y)
  Vec<T> s;          // the k singular values, decreasing
  Mat<T> Y, B;       // target and fixed feedback matrix
  Factors<T> start;  // initial (Z, W) as the recipe's init asks
  double eta = 0;    // step size (a double value, exact in every T)
  T opt_r;           // best rank-r error sum_{i > r} s_i^2
};

/// The step size the recipe implies (needs only the double draws of B).
double recipe_step_size(const Recipe& recipe);

/// The documented rule eta = 2^step_log2 / (sigma_1(Y) max(1, ||B||_2^2)) recomputed from the
/// built matrices, independently of recipe_step_size (which reads sigma_1 off the recipe and takes
/// ||B||_2 from a Jacobi SVD of its own double draw of B): here sigma_1(Y)^2 and ||B||_2^2 are the
/// largest eigenvalues of the Gram matrices of Y and B (in double; sigma_1 = 1 if Y = 0).
double step_size_rule(int step_log2, const Mat<double>& Y, const Mat<double>& B);

/// How far (relative, in units of eps = 2^-52) a correct eta may sit from step_size_rule for an
/// n x m target of rank k and an n x r feedback matrix; the derivation is in recipe.cpp.
double step_size_rule_ulps(long n, long m, long k, long r);

/// Throws std::logic_error (naming both values, their ratio and the tolerance) unless eta equals
/// step_size_rule(step_log2, Y, B) to step_size_rule_ulps: materialise() calls it on every
/// instance it builds, so a wrong step-size rule fails every claim that draws an instance.
void require_step_size_rule(double eta, int step_log2, long k, const Mat<double>& Y,
                            const Mat<double>& B);

/// Builds the instance of a recipe in scalar T. Throws std::invalid_argument on an impossible
/// recipe (rank above min(n, m), absurd sizes, ...).
template <class T>
Instance<T> materialise(const Recipe& recipe);

/// Initial factors for a given init kind, from the recipe's seed (zero or small random).
template <class T>
Factors<T> initial_factors(const Recipe& recipe);

#define FA_DECLARE_INSTANCE(T, EXTERN)                                  \
  EXTERN template Instance<T> materialise<T>(const Recipe&);            \
  EXTERN template Factors<T> initial_factors<T>(const Recipe&);

FA_DECLARE_INSTANCE(double, extern)
FA_DECLARE_INSTANCE(Mp, extern)
FA_DECLARE_INSTANCE(MpVar, extern)

}  // namespace fa
