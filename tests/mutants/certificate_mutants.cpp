// The certificate falsifiers against an independent check (issue 22, item 6). TEST-ONLY, part of
// fa-mutants (tests/mutants/certificate_mutants.hpp says what it does).
#include "tests/mutants/certificate_mutants.hpp"

#include "certify/certificate_falsifiers.hpp"
#include "checks/claim_runner.hpp"
#include "checks/property.hpp"
#include "core/shell_quote.hpp"
#include "generators/random.hpp"
#include "reports/parts.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fa::mutants {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CertificateInstance {
  std::string label;
  std::string method;  // "exact": SymPy; "svd": NumPy's SVD with its error bound
  Mat<double> Y, B;
};

/// Y = A Bm + 2^-30 N, A (n x low) and Bm (low x m) with entries in 1..3, N in -3..3: rank
/// min(n, m) exactly (generically), but rank `low` once rounded to single precision: every entry
/// of A Bm is an integer in [1, 9 low] < 2^6 (exact in float) where float's spacing is >= 2^-23,
/// so |2^-30 N| <= 3 2^-30 < half a spacing rounds away (no zero entry keeps it).
Mat<double> nearly_low_rank(long n, long m, long low, Engine& engine) {
  // Integers from the engine's 64 bits modulo 3 or 7 (a bias below 2^-60, irrelevant here).
  auto positive = [](Engine& e) { return static_cast<double>(1 + static_cast<int>(e() % 3)); };
  auto small = [](Engine& e) { return static_cast<double>(static_cast<int>(e() % 7) - 3); };
  Mat<double> A(n, low), Bm(low, m), N(n, m);
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = positive(engine);
  for (Eigen::Index i = 0; i < Bm.size(); ++i) Bm.data()[i] = positive(engine);
  for (Eigen::Index i = 0; i < N.size(); ++i) N.data()[i] = small(engine);
  return A * Bm + std::ldexp(1.0, -30) * N;
}

/// The instances every certificate mutant and the control see, from one seeded engine.
std::vector<CertificateInstance> certificate_instances(std::uint64_t seed) {
  Engine engine = make_engine(seed, Stream::extra);
  std::vector<CertificateInstance> out;
  auto gaussian = [&](const std::string& label, const std::string& method, long n, long m, long r) {
    const Mat<double> Y = gaussian_matrix(n, m, engine);
    const Mat<double> B = gaussian_matrix(n, r, engine) / std::sqrt(double(n));
    out.push_back({label, method, Y, B});
  };
  auto low_rank = [&](const std::string& label, const std::string& method, long n, long m, long r) {
    const Mat<double> Y = nearly_low_rank(n, m, r, engine);
    const Mat<double> B = gaussian_matrix(n, r, engine) / std::sqrt(double(n));
    out.push_back({label, method, Y, B});
  };
  gaussian("gaussian 4x3, r = 1", "exact", 4, 3, 1);
  gaussian("gaussian 5x4, r = 2", "exact", 5, 4, 2);
  gaussian("gaussian 3x5 (wide), r = 1", "exact", 3, 5, 1);
  low_rank("rank 1 + 2^-30 noise, 4x3, r = 1", "exact", 4, 3, 1);
  gaussian("gaussian 60x40, r = 3", "svd", 60, 40, 3);
  low_rank("rank 3 + 2^-30 noise, 60x40, r = 3", "svd", 60, 40, 3);
  return out;
}

json matrix_json(const Mat<double>& M) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < M.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < M.cols(); ++j) row.push_back(M(i, j));  // round-trip digits
    rows.push_back(row);
  }
  return rows;
}

fs::path oracle_script() {
  return fs::path(FA_SOURCE_DIR) / "tests" / "mutants" / "certificate_oracle.py";
}

std::string run_and_capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  char buf[4096];
  for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, got);
  const int status = pclose(pipe);
  if (status != 0)
    throw std::runtime_error("the certificate oracle failed (status " + std::to_string(status) +
                             "): " + command);
  return out;
}

}  // namespace

const std::string kCertificateControl = "cert-control";

std::vector<std::string> certificate_mutant_names() {
  std::vector<std::string> names = {kCertificateControl};
  for (const auto& f : certify::certificate_falsifiers()) names.push_back(f.name);
  return names;
}

int cmd_certificate(const std::string& name, const fs::path& record_dir, bool write_record,
                    std::optional<std::uint64_t> seed_override) {
  const bool control = name == kCertificateControl;
  const certify::CertificateFalsifierInfo* info = certify::find_certificate_falsifier(name);
  if (!control && !info) {
    std::cerr << "fa-mutants: no certificate falsifier '" << name << "' (try: fa-mutants list)\n";
    return 2;
  }
  const certify::CertificateFalsifier kind =
      control ? certify::CertificateFalsifier::none : info->kind;
  const std::uint64_t seed = seed_override ? *seed_override : property_seed("certificates/oracle");
  const std::string description =
      control ? "the real certificate (no falsifier): the same comparison must pass"
              : info->description;
  std::cout << "certificate " << (control ? "control" : "falsifier") << " " << name << ": "
            << description << "\n  instances from seed " << seed
            << " (the same for every certificate mutant; FA_SEED or --seed changes it)\n";

  json doc;
  doc["falsifier"] = name;
  doc["seed"] = seed;
  doc["instances"] = json::array();
  for (const CertificateInstance& inst : certificate_instances(seed)) {
    json j;
    j["label"] = inst.label;
    j["method"] = inst.method;
    j["r"] = inst.B.cols();
    j["Y"] = matrix_json(inst.Y);
    j["B"] = matrix_json(inst.B);
    j["under_test"] = certify::to_json(certify::certify_separation(inst.Y, inst.B, kind));
    j["reference"] = certify::to_json(certify::certify_separation(inst.Y, inst.B));
    doc["instances"].push_back(j);
  }
  const fs::path input = fs::temp_directory_path() /
                         ("fa-certificate-" + name + "." + std::to_string(getpid()) + ".json");
  {
    std::ofstream out(input);
    out << doc.dump() << "\n";
  }
  json verdict;
  try {
    verdict = json::parse(run_and_capture(shell_quote(FA_PYTHON3) + " " +
                                          shell_quote(oracle_script().string()) + " " +
                                          shell_quote(input.string())));
  } catch (...) {
    fs::remove(input);
    throw;
  }
  fs::remove(input);

  const json& tested = verdict["under_test"];
  const json& reference = verdict["reference"];
  const bool reference_passes = reference["passed"].get<bool>();
  const bool caught = !tested["passed"].get<bool>();
  // A kill needs the real certificate to pass the same comparison (else the oracle itself is
  // wrong and the failure says nothing about the falsifier).
  const bool killed = caught && reference_passes;
  const bool as_expected = control ? reference_passes && !caught : killed;
  json killed_by = json::array();
  for (const auto& f : tested["failures"]) {
    const std::string method =
        f.value("method", "") == "svd" ? "float SVD + Eckart-Young bound" : "SymPy exact";
    const std::string check = method + ": " + f["check"].get<std::string>();
    if (std::find(killed_by.begin(), killed_by.end(), json(check)) == killed_by.end())
      killed_by.push_back(check);
  }
  for (const auto& f : tested["failures"])
    std::cout << "  caught [" << f["instance"].get<std::string>() << "] "
              << f["check"].get<std::string>() << ": " << f["detail"].get<std::string>() << "\n";
  for (const auto& f : reference["failures"])
    std::cout << "  REFERENCE FAILS [" << f["instance"].get<std::string>() << "] "
              << f["check"].get<std::string>() << ": " << f["detail"].get<std::string>() << "\n";
  std::cout << "  " << tested["checks"].get<int>() << " checks on " << doc["instances"].size()
            << " instances; real certificate " << (reference_passes ? "passes" : "FAILS")
            << " the same checks\n";

  json rec;
  rec["mutant"] = name;
  rec["kind"] = "certificate";
  rec["description"] = description;
  rec["seed"] = seed;
  rec["instances"] = json::array();
  for (const auto& inst : doc["instances"]) rec["instances"].push_back(inst["label"]);
  rec["killed"] = killed;
  rec["killed_by"] = killed_by;
  rec["failures"] = tested["failures"];
  rec["reference_passes"] = reference_passes;
  rec["expectation"] = control ? "the real certificate passes every independent check"
                               : "caught by an independent check (the real certificate passes)";
  rec["as_expected"] = as_expected;
  rec["reproduce"] = "fa-mutants certificate " + name + " --seed " + std::to_string(seed);
  if (write_record) write_atomically(record_dir / parts::mutant_file(name), rec.dump(2) + "\n");
  std::cout << (as_expected ? "  RESULT: as expected (" : "  RESULT: NOT AS EXPECTED (")
            << rec["expectation"].get<std::string>() << ")\n";
  return as_expected ? 0 : 1;
}

}  // namespace fa::mutants
