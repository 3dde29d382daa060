// `fa-check certify` (cli/certify.hpp): read, check, certify, print.
#include "cli/certify.hpp"

#include "certify/certificates.hpp"
#include "certify/exact.hpp"
#include "cli/run_impl.hpp"

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
  using detail::usage;
  const auto start = std::chrono::steady_clock::now();
  if (opt.y_file.empty()) usage("certify needs --y FILE (the target matrix)");
  Mat<double> B;
  if (!opt.b_file.empty()) B = detail::read_as<double>(opt.b_file, 0);
  long long r = opt.r;
  std::string r_source = "--r " + std::to_string(r);
  if (!opt.r_given) {
    if (!B.size()) usage("--r is required (or give --b, whose columns are r)");
    r = B.cols();
    r_source = "r = " + std::to_string(r) + " (columns of --b " + opt.b_file + ")";
  }
  const Mat<double> Y = detail::read_as<double>(opt.y_file, 0);
  const long long n = Y.rows(), m = Y.cols();
  detail::check_r_for_file(r, r_source, opt.y_file, n, m);
  std::string b_desc = opt.b_file;
  if (!B.size()) {
    B = detail::default_feedback<double>(n, r, opt.seed);
    b_desc = "N(0, 1/n) entries from --seed " + std::to_string(opt.seed) + " (as fa-check run)";
  }
  detail::check_feedback_shape(B, opt.b_file, n, r, r_source);

  const certify::SeparationCertificate c = certify::certify_separation(Y, B);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream out;
  out << "fa-check certify: Y " << opt.y_file << " (" << detail::shape(n, m) << "), B " << b_desc
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
