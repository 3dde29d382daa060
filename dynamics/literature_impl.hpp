// Bodies of dynamics/literature.hpp, compiled once per scalar (CMakeLists.txt, PART literature).
#pragma once

#include "core/linalg.hpp"
#include "dynamics/literature.hpp"

#include <stdexcept>
#include <string>

namespace fa {

template <class T>
void regularised_step(Algorithm alg, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                      const T& lambda) {
  if (alg == Algorithm::fa_star)
    throw std::invalid_argument("regularised_step: GD or FA only (FA* has no weight-decay form)");
  if (lambda < 0) throw std::invalid_argument("regularised_step: weight decay lambda must be >= 0");
  const Mat<T> E = f.Z * f.W - Y;
  const Mat<T>& back = alg == Algorithm::fa ? B : f.Z;
  Mat<T> W_next = f.W - eta * (back.transpose() * E + lambda * f.W);
  f.Z -= eta * (E * f.W.transpose() + lambda * f.Z);
  f.W = std::move(W_next);
}

template <class T>
HiddenSignals<T> hidden_signals(const Factors<T>& f, const Mat<T>& Y, const Mat<T>& B) {
  const Mat<T> E = f.Z * f.W - Y;
  HiddenSignals<T> s;
  s.feedback = B.transpose() * E;
  s.backprop = f.Z.transpose() * E;
  if (f.Z.rows() > f.Z.cols()) return s;  // Z Z^T (n x n) has rank <= r < n: no Z^T (Z Z^T)^-1
  const Mat<T> gram = f.Z * f.Z.transpose();
  const Vec<T> ev = symmetric_eigenvalues<T>(gram);
  // Singular to working precision: the smallest eigenvalue within the eigensolver's backward
  // error (a few eps times the largest, times the dimension) of zero.
  const T largest = ev.maxCoeff();
  if (!(largest > 0) || ev.minCoeff() <= T(4.0 * double(gram.rows())) * epsilon<T>() * largest)
    return s;
  // Z^+ E = Z^T X with (Z Z^T) X = E, i.e. X^T = E^T (Z Z^T)^{-1} (Z Z^T symmetric).
  s.pseudo_backprop = f.Z.transpose() * solve_right<T>(Mat<T>(E.transpose()), gram).transpose();
  return s;
}

template <class T>
void pseudo_backprop_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta) {
  HiddenSignals<T> s = hidden_signals(f, Y, B);
  if (s.pseudo_backprop.size() == 0)
    throw std::domain_error(
        "pseudo-backprop: Z Z^T is singular to working precision (Z is " +
        std::to_string(f.Z.rows()) + "x" + std::to_string(f.Z.cols()) +
        "; Z^+ = Z^T (Z Z^T)^-1 needs Z of full row rank, so r >= n and a start with Z != 0)");
  const Mat<T> E = f.Z * f.W - Y;
  f.Z -= eta * (E * f.W.transpose());
  f.W -= eta * s.pseudo_backprop;
}

template <class T>
AlignedStart<T> aligned_start(const Mat<T>& U, const Mat<T>& V, const std::vector<double>& gains,
                              double init_scale) {
  if (static_cast<Eigen::Index>(gains.size()) != U.cols() || U.cols() != V.cols())
    throw std::invalid_argument(
        "aligned_start: need one feedback gain per component (U: " + std::to_string(U.cols()) +
        " columns, V: " + std::to_string(V.cols()) + ", gains: " + std::to_string(gains.size()) +
        ")");
  AlignedStart<T> a;
  a.start.Z = T(init_scale) * U;
  a.start.W = T(init_scale) * V.transpose();
  Vec<T> g(static_cast<Eigen::Index>(gains.size()));
  for (std::size_t i = 0; i < gains.size(); ++i) g(static_cast<Eigen::Index>(i)) = T(gains[i]);
  a.B = U * g.asDiagonal();
  return a;
}

template <class T>
std::vector<long> component_half_times(Factors<T> f, const Mat<T>& Y, const Mat<T>& B,
                                       const Mat<T>& U, const Mat<T>& V, const Vec<T>& s,
                                       const T& eta, long budget) {
  const Eigen::Index k = s.size();
  std::vector<long> half(static_cast<std::size_t>(k), -1);
  long pending = static_cast<long>(k);
  Workspace<T> ws;
  for (long t = 0; t <= budget && pending > 0; ++t) {
    const Mat<T> learned = U.transpose() * f.Z * f.W * V;  // component i: its (i, i) entry
    for (Eigen::Index i = 0; i < k; ++i) {
      auto& h = half[static_cast<std::size_t>(i)];
      if (h < 0 && learned(i, i) >= s(i) / 2) h = t, --pending;
    }
    reference_step(Algorithm::fa, f, Y, B, eta, ws);
  }
  return half;
}

}  // namespace fa
