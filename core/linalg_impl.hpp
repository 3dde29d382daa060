// Bodies of core/linalg.hpp. Included only by core/instantiate_*.cpp.
#pragma once

#include "core/linalg.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <stdexcept>

namespace fa {

template <class T>
Mat<T> orthonormal_columns(const Mat<T>& G) {
  if (G.rows() < G.cols()) throw std::invalid_argument("orthonormal_columns: more columns than rows");
  Eigen::HouseholderQR<Mat<T>> qr(G);
  Mat<T> Q = qr.householderQ() * Mat<T>::Identity(G.rows(), G.cols());
  const Mat<T>& R = qr.matrixQR();
  for (Eigen::Index j = 0; j < G.cols(); ++j)
    if (R(j, j) < 0) Q.col(j) = -Q.col(j);
  return Q;
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
