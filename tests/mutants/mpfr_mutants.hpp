// Mutants of the MPFR step path (issues 14, 23). TEST-ONLY, like mutants.hpp, which includes this.
//
// The MPFR types (Mp, MpVar) do not run the Eigen expressions of the step functions: they run
// the in-place kernels of dynamics/kernels.hpp, whose dot products are computed exactly and
// rounded once (dynamics/exact_dot.hpp), code that double and the rationals never execute. These
// mutants are plausible mistakes in that code: each is a copy of one kernel (or helper, or of the
// MPFR branch of a step function) with one thing wrong, and the mutant dynamics run it for Mp
// and MpVar only. For double and Rational they run the reference step: the mutated code is not
// on their path, so a double run must survive them (fa-mutants checks that it does, and the kill
// matrix says "not on double's path"); the mp runs must kill them, and so must the ties of the
// mp and mpfr paths to the proved Rational step (fa-mutants prove).
//
// The copies are deliberate: a mutant must be the library's code with one mistake in it, and the
// library must not carry hooks for mutants. Helpers (mpfr_t access, the panels, the dot product,
// the in-place subtraction) are the library's own, from kernels::detail and kernels::exact_dot.
#pragma once

#include "dynamics/dynamics.hpp"

#include <type_traits>

namespace fa::mutants::mpfr_path {

enum class Bug {
  residual_drops_last_term,  // E = ZW - Y with the exact sum stopping one term early
  residual_adds_y,           // E = ZW + Y: the sign of the subtracted Y lost
  digits_ignore_precision,   // G = A^T E with the fixed-point digits sized by exponents alone
  z_update_wrong_stride,     // Z -= eta E V^T reading row k of V with stride 1 instead of r
  wmid_sign,                 // FA*: W_mid = W + (eta/2) G instead of W - (eta/2) G
  gd_back_after_z_moves,     // GD: G = Z^T E formed after Z moved (sequential, mp path only)
};

namespace kn = fa::kernels;
namespace kd = fa::kernels::detail;
namespace xd = fa::kernels::exact_dot;

/// kernels::mpfr_residual with the sum over k stopping at r - 1 (the last product of every entry
/// lost; r = 1 unaffected), or (residual_adds_y) with Y added: the subtrahend passed with the
/// wrong sign.
template <class T>
void residual(Bug bug, const Mat<T>& Z, const Mat<T>& W, const Mat<T>& Y, Mat<T>& E) {
  const Eigen::Index n = Z.rows(), r = Z.cols(), m = W.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(E, n, m, p);
  const Mat<T> minus_y = -Y;
  const Mat<T>& c = bug == Bug::residual_adds_y ? minus_y : Y;  // BUG (residual_adds_y)
  const Eigen::Index len = bug == Bug::residual_drops_last_term && r > 1 ? r - 1 : r;  // BUG
  const T *z = Z.data(), *w = W.data(), *y = c.data();
  T* e = E.data();
  kd::exact_dots(
      n, m, len, [&](Eigen::Index i, Eigen::Index k) { return kd::in(z[i + k * n]); },
      [&](Eigen::Index j, Eigen::Index k) { return kd::in(w[k + j * r]); },
      [&](Eigen::Index i, Eigen::Index j) { return kd::in(y[i + j * n]); },
      [&](Eigen::Index i, Eigen::Index j) { return kd::out(e[i + j * n]); }, kd::no_update);
}

/// exact_dot::scan_panels counting each entry's digits from its exponent alone: the spread of
/// the exponents in the panel is covered, the entry's own precision is not, so the fill keeps
/// only the top bits of every entry (~60 D - spread of them).
template <class Get>
void scan_ignoring_precision(xd::Panels& P, long count, long len, Get get) {
  P.count = count;
  P.len = len;
  P.special = false;
  P.anchor.assign(static_cast<std::size_t>(count), LONG_MIN);
  P.D.assign(static_cast<std::size_t>(count), 1);
  for (long q = 0; q < count; ++q) {
    long a = LONG_MIN, lowest = LONG_MAX;
    for (long k = 0; k < len; ++k) {
      mpfr_srcptr x = get(q, k);
      if (!mpfr_regular_p(x)) {
        if (!mpfr_zero_p(x)) P.special = true;
        continue;
      }
      const long e = mpfr_custom_get_exp(x);
      a = std::max(a, e);
      lowest = std::min(lowest, e);  // BUG: e, not e - p
    }
    P.anchor[static_cast<std::size_t>(q)] = a;
    if (a != LONG_MIN)
      P.D[static_cast<std::size_t>(q)] = static_cast<int>(std::max<long>(
          1,
          std::min<long>((a - lowest + xd::kDigitBits - 1) / xd::kDigitBits, xd::kMaxDigits + 1)));
  }
}

/// kernels::transpose_times (G = A^T E), its helper exact_dots copied with the panels scanned by
/// scan_ignoring_precision.
template <class T>
void transpose_times_ignoring_precision(const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::prepare_output(G, r, m, p);
  const T *a = A.data(), *e = E.data();
  T* g = G.data();
  auto xget = [&](Eigen::Index k, Eigen::Index i) { return kd::in(a[i + k * n]); };
  auto yget = [&](Eigen::Index j, Eigen::Index i) { return kd::in(e[i + j * n]); };
  kd::PanelScratch& s = kd::panel_scratch();
  scan_ignoring_precision(s.x, r, n, xget);  // BUG (in the copy of scan_panels)
  scan_ignoring_precision(s.y, m, n, yget);
  const bool general = s.x.special || s.y.special;
  if (!general) {
    xd::fill_panels(s.x, xget);
    xd::fill_panels(s.y, yget);
  }
  const xd::DotTable& dots = xd::dot_table();
  xd::Rounding rounding;
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index k = 0; k < r; ++k) {
      mpfr_ptr o = kd::out(g[k + j * r]);
      if (general ||
          !dots(s.x.D[std::size_t(k)], s.y.D[std::size_t(j)])(o, s.x, k, s.y, j, nullptr, rounding))
        xd::dot_general(
            o, [&](Eigen::Index i) { return xget(k, i); },
            [&](Eigen::Index i) { return yget(j, i); }, n, nullptr);
    }
  if (rounding.inexact) mpfr_set_inexflag();
}

/// kernels::sub_scaled_times_transpose (Z -= eta E V^T) reading V's row with stride 1.
template <class T>
void sub_scaled_times_transpose_wrong_stride(Mat<T>& Z, const T& eta, const Mat<T>& E,
                                             const Mat<T>& V) {
  const Eigen::Index n = E.rows(), m = E.cols(), r = V.rows();
  const mpfr_prec_t p = kd::working_precision<T>();
  kd::Temp acc(p), t(p), spare(p);
  const T *e = E.data(), *v = V.data();
  T* z = Z.data();
  kd::exact_dots(
      n, r, m, [&](Eigen::Index i, Eigen::Index j) { return kd::in(e[i + j * n]); },
      [&](Eigen::Index k, Eigen::Index j) { return kd::in(v[k + j]); },  // BUG: stride 1, not r
      kd::no_subtrahend, [&](Eigen::Index, Eigen::Index) { return acc.v; },
      [&](Eigen::Index i, Eigen::Index k) {
        mpfr_mul(t.v, acc.v, kd::in(eta), MPFR_RNDN);
        kd::sub_in_place<T>(kd::out(z[i + k * n]), t.v, p, spare.v);
      });
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
  if (bug == Bug::residual_drops_last_term || bug == Bug::residual_adds_y)
    residual(bug, f.Z, f.W, Y, ws.E);
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
  if (bug == Bug::digits_ignore_precision)
    transpose_times_ignoring_precision(back, ws.E, ws.G);
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
  const Eigen::Index len = depth > 1 ? depth - 1 : depth;  // BUG: depth - 1
  const T *a = A.data(), *b = B.data();
  T* c = C.data();
  kd::exact_dots(
      rows, cols, len, [&](Eigen::Index i, Eigen::Index k) { return kd::in(a[i + k * rows]); },
      [&](Eigen::Index j, Eigen::Index k) { return kd::in(b[k + j * depth]); }, kd::no_subtrahend,
      [&](Eigen::Index i, Eigen::Index j) { return kd::out(c[i + j * rows]); }, kd::no_update);
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
