// The certificate falsifiers (certify/certificate_falsifiers.hpp) against an independent check
// (issue 22, item 6). TEST-ONLY, part of fa-mutants.
//
// `fa-mutants certificate NAME` draws a fixed set of instances from one seeded engine (small ones
// for SymPy's exact arithmetic, 60 x 40 ones for the SVD bound), certifies each twice (with the
// falsifier NAME and for real), writes both as JSON and runs tests/mutants/certificate_oracle.py,
// which recomputes rank(Y), rank(B^T Y), ||Y||^2, err* and bounds on opt_r without certify/.
// A falsifier is killed when some check fails for it and every check passes for the real
// certificate; the control (NAME = cert-control) must pass every check. The record goes to
// <report>/mutants/NAME.json, a row of the kill matrix's certificate table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fa::mutants {

/// The control's name: the real certificate, which must pass the independent checks.
extern const std::string kCertificateControl;

/// The control, then every certificate falsifier: the certificate rows of the kill matrix.
std::vector<std::string> certificate_mutant_names();

/// Runs one certificate falsifier (or the control) against the oracle; writes its record to
/// record_dir/NAME.json when asked. Exit status: 0 as expected, 1 not, 2 no such name.
int cmd_certificate(const std::string& name, const std::filesystem::path& record_dir,
                    bool write_record, std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace fa::mutants
