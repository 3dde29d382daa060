// The input checks of the run library that its front ends share: `fa-check run`, `fa-check
// certify` and the Python module (faverify.run, faverify.certify) refuse bad input through these
// functions, so they refuse it with the same words (spelled with the front end's option names,
// run/run.hpp: Spelling).
#pragma once

#include "core/scalar.hpp"
#include "generators/random.hpp"
#include "io/matrix_convert.hpp"
#include "run/run.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace fa::run {

/// Refuses an input: throws UsageError with `msg` (one line, naming the option).
[[noreturn]] inline void refuse(const std::string& msg) {
  throw UsageError(msg);
}

/// "3x4".
inline std::string shape_text(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

/// r against a target Y given as a matrix (n x m): 1 <= r <= min(n, m). r_source says where r
/// came from ("--r 2", "r = 2 (columns of --b B.csv)").
inline void check_r_for_target(long long r, const std::string& r_source, const std::string& y_name,
                               long long n, long long m) {
  if (r < 1) refuse(r_source + ": r must be at least 1");
  if (r > std::min(n, m))
    refuse(r_source + ": r must be at most min(n, m) = " + std::to_string(std::min(n, m)) +
           " for Y " + y_name + " (" + shape_text(n, m) + ")");
}

/// B must be n x r.
template <class T>
void check_feedback_shape(const Mat<T>& B, const std::string& b_name, Eigen::Index n, long long r,
                          const std::string& r_source) {
  if (B.rows() != n || B.cols() != r)
    refuse("B " + b_name + " is " + shape_text(B.rows(), B.cols()) + ", expected " +
           shape_text(n, r) + " (n x r: n = rows of Y, " + r_source + ")");
}

/// B when no input gives it: N(0, 1/n) entries from the seed's feedback stream, as the suite's
/// instances draw it.
template <class T>
Mat<T> default_feedback(Eigen::Index n, long long r, std::uint64_t seed) {
  using std::sqrt;
  return cast_matrix<T>(gaussian_matrix(n, r, seed, Stream::feedback)) / sqrt(T(n));
}

/// A matrix file through the readers of io/matrix_io.hpp at `bits` (0: double; otherwise the
/// decimal text of CSV and .mtx entries is parsed at the working precision).
template <class T>
Mat<T> read_matrix_file(const std::string& path, int bits) {
  io::ReadOptions ro;
  ro.keep_text = !std::is_same_v<T, double>;
  ro.max_entries = entry_limit(bits);
  const io::RawMatrix raw = io::read_matrix(path, ro);
  try {
    return io::to_matrix<T>(raw);
  } catch (const std::runtime_error& e) {
    // Every text the reader accepted is a decimal number; MPFR refusing one would be our bug.
    throw io::MatrixIoError(path + ": an entry the reader accepted does not parse at " +
                            std::to_string(bits) + " bits (" + e.what() + ")");
  }
}

/// The inputs of a separation certificate (certify/certificates.hpp) on a user's Y and B.
struct CertifyInputs {
  Spelling spelling = Spelling::cli;
  MatrixSource<double> y, b;     // b not given: drawn from the seed as `fa-check run` draws it
  std::optional<long long> r;    // not given: the columns of b
  std::uint64_t seed = 0;
};

/// What the certificate is computed on, checked: Y, B (n x r) and where B came from.
struct CertifyProblem {
  Mat<double> Y, B;
  long long r = 0;
  std::string b_desc;  // the source's name, or "N(0, 1/n) entries from --seed S (as fa-check run)"
};

/// Loads (B first, then Y: the order fa-check reports problems in) and checks the inputs of a
/// certificate; throws UsageError or io::MatrixIoError on bad input.
CertifyProblem certify_problem(const CertifyInputs& in);

}  // namespace fa::run
