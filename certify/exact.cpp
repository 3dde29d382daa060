// Exact linear algebra on FLINT integer matrices (certify/exact.hpp).
#include "certify/int_matrix.hpp"

#include <gmp.h>
#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace fa::exact {

namespace {

/// RAII mpz / fmpz temporaries.
struct Mpz {
  mpz_t v;
  Mpz() { mpz_init(v); }
  ~Mpz() { mpz_clear(v); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
};
struct Fmpz {
  fmpz_t v;
  Fmpz() { fmpz_init(v); }
  ~Fmpz() { fmpz_clear(v); }
  Fmpz(const Fmpz&) = delete;
  Fmpz& operator=(const Fmpz&) = delete;
};

Rational rational_of(const fmpz_t num, const fmpz_t den) {
  Mpz a, b;
  fmpz_get_mpz(a.v, num);
  fmpz_get_mpz(b.v, den);
  Rational q;
  mpq_set_num(q.backend().data(), a.v);
  mpq_set_den(q.backend().data(), b.v);
  mpq_canonicalize(q.backend().data());
  return q;
}

Rational rational_of(const fmpz_t num) {
  Fmpz one;
  fmpz_one(one.v);
  return rational_of(num, one.v);
}

}  // namespace

Rational to_rational(double x) {
  if (!std::isfinite(x)) throw std::domain_error("a non-finite double has no exact rational value");
  Rational q;
  mpq_set_d(q.backend().data(), x);  // exact: every finite double is a binary fraction
  return q;
}

namespace {
template <class T>
Rational mpfr_to_rational(const T& x) {
  if (!is_finite(x)) throw std::domain_error("a non-finite value has no exact rational value");
  Rational q;
  mpfr_get_q(q.backend().data(), x.backend().data());  // exact (MPFR >= 4.0)
  return q;
}
}  // namespace

Rational to_rational(const Mp& x) {
  return mpfr_to_rational(x);
}
Rational to_rational(const MpVar& x) {
  return mpfr_to_rational(x);
}

IntMatrix::IntMatrix(long rows, long cols) : rows_(rows), cols_(cols) {
  fmpz_mat_init(mat_, rows, cols);
}
IntMatrix::IntMatrix(const IntMatrix& other) : rows_(other.rows_), cols_(other.cols_) {
  fmpz_mat_init_set(mat_, other.mat_);
}
IntMatrix& IntMatrix::operator=(const IntMatrix& other) {
  if (this != &other) {
    fmpz_mat_clear(mat_);
    rows_ = other.rows_;
    cols_ = other.cols_;
    fmpz_mat_init_set(mat_, other.mat_);
  }
  return *this;
}
IntMatrix::~IntMatrix() {
  fmpz_mat_clear(mat_);
}

ScaledMatrix scaled(const Mat<Rational>& M) {
  // den = lcm of the entries' denominators; num = entry * den.
  Mpz lcm;
  mpz_set_ui(lcm.v, 1);
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i)
      mpz_lcm(lcm.v, lcm.v, mpq_denref(M(i, j).backend().data()));
  ScaledMatrix out{IntMatrix(M.rows(), M.cols()), Rational(0)};
  Mpz t;
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      const mpq_srcptr q = M(i, j).backend().data();
      mpz_divexact(t.v, lcm.v, mpq_denref(q));
      mpz_mul(t.v, t.v, mpq_numref(q));
      fmpz_set_mpz(out.num.at(i, j), t.v);
    }
  mpq_set_z(out.den.backend().data(), lcm.v);
  return out;
}

ScaledMatrix scaled(const Mat<double>& M) {
  // x = mantissa * 2^exponent with an odd (or zero) 53-bit integer mantissa; k = the largest
  // -exponent, so that every x * 2^k is an integer.
  long k = 0;
  std::vector<std::int64_t> mant(static_cast<std::size_t>(M.size()));
  std::vector<long> expo(mant.size());
  for (Eigen::Index q = 0; q < M.size(); ++q) {
    const double x = M.data()[q];
    if (!std::isfinite(x))
      throw std::domain_error("a non-finite double has no exact rational value");
    int e = 0;
    const double f = std::frexp(x, &e);                              // x = f 2^e, 0.5 <= |f| < 1
    std::int64_t mi = static_cast<std::int64_t>(std::ldexp(f, 53));  // exact: 53-bit integer
    long ex = static_cast<long>(e) - 53;
    if (mi == 0) {
      ex = 0;
    } else {
      while ((mi & 1) == 0) mi /= 2, ++ex;
    }
    mant[static_cast<std::size_t>(q)] = mi;
    expo[static_cast<std::size_t>(q)] = ex;
    if (mi != 0 && -ex > k) k = -ex;
  }
  ScaledMatrix out{IntMatrix(M.rows(), M.cols()), Rational(0)};
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      const auto q = static_cast<std::size_t>(j * M.rows() + i);
      fmpz* e = out.num.at(i, j);
      fmpz_set_si(e, static_cast<slong>(mant[q]));
      if (mant[q] != 0) fmpz_mul_2exp(e, e, static_cast<ulong>(expo[q] + k));
    }
  Mpz den;
  mpz_set_ui(den.v, 1);
  mpz_mul_2exp(den.v, den.v, static_cast<mp_bitcnt_t>(k));
  mpq_set_z(out.den.backend().data(), den.v);
  return out;
}

IntMatrix multiply(const IntMatrix& A, const IntMatrix& B) {
  if (A.cols() != B.rows()) throw std::invalid_argument("exact::multiply: shapes do not match");
  IntMatrix C(A.rows(), B.cols());
  if (A.rows() > 0 && B.cols() > 0 && A.cols() > 0) fmpz_mat_mul(C.get(), A.get(), B.get());
  return C;
}

IntMatrix transpose(const IntMatrix& A) {
  IntMatrix T(A.cols(), A.rows());
  if (A.rows() > 0 && A.cols() > 0) fmpz_mat_transpose(T.get(), A.get());
  return T;
}

long rank(const IntMatrix& A) {
  if (A.rows() == 0 || A.cols() == 0) return 0;
  return static_cast<long>(fmpz_mat_rank(A.get()));
}

IntMatrix independent_rows(const IntMatrix& A) {
  // The pivot columns of rref(A^T) are the rows of A that are independent of the rows before
  // them (the first rank(A) such rows span the row space).
  std::vector<long> keep;
  if (A.rows() > 0 && A.cols() > 0) {
    const IntMatrix At = transpose(A);
    IntMatrix R(At.rows(), At.cols());
    Fmpz den;
    const slong rk = fmpz_mat_rref(R.get(), den.v, At.get());
    for (slong i = 0; i < rk; ++i)
      for (long j = 0; j < R.cols(); ++j)
        if (!fmpz_is_zero(R.at(i, j))) {
          keep.push_back(j);
          break;
        }
  }
  IntMatrix out(static_cast<long>(keep.size()), A.cols());
  for (std::size_t i = 0; i < keep.size(); ++i)
    for (long j = 0; j < A.cols(); ++j) fmpz_set(out.at(static_cast<long>(i), j), A.at(keep[i], j));
  return out;
}

Rational squared_norm(const IntMatrix& A) {
  Fmpz sum;
  for (long i = 0; i < A.rows(); ++i)
    for (long j = 0; j < A.cols(); ++j) fmpz_addmul(sum.v, A.at(i, j), A.at(i, j));
  return rational_of(sum.v);
}

Rational trace_of_solve(const IntMatrix& A, const IntMatrix& N) {
  if (A.rows() != A.cols() || N.rows() != A.rows())
    throw std::invalid_argument("exact::trace_of_solve: shapes do not match");
  if (A.rows() == 0) return Rational(0);
  IntMatrix X(N.rows(), N.cols());
  Fmpz den, trace;
  if (!fmpz_mat_solve(X.get(), den.v, A.get(), N.get()))
    throw std::domain_error("exact::trace_of_solve: the matrix is singular");
  for (long i = 0; i < X.rows(); ++i) fmpz_add(trace.v, trace.v, X.at(i, i));
  return rational_of(trace.v, den.v);
}

long rank(const Mat<Rational>& M) {
  const ScaledMatrix s = scaled(M);
  if (M.rows() <= 2 * M.cols() && M.cols() <= 2 * M.rows()) return rank(s.num);
  // Far from square: the Gram matrix on the smaller side has the same rank and is small.
  const IntMatrix t = transpose(s.num);
  return M.rows() > M.cols() ? rank(multiply(t, s.num)) : rank(multiply(s.num, t));
}

std::string decimal(const Rational& q, int digits, char rounding) {
  const mpfr_rnd_t rnd = rounding == 'U' ? MPFR_RNDU : rounding == 'D' ? MPFR_RNDD : MPFR_RNDN;
  mpfr_t x;
  // Enough bits that rounding to `digits` decimal digits is the only rounding that matters; a
  // directed rounding applied twice in the same direction keeps a bound a bound.
  mpfr_init2(x, static_cast<mpfr_prec_t>(4 * digits + 64));
  mpfr_set_q(x, q.backend().data(), rnd);
  char* text = nullptr;
  const std::string format = std::string("%.") + std::to_string(digits - 1) + "R" +
                             (rounding == 'U'   ? "U"
                              : rounding == 'D' ? "D"
                                                : "N") +
                             "e";
  mpfr_asprintf(&text, format.c_str(), x);
  std::string out = text ? text : "?";
  mpfr_free_str(text);
  mpfr_clear(x);
  return out;
}

std::string fraction(const Rational& q) {
  return to_text(q);
}

}  // namespace fa::exact
