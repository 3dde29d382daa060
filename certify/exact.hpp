// Exact arithmetic for the certificates (certify/certificates.hpp): exact rational values of the
// suite's scalars, exact ranks, and exact numbers as text. The integer-matrix machinery behind it
// (FLINT) is in certify/int_matrix.hpp, included by certify/*.cpp only (FLINT's headers define
// macros such as ulong and slong that should not leak into the rest of the suite).
#pragma once

#include "core/scalar.hpp"

#include <string>

namespace fa::exact {

/// The exact rational value of a scalar of the suite (doubles and MPFR values are binary
/// fractions; nothing is rounded).
Rational to_rational(double x);
Rational to_rational(const Mp& x);
Rational to_rational(const MpVar& x);
inline Rational to_rational(const Rational& x) {
  return x;
}

template <class T>
Mat<Rational> to_rational(const Mat<T>& M) {
  Mat<Rational> out(M.rows(), M.cols());
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) out(i, j) = to_rational(M(i, j));
  return out;
}

template <class T>
Vec<Rational> to_rational(const Vec<T>& v) {
  Vec<Rational> out(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out(i) = to_rational(v(i));
  return out;
}

/// Exact rank of a rational matrix (of its Gram matrix on the smaller side: rank(M) =
/// rank(M^T M) over the rationals).
long rank(const Mat<Rational>& M);

/// Decimal text of an exact rational with `digits` significant digits, rounded in the direction
/// given ('N' nearest, 'U' up, 'D' down): an upper bound printed rounded up stays an upper bound.
std::string decimal(const Rational& q, int digits = 17, char rounding = 'N');
/// "num/den" (or "num" when den = 1).
std::string fraction(const Rational& q);

}  // namespace fa::exact
