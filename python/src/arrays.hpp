// numpy arrays in, Eigen matrices of the suite's scalars out, and back: the only place where the
// module touches array memory. WHERE DATA IS COPIED (docs/python.md says the
// same):
//   in   every input array is copied exactly once, into the owned column-major Eigen matrix the
//        C++ core works on (the dynamics, shared with fa-check, fa-claims and the mutation tests,
//        take owned matrices; Z0 and W0 are updated in place by the run, so they must be copies
//        anyway). The copy reads any layout (C, Fortran, strided slices, negative strides) and
//        converts the dtype on the way (float32, integers -> double; any of them -> MPFR). No
//        intermediate array is made: a C-ordered int32 slice is read once, straight into the
//        matrix. The user's arrays are never written to.
//   out  double matrices (Z, W, B, Y, Z0, W0, instance matrices) are moved into numpy, not copied:
//        the array owns the C++ buffer (pybind11/eigen.h, a capsule frees it). The trace is
//        stored as rows (one struct per step) and is copied into one array per column. MPFR
//        results are converted: rounded to float64 arrays, and printed to decimal strings.
//   Python lists (or anything numpy.asarray takes) are first turned into an array by numpy.
#pragma once

#include "cli/run.hpp"
#include "core/scalar.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace fa::py_module {

namespace py = pybind11;

/// A validated view of an input array: its memory, shape, strides and element type. Holds a
/// reference to the array, so the memory stays valid while the run reads it without the GIL.
struct ArrayInput {
  py::array keep;
  std::string name;  // the keyword argument: y, b, z0, w0
  const char* data = nullptr;
  Eigen::Index rows = 0, cols = 0;
  py::ssize_t row_stride = 0, col_stride = 0;  // bytes
  char kind = 'f';                             // f float, i signed, u unsigned
  int itemsize = 8;
  bool swap = false;  // non-native byte order

  double at(Eigen::Index i, Eigen::Index j) const {
    unsigned char b[8];
    std::memcpy(b, data + i * row_stride + j * col_stride, static_cast<std::size_t>(itemsize));
    if (swap) std::reverse(b, b + itemsize);
    switch (kind) {
      case 'f':
        if (itemsize == 8) return load<double>(b);
        return static_cast<double>(load<float>(b));
      case 'i':
        switch (itemsize) {
          case 1:
            return static_cast<double>(load<std::int8_t>(b));
          case 2:
            return static_cast<double>(load<std::int16_t>(b));
          case 4:
            return static_cast<double>(load<std::int32_t>(b));
          default:
            return static_cast<double>(load<std::int64_t>(b));
        }
      default:
        switch (itemsize) {
          case 1:
            return static_cast<double>(load<std::uint8_t>(b));
          case 2:
            return static_cast<double>(load<std::uint16_t>(b));
          case 4:
            return static_cast<double>(load<std::uint32_t>(b));
          default:
            return static_cast<double>(load<std::uint64_t>(b));
        }
    }
  }
  /// Integers wider than double's 53 bits, taken exactly by MPFR (at >= 64 bits).
  bool wide_integer() const { return kind != 'f' && itemsize == 8; }
  std::int64_t at_int64(Eigen::Index i, Eigen::Index j) const { return raw<std::int64_t>(i, j); }
  std::uint64_t at_uint64(Eigen::Index i, Eigen::Index j) const { return raw<std::uint64_t>(i, j); }

 private:
  template <class V>
  static V load(const unsigned char* b) {
    V v;
    std::memcpy(&v, b, sizeof v);
    return v;
  }
  template <class V>
  V raw(Eigen::Index i, Eigen::Index j) const {
    unsigned char b[8];
    std::memcpy(b, data + i * row_stride + j * col_stride, 8);
    if (swap) std::reverse(b, b + 8);
    return load<V>(b);
  }
};

/// Checks an input with the GIL held: a numpy array (or what numpy.asarray makes of the object)
/// of a real numeric dtype, 1-D (a column, as fa-check reads a 1-D .npy) or 2-D, not empty, and
/// within fa-check's size limit at this precision. Throws TypeError / InputError (ValueError).
ArrayInput check_array(const py::object& obj, const std::string& name, int bits);

/// The matrix of an input in scalar T (called without the GIL, inside the run, so that errors come
/// in fa-check's order). NaN and Inf are refused with the .npy reader's words. Integers: double
/// rounds those above 2^53 to nearest, as fa-check does with their decimal text; MPFR takes 64-bit
/// integers exactly (at >= 64 bits).
template <class T>
Mat<T> to_matrix(const ArrayInput& a) {
  Mat<T> M(a.rows, a.cols);
  for (Eigen::Index j = 0; j < a.cols; ++j)
    for (Eigen::Index i = 0; i < a.rows; ++i) {
      const double v = a.at(i, j);
      if (!std::isfinite(v))
        throw cli::UsageError(a.name + ": entry (row " + std::to_string(i + 1) + ", column " +
                              std::to_string(j + 1) + "): " + (std::isnan(v) ? "NaN" : "Inf") +
                              " entries are not allowed");
      if constexpr (std::is_same_v<T, double>) {
        M(i, j) = v;
      } else if (a.wide_integer()) {
        if (a.kind == 'i')
          M(i, j) = T(static_cast<long long>(a.at_int64(i, j)));
        else
          M(i, j) = T(static_cast<unsigned long long>(a.at_uint64(i, j)));
      } else {
        M(i, j) = T(v);
      }
    }
  return M;
}

}  // namespace fa::py_module
