// Integer matrices (FLINT fmpz_mat: fraction-free elimination for ranks and solves, fast
// products) behind certify/exact.hpp. Included by certify/*.cpp only.
//
// Every double and every MPFR value is a binary fraction, hence an exact rational; a rational
// matrix is held as an integer matrix over one positive common denominator, M = num / den (for
// doubles den is a power of two: the matrix scaled by 2^k to integers). Products, ranks and
// solves then run on integers, which is much faster than on GMP rationals (no gcd per operation).
#pragma once

#include "certify/exact.hpp"

#include <flint/fmpz.h>
#include <flint/fmpz_mat.h>

namespace fa::exact {

/// An integer matrix (FLINT fmpz_mat_t), owned.
class IntMatrix {
 public:
  IntMatrix(long rows, long cols);
  IntMatrix(const IntMatrix& other);
  IntMatrix& operator=(const IntMatrix& other);
  ~IntMatrix();
  long rows() const { return rows_; }
  long cols() const { return cols_; }
  fmpz_mat_struct* get() { return mat_; }
  const fmpz_mat_struct* get() const { return mat_; }
  fmpz* at(long i, long j) { return fmpz_mat_entry(mat_, i, j); }
  const fmpz* at(long i, long j) const { return fmpz_mat_entry(mat_, i, j); }

 private:
  long rows_, cols_;
  fmpz_mat_t mat_;
};

/// M = num / den with den > 0.
struct ScaledMatrix {
  IntMatrix num;
  Rational den;
};

ScaledMatrix scaled(const Mat<Rational>& M);
/// The same for doubles, directly from their bits (no rationals in between): den = 2^k.
ScaledMatrix scaled(const Mat<double>& M);

IntMatrix multiply(const IntMatrix& A, const IntMatrix& B);
IntMatrix transpose(const IntMatrix& A);
/// Exact rank (FLINT: fraction-free elimination).
long rank(const IntMatrix& A);
/// Rows of A that are linearly independent and span its row space (greedy, exact).
IntMatrix independent_rows(const IntMatrix& A);
/// ||A||_F^2 as an integer.
Rational squared_norm(const IntMatrix& A);
/// tr(A^{-1} N) exactly, for A square and non-singular; throws std::domain_error if singular.
Rational trace_of_solve(const IntMatrix& A, const IntMatrix& N);

}  // namespace fa::exact
