// The step functions as they were before the MPFR kernels (issue 7): the formulas of
// docs/algorithms.md in plain Eigen expressions. The kernel tests compare the fast steps with them,
// and the benchmark times them as the "before" column. Test and benchmark code only.
#pragma once

#include "dynamics/dynamics.hpp"

namespace fa::plain {

template <class T>
void plain_residual(const Factors<T>& f, const Mat<T>& Y, Mat<T>& E) {
  E.noalias() = f.Z * f.W;
  E -= Y;
}
template <class T>
void plain_gd_step(Factors<T>& f, const Mat<T>& Y, const T& eta, Workspace<T>& ws) {
  plain_residual(f, Y, ws.E);
  ws.G.noalias() = f.Z.transpose() * ws.E;
  f.Z.noalias() -= eta * (ws.E * f.W.transpose());
  f.W.noalias() -= eta * ws.G;
}
template <class T>
void plain_fa_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                   Workspace<T>& ws) {
  plain_residual(f, Y, ws.E);
  ws.G.noalias() = B.transpose() * ws.E;
  f.Z.noalias() -= eta * (ws.E * f.W.transpose());
  f.W.noalias() -= eta * ws.G;
}
template <class T>
void plain_fa_star_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
                        Workspace<T>& ws) {
  plain_residual(f, Y, ws.E);
  ws.G.noalias() = B.transpose() * ws.E;
  ws.W_mid = f.W;
  ws.W_mid.noalias() -= (eta / 2) * ws.G;
  f.Z.noalias() -= eta * (ws.E * ws.W_mid.transpose());
  f.W.noalias() -= eta * ws.G;
}
template <class T>
void step(Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
          Workspace<T>& ws) {
  switch (a) {
    case Algorithm::gd:
      plain_gd_step(f, Y, eta, ws);
      return;
    case Algorithm::fa:
      plain_fa_step(f, Y, B, eta, ws);
      return;
    case Algorithm::fa_star:
      plain_fa_star_step(f, Y, B, eta, ws);
      return;
  }
}
}  // namespace fa::plain
