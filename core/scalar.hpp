// The scalar types of fa-verify, in one place.
//
//   double    IEEE binary64, 53 bits.
//   Mp        fixed high precision: MPFR, 50 decimal digits (168 bits), stack-allocated limbs,
//             expression templates off (Eigen's generic kernels need plain value types).
//   MpVar     MPFR with the precision chosen at run time (precision ladder, fa-check --precision).
//   Rational  exact GMP rationals, for identities that must hold with residual exactly zero.
//
// Boost 1.74's Eigen support is incomplete for Eigen 3.4 (no infinity/quiet_NaN/digits/... in
// NumTraits; lowest() wrong), so each concrete type gets a full NumTraits specialisation below; a
// full specialisation wins over Boost's partial one.
#pragma once

#include <boost/multiprecision/eigen.hpp>
#include <boost/multiprecision/gmp.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include <Eigen/Core>

#include "core/eigen_kernels.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

namespace fa {

namespace bmp = boost::multiprecision;

using Mp = bmp::number<bmp::mpfr_float_backend<50, bmp::allocate_stack>, bmp::et_off>;
using MpVar = bmp::number<bmp::mpfr_float_backend<0>, bmp::et_off>;
using Rational = bmp::number<bmp::gmp_rational, bmp::et_off>;

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// Name of a scalar type as it appears in test names, reports and the CLI.
template <class T>
struct ScalarName;
template <>
struct ScalarName<double> {
  static std::string get() { return "double"; }
};
template <>
struct ScalarName<Mp> {
  static std::string get() { return "mp"; }
};
template <>
struct ScalarName<MpVar> {
  static std::string get() { return "mpfr"; }
};
template <>
struct ScalarName<Rational> {
  static std::string get() { return "exact"; }
};
template <class T>
std::string scalar_name() {
  return ScalarName<T>::get();
}

/// Working precision in bits (for MpVar: the current thread default).
template <class T>
int precision_bits() {
  if constexpr (std::is_same_v<T, MpVar>) {
    return static_cast<int>(bmp::detail::digits10_2_2(MpVar::default_precision()));
  } else {
    return std::numeric_limits<T>::digits;
  }
}

/// Unit roundoff of the type: 2^(1 - bits). For MpVar it follows the current precision.
template <class T>
T epsilon() {
  if constexpr (std::is_same_v<T, MpVar>) {
    return ldexp(MpVar(1), 1 - precision_bits<MpVar>());
  } else {
    return std::numeric_limits<T>::epsilon();
  }
}

/// Sets MpVar's working precision to at least `bits` (MPFR via Boost counts in decimal digits;
/// the precision actually obtained is returned and is what reports must quote).
inline int set_mpvar_bits(int bits) {
  unsigned d10 = 1;
  while (bmp::detail::digits10_2_2(d10) < static_cast<unsigned long>(bits)) ++d10;
  MpVar::default_precision(d10);
  return precision_bits<MpVar>();
}

template <class T>
double to_double(const T& x) {
  if constexpr (std::is_same_v<T, double>) {
    return x;
  } else {
    return x.template convert_to<double>();
  }
}

/// Full-precision decimal text of a value (round-trips for double and the mpfr types).
template <class T>
std::string to_text(const T& x) {
  std::ostringstream os;
  if constexpr (std::is_same_v<T, double>) {
    os.precision(17);
    os << x;
  } else if constexpr (std::is_same_v<T, Rational>) {
    os << x;
  } else if constexpr (std::is_same_v<T, MpVar>) {
    os.precision(static_cast<std::streamsize>(MpVar::default_precision()) + 3);
    os << x;
  } else {
    os.precision(std::numeric_limits<T>::max_digits10);
    os << x;
  }
  return os.str();
}

template <class T>
bool is_finite(const T& x) {
  if constexpr (std::is_same_v<T, Rational>) {
    return true;
  } else {
    using boost::multiprecision::isfinite;
    using std::isfinite;
    return isfinite(x);
  }
}

template <class T>
bool all_finite(const Mat<T>& M) {
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i)
      if (!is_finite(M(i, j))) return false;
  return true;
}

template <class T, class U>
Mat<T> cast_matrix(const Mat<U>& M) {
  Mat<T> out(M.rows(), M.cols());
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      if constexpr (std::is_same_v<T, double>) {
        out(i, j) = to_double(M(i, j));
      } else {
        out(i, j) = T(M(i, j));
      }
    }
  return out;
}

}  // namespace fa

namespace Eigen {

namespace fa_detail {
template <class T>
struct MpNumTraits : GenericNumTraits<T> {
  using Real = T;
  using NonInteger = T;
  using Literal = T;
  using Nested = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 4,
    MulCost = 8
  };
  static T epsilon() { return fa::epsilon<T>(); }
  static T dummy_precision() { return 1000 * epsilon(); }
  static T highest() { return (std::numeric_limits<T>::max)(); }
  static T lowest() { return -highest(); }
  static T infinity() { return std::numeric_limits<T>::infinity(); }
  static T quiet_NaN() { return std::numeric_limits<T>::quiet_NaN(); }
  static int digits10() { return std::numeric_limits<T>::digits10; }
  static int max_digits10() { return std::numeric_limits<T>::max_digits10; }
  static int digits() { return fa::precision_bits<T>(); }
  static int min_exponent() { return std::numeric_limits<T>::min_exponent; }
  static int max_exponent() { return std::numeric_limits<T>::max_exponent; }
};
}  // namespace fa_detail

template <>
struct NumTraits<fa::Mp> : fa_detail::MpNumTraits<fa::Mp> {};
template <>
struct NumTraits<fa::MpVar> : fa_detail::MpNumTraits<fa::MpVar> {
  static int digits10() { return static_cast<int>(fa::MpVar::default_precision()); }
  static int max_digits10() { return digits10() + 3; }
};

// Rationals are only ever multiplied and added (exact identity checks); no decompositions.
template <>
struct NumTraits<fa::Rational> : GenericNumTraits<fa::Rational> {
  using Real = fa::Rational;
  using NonInteger = fa::Rational;
  using Literal = fa::Rational;
  using Nested = fa::Rational;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 8,
    MulCost = 16
  };
  static fa::Rational epsilon() { return fa::Rational(0); }
  static fa::Rational dummy_precision() { return fa::Rational(0); }
  static fa::Rational highest() { return fa::Rational(std::numeric_limits<double>::max()); }
  static fa::Rational lowest() { return -highest(); }
  static int digits10() { return 0; }
  static int max_digits10() { return 0; }
};

}  // namespace Eigen

// Eigen's product kernels for our scalars are compiled once, in fa_core (core/eigen_kernels.hpp);
// every target linking fa_core sees them as extern templates.
#ifdef FA_CORE_EIGEN_KERNELS
namespace Eigen::internal {
FA_EIGEN_GEMM_KERNELS(extern, double)
FA_EIGEN_GEMM_KERNELS(extern, fa::Mp)
FA_EIGEN_GEMM_KERNELS(extern, fa::MpVar)
FA_EIGEN_GEMM_KERNELS(extern, fa::Rational)
}  // namespace Eigen::internal
#endif
