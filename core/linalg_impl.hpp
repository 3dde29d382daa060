// Bodies of core/linalg.hpp. Included only by core/instantiate_*.cpp.
#pragma once

#include "core/linalg.hpp"
#include "dynamics/kernels.hpp"  // exact MPFR dot products (orthonormal_columns)

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <stdexcept>

namespace fa {

namespace detail {

/// orthonormal_columns for the MPFR types: Eigen's Householder QR (its reflectors, makeHouseholder:
/// beta = -sign(x_0) ||x||, v = x / (x_0 - beta) with v_0 = 1, tau = (beta - x_0) / beta; Q as
/// HouseholderSequence forms it, H_{k-1} first, each on the trailing corner), worked on the mpfr_t
/// values in place. Each ||x||^2 and each v^T a is the kernels' exact dot product rounded once
/// (Eigen's generic kernel rounds every product and partial sum); each a - (tau w) v entry has
/// two roundings, as in Eigen's update. So the usual backward-error bound of Householder QR
/// holds as for Eigen's (every dot product's error is within its bound). Why: Eigen's generic
/// kernels on Boost numbers spend most of their time on temporaries; an mp instance (two of these
/// and its target) was 90% of the mp family claims' time (A4.family: 13 ms per 24 x 24 draw).
template <class T>
Mat<T> orthonormal_columns_mpfr(const Mat<T>& G) {
  using kernels::detail::exact_dots;
  using kernels::detail::in;
  using kernels::detail::no_subtrahend;
  using kernels::detail::no_update;
  using kernels::detail::out;
  const Eigen::Index n = G.rows(), k = G.cols();
  Mat<T> A = G;
  Vec<T> tau = Vec<T>::Zero(k);
  Vec<T> w(k);
  const T one(1);
  T norm_sq, denom, tw, t;
  // w_c = v . X(j.., c) for the columns c in [first, k) of X, then X(j.., c) -= (tau_j w_c) v;
  // v = (1, A(j+1.., j)), the reflector H_j stored below A's diagonal.
  auto reflect = [&](Mat<T>& X, Eigen::Index j, Eigen::Index first) {
    const Eigen::Index len = n - j, cols = k - first;
    if (cols <= 0 || mpfr_zero_p(in(tau(j)))) return;
    const T* v = &A(j, j);
    exact_dots(
        1, cols, len, [&](Eigen::Index, Eigen::Index i) { return i == 0 ? in(one) : in(v[i]); },
        [&](Eigen::Index c, Eigen::Index i) { return in(X(j + i, first + c)); }, no_subtrahend,
        [&](Eigen::Index, Eigen::Index c) { return out(w(c)); }, no_update);
    for (Eigen::Index c = 0; c < cols; ++c) {
      mpfr_mul(out(tw), in(tau(j)), in(w(c)), MPFR_RNDN);
      T* x = &X(j, first + c);
      mpfr_sub(out(x[0]), in(x[0]), in(tw), MPFR_RNDN);
      for (Eigen::Index i = 1; i < len; ++i) {
        mpfr_mul(out(t), in(v[i]), in(tw), MPFR_RNDN);
        mpfr_sub(out(x[i]), in(x[i]), in(t), MPFR_RNDN);
      }
    }
  };
  for (Eigen::Index j = 0; j < k; ++j) {
    const Eigen::Index len = n - j;
    T* x = &A(j, j);  // column j from the diagonal down (column-major: contiguous)
    bool tail_zero = true;
    for (Eigen::Index i = 1; i < len; ++i) tail_zero = tail_zero && mpfr_zero_p(in(x[i]));
    if (tail_zero) continue;  // tau = 0, beta = x_0: H_j = I (Eigen: tail norm <= the smallest normal)
    exact_dots(
        1, 1, len, [&](Eigen::Index, Eigen::Index i) { return in(x[i]); },
        [&](Eigen::Index, Eigen::Index i) { return in(x[i]); }, no_subtrahend,
        [&](Eigen::Index, Eigen::Index) { return out(norm_sq); }, no_update);
    T beta = sqrt(norm_sq);
    if (!mpfr_signbit(in(x[0]))) beta = -beta;
    mpfr_sub(out(denom), in(x[0]), in(beta), MPFR_RNDN);
    for (Eigen::Index i = 1; i < len; ++i) mpfr_div(out(x[i]), in(x[i]), in(denom), MPFR_RNDN);
    tau(j) = (beta - x[0]) / beta;
    x[0] = beta;
    reflect(A, j, j + 1);
  }
  Mat<T> Q = Mat<T>::Identity(n, k);
  for (Eigen::Index j = k - 1; j >= 0; --j) reflect(Q, j, j);
  for (Eigen::Index j = 0; j < k; ++j)
    if (A(j, j) < 0) Q.col(j) = -Q.col(j);
  return Q;
}

}  // namespace detail

template <class T>
Mat<T> orthonormal_columns(const Mat<T>& G) {
  if (G.rows() < G.cols()) throw std::invalid_argument("orthonormal_columns: more columns than rows");
  if constexpr (kernels::is_mpfr_v<T>) {
    return detail::orthonormal_columns_mpfr<T>(G);
  } else {
    Eigen::HouseholderQR<Mat<T>> qr(G);
    Mat<T> Q = qr.householderQ() * Mat<T>::Identity(G.rows(), G.cols());
    const Mat<T>& R = qr.matrixQR();
    for (Eigen::Index j = 0; j < G.cols(); ++j)
      if (R(j, j) < 0) Q.col(j) = -Q.col(j);
    return Q;
  }
}

template <class T>
Vec<T> singular_values(const Mat<T>& M) {
  if (M.size() == 0) return Vec<T>();
  Eigen::JacobiSVD<Mat<T>> svd(M);
  return svd.singularValues();
}

template <class T>
Vec<T> symmetric_eigenvalues(const Mat<T>& S) {
  Mat<T> sym = (S + S.transpose()) / T(2);
  Eigen::SelfAdjointEigenSolver<Mat<T>> eig(sym, Eigen::EigenvaluesOnly);
  return eig.eigenvalues();
}

template <class T>
Mat<T> row_space_projector(const Mat<T>& M) {
  Mat<T> gram = M * M.transpose();
  Eigen::LDLT<Mat<T>> ldlt(gram);
  return M.transpose() * ldlt.solve(M);
}

template <class T>
Vec<T> principal_angle_cosines(const Mat<T>& A, const Mat<T>& B) {
  Mat<T> Qa = orthonormal_columns<T>(A.transpose());
  Mat<T> Qb = orthonormal_columns<T>(B.transpose());
  return singular_values<T>(Qa.transpose() * Qb);
}

template <class T>
Mat<T> solve_right(const Mat<T>& C, const Mat<T>& A) {
  Eigen::PartialPivLU<Mat<T>> lu(A.transpose());
  return lu.solve(C.transpose()).transpose();
}

template <class T>
T spectral_norm(const Mat<T>& M) {
  Vec<T> s = singular_values<T>(M);
  return s.size() ? T(s(0)) : T(0);
}

template <class T>
T best_rank_error(const Mat<T>& Y, int r) {
  Vec<T> s = singular_values<T>(Y);
  T err(0);
  for (Eigen::Index i = r; i < s.size(); ++i) err += s(i) * s(i);
  return err;
}

template <class T>
int numerical_rank(const Mat<T>& M, const T& relative_tol) {
  Vec<T> s = singular_values<T>(M);
  int rank = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (s(i) > relative_tol * s(0)) ++rank;
  return rank;
}

}  // namespace fa
