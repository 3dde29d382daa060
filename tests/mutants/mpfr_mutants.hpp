// Mutants of the MPFR step path (issue 14). TEST-ONLY, like mutants.hpp, which includes this.
//
// The MPFR types (Mp, MpVar) do not run the Eigen expressions of the step functions: they run
// the in-place kernels of dynamics/kernels.hpp, code that double and the rationals never execute.
// These mutants are plausible mistakes in that code: each is a copy of one kernel (or of the MPFR
// branch of a step function) with one thing wrong, and the mutant dynamics run it for Mp and
// MpVar only. For double and Rational they run the reference step: the mutated code is not on
// their path, so a double run must survive them (fa-mutants checks that it does, and the kill
// matrix says "not on double's path"); the mp runs must kill them.
//
// The copies are deliberate: a mutant must be the library's code with one mistake in it, and the
// library must not carry hooks for mutants. Helpers (mpfr_t access, scratch values, the in-place
// subtraction) are the library's own, from kernels::detail.
#pragma once

#include "dynamics/dynamics.hpp"

#include <type_traits>

namespace fa::mutants::mpfr_path {

enum class Bug {
  residual_drops_last_term,  // E = ZW - Y with the inner sum stopping one term early
  dot_sign,                  // G = A^T E accumulating with mpfr_sub instead of mpfr_add
  scratch_53_bits,           // G = A^T E with its product scratch value at 53 bits
  z_update_wrong_stride,     // Z -= eta E V^T reading row k of V with stride 1 instead of r
  wmid_sign,                 // FA*: W_mid = W + (eta/2) G instead of W - (eta/2) G
  gd_back_after_z_moves,     // GD: G = Z^T E formed after Z moved (sequential, mp path only)
};

namespace kn = fa::kernels;
namespace kd = fa::kernels::detail;

/// sum_q a[q sa] b[q sb] for q < len, left to right, into acc; `subtract_rest` is the dot_sign
/// bug (every term after the first subtracted). t: product scratch value.
template <class T>
void dot(mpfr_ptr acc, const T* a, Eigen::Index sa, const T* b, Eigen::Index sb, Eigen::Index len,
         mpfr_ptr t, bool subtract_rest = false) {
  if (len <= 0) {
    mpfr_set_zero(acc, 1);
    return;
  }
  mpfr_mul(acc, kd::in(a[0]), kd::in(b[0]), MPFR_RNDN);
  for (Eigen::Index q = 1; q < len; ++q) {
    mpfr_mul(t, kd::in(a[q * sa]), kd::in(b[q * sb]), MPFR_RNDN);
    if (subtract_rest)
      mpfr_sub(acc, acc, t, MPFR_RNDN);
    else
      mpfr_add(acc, acc, t, MPFR_RNDN);
  }
}

/// kernels::mpfr_residual with the inner loop bound r - 1 (the last term of every entry lost).
template <class T>
void residual_drops_last_term(const Mat<T>& Z, const Mat<T>& W, const Mat<T>& Y, Mat<T>& E) {
  const Eigen::Index n = Z.rows(), r = Z.cols(), m = W.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(E, n, m, p);
  kd::Temp acc(p), t(p);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      dot(acc.v, Z.data() + i, n, W.data() + j * r, 1, r > 1 ? r - 1 : r, t.v);  // BUG: r - 1
      mpfr_sub(kd::out(E(i, j)), acc.v, kd::in(Y(i, j)), MPFR_RNDN);
    }
}

/// kernels::transpose_times (G = A^T E) with the dot_sign or scratch_53_bits bug.
template <class T>
void transpose_times(Bug bug, const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(G, r, m, p);
  kd::Temp t(bug == Bug::scratch_53_bits ? 53 : p);  // BUG (scratch_53_bits): 53 bits
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index c = 0; c < r; ++c)
      dot(kd::out(G(c, j)), A.data() + c * n, 1, E.data() + j * n, 1, n, t.v,
          bug == Bug::dot_sign);  // BUG (dot_sign): mpfr_sub
}

/// kernels::sub_scaled_times_transpose (Z -= eta E V^T) reading V's row with stride 1.
template <class T>
void sub_scaled_times_transpose_wrong_stride(Mat<T>& Z, const T& eta, const Mat<T>& E,
                                             const Mat<T>& V) {
  const Eigen::Index n = E.rows(), m = E.cols(), r = V.rows();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::Temp acc(p), t(p), spare(p);
  for (Eigen::Index c = 0; c < r; ++c)
    for (Eigen::Index i = 0; i < n; ++i) {
      dot(acc.v, E.data() + i, n, V.data() + c, 1, m, t.v);  // BUG: stride 1, not r
      mpfr_mul(t.v, acc.v, kd::in(eta), MPFR_RNDN);
      kd::sub_in_place<T>(kd::out(Z(i, c)), t.v, p, spare.v);
    }
}

/// kernels::assign_sub_scaled (Dst = X - c G) adding instead of subtracting.
template <class T>
void assign_add_scaled(Mat<T>& Dst, const Mat<T>& X, const T& c, const Mat<T>& G) {
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(Dst, X.rows(), X.cols(), p);
  kd::Temp t(p);
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t.v, kd::in(c), kd::in(G.data()[q]), MPFR_RNDN);
    mpfr_add(kd::out(Dst.data()[q]), kd::in(X.data()[q]), t.v, MPFR_RNDN);  // BUG: add
  }
}

/// The MPFR branch of gd_step / fa_step / fa_star_step (dynamics/dynamics.hpp) with `bug`.
template <class T>
void step(Bug bug, Algorithm a, Factors<T>& f, const Mat<T>& Y, const Mat<T>& B, const T& eta,
          Workspace<T>& ws) {
  static_assert(kn::is_mpfr_v<T>, "the MPFR path exists for Mp and MpVar only");
  if (bug == Bug::residual_drops_last_term)
    residual_drops_last_term(f.Z, f.W, Y, ws.E);
  else
    kn::mpfr_residual(f.Z, f.W, Y, ws.E);
  const bool gd = a == Algorithm::gd;
  if (gd && bug == Bug::gd_back_after_z_moves) {
    kn::sub_scaled_times_transpose(f.Z, eta, ws.E, f.W);  // BUG: Z moves first ...
    kn::transpose_times(f.Z, ws.E, ws.G);                 // ... and W's update sees the new Z
    kn::sub_scaled(f.W, eta, ws.G);
    return;
  }
  const Mat<T>& back = gd ? f.Z : B;
  if (bug == Bug::dot_sign || bug == Bug::scratch_53_bits)
    transpose_times(bug, back, ws.E, ws.G);
  else
    kn::transpose_times(back, ws.E, ws.G);
  const Mat<T>* v = &f.W;
  if (a == Algorithm::fa_star) {
    if (bug == Bug::wmid_sign)
      assign_add_scaled(ws.W_mid, f.W, T(eta / 2), ws.G);
    else
      kn::assign_sub_scaled(ws.W_mid, f.W, T(eta / 2), ws.G);
    v = &ws.W_mid;
  }
  if (bug == Bug::z_update_wrong_stride)
    sub_scaled_times_transpose_wrong_stride(f.Z, eta, ws.E, *v);
  else
    kn::sub_scaled_times_transpose(f.Z, eta, ws.E, *v);
  kn::sub_scaled(f.W, eta, ws.G);
}

/// kernels::times (C = A B, the deep forward products) with the inner sum one term short.
template <class T>
void times_drops_last_term(const Mat<T>& A, const Mat<T>& B, Mat<T>& C) {
  const Eigen::Index rows = A.rows(), depth = A.cols(), cols = B.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(C, rows, cols, p);
  kd::Temp t(p);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      dot(kd::out(C(i, j)), A.data() + i, rows, B.data() + j * depth, 1,
          depth > 1 ? depth - 1 : depth, t.v);  // BUG: depth - 1
}

/// The MPFR branch of deep_step (dynamics/deep.hpp) with the forward products of
/// times_drops_last_term; every other kernel is the library's.
template <class T>
void deep_step_times_drops_last_term(DeepAlgorithm a, Layers<T>& w, const Mat<T>& Y,
                                     const DeepFeedback<T>& fb, const T& eta,
                                     DeepWorkspace<T>& ws) {
  const int L = w.depth();
  auto at = [](auto& v, int l) -> auto& {
    return v[static_cast<std::size_t>(l)];
  };
  ws.P.resize(static_cast<std::size_t>(L + 1));
  ws.delta.resize(static_cast<std::size_t>(L + 1));
  auto below = [&](int l) -> const Mat<T>& { return l == 1 ? at(w.W, 1) : at(ws.P, l); };
  for (int l = 2; l <= L - 1; ++l) times_drops_last_term(at(w.W, l), below(l - 1), at(ws.P, l));
  kn::mpfr_residual(at(w.W, L), below(L - 1), Y, ws.E);
  for (int l = L - 1; l >= 1; --l) {
    const Mat<T>& above = l == L - 1 ? ws.E : at(ws.delta, l + 1);
    if (a == DeepAlgorithm::dfa)
      kn::transpose_times(at(fb.dfa, l), ws.E, at(ws.delta, l));
    else
      kn::transpose_times(a == DeepAlgorithm::gd ? at(w.W, l + 1) : at(fb.fa, l + 1), above,
                          at(ws.delta, l));
  }
  for (int l = L; l >= 2; --l)
    kn::sub_scaled_times_transpose(at(w.W, l), eta, l == L ? ws.E : at(ws.delta, l), below(l - 1));
  kn::sub_scaled(at(w.W, 1), eta, at(ws.delta, 1));
}

}  // namespace fa::mutants::mpfr_path
