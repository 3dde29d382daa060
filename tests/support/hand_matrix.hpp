// Small matrices written out by rows, for tests with hand-computed values.
#pragma once

#include "core/scalar.hpp"

#include <initializer_list>

namespace fa::testing {

/// mat<T>({{a, b}, {c, d}}) is the 2 x 2 matrix with rows (a, b) and (c, d).
template <class T>
Mat<T> mat(std::initializer_list<std::initializer_list<T>> rows) {
  Mat<T> M(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (const T& x : row) M(i, j++) = x;
    ++i;
  }
  return M;
}

}  // namespace fa::testing
