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
#pragma once

#include "core/scalar.hpp"

#include <mpfr.h>

#include <Eigen/Core>

#include <type_traits>

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

/// x <- x - t, rounded to precision p (in place when x already has it, the usual case).
inline void sub_in_place(mpfr_ptr x, mpfr_srcptr t, mpfr_prec_t p, mpfr_ptr spare) {
  if (mpfr_get_prec(x) == p) {
    mpfr_sub(x, x, t, MPFR_RNDN);
  } else {
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
}

/// G = A^T E (A: n x r, E: n x m, G: r x m). Entry (k, j): sum_i A(i,k) E(i,j) left to right;
/// both operands are contiguous columns.
template <class T>
void transpose_times(const Mat<T>& A, const Mat<T>& E, Mat<T>& G) {
  using namespace detail;
  eigen_assert(E.rows() == A.rows());
  const Eigen::Index n = A.rows(), r = A.cols(), m = E.cols();
  const mpfr_prec_t p = working_precision<T>();
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
      sub_in_place(out(Z(i, k)), t.v, p, spare.v);
    }
  }
}

/// X <- X - c G, entrywise: X(i,j) - c*G(i,j) with two roundings (as Eigen's plain expression).
template <class T>
void sub_scaled(Mat<T>& X, const T& c, const Mat<T>& G) {
  using namespace detail;
  const mpfr_prec_t p = working_precision<T>();
  eigen_assert(X.rows() == G.rows() && X.cols() == G.cols());
  Temp t(p), spare(p);
  T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t.v, in(c), in(g[q]), MPFR_RNDN);
    sub_in_place(out(x[q]), t.v, p, spare.v);
  }
}

/// Dst = X - c G, entrywise (FA*'s average W_mid = W - (eta/2) G).
template <class T>
void assign_sub_scaled(Mat<T>& Dst, const Mat<T>& X, const T& c, const Mat<T>& G) {
  using namespace detail;
  const mpfr_prec_t p = working_precision<T>();
  prepare_output(Dst, X.rows(), X.cols(), p);
  Temp t(p);
  T* d = Dst.data();
  const T* x = X.data();
  const T* g = G.data();
  for (Eigen::Index q = 0; q < X.size(); ++q) {
    mpfr_mul(t.v, in(c), in(g[q]), MPFR_RNDN);
    mpfr_sub(out(d[q]), in(x[q]), t.v, MPFR_RNDN);
  }
}

}  // namespace fa::kernels
