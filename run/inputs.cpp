// certify_problem (run/inputs.hpp): the checks of `fa-check certify` and faverify.certify.
#include "run/inputs.hpp"

namespace fa::run {

CertifyProblem certify_problem(const CertifyInputs& in) {
  const Spelling sp = in.spelling;
  // Where r came from: "--b B.csv" on the command line, "b" in Python.
  const std::string b_ref =
      sp == Spelling::cli ? "--b " + in.b.name : option_name(sp, "--b");
  CertifyProblem p;
  if (in.b.given()) p.B = in.b.load();
  std::string r_source;
  if (in.r) {
    p.r = *in.r;
    r_source = option_value(sp, "--r", std::to_string(p.r));
  } else {
    if (!in.b.given())
      refuse(sp == Spelling::cli ? "--r is required (or give --b, whose columns are r)"
                                 : "certify needs r (or b, whose columns are r)");
    p.r = p.B.cols();
    r_source = "r = " + std::to_string(p.r) + " (columns of " + b_ref + ")";
  }
  p.Y = in.y.load();
  const long long n = p.Y.rows(), m = p.Y.cols();
  check_r_for_target(p.r, r_source, in.y.name, n, m);
  p.b_desc = in.b.name;
  if (!in.b.given()) {
    p.B = default_feedback<double>(n, p.r, in.seed);
    p.b_desc = "N(0, 1/n) entries from " +
               option_value(sp, "--seed", std::to_string(in.seed)) + " (as fa-check run)";
  }
  check_feedback_shape(p.B, in.b.name, n, p.r, r_source);
  return p;
}

}  // namespace fa::run
