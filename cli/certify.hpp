// `fa-check certify`: the separation certificate (certify/certificates.hpp) of a user's own
// Y and B, in exact arithmetic. The certificate is computed by fa::certify::certify_separation,
// which returns data; this command only reads the files (with `fa-check run`'s readers and
// checks) and formats the result.
#pragma once

#include <cstdint>
#include <string>

namespace fa::cli {

struct CertifyOptions {
  std::string y_file;
  std::string b_file;  // empty: B drawn from --seed as `fa-check run` draws it
  long long r = 0;
  bool r_given = false;
  std::uint64_t seed = 0;
  std::string json_file;  // write the certificate (exact fractions) here
};

/// Returns the exit code (0: a certificate was computed, whether or not it proves a separation;
/// 1 bad input). Throws UsageError / io::MatrixIoError on bad input.
int certify_check(const CertifyOptions& opt);

}  // namespace fa::cli
