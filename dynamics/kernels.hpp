// Kernels behind the step functions of dynamics/dynamics.hpp.
//
// double: dense_residual() forms E = ZW - Y with one pass less over the n x m residual than
// `E = Z*W; E -= Y` (E = -Y, then Eigen's GEMM accumulates Z*W into it), which is what keeps a
// large double step near GEMM speed. It gives the same values as the plain expression (see there).
//
// Mp, MpVar: specialised in-place kernels, described below.
//
// Why: Eigen has no BLAS for custom scalars; its generic GEMM on Boost.Multiprecision values
// spends most of its time on temporaries (every a*b and every packed copy constructs and destroys
// an MPFR number). These kernels work on the mpfr_t values themselves and allocate nothing once
// warmed up. Until issue 23 they ran a loop of mpfr_mul and mpfr_add, which made MPFR's own
// per-call cost (~45 ns per multiply-add at 168 bits) the limit; now every dot product is
// computed exactly on the significands' limbs and rounded once (dynamics/exact_dot.hpp), several
// times faster than that loop (bench/ measures both).
//
// Arithmetic: each entry of ZW - Y (the residual, Y included), of A^T E and of E V^T is the
// correctly rounded value of the exact sum: one rounding to nearest, where the loop (and Eigen's
// generic kernel) rounded every product and every partial sum (2 r, 2 n or 2 m roundings). The
// updates then round as before: Z - eta*s and W - eta*G with two roundings each (as Eigen's
// plain expressions do). So the standard error bound of a dot product, |fl(x.y) - x.y| <=
// gamma_d |x|.|y| (gamma_d = d u / (1 - d u), u = 2^-p), becomes u |x.y| <= u |x|.|y|: a bound
// at least d times tighter, and relative to the result itself, however much the terms cancel.
// Every tolerance of the claims that was derived from the d-rounding bound stays valid (the new
// error is within the old bound) and is not tightened here. tests/unit/test_kernels.cpp checks
// each kernel against the exact rational sum rounded by MPFR (equal, ==) and the steps against
// the plain Eigen expressions to the old bound.
//
// Precision: results are rounded to the precision Boost gives a newly constructed value of the
// type (168 bits for Mp; the current default precision for MpVar), as Eigen's plain expressions
// do, since they assign freshly computed temporaries.
//
// Precision checks (FA_KERNEL_CHECKS; on in debug builds, i.e. without NDEBUG, and in the
// sanitizer build, -DFA_SANITIZE=ON; off in Release, where they would cost a pass over every
// operand per call): every kernel verifies that its operands and results carry the working
// precision p, and throws std::logic_error naming the kernel, the matrix and the entry otherwise.
//   Mp (fixed precision, limbs on the stack): exactly p, everywhere. Any other precision means
//   memory corruption in the making: changing an Mp's precision, or swapping a heap scratch value
//   into it, makes a later destructor free stack memory (a double free). sub_in_place's swap path
//   is for variable precision only and is refused for Mp before it swaps.
//   MpVar: results exactly p; operands at least p. A higher precision is a value kept from a
//   higher-precision phase (a workspace reused after the precision was lowered): MPFR reads it
//   exactly and the result is still correctly rounded to p (tests/unit/test_kernels.cpp relies on
//   it). A lower one means a lower-precision value was written somewhere earlier.
// The checks are on the operands and results; scratch values and the fixed-point panels of
// exact_dot.hpp are internal (a panel with too few digits, or a scratch value at too low a
// precision, is a rounding bug, which the claims' mp identity checks and the ties to the exact
// step catch: see the mutants in tests/mutants/mpfr_mutants.hpp, and tests/unit/test_kernels.cpp
// for every entry against the exact value rounded once).
#pragma once

#include "core/scalar.hpp"
#include "dynamics/exact_dot.hpp"

#include <mpfr.h>

#include <Eigen/Core>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>

#ifndef FA_KERNEL_CHECKS
#ifdef NDEBUG
#define FA_KERNEL_CHECKS 0
#else
#define FA_KERNEL_CHECKS 1
#endif
#endif

namespace fa::kernels {

template <class T>
inline constexpr bool is_mpfr_v = std::is_same_v<T, Mp> || std::is_same_v<T, MpVar>;

namespace detail {

template <class T>
inline mpfr_srcptr in(const T& x) {
  return x.backend().data();
}
template <class T>
inline mpfr_ptr out(T& x) {
  return x.backend().data();
}

/// The precision of a newly constructed T (what the plain expressions round their results to).
template <class T>
mpfr_prec_t working_precision() {
  const T probe(0);
  return mpfr_get_prec(in(probe));
}

/// True when the precision checks of the header comment are compiled in.
inline constexpr bool kPrecisionChecks = FA_KERNEL_CHECKS != 0;

/// Mp's precision is fixed (limbs on the stack); MpVar's is chosen at run time.
template <class T>
inline constexpr bool is_fixed_precision_v = std::is_same_v<T, Mp>;

[[noreturn]] inline void precision_violation(const char* kernel, const std::string& what,
                                             mpfr_prec_t got, const char* rule, mpfr_prec_t p) {
  throw std::logic_error(std::string("MPFR kernel ") + kernel + ": " + what + " has " +
                         std::to_string(got) + " bits, expected " + rule + " " + std::to_string(p) +
                         " (the working precision)");
}

inline std::string entry_name(const char* matrix, Eigen::Index q, Eigen::Index rows) {
  return std::string(matrix) + "(" + std::to_string(rows ? q % rows : 0) + "," +
         std::to_string(rows ? q / rows : 0) + ")";
}

/// Every entry of M (role "operand" or "result") has precision p exactly, or at least p when
/// `at_least` (see the header comment).
template <class T>
void check_entries(const char* kernel, const char* role, const char* name, const Mat<T>& M,
                   mpfr_prec_t p, bool at_least) {
  if constexpr (kPrecisionChecks) {
    const T* d = M.data();
    for (Eigen::Index q = 0; q < M.size(); ++q) {
      const mpfr_prec_t got = mpfr_get_prec(in(d[q]));
      if (at_least ? got < p : got != p)
        precision_violation(kernel, std::string(role) + " " + entry_name(name, q, M.rows()), got,
                            at_least ? "at least" : "exactly", p);
    }
  }
}

/// Operand check: exactly p for Mp, at least p for MpVar.
template <class T>
void check_operand(const char* kernel, const char* name, const Mat<T>& M, mpfr_prec_t p) {
  check_entries(kernel, "operand", name, M, p, !is_fixed_precision_v<T>);
}
template <class T>
void check_operand(const char* kernel, const char* name, const T& x, mpfr_prec_t p) {
  if constexpr (kPrecisionChecks) {
    const mpfr_prec_t got = mpfr_get_prec(in(x));
    if (is_fixed_precision_v<T> ? got != p : got < p)
      precision_violation(kernel, std::string("operand ") + name, got,
                          is_fixed_precision_v<T> ? "exactly" : "at least", p);
  }
}

/// Result check: every entry exactly p.
template <class T>
void check_result(const char* kernel, const char* name, const Mat<T>& M, mpfr_prec_t p) {
  check_entries(kernel, "result", name, M, p, false);
}

/// An mpfr_t scratch value, initialised once per kernel call.
struct Temp {
  mpfr_t v;
  explicit Temp(mpfr_prec_t p) { mpfr_init2(v, p); }
  ~Temp() { mpfr_clear(v); }
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
};

/// Gives M the shape rows x cols with every entry at precision p (values are overwritten later).
template <class T>
void prepare_output(Mat<T>& M, Eigen::Index rows, Eigen::Index cols, mpfr_prec_t p) {
  if (M.rows() != rows || M.cols() != cols) M.resize(rows, cols);
  if constexpr (std::is_same_v<T, MpVar>) {
    T* d = M.data();
    for (Eigen::Index q = 0; q < M.size(); ++q)
      if (mpfr_get_prec(in(d[q])) != p) mpfr_set_prec(out(d[q]), p);
  }
}

/// x <- x - t, rounded to precision p (in place when x already has it, the usual case). The
/// other path swaps limbs with `spare` and is valid for variable precision only: on an Mp it
/// would leave stack limbs to the scratch value's destructor (a double free), so the checks
/// refuse it before swapping.
template <class T>
void sub_in_place(mpfr_ptr x, mpfr_srcptr t, mpfr_prec_t p, mpfr_ptr spare) {
  if (mpfr_get_prec(x) == p) {
    mpfr_sub(x, x, t, MPFR_RNDN);
  } else {
    if constexpr (kPrecisionChecks) {
      if (is_fixed_precision_v<T>)
        precision_violation("sub_in_place", "a fixed-precision destination", mpfr_get_prec(x),
                            "exactly", p);
      if (mpfr_get_prec(spare) != p)
        precision_violation("sub_in_place", "the spare value", mpfr_get_prec(spare), "exactly", p);
    }
    mpfr_sub(spare, x, t, MPFR_RNDN);  // spare has precision p
    mpfr_swap(x, spare);
    mpfr_set_prec(spare, p);
  }
}

/// The panels of one kernel call (dynamics/exact_dot.hpp) and the kernels' scalar scratch
/// values, kept per thread so that a step allocates nothing once warmed up (at the claims' small
/// shapes, three mpfr_init2/mpfr_clear pairs per call were a tenth of a step).
struct PanelScratch {
  exact_dot::Panels x, y;
  mpfr_t scalar[3];
  PanelScratch() {
    for (auto& v : scalar) mpfr_init2(v, MPFR_PREC_MIN);
  }
  ~PanelScratch() {
    for (auto& v : scalar) mpfr_clear(v);
  }
  PanelScratch(const PanelScratch&) = delete;
  PanelScratch& operator=(const PanelScratch&) = delete;
  /// Scratch value i at precision p (its value is overwritten by its user).
  mpfr_ptr at(int i, mpfr_prec_t p) {
    if (mpfr_get_prec(scalar[i]) != p) mpfr_set_prec(scalar[i], p);
    return scalar[i];
  }
};
inline PanelScratch& panel_scratch() {
  thread_local PanelScratch scratch;
  return scratch;
}

inline mpfr_srcptr no_subtrahend(Eigen::Index, Eigen::Index) {
  return nullptr;
}
inline void no_update(Eigen::Index, Eigen::Index) {}

/// out = x y - c for one term (c may be null), rounded once: with c at Mp's three limbs by
/// exact_dot::fms_three_limbs (~1.5x faster than mpfr_fms; its inexact flag joins the call's,
/// raised once at the end as on the panel path), else by MPFR's own mpfr_fms or mpfr_mul (which
/// raise MPFR's flags themselves); every path correctly rounded, so the same value. An exact zero
/// result is +0, as on the panel path. Why: for a one-term product the panels' set-up (two passes
/// over each operand, then a 128-bit column sum and its rounding per entry) costs about twice the
/// MPFR call, and rank-one factors (r = 1: every entry of ZW - Y) are common among the claims'
/// small mp instances (A5.family's 8 x 8 steps: 64 of them per step). Two-term products through
/// mpfr_fmma, or with a c through mpfr_sum of exact products, measured no faster than the panels,
/// so they take the panels (fa-bench: the mp rows at the claims' sizes, 2x2x1 to 8x8x4).
inline void one_term(mpfr_ptr o, mpfr_srcptr x, mpfr_srcptr y, mpfr_srcptr c,
                     exact_dot::Rounding& rounding) {
  if (c) {
    bool inexact = false;
    if (exact_dot::fms_three_limbs(o, x, y, c, rounding, inexact)) {
      rounding.inexact = rounding.inexact || inexact;
      return;
    }
    mpfr_fms(o, x, y, c, MPFR_RNDN);
  } else {
    mpfr_mul(o, x, y, MPFR_RNDN);
  }
  if (mpfr_zero_p(o)) mpfr_set_zero(o, 1);
}

/// For every qy < ny and qx < nx (qx fastest): out(qx, qy) = x_qx . y_qy - c(qx, qy) exactly,
/// rounded once (c may be null), then update(qx, qy). x_qx is the vector k -> xget(qx, k) of
/// length len, likewise y_qy. one_term for len = 1; else the digit path of
/// exact_dot.hpp when it applies, else its general path; the same value on every path.
template <class XGet, class YGet, class CGet, class Out, class Update>
void exact_dots(Eigen::Index nx, Eigen::Index ny, Eigen::Index len, XGet xget, YGet yget, CGet cget,
                Out out, Update update) {
  if (len == 1) {
    exact_dot::Rounding rounding;
    for (Eigen::Index qy = 0; qy < ny; ++qy)
      for (Eigen::Index qx = 0; qx < nx; ++qx) {
        one_term(out(qx, qy), xget(qx, 0), yget(qy, 0), cget(qx, qy), rounding);
        update(qx, qy);
      }
    if (rounding.inexact) mpfr_set_inexflag();
    return;
  }
  PanelScratch& s = panel_scratch();
  exact_dot::scan_panels(s.x, nx, len, xget);
  exact_dot::scan_panels(s.y, ny, len, yget);
  const bool general = s.x.special || s.y.special;
  if (!general) {
    exact_dot::fill_panels(s.x, xget);
    exact_dot::fill_panels(s.y, yget);
  }
  const exact_dot::DotTable& dots = exact_dot::dot_table();
  exact_dot::Rounding rounding;
  for (Eigen::Index qy = 0; qy < ny; ++qy)
    for (Eigen::Index qx = 0; qx < nx; ++qx) {
      const mpfr_ptr o = out(qx, qy);
      const mpfr_srcptr c = cget(qx, qy);
      if (general ||
          !dots(s.x.D[std::size_t(qx)], s.y.D[std::size_t(qy)])(o, s.x, qx, s.y, qy, c, rounding))
        exact_dot::dot_general(
            o, [&](Eigen::Index k) { return xget(qx, k); },
            [&](Eigen::Index k) { return yget(qy, k); }, len, c);
      update(qx, qy);
    }
  if (rounding.inexact) mpfr_set_inexflag();  // MPFR's flag, as its own operations raise it
}

}  // namespace detail

/// True when Eigen computes an (rows x depth)(depth x cols) double product in a single pass over
/// the inner index, so that each entry of the product is one accumulated sum acc, added to the
/// destination once (dst <- dst + acc): the depth fits in one block of its GEMM (the blocking it
/// computes from the cache sizes, single-threaded) and in one column block of its GEMV kernel
/// (used when rows or cols is 1; it splits depths >= 128).
inline bool single_pass_product(Eigen::Index rows, Eigen::Index cols, Eigen::Index depth) {
  if (depth >= 128) return false;
  Eigen::Index kc = depth, mc = rows, nc = cols;
  Eigen::internal::computeProductBlockingSizes<double, double, 1, Eigen::Index>(kc, mc, nc, 1);
  return kc >= depth;
}

/// E = ZW - Y, for the step functions.
///   double: E = -Y, then E += Z*W through Eigen's product (GEMM, or the coefficient-based product
///   for tiny sizes). Each entry is then fl(acc + (-y)) = fl(acc - y), the value the plain
///   `E = Z*W; E -= Y` gives (which computes fl(fl(0 + acc) - y)), because acc is the same sum in
///   both when the product is a single pass over the depth r (r < 128 and within Eigen's depth
///   block, see single_pass_product); otherwise the plain expression is used. The one possible
///   difference is the sign of an exact zero (acc = -0 and y = 0): a step never divides, so no
///   later operation turns it into a different value. tests/unit/test_kernels.cpp checks
///   equality (==) with the plain step.
///   Other non-MPFR types (Rational): the plain expression.
template <class T>
void dense_residual(const Mat<T>& Z, const Mat<T>& W, const Mat<T>& Y, Mat<T>& E) {
  if constexpr (std::is_same_v<T, double>) {
    if (single_pass_product(Z.rows(), W.cols(), Z.cols())) {
      E.noalias() = -Y;
      E.noalias() += Z * W;
      return;
    }
  }
  E.noalias() = Z * W;
  E -= Y;
}

// ---- MPFR kernels
// --------------------------------------------------------------------------------

/// E = Z W - Y (MPFR types). Entry (i, j): the exact sum_k Z(i,k) W(k,j) - Y(i,j), rounded once.
template <class T>
void mpfr_residual(const Mat<T>& Z, const Mat<T>& W, const Mat<T>& Y, Mat<T>& E) {
  using namespace detail;
  eigen_assert(W.rows() == Z.cols() && Y.rows() == Z.rows() && Y.cols() == W.cols());
  const Eigen::Index n = Z.rows(), r = Z.cols(), m = W.cols();
  const mpfr_prec_t p = working_precision<T>();
  check_operand("mpfr_residual", "Z", Z, p);
  check_operand("mpfr_residual", "W", W, p);
  check_operand("mpfr_residual", "Y", Y, p);
  prepare_output(E, n, m, p);
  const T *z = Z.data(), *w = W.data(), *y = Y.data();
  T* e = E.data();
  exact_dots(
      n, m, r, [&](Eigen::Index i, Eigen::Index k) { return in(z[i + k * n]); },  // row i of Z
      [&](Eigen::Index j, Eigen::Index k) { return in(w[k + j * r]); },           // column j of W
      [&](Eigen::Index i, Eigen::Index j) { return in(y[i + j * n]); },
      [&](Eigen::Index i, Eigen::Index j) { return out(e[i + j * n]); }, no_update);
  check_result("mpfr_residual", "E", E, p);
}

namespace detail {

/// C = A op(B), op(B) = B or B^T (`b_transposed`): entry (i, j) the exact sum_k A(i,k)
/// op(B)(k,j), rounded once. `kernel` names the public kernel in the precision checks.
template <class T>
void times_any(const char* kernel, const Mat<T>& A, const Mat<T>& B, bool b_transposed,
               Mat<T>& C) {
  const Eigen::Index rows = A.rows(), depth = A.cols();
  const Eigen::Index cols = b_transposed ? B.rows() : B.cols();
  eigen_assert((b_transposed ? B.cols() : B.rows()) == depth);
  const mpfr_prec_t p = working_precision<T>();
  check_operand(kernel, "A", A, p);
  check_operand(kernel, "B", B, p);
  prepare_output(C, rows, cols, p);
  // op(B)(k, j) = b[j * stride_j + k * stride_k]: B(k, j) or B(j, k), column-major
  const Eigen::Index stride_j = b_transposed ? 1 : depth, stride_k = b_transposed ? cols : 1;
  const T *a = A.data(), *b = B.data();
  T* c = C.data();
  exact_dots(
      rows, cols, depth,
      [&](Eigen::Index i, Eigen::Index k) { return in(a[i + k * rows]); },  // row i of A
      [&](Eigen::Index j, Eigen::Index k) { return in(b[j * stride_j + k * stride_k]); },
      no_subtrahend, [&](Eigen::Index i, Eigen::Index j) { return out(c[i + j * rows]); },
      no_update);
  check_result(kernel, "C", C, p);
}

}  // namespace detail

/// C = A B (A: p x q, B: q x m; the deep networks' forward products P_l = W_l P_{l-1},
/// dynamics/deep.hpp). Entry (i, j): the exact sum_k A(i,k) B(k,j), rounded once (mpfr_residual
/// without the subtraction).
template <class T>
void times(const Mat<T>& A, const Mat<T>& B, Mat<T>& C) {
  detail::times_any("times", A, B, false, C);
}

/// C = A B^T (A: p x q, B: m x q; an instance's target Y = (U diag(s)) V^T, generators/; the
/// deep flows' delta_l P_{l-1}^T). Entry (i, j): the exact sum_k A(i,k) B(j,k), rounded once.
template <class T>
void times_transpose(const Mat<T>& A, const Mat<T>& B, Mat<T>& C) {
  detail::times_any("times_transpose", A, B, true, C);
}

/// ||M||_F^2: the exact sum of the squared entries, rounded once (a loss, FA's limit error).
template <class T>
T squared_norm(const Mat<T>& M) {
  using namespace detail;
  const mpfr_prec_t p = working_precision<T>();
  check_operand("squared_norm", "M", M, p);
  T result(0);
  if (M.size() == 0) return result;
  const T* m = M.data();
  auto entry = [&](Eigen::Index, Eigen::Index q) { return in(m[q]); };
  exact_dots(
      1, 1, M.size(), entry, entry, no_subtrahend,
      [&](Eigen::Index, Eigen::Index) { return out(result); }, no_update);
  return result;
}

/// G = A^T E (A: n x r, E: n x m, G: r x m). Entry (k, j): the exact sum_i A(i,k) E(i,j),
/// rounded once.
template <class T>
void transpose_times(const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  using namespace detail;
  eigen_assert(E.rows() == A.rows());
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  const mpfr_prec_t p = working_precision<T>();
  check_operand("transpose_times", "A", A, p);
  check_operand("transpose_times", "E", E, p);
  prepare_output(G, r, m, p);
  const T *a = A.data(), *e = E.data();
  T* g = G.data();
  exact_dots(
      r, m, n, [&](Eigen::Index k, Eigen::Index i) { return in(a[i + k * n]); },  // column k of A
      [&](Eigen::Index j, Eigen::Index i) { return in(e[i + j * n]); },           // column j of E
      no_subtrahend, [&](Eigen::Index k, Eigen::Index j) { return out(g[k + j * r]); }, no_update);
  check_result("transpose_times", "G", G, p);
}

/// Z <- Z - eta (E V^T) (E: n x m, V: r x m, Z: n x r). Entry (i, k): s = the exact
/// sum_j E(i,j) V(k,j) rounded once, then Z(i,k) - eta*s (two more roundings, as Eigen's GEMM
/// with alpha = -eta). Z does not enter the sum, so updating it in place is the simultaneous
/// update.
template <class T>
void sub_scaled_times_transpose(Mat<T>& Z, const T& eta, const Mat<T>& E, const Mat<T>& V) {
  using namespace detail;
  eigen_assert(V.cols() == E.cols() && Z.rows() == E.rows() && Z.cols() == V.rows());
  const Eigen::Index n = E.rows(), m = E.cols(), r = V.rows();
  const mpfr_prec_t p = working_precision<T>();
  check_operand("sub_scaled_times_transpose", "Z", Z, p);
  check_operand("sub_scaled_times_transpose", "eta", eta, p);
  check_operand("sub_scaled_times_transpose", "E", E, p);
  check_operand("sub_scaled_times_transpose", "V", V, p);
  PanelScratch& scratch = panel_scratch();
  const mpfr_ptr acc = scratch.at(0, p), t = scratch.at(1, p), spare = scratch.at(2, p);
  const T *e = E.data(), *v = V.data();
  T* z = Z.data();
  exact_dots(
      n, r, m, [&](Eigen::Index i, Eigen::Index j) { return in(e[i + j * n]); },  // row i of E
      [&](Eigen::Index k, Eigen::Index j) { return in(v[k + j * r]); },           // row k of V
      no_subtrahend, [&](Eigen::Index, Eigen::Index) { return acc; },
      [&](Eigen::Index i, Eigen::Index k) {
        mpfr_mul(t, acc, in(eta), MPFR_RNDN);
        sub_in_place<T>(out(z[i + k * n]), t, p, spare);
      });
  check_result("sub_scaled_times_transpose", "Z", Z, p);
}

/// X <- -X, entrywise (exact: MPFR's negation only flips the sign).
template <class T>
void negate(Mat<T>& X) {
  for (Eigen::Index q = 0; q < X.size(); ++q)
    mpfr_neg(detail::out(X.data()[q]), detail::in(X.data()[q]), MPFR_RNDN);
}

/// X <- X - c G, entrywise: X(i,j) - c*G(i,j) with two roundings (as Eigen's plain expression).
template <class T>
void sub_scaled(Mat<T>& X, const T& c, const Mat<T>& G) {
  using namespace detail;
  const mpfr_prec_t p = working_precision<T>();
  eigen_assert(X.rows() == G.rows() && X.cols() == G.cols());
  check_operand("sub_scaled", "X", X, p);
  check_operand("sub_scaled", "c", c, p);
  check_operand("sub_scaled", "G", G, p);
  PanelScratch& scratch = panel_scratch();
  const mpfr_ptr t = scratch.at(1, p), spare = scratch.at(2, p);
  T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t, in(c), in(g[q]), MPFR_RNDN);
    sub_in_place<T>(out(x[q]), t, p, spare);
  }
  check_result("sub_scaled", "X", X, p);
}

/// Dst = X - c G, entrywise (FA*'s average W_mid = W - (eta/2) G).
template <class T>
void assign_sub_scaled(Mat<T>& Dst, const Mat<T>& X, const T& c, const Mat<T>& G) {
  using namespace detail;
  const mpfr_prec_t p = working_precision<T>();
  check_operand("assign_sub_scaled", "X", X, p);
  check_operand("assign_sub_scaled", "c", c, p);
  check_operand("assign_sub_scaled", "G", G, p);
  prepare_output(Dst, X.rows(), X.cols(), p);
  const mpfr_ptr t = panel_scratch().at(1, p);
  T* d = Dst.data();
  const T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t, in(c), in(g[q]), MPFR_RNDN);
    mpfr_sub(out(d[q]), in(x[q]), t, MPFR_RNDN);
  }
  check_result("assign_sub_scaled", "Dst", Dst, p);
}

}  // namespace fa::kernels
