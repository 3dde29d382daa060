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
// an MPFR number). These kernels work on the mpfr_t values themselves, with two preallocated
// temporaries per call and no other allocation, so a step costs about what the raw MPFR
// multiply-adds cost (bench/ measures both).
//
// Arithmetic: every product is rounded (mpfr_mul) and then added (mpfr_add), both to the working
// precision, exactly like Eigen's generic kernel (pmadd(a, b, c) = a*b + c with two roundings).
// The one difference is the order of summation: each entry is summed strictly left to right over
// the inner index, whereas Eigen's blocked GEMM may split the sum (depth blocking that depends on
// the cache sizes it detects, alternating accumulators for a leftover row). So the results can
// differ from Eigen's in the last bits; tests/unit/test_kernels.cpp checks agreement with the
// plain Eigen expressions to the standard rounding-error bound of a dot product (see there).
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
// The checks are on the operands and results; scratch values are internal (a scratch value at
// too low a precision is a rounding bug, which the claims' mp identity checks catch: see the
// mutants in tests/mutants/mpfr_mutants.hpp).
#pragma once

#include "core/scalar.hpp"

#include <mpfr.h>

#include <Eigen/Core>

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

/// E = Z W - Y (MPFR types).  Entry (i, j): sum_k Z(i,k) W(k,j) left to right, then minus Y(i,j).
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
  Temp acc(p), t(p);
  for (Eigen::Index j = 0; j < m; ++j) {
    const T* wj = W.data() + j * r;
    for (Eigen::Index i = 0; i < n; ++i) {
      const T* zi = Z.data() + i;  // row i of Z, stride n
      if (r == 0) {
        mpfr_set_zero(acc.v, 1);
      } else {
        mpfr_mul(acc.v, in(zi[0]), in(wj[0]), MPFR_RNDN);
        for (Eigen::Index k = 1; k < r; ++k) {
          mpfr_mul(t.v, in(zi[k * n]), in(wj[k]), MPFR_RNDN);
          mpfr_add(acc.v, acc.v, t.v, MPFR_RNDN);
        }
      }
      mpfr_sub(out(E(i, j)), acc.v, in(Y(i, j)), MPFR_RNDN);
    }
  }
  check_result("mpfr_residual", "E", E, p);
}

/// C = A B (A: p x q, B: q x m; the deep networks' forward products P_l = W_l P_{l-1},
/// dynamics/deep.hpp). Entry (i, j): sum_k A(i,k) B(k,j) left to right, as mpfr_residual without
/// the subtraction.
template <class T>
void times(const Mat<T>& A, const Mat<T>& B, Mat<T>& C) {
  using namespace detail;
  eigen_assert(B.rows() == A.cols());
  const Eigen::Index rows = A.rows(), depth = A.cols(), cols = B.cols();
  const mpfr_prec_t p = working_precision<T>();
  check_operand("times", "A", A, p);
  check_operand("times", "B", B, p);
  prepare_output(C, rows, cols, p);
  Temp t(p);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const T* bj = B.data() + j * depth;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const T* ai = A.data() + i;  // row i of A, stride rows
      mpfr_ptr c = out(C(i, j));
      if (depth == 0) {
        mpfr_set_zero(c, 1);
        continue;
      }
      mpfr_mul(c, in(ai[0]), in(bj[0]), MPFR_RNDN);
      for (Eigen::Index k = 1; k < depth; ++k) {
        mpfr_mul(t.v, in(ai[k * rows]), in(bj[k]), MPFR_RNDN);
        mpfr_add(c, c, t.v, MPFR_RNDN);
      }
    }
  }
  check_result("times", "C", C, p);
}

/// G = A^T E (A: n x r, E: n x m, G: r x m). Entry (k, j): sum_i A(i,k) E(i,j) left to right;
/// both operands are contiguous columns.
template <class T>
void transpose_times(const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  using namespace detail;
  eigen_assert(E.rows() == A.rows());
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  const mpfr_prec_t p = working_precision<T>();
  check_operand("transpose_times", "A", A, p);
  check_operand("transpose_times", "E", E, p);
  prepare_output(G, r, m, p);
  Temp t(p);
  for (Eigen::Index j = 0; j < m; ++j) {
    const T* ej = E.data() + j * n;
    for (Eigen::Index k = 0; k < r; ++k) {
      const T* ak = A.data() + k * n;
      mpfr_ptr g = out(G(k, j));
      if (n == 0) {
        mpfr_set_zero(g, 1);
        continue;
      }
      mpfr_mul(g, in(ak[0]), in(ej[0]), MPFR_RNDN);
      for (Eigen::Index i = 1; i < n; ++i) {
        mpfr_mul(t.v, in(ak[i]), in(ej[i]), MPFR_RNDN);
        mpfr_add(g, g, t.v, MPFR_RNDN);
      }
    }
  }
  check_result("transpose_times", "G", G, p);
}

/// Z <- Z - eta (E V^T) (E: n x m, V: r x m, Z: n x r). Entry (i, k): s = sum_j E(i,j) V(k,j)
/// left to right, then Z(i,k) - eta*s (two roundings, as Eigen's GEMM with alpha = -eta).
/// Z does not enter the sum, so updating it in place is the simultaneous update.
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
  Temp acc(p), t(p), spare(p);
  for (Eigen::Index k = 0; k < r; ++k) {
    const T* vk = V.data() + k;  // row k of V, stride r
    for (Eigen::Index i = 0; i < n; ++i) {
      const T* ei = E.data() + i;  // row i of E, stride n
      if (m == 0) {
        mpfr_set_zero(acc.v, 1);
      } else {
        mpfr_mul(acc.v, in(ei[0]), in(vk[0]), MPFR_RNDN);
        for (Eigen::Index j = 1; j < m; ++j) {
          mpfr_mul(t.v, in(ei[j * n]), in(vk[j * r]), MPFR_RNDN);
          mpfr_add(acc.v, acc.v, t.v, MPFR_RNDN);
        }
      }
      mpfr_mul(t.v, acc.v, in(eta), MPFR_RNDN);
      sub_in_place<T>(out(Z(i, k)), t.v, p, spare.v);
    }
  }
  check_result("sub_scaled_times_transpose", "Z", Z, p);
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
  Temp t(p), spare(p);
  T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t.v, in(c), in(g[q]), MPFR_RNDN);
    sub_in_place<T>(out(x[q]), t.v, p, spare.v);
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
  Temp t(p);
  T* d = Dst.data();
  const T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t.v, in(c), in(g[q]), MPFR_RNDN);
    mpfr_sub(out(d[q]), in(x[q]), t.v, MPFR_RNDN);
  }
  check_result("assign_sub_scaled", "Dst", Dst, p);
}

}  // namespace fa::kernels
