// Forwarding header, kept for one release: the run's definitions moved to run/run_impl.hpp and the
// input checks that were cli::detail's are public in run/inputs.hpp (namespace fa::run), some
// renamed; the old names forward to them.
#pragma once

#include "cli/run.hpp"
#include "run/inputs.hpp"
#include "run/run_impl.hpp"

namespace fa::cli::detail {
using namespace ::fa::run;  // NOLINT(google-build-using-namespace): the forwarding is the point
inline std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return run::shape_text(rows, cols);
}
template <class T>
Mat<T> read_as(const std::string& path, int bits) {
  return run::read_matrix_file<T>(path, bits);
}
inline void check_r_for_file(long long r, const std::string& r_source, const std::string& y_name,
                             long long n, long long m) {
  run::check_r_for_target(r, r_source, y_name, n, m);
}
}  // namespace fa::cli::detail
