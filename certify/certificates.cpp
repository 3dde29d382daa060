// Certificates in exact arithmetic (certify/certificates.hpp).
#include "certify/certificates.hpp"
#include "certify/certificate_falsifiers.hpp"

#include <Eigen/Eigenvalues>

#include "certify/int_matrix.hpp"  // last: FLINT's macros (ulong, slong) stay out of Eigen

#include <optional>
#include <stdexcept>

namespace fa::certify {

namespace {

using exact::IntMatrix;
using exact::ScaledMatrix;

std::string shape(long rows, long cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

/// The deliberate mistakes of the certificate falsifiers (certify/certificate_falsifiers.hpp);
/// all off for a real certificate.
struct Mistakes {
  bool basis_of_any_dimension = false;     // accept a bound basis with more than r columns
  bool column_projector = false;           // err* from the projector onto col(B), not row(B^T Y)
  const IntMatrix* rank_source = nullptr;  // rank(Y) taken from this (rounded) matrix
};

/// err*, opt_r's bound and the verdict from Y = Yn / dy, B = Bn / db (B's scale cancels) and the
/// bound's basis V = Vn / dv (its scale cancels too).
SeparationCertificate separation(const ScaledMatrix& Ys, const ScaledMatrix& Bs,
                                 const IntMatrix* Vn, const std::string& bound_source,
                                 const Mistakes& mistakes = {}) {
  const IntMatrix& Yn = Ys.num;
  const IntMatrix& Bn = Bs.num;
  SeparationCertificate c;
  c.n = Yn.rows();
  c.m = Yn.cols();
  c.r = Bn.cols();
  if (Bn.rows() != c.n)
    throw std::invalid_argument("B is " + shape(Bn.rows(), Bn.cols()) + ", expected " +
                                shape(c.n, c.r) + " (n = rows of Y)");
  const Rational dy2 = Ys.den * Ys.den;
  c.norm_y_sq = exact::squared_norm(Yn) / dy2;
  // rank(Y) through the Gram matrix of the smaller side (same rank over the rationals).
  const IntMatrix& Yr = mistakes.rank_source ? *mistakes.rank_source : Yn;
  const IntMatrix Yt = exact::transpose(Yr);
  c.rank_y =
      c.m <= c.n ? exact::rank(exact::multiply(Yt, Yr)) : exact::rank(exact::multiply(Yr, Yt));
  // err* = ||Y||^2 - tr((Ms Ms^T)^{-1} K^T K), K = Y Ms^T, Ms independent rows of M = B^T Y.
  const IntMatrix M = exact::multiply(exact::transpose(Bn), Yn);
  const IntMatrix Ms = exact::independent_rows(M);
  c.rank_feedback = Ms.rows();
  const IntMatrix Mst = exact::transpose(Ms);
  const IntMatrix K = exact::multiply(Yn, Mst);
  const Rational projected =
      exact::trace_of_solve(exact::multiply(Ms, Mst), exact::multiply(exact::transpose(K), K));
  // With M = Mn/(db dy): (M M^T)^{-1} M Y^T Y M^T = (Mn Mn^T)^{-1} Kn^T Kn / dy^2.
  c.err_star = c.norm_y_sq - projected / dy2;
  if (mistakes.column_projector) {
    // FALSIFIER: ||(I - P_col(B)) Y||^2 = ||Y||^2 - tr((Bn^T Bn)^{-1} Nb Nb^T) / dy^2, Nb = Bn^T
    // Yn.
    const IntMatrix Nb = exact::multiply(exact::transpose(Bn), Yn);
    c.err_star = c.norm_y_sq - exact::trace_of_solve(exact::multiply(exact::transpose(Bn), Bn),
                                                     exact::multiply(Nb, exact::transpose(Nb))) /
                                   dy2;
  }

  if (c.rank_y <= c.r) {
    c.opt_bound_known = true;
    c.opt_upper = Rational(0);
    c.opt_bound_source = "opt_r = 0 exactly: rank(Y) = " + std::to_string(c.rank_y) + " <= r";
  } else if (Vn != nullptr && Vn->cols() >= 1 &&
             (Vn->cols() <= c.r || mistakes.basis_of_any_dimension) && Vn->rows() == c.m) {
    const IntMatrix YV = exact::multiply(Yn, *Vn);
    try {
      const Rational kept = exact::trace_of_solve(exact::multiply(exact::transpose(*Vn), *Vn),
                                                  exact::multiply(exact::transpose(YV), YV));
      c.opt_upper = c.norm_y_sq - kept / dy2;
      c.opt_bound_known = true;
      c.opt_bound_source = bound_source;
    } catch (const std::domain_error&) {
      c.opt_bound_source = "no bound: the basis from " + bound_source + " is rank-deficient";
    }
  } else {
    c.opt_bound_source = "no bound: no basis of rank <= r was given";
  }

  if (!c.opt_bound_known) {
    c.verdict = "separation not proved: " + c.opt_bound_source;
  } else {
    c.gap = c.err_star - c.opt_upper;
    c.separation_proved = c.gap > 0;
    if (c.separation_proved) {
      c.verdict = "separation proved: err* - opt_r >= gap = " + exact::decimal(c.gap, 6, 'D') +
                  " > 0 (exact lower bound)";
    } else if (c.rank_y <= c.r) {
      c.verdict = "separation not provable: rank(Y) = " + std::to_string(c.rank_y) +
                  " <= r = " + std::to_string(c.r) + ", so opt_r = 0, and err* = " +
                  (c.err_star == 0 ? std::string("0 (rank(B^T Y) = rank(Y): every FA stationary "
                                                 "point has zero error, A1(a))")
                                   : exact::decimal(c.err_star, 6));
    } else {
      c.verdict =
          "separation not proved: err* - (upper bound on opt_r) = " + exact::decimal(c.gap, 6) +
          " <= 0 (no separation, or one smaller than the bound's slack from the "
          "rounded singular vectors)";
    }
  }
  return c;
}

/// Top q eigenvectors (columns) of a symmetric matrix, in double.
Mat<double> top_eigenvectors(const Mat<double>& S, long q) {
  Eigen::SelfAdjointEigenSolver<Mat<double>> eig(S);
  if (eig.info() != Eigen::Success) throw std::runtime_error("eigendecomposition failed");
  return eig.eigenvectors().rightCols(q).rowwise().reverse();
}

}  // namespace

SeparationCertificate certify_separation(const Mat<Rational>& Y, const Mat<Rational>& B,
                                         const Mat<Rational>& bound_basis) {
  const ScaledMatrix Ys = exact::scaled(Y), Bs = exact::scaled(B);
  const ScaledMatrix Vs = exact::scaled(bound_basis);
  return separation(Ys, Bs, bound_basis.size() ? &Vs.num : nullptr,
                    "the projection error of a given rank-" + std::to_string(bound_basis.cols()) +
                        " basis (Eckart-Young)");
}

namespace {

/// The top-q right singular vectors of Y (q = min(r, n, m)), in double: eigenvectors of Y^T Y,
/// or Y^T times those of Y Y^T when Y is wide; and what they are, for the report.
Mat<double> bound_basis_in_double(const Mat<double>& Y, long r, std::string& source) {
  const long q = std::min<long>(r, std::min(Y.rows(), Y.cols()));
  source = "the projection error onto the top-" + std::to_string(q) +
           " right singular vectors of Y from a double eigendecomposition, rounded to doubles "
           "(Eckart-Young: any rank-" +
           std::to_string(q) + " projection error is >= opt_r)";
  return Y.cols() <= Y.rows() ? top_eigenvectors(Y.transpose() * Y, q)
                              : Mat<double>(Y.transpose() * top_eigenvectors(Y * Y.transpose(), q));
}

}  // namespace

SeparationCertificate certify_separation(const Mat<Rational>& Y, const Mat<Rational>& B) {
  std::string source;
  const ScaledMatrix Vs =
      exact::scaled(bound_basis_in_double(cast_matrix<double>(Y), B.cols(), source));
  return separation(exact::scaled(Y), exact::scaled(B), &Vs.num, source);
}

SeparationCertificate certify_separation(const Mat<double>& Y, const Mat<double>& B) {
  std::string source;
  const ScaledMatrix Vs = exact::scaled(bound_basis_in_double(Y, B.cols(), source));
  return separation(exact::scaled(Y), exact::scaled(B), &Vs.num, source);
}

SeparationCertificate certify_separation(const Mat<double>& Y, const Mat<double>& B,
                                         CertificateFalsifier falsifier) {
  std::string source;
  Mistakes mistakes;
  long q = B.cols();
  if (falsifier == CertificateFalsifier::bound_wrong_dimension) {
    // The basis one singular vector too wide (rank r + 1), and the guard against it dropped.
    q += 1;
    mistakes.basis_of_any_dimension = true;
  }
  mistakes.column_projector = falsifier == CertificateFalsifier::err_wrong_projector;
  const ScaledMatrix Vs = exact::scaled(bound_basis_in_double(Y, q, source));
  // Y rounded to single precision (a float copy); rank(Y) is scale-free, so the rounded matrix's
  // own denominator does not matter.
  std::optional<ScaledMatrix> rounded;
  if (falsifier == CertificateFalsifier::rank_from_rounded) {
    rounded.emplace(exact::scaled(Mat<double>(Y.cast<float>().cast<double>())));
    mistakes.rank_source = &rounded->num;
  }
  return separation(exact::scaled(Y), exact::scaled(B), &Vs.num, source, mistakes);
}

const std::vector<CertificateFalsifierInfo>& certificate_falsifiers() {
  static const std::vector<CertificateFalsifierInfo> list = {
      {CertificateFalsifier::bound_wrong_dimension, "cert-bound-wrong-dimension",
       "opt_r's upper bound is the projection error onto the top r + 1 singular vectors (a "
       "subspace of the wrong dimension; the guard q <= r dropped): it can fall below opt_r, so "
       "a separation can be 'proved' that is not there"},
      {CertificateFalsifier::err_wrong_projector, "cert-err-wrong-projector",
       "err* uses the wrong projector: ||(I - P) Y||^2 with P onto col(B) in R^n (applied on the "
       "left) instead of onto row(B^T Y) in R^m (on the right)"},
      {CertificateFalsifier::rank_from_rounded, "cert-rank-from-rounded",
       "rank(Y) is the exact rank of Y rounded to single precision (a float copy), not of Y: a "
       "small full-rank part below float's precision disappears"},
  };
  return list;
}

const CertificateFalsifierInfo* find_certificate_falsifier(const std::string& name) {
  for (const auto& f : certificate_falsifiers())
    if (f.name == name) return &f;
  return nullptr;
}

FeedbackRankCertificate certify_feedback_rank(const Mat<Rational>& Y, const Mat<Rational>& B) {
  if (B.rows() != Y.rows())
    throw std::invalid_argument("B has " + std::to_string(B.rows()) + " rows, Y has " +
                                std::to_string(Y.rows()));
  FeedbackRankCertificate c;
  c.r = B.cols();
  c.rank_y = exact::rank(Y);
  c.rank_feedback = exact::rank(Mat<Rational>(B.transpose() * Y));
  if (c.stationary_points_optimal()) {
    c.verdict = "rank(B^T Y) = rank(Y) = " + std::to_string(c.rank_y) +
                " (exact): every FA stationary point has ZW = Y";
  } else {
    c.verdict = "rank(B^T Y) = " + std::to_string(c.rank_feedback) +
                " < rank(Y) = " + std::to_string(c.rank_y) +
                " (exact): FA has stationary points with error > 0";
  }
  return c;
}

}  // namespace fa::certify
