// The two-layer linear network of claim A6 (docs/claims.md), trained on data: inputs X (m x N, one
// column per example), teacher y = A x, network x -> W x -> Z W x, loss (1/2N) ||Z W X - A X||_F^2.
// Its updates, written as a network computes them (from the hidden activations W X and the output
// error), so that claim A6 can compare them with the matrix dynamics of dynamics.hpp; with X X^T =
// N I they coincide with those for Y = A.
#pragma once

#include "dynamics/dynamics.hpp"

#include <stdexcept>

namespace fa {

/// One simultaneous step of the network on targets Y (n x N, one column per example): with
/// H = W X and E_net = Z H - Y,
///   Z+ = Z - (eta/N) E_net H^T,
///   W+ = W - (eta/N) Z^T E_net X^T (GD) or W - (eta/N) B^T E_net X^T (FA).
template <class T>
Factors<T> network_step_on_targets(const Factors<T>& f, const Mat<T>& X, const Mat<T>& Y,
                                   const Mat<T>& B, const T& eta, Algorithm alg) {
  if (alg == Algorithm::fa_star)
    throw std::invalid_argument("network_step: GD or FA only (FA* has no network form here)");
  const T N(static_cast<double>(X.cols()));
  const Mat<T> hidden = f.W * X;
  const Mat<T> E_net = f.Z * hidden - Y;
  Factors<T> out = f;
  out.Z -= eta * (E_net * hidden.transpose()) / N;
  const Mat<T>& back = alg == Algorithm::fa ? B : f.Z;
  out.W -= eta * (back.transpose() * E_net * X.transpose()) / N;
  return out;
}

/// The same step for the teacher's targets A X.
template <class T>
Factors<T> network_step(const Factors<T>& f, const Mat<T>& X, const Mat<T>& A, const Mat<T>& B,
                        const T& eta, Algorithm alg) {
  return network_step_on_targets(f, X, Mat<T>(A * X), B, eta, alg);
}

/// The network's loss on targets Y: (1/2N) ||Z W X - Y||_F^2.
template <class T>
T network_loss_on_targets(const Factors<T>& f, const Mat<T>& X, const Mat<T>& Y) {
  return (f.Z * f.W * X - Y).squaredNorm() / (2 * T(static_cast<double>(X.cols())));
}

/// The network's loss (1/2N) ||Z W X - A X||_F^2.
template <class T>
T network_loss(const Factors<T>& f, const Mat<T>& X, const Mat<T>& A) {
  return network_loss_on_targets(f, X, Mat<T>(A * X));
}

}  // namespace fa
