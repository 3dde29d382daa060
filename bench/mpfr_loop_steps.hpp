// The MPFR steps as they were before issue 23, for fa-bench's "before" column of the mp rows.
// BENCHMARK CODE ONLY.
//
// Each entry of a product was a loop of mpfr_mul and mpfr_add on the mpfr_t values (every product
// and every partial sum rounded, left to right), with two preallocated scratch values per call:
// within 0.84-0.99 of the raw MPFR multiply-add loop, which made MPFR's per-call cost the limit.
// dynamics/kernels.hpp now computes each dot product exactly and rounds it once
// (dynamics/exact_dot.hpp). The updates (Z - eta s, W - eta G) are the library's own.
#pragma once

#include "dynamics/dynamics.hpp"

namespace fa::loop {

namespace kd = fa::kernels::detail;

/// acc = sum_q a[q sa] b[q sb] for q < len, left to right, every operation rounded.
template <class T>
void dot(mpfr_ptr acc, const T* a, Eigen::Index sa, const T* b, Eigen::Index sb, Eigen::Index len,
         mpfr_ptr t) {
  if (len <= 0) {
    mpfr_set_zero(acc, 1);
    return;
  }
  mpfr_mul(acc, kd::in(a[0]), kd::in(b[0]), MPFR_RNDN);
  for (Eigen::Index q = 1; q < len; ++q) {
    mpfr_mul(t, kd::in(a[q * sa]), kd::in(b[q * sb]), MPFR_RNDN);
    mpfr_add(acc, acc, t, MPFR_RNDN);
  }
}

/// E = ZW - Y.
template <class T>
void residual(const Mat<T>& Z, const Mat<T>& W, const Mat<T>& Y, Mat<T>& E) {
  const Eigen::Index n = Z.rows(), r = Z.cols(), m = W.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(E, n, m, p);
  kd::Temp acc(p), t(p);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      dot(acc.v, Z.data() + i, n, W.data() + j * r, 1, r, t.v);
      mpfr_sub(kd::out(E(i, j)), acc.v, kd::in(Y(i, j)), MPFR_RNDN);
    }
}

/// G = A^T E.
template <class T>
void transpose_times(const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  kd::prepare_output(G, r, m, kd::working_precision<T>());
  kd::Temp t(kd::working_precision<T>());
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index k = 0; k < r; ++k)
      dot(kd::out(G(k, j)), A.data() + k * n, 1, E.data() + j * n, 1, n, t.v);
}

/// Z <- Z - eta (E V^T).
template <class T>
void sub_scaled_times_transpose(Mat<T>& Z, const T& eta, const Mat<T>& E, const Mat<T>& V) {
  const Eigen::Index n = E.rows(), m = E.cols(), r = V.rows();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::Temp acc(p), t(p), spare(p);
  for (Eigen::Index k = 0; k < r; ++k)
    for (Eigen::Index i = 0; i < n; ++i) {
      dot(acc.v, E.data() + i, n, V.data() + k, r, m, t.v);
      mpfr_mul(t.v, acc.v, kd::in(eta), MPFR_RNDN);
      kd::sub_in_place<T>(kd::out(Z(i, k)), t.v, p, spare.v);
    }
}

template <class T>
void gd_step(Factors<T>& f, const Mat<T>& Y, const T& eta, Workspace<T>& ws) {
  residual(f.Z, f.W, Y, ws.E);
  transpose_times(f.Z, ws.E, ws.G);
  sub_scaled_times_transpose(f.Z, eta, ws.E, f.W);
  kernels::sub_scaled(f.W, eta, ws.G);
}

template <class T>
void fa_step(Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta, Workspace<T>& ws) {
  residual(f.Z, f.W, Y, ws.E);
  transpose_times(B, ws.E, ws.G);
  sub_scaled_times_transpose(f.Z, eta, ws.E, f.W);
  kernels::sub_scaled(f.W, eta, ws.G);
}

}  // namespace fa::loop
