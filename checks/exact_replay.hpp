// Exact replays of refuted conjectures' minimal counterexamples (ClaimSpec::replay_exactly), from
// the report's own data: the counterexample's matrices are written as full-precision decimal text
// (17 significant digits for double, every digit for mp), which parses back to the very same
// binary numbers, hence to exact rationals. A replay recomputes the refuting quantity in exact
// arithmetic through the proved Rational path (reference_dynamics<Rational>()).
#pragma once

#include "certify/exact.hpp"
#include "checks/claim.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace fa {

/// The counterexample's instance as exact rationals.
struct ExactInstance {
  Mat<Rational> Y, B, Z0, W0;
  Rational eta;
  std::string scalar;  // the arithmetic the counterexample was found in
};

/// The exact value of a number the report wrote as text in `scalar` ("double" or "mp").
inline Rational exact_from_text(const std::string& scalar, const std::string& text) {
  if (scalar == "mp") return exact::to_rational(Mp(text));
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0')
    throw std::invalid_argument("counterexample entry '" + text + "' is not a number");
  return exact::to_rational(x);
}

inline Mat<Rational> exact_matrix_from_json(const std::string& scalar, const nlohmann::json& rows) {
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  const Eigen::Index m = n ? static_cast<Eigen::Index>(rows[0].size()) : 0;
  Mat<Rational> M(n, m);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < m; ++j)
      M(i, j) = exact_from_text(
          scalar,
          rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<std::string>());
  return M;
}

inline ExactInstance exact_instance(const nlohmann::json& counterexample) {
  ExactInstance x;
  x.scalar = counterexample.value("scalar", "double");
  const nlohmann::json& m = counterexample.at("matrices");
  x.Y = exact_matrix_from_json(x.scalar, m.at("Y"));
  x.B = exact_matrix_from_json(x.scalar, m.at("B"));
  x.Z0 = exact_matrix_from_json(x.scalar, m.at("Z0"));
  x.W0 = exact_matrix_from_json(x.scalar, m.at("W0"));
  x.eta = exact_from_text("double", m.at("eta").get<std::string>());  // eta is a double always
  return x;
}

/// An integer note of the counterexample (e.g. "step").
inline long counterexample_note(const nlohmann::json& counterexample, const std::string& key) {
  return std::stol(counterexample.at("notes").at(key).get<std::string>());
}

/// Exact rationals as text ("num/den"), rows of strings like the report's matrices.
inline nlohmann::json exact_matrix_json(const Mat<Rational>& M) {
  return matrix_json(M);
}

/// Total size in bits of a rational matrix's numerators and denominators: what an exact step
/// costs grows with it.
inline double exact_bits(const Mat<Rational>& M) {
  double bits = 0;
  for (Eigen::Index q = 0; q < M.size(); ++q) {
    const mpq_srcptr v = M.data()[q].backend().data();
    bits +=
        static_cast<double>(mpz_sizeinbase(mpq_numref(v), 2) + mpz_sizeinbase(mpq_denref(v), 2));
  }
  return bits;
}

/// Exact FA iterates roughly triple their bits per step: a replay that holds more than 2^26 bits
/// in Z and W after step t + 1 of s stops there, with the reason (a counterexample whose exact
/// replay would take hours is reported "not certified", not run).
inline std::optional<ExactReplay> replay_too_large(const Factors<Rational>& f, long t, long s) {
  const double bits = exact_bits(f.Z) + exact_bits(f.W);
  if (bits <= std::ldexp(1.0, 26) || t + 1 >= s) return std::nullopt;
  return ExactReplay{"not certified",
                     "exact FA replay stopped after " + std::to_string(t + 1) + " of " +
                         std::to_string(s) + " steps: the exact iterates already hold " +
                         exact::decimal(Rational(bits), 3) + " bits (they roughly triple per step)",
                     nullptr};
}

}  // namespace fa
