// Falsifiers of the certificates (issue 22, item 6): deliberately wrong versions of the separation
// certificate (certify/certificates.hpp), the evidence that the independent checks of a
// certificate can fail. Each is a plausible mistake in certify/certificates.cpp, switched on at
// run time like a claim's falsifier; nothing but the mutation tests asks for one (fa-mutants
// certificate NAME, docs/mutation-testing.md), and `fa-check certify` and the claims always run
// the real certificate (CertificateFalsifier::none).
//
// The checks that must catch them compare a certificate with an independent computation:
// SymPy's exact rational arithmetic on small instances (rank, err*, and opt_r isolated between
// rational bounds from the characteristic polynomial) and the Eckart-Young bound from NumPy's
// floating-point SVD with its stated rounding bound on large ones (tests/mutants/
// certificate_oracle.py).
#pragma once

#include "certify/certificates.hpp"

#include <string>
#include <vector>

namespace fa::certify {

enum class CertificateFalsifier {
  none,
  bound_wrong_dimension,  // opt_r's bound from a subspace of dimension r + 1
  err_wrong_projector,    // err* from the projector onto col(B) instead of row(B^T Y)
  rank_from_rounded,      // rank(Y) from Y rounded to float
};

struct CertificateFalsifierInfo {
  CertificateFalsifier kind;
  std::string name;
  std::string description;
};

/// The certificate falsifiers, in the order of the kill matrix's rows.
const std::vector<CertificateFalsifierInfo>& certificate_falsifiers();
/// nullptr when there is no falsifier of that name.
const CertificateFalsifierInfo* find_certificate_falsifier(const std::string& name);

/// certify_separation(Y, B) (doubles) with one deliberate mistake; `none` gives the real
/// certificate, the same as certify_separation(Y, B).
SeparationCertificate certify_separation(const Mat<double>& Y, const Mat<double>& B,
                                         CertificateFalsifier falsifier);

}  // namespace fa::certify
