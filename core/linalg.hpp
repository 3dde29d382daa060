// Dense decompositions the suite needs, declared once and instantiated once per floating scalar
// (core/instantiate_*.cpp): Eigen's decompositions cost 20-80 s of compile time per mp type, so no
// other translation unit may instantiate them.
#pragma once

#include "core/scalar.hpp"
#include "dynamics/kernels.hpp"

namespace fa {

/// Q of the thin QR of G (rows >= cols), with R's diagonal made non-negative so Q is unique.
template <class T>
Mat<T> orthonormal_columns(const Mat<T>& G);

/// Singular values of M in decreasing order (Jacobi SVD: accurate, and enough at our sizes).
template <class T>
Vec<T> singular_values(const Mat<T>& M);

/// Eigenvalues of the symmetric part of S, increasing.
template <class T>
Vec<T> symmetric_eigenvalues(const Mat<T>& S);

/// Orthogonal projector onto the row space of M (M of full row rank): M^T (M M^T)^{-1} M.
template <class T>
Mat<T> row_space_projector(const Mat<T>& M);

/// Cosines of the principal angles between the row spaces of A and B (both full row rank),
/// decreasing.
template <class T>
Vec<T> principal_angle_cosines(const Mat<T>& A, const Mat<T>& B);

/// Solves X A = C for X with A square and invertible.
template <class T>
Mat<T> solve_right(const Mat<T>& C, const Mat<T>& A);

/// Spectral norm ||M||_2.
template <class T>
T spectral_norm(const Mat<T>& M);

/// Best rank-r error ||Y - Y_r||_F^2 = sum_{i > r} sigma_i(Y)^2 (Eckart-Young).
template <class T>
T best_rank_error(const Mat<T>& Y, int r);

/// Numerical rank: number of singular values above tol * sigma_1.
template <class T>
int numerical_rank(const Mat<T>& M, const T& relative_tol);

/// FA's limit error for r <= rank(Y) (claim A4): ||Y (I - P)||_F^2, P the orthogonal projector onto
/// row(B^T Y) (B^T Y of full row rank r). At an FA stationary point row(W) = row(B^T Y) and
/// ZW = Y P, so this is the error FA converges to.
/// The MPFR types: B^T Y, Y P - Y and the squared norm each by the exact dot products of
/// dynamics/kernels.hpp, rounded once per entry.
template <class T>
T fa_limit_error(const Mat<T>& Y, const Mat<T>& B) {
  if constexpr (kernels::is_mpfr_v<T>) {
    Mat<T> BtY, E;
    kernels::transpose_times(B, Y, BtY);
    const Mat<T> P = row_space_projector<T>(BtY);
    kernels::mpfr_residual(Y, P, Y, E);  // Y P - Y = -(Y (I - P))
    return kernels::squared_norm(E);
  } else {
    const Mat<T> BtY = B.transpose() * Y;
    const Mat<T> P = row_space_projector<T>(BtY);
    return Mat<T>(Y - Y * P).squaredNorm();
  }
}

#define FA_DECLARE_LINALG(T, EXTERN)                                                          \
  EXTERN template Mat<T> orthonormal_columns<T>(const Mat<T>&);                               \
  EXTERN template Vec<T> singular_values<T>(const Mat<T>&);                                   \
  EXTERN template Vec<T> symmetric_eigenvalues<T>(const Mat<T>&);                             \
  EXTERN template Mat<T> row_space_projector<T>(const Mat<T>&);                               \
  EXTERN template Vec<T> principal_angle_cosines<T>(const Mat<T>&, const Mat<T>&);           \
  EXTERN template Mat<T> solve_right<T>(const Mat<T>&, const Mat<T>&);                        \
  EXTERN template T spectral_norm<T>(const Mat<T>&);                                          \
  EXTERN template T best_rank_error<T>(const Mat<T>&, int);                                   \
  EXTERN template int numerical_rank<T>(const Mat<T>&, const T&);

FA_DECLARE_LINALG(double, extern)
FA_DECLARE_LINALG(Mp, extern)
FA_DECLARE_LINALG(MpVar, extern)

}  // namespace fa
