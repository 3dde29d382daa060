// `fa-check certify` (cli/certify.hpp): read, check, certify, print.
#include "cli/certify.hpp"

#include "certify/certificates.hpp"
#include "certify/exact.hpp"
#include "cli/run_command.hpp"
#include "run/inputs.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iomanip>

namespace fa::cli {

namespace {

/// The exact fraction, or its size when it is too long for a terminal line.
std::string fraction_for_terminal(const Rational& q) {
  const std::string f = exact::fraction(q);
  if (f.size() <= 400) return f;
  const auto slash = f.find('/');
  return "(" + std::to_string(slash == std::string::npos ? f.size() : slash) + "-digit / " +
         std::to_string(slash == std::string::npos ? 1 : f.size() - slash - 1) +
         "-digit fraction; written in full by --json FILE)";
}

}  // namespace

int certify_check(const CertifyOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  if (opt.y_file.empty()) run::refuse("certify needs --y FILE (the target matrix)");
  run::CertifyInputs in;
  in.spelling = run::Spelling::cli;
  in.y = run::file_source<double>(opt.y_file, 0);
  in.b = run::file_source<double>(opt.b_file, 0);
  if (opt.r_given) in.r = opt.r;
  in.seed = opt.seed;
  const run::CertifyProblem p = run::certify_problem(in);
  const Mat<double>& Y = p.Y;
  const Mat<double>& B = p.B;
  const long long n = Y.rows(), m = Y.cols(), r = p.r;
  const std::string& b_desc = p.b_desc;

  const certify::SeparationCertificate c = certify::certify_separation(Y, B);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream out;
  out << "fa-check certify: Y " << opt.y_file << " (" << run::shape_text(n, m) << "), B " << b_desc
      << ", r " << r << "\n";
  out << "  exact arithmetic on the numbers as read: every entry is the double the file gives "
         "(an exact binary fraction)\n";
  out << "rank(Y)       " << c.rank_y << " (exact)\n";
  out << "rank(B^T Y)   " << c.rank_feedback << " (exact)"
      << (c.feedback_sees_all_of_y()
              ? ": = rank(Y), so every FA stationary point has ZW = Y (A1(a))"
              : std::string(": < rank(Y), so FA's stationary points have error err* > 0"))
      << "\n";
  out << "err*          " << exact::decimal(c.err_star, 17)
      << "   (FA's limit error ||Y(I-P)||_F^2, P the projector onto row(B^T Y))\n";
  out << "  exactly     " << fraction_for_terminal(c.err_star) << "\n";
  if (c.opt_bound_known && c.rank_y <= r)
    out << "opt_r         0   (exactly: rank(Y) = " << c.rank_y << " <= r)\n";
  else if (c.opt_bound_known)
    out << "opt_r <=      " << exact::decimal(c.opt_upper, 17, 'U') << "   (rounded up; "
        << c.opt_bound_source << ")\n";
  else
    out << "opt_r         no upper bound: " << c.opt_bound_source << "\n";
  out << c.verdict << "\n";
  out << "time          " << std::fixed << std::setprecision(2) << seconds << " s\n";
  std::cout << out.str() << std::flush;

  if (!opt.json_file.empty()) {
    nlohmann::json j = certify::to_json(c);
    j["y"] = opt.y_file;
    j["b"] = b_desc;
    j["seconds"] = seconds;
    std::ofstream f(opt.json_file);
    f << j.dump(2) << '\n';
    f.flush();
    if (!f) throw io::MatrixIoError(opt.json_file + ": cannot write");
  }
  return exit_ok;
}

}  // namespace fa::cli
