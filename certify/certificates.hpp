// Certificates: statements proved for ONE concrete instance in exact arithmetic (docs/strengths.md,
// "Three strengths": certified). Every double and MPFR value is an exact rational, so every
// instance the suite or a user runs can be certified. The functions here return data; the claim
// checks (theorems/A1.cpp, A4.cpp, R3.cpp) record it and `fa-check certify` formats it, so both
// (and a Python binding) run the same code.
//
// Separation (A4, R3, fa-check certify). With M = B^T Y (r x m) and P the orthogonal projector
// onto row(M), FA's limit error (A4) is err* = ||Y (I - P)||_F^2 = ||Y||_F^2 - tr((M_s M_s^T)^{-1}
// M_s Y^T Y M_s^T), M_s a basis of row(M) (its independent rows): an exact rational. For ANY
// rational m x q matrix V of rank q <= r, ||Y - Y V (V^T V)^{-1} V^T||_F^2 >= opt_r (Eckart-Young:
// no projection of rank <= r does better than the best one), so that projection error is an exact
// upper bound on opt_r; V is taken from a floating-point SVD/eigendecomposition, rounded (its
// quality only affects how tight the bound is, never its validity). err* > bound proves
// err* > opt_r, and err* - bound is an exact lower bound on the gap. When rank(Y) <= r, opt_r = 0
// exactly (no bound needed).
//
// Feedback rank (A1(a)). rank(B^T Y) = rank(Y) (exact ranks) proves that every FA stationary point
// of the instance has zero error: B^T E = 0 puts row(B^T Y) = row(Y) inside row(W), and
// E W^T = 0 then gives ZW = Y P_row(W) = Y.
#pragma once

#include "core/scalar.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace fa::certify {

struct SeparationCertificate {
  long n = 0, m = 0, r = 0;
  long rank_y = 0;         // rank(Y), exact
  long rank_feedback = 0;  // rank(B^T Y), exact
  Rational norm_y_sq;      // ||Y||_F^2
  Rational err_star;       // ||Y (I - P)||_F^2, exact
  bool opt_bound_known = false;
  Rational opt_upper;  // an exact upper bound on opt_r (0 when rank(Y) <= r)
  std::string opt_bound_source;
  bool separation_proved = false;
  Rational gap;         // err* - opt_upper: an exact lower bound on err* - opt_r when proved
  std::string verdict;  // one line: "separation proved: ..." or "separation not proved: ..."
  bool feedback_sees_all_of_y() const { return rank_feedback == rank_y; }
};

/// The separation certificate of (Y, B) with inner size r = B.cols(). `bound_basis` (m x q,
/// q <= r) spans the subspace whose projection error bounds opt_r (e.g. the top right singular
/// vectors from a floating-point SVD); ignored when rank(Y) <= r. Throws std::invalid_argument
/// when the shapes do not match.
SeparationCertificate certify_separation(const Mat<Rational>& Y, const Mat<Rational>& B,
                                         const Mat<Rational>& bound_basis);

/// The same with the bound's basis from a double eigendecomposition of Y rounded to doubles
/// (any basis gives a valid bound; a good one a tight bound).
SeparationCertificate certify_separation(const Mat<Rational>& Y, const Mat<Rational>& B);

/// The same for doubles (fa-check certify): the entries are taken as the exact binary fractions
/// the doubles are, converted directly to one scaled integer matrix each (fast at 1800 x 64);
/// the bound's basis is the top r eigenvectors of the Gram matrix of Y in double, rounded.
SeparationCertificate certify_separation(const Mat<double>& Y, const Mat<double>& B);

/// The certificate's data with every exact number as {"fraction", "decimal"} (decimals rounded so
/// the statement stays true: the bound on opt_r up, the gap down). `fa-check certify --json` and
/// faverify.certify() both write this (certify/certificate_json.cpp).
nlohmann::json to_json(const SeparationCertificate& c);

struct FeedbackRankCertificate {
  long rank_y = 0;
  long rank_feedback = 0;
  long r = 0;
  /// rank(B^T Y) = rank(Y): every FA stationary point of the instance has ZW = Y.
  bool stationary_points_optimal() const { return rank_feedback == rank_y; }
  std::string verdict;
};

FeedbackRankCertificate certify_feedback_rank(const Mat<Rational>& Y, const Mat<Rational>& B);

}  // namespace fa::certify
