// Between matrix files (io/matrix_io.hpp) and Eigen matrices of the suite's scalar types.
//
// Reading: a double run takes the file's doubles. A high-precision run (MpVar) parses the decimal
// text of CSV and .mtx entries at the working precision, so "0.1" means 0.1 and not its rounding
// to double; .npy entries are float64 and are taken exactly.
// Writing: text formats get fa::to_text (full precision of the scalar; 17 significant digits for
// double, which round-trips); .npy gets the values rounded to double.
#pragma once

#include "io/matrix_io.hpp"
#include "core/scalar.hpp"

namespace fa::io {

template <class T>
Mat<T> to_matrix(const RawMatrix& raw) {
  Mat<T> M(raw.rows, raw.cols);
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      const auto k = static_cast<std::size_t>(j * raw.rows + i);
      if constexpr (std::is_same_v<T, double>) {
        M(i, j) = raw.values[k];
      } else {
        M(i, j) = raw.text.empty() ? T(raw.values[k]) : T(raw.text[k].c_str());
      }
    }
  return M;
}

template <class T>
void write_eigen(const std::string& path, Format format, const Mat<T>& M) {
  std::vector<double> values(static_cast<std::size_t>(M.size()));
  std::vector<std::string> text;
  if (format != Format::npy) text.resize(values.size());
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      const auto k = static_cast<std::size_t>(j * M.rows() + i);
      values[k] = to_double(M(i, j));
      if (format != Format::npy) text[k] = to_text(M(i, j));
    }
  write_matrix(path, format, M.rows(), M.cols(), values, text);
}

}  // namespace fa::io
