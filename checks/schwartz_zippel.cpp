// Schwartz-Zippel checks of the claims' polynomial identities (checks/schwartz_zippel.hpp); the
// ties of the code paths are in checks/implementation_ties.cpp.
#include "checks/schwartz_zippel.hpp"
#include "checks/sz_points.hpp"

#include "certify/exact.hpp"
#include "checks/claim_runner.hpp"
#include "checks/property.hpp"
#include "dynamics/flow.hpp"
#include "reports/parts.hpp"

#include <mpfr.h>

#include <cfenv>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>

namespace fa {

using namespace sz_detail;

namespace {

nlohmann::json deep_point_json(const DeepPolyPoint& p) {
  nlohmann::json j;
  j["Y"] = matrix_json(p.Y);
  j["eta"] = to_text(p.eta);
  for (std::size_t l = 1; l < p.w.W.size(); ++l) {
    j["W" + std::to_string(l)] = matrix_json(p.w.W[l]);
    if (p.fb.fa[l].size()) j["B" + std::to_string(l) + "_fa"] = matrix_json(p.fb.fa[l]);
    if (p.fb.dfa[l].size()) j["B" + std::to_string(l) + "_dfa"] = matrix_json(p.fb.dfa[l]);
  }
  return j;
}

Rational max_abs_rational(const Mat<Rational>& M) {
  Rational best(0);
  for (Eigen::Index q = 0; q < M.size(); ++q) {
    const Rational a = M.data()[q] < 0 ? Rational(-M.data()[q]) : M.data()[q];
    if (a > best) best = a;
  }
  return best;
}

nlohmann::json point_json(const PolyPoint& p) {
  return {{"Y", matrix_json(p.Y)},
          {"B", matrix_json(p.B)},
          {"Z", matrix_json(p.Z)},
          {"W", matrix_json(p.W)},
          {"eta", to_text(p.eta)}};
}

}  // namespace

int sz_points_for(int degree, int bits, int target_log2) {
  const double per_point = std::log2(static_cast<double>(std::max(degree, 1))) - bits;
  if (per_point >= 0) return 0;  // the check bounds nothing at these sizes
  return static_cast<int>(std::ceil(target_log2 / per_point - 1e-9));
}

namespace {

/// One point of a Schwartz-Zippel run: evaluates the residual (`evaluate`), counts it, and on an
/// exception or a non-zero residual sets out's verdict, message and failure and returns false.
template <class Evaluate, class Failure>
bool check_point(SzResult& out, const RegisteredClaim& claim, const std::string& shape_text, int k,
                 Evaluate evaluate, Failure failure_json,
                 std::chrono::steady_clock::time_point start) {
  Mat<Rational> res;
  try {
    res = evaluate();
  } catch (const std::exception& e) {
    out.verdict = "error";
    out.message = "claim " + claim.spec.id + ": the residual could not be evaluated at " +
                  shape_text + " point " + std::to_string(k) + ": " + e.what();
    out.seconds = seconds_since(start);
    return false;
  }
  ++out.evaluations;
  const Rational worst = max_abs_rational(res);
  if (worst == 0) return true;
  out.verdict = "refuted";
  out.message = "claim " + claim.spec.id + ": " + claim.spec.polynomial->residual +
                " is non-zero at " + shape_text + ", point " + std::to_string(k) +
                " (max |residual| = " + exact::decimal(worst, 6) + ")";
  out.failure = failure_json();
  out.failure["point_index"] = k;
  out.failure["max_abs_residual"] = to_text(worst);
  out.seconds = seconds_since(start);
  return false;
}

/// The deep identities (PolynomialIdentity::evaluate_deep): every deep shape of
/// all_deep_shapes(opt.deep_max_depth, ...), K points each, K chosen per depth for the degree
/// deep_degree_per_layer * L at that depth. The bound reported is the largest over the depths.
SzResult deep_schwartz_zippel(const RegisteredClaim& claim, const SzOptions& opt,
                              std::chrono::steady_clock::time_point start) {
  const PolynomialIdentity& poly = *claim.spec.polynomial;
  SzResult out;
  out.bits = opt.bits;
  out.seed = opt.seed ? *opt.seed : property_seed("schwartz-zippel/" + claim.spec.id);
  const std::vector<DeepShape> shapes =
      all_deep_shapes(opt.deep_max_depth, opt.deep_max_width, opt.deep_max_width_deepest);
  out.shapes = static_cast<int>(shapes.size());
  out.degree = poly.deep_degree_per_layer * opt.deep_max_depth;
  out.shape_range = "depth L = 2.." + std::to_string(opt.deep_max_depth) +
                    ", every width (n, m, d_l) in 1.." + std::to_string(opt.deep_max_width) +
                    " (1.." + std::to_string(opt.deep_max_width_deepest) +
                    " at L = " + std::to_string(opt.deep_max_depth) + "); degree " +
                    std::to_string(poly.deep_degree_per_layer) + " L";
  out.log2_bound_per_shape = -std::numeric_limits<double>::infinity();
  const Dynamics<Rational>& dyn = opt.dynamics ? *opt.dynamics : reference_dynamics<Rational>();
  PointSource src{make_engine(out.seed, Stream::extra), opt.bits};
  for (const DeepShape& s : shapes) {
    const int degree = poly.deep_degree_per_layer * s.depth();
    const int points =
        opt.points > 0 ? opt.points : sz_points_for(degree, opt.bits, opt.target_log2);
    out.points_per_shape = std::max(out.points_per_shape, points);
    out.log2_bound_per_shape = std::max(
        out.log2_bound_per_shape, points * (std::log2(static_cast<double>(degree)) - opt.bits));
    DeepWorkspace<Rational> ws;  // reused across the shape's points
    for (int k = 0; k < points; ++k) {
      const DeepPolyPoint point = draw_deep_point(src, s);
      DeepPolyCase c(dyn, point, ws, opt.falsifier);
      if (!check_point(
              out, claim, s.text(), k, [&] { return poly.evaluate_deep(c); },
              [&] {
                return nlohmann::json{{"shape", {{"widths", s.d}}},
                                      {"point", deep_point_json(point)}};
              },
              start))
        return out;
    }
  }
  out.log2_bound_all_shapes = out.log2_bound_per_shape + std::log2(double(out.shapes));
  out.verdict = "proved";
  out.seconds = seconds_since(start);
  return out;
}

}  // namespace

SzResult schwartz_zippel(const RegisteredClaim& claim, const SzOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  SzResult out;
  if (claim.spec.polynomial && claim.spec.polynomial->evaluate_deep)
    return deep_schwartz_zippel(claim, opt, start);
  if (!claim.spec.polynomial || !claim.spec.polynomial->evaluate)
    throw std::invalid_argument("claim " + claim.spec.id + " is not a polynomial identity");
  const PolynomialIdentity& poly = *claim.spec.polynomial;
  out.degree = poly.degree;
  out.bits = opt.bits;
  out.points_per_shape =
      opt.points > 0 ? opt.points : sz_points_for(poly.degree, opt.bits, opt.target_log2);
  out.seed = opt.seed ? *opt.seed : property_seed("schwartz-zippel/" + claim.spec.id);
  const std::vector<Shape> shapes = all_shapes(opt.max_dim);
  out.shapes = static_cast<int>(shapes.size());
  out.log2_bound_per_shape =
      out.points_per_shape * (std::log2(static_cast<double>(poly.degree)) - opt.bits);
  out.log2_bound_all_shapes = out.log2_bound_per_shape + std::log2(double(out.shapes));
  const Dynamics<Rational>& dyn = opt.dynamics ? *opt.dynamics : reference_dynamics<Rational>();
  PointSource src{make_engine(out.seed, Stream::extra), opt.bits};
  for (const Shape& s : shapes) {
    Workspace<Rational> ws;  // reused across the shape's points (a step must not depend on it)
    for (int k = 0; k < out.points_per_shape; ++k) {
      const PolyPoint point = rational_point(draw_point(src, s), s);
      PolyCase c(dyn, point, ws, opt.falsifier);
      if (!check_point(
              out, claim, s.text(), k, [&] { return poly.evaluate(c); },
              [&] {
                return nlohmann::json{{"shape", {{"n", s.n}, {"m", s.m}, {"r", s.r}}},
                                      {"point", point_json(point)}};
              },
              start))
        return out;
    }
  }
  out.verdict = "proved";
  out.seconds = seconds_since(start);
  return out;
}

nlohmann::json sz_json(const std::string& id, const SzResult& r, const std::string& falsifier) {
  nlohmann::json j;
  j["id"] = id;
  j["kind"] = "schwartz-zippel";
  j["falsifier"] = falsifier.empty() ? nlohmann::json(nullptr) : nlohmann::json(falsifier);
  j["verdict"] = r.verdict;
  j["degree"] = r.degree;
  j["bits"] = r.bits;
  j["points_per_shape"] = r.points_per_shape;
  j["shapes"] = r.shapes;
  j["shape_range"] = r.shape_range;
  j["evaluations"] = r.evaluations;
  j["log2_bound_per_shape"] = r.log2_bound_per_shape;
  j["log2_bound_all_shapes"] = r.log2_bound_all_shapes;
  j["seed"] = std::to_string(r.seed);
  j["code"] = "Dynamics<Rational>::step and flow_rhs<Rational>: the generic Eigen path";
  j["seconds"] = r.seconds;
  j["message"] = r.message;
  j["failure"] = r.failure;
  return j;
}

int run_schwartz_zippel(const std::string& id, const std::string& falsifier,
                        std::optional<std::uint64_t> seed, int points, bool write_report) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || !claim->spec.polynomial) {
    std::cerr << "fa-claims: no claim '" << id << "' with a polynomial identity\n";
    return 2;
  }
  const PolynomialIdentity& poly = *claim->spec.polynomial;
  const bool listed = std::any_of(poly.falsifiers.begin(), poly.falsifiers.end(),
                                  [&](const Falsifier& f) { return f.name == falsifier; });
  if (!falsifier.empty() && !listed) {
    std::cerr << "fa-claims: claim " << id << "'s identity has no falsifier '" << falsifier
              << "'\n";
    return 2;
  }
  const bool writes = write_report && falsifier.empty();
  const auto part = parts::parts_dir(report_dir()) / parts::sz_file(id);
  if (writes) {
    SzResult unfinished;
    unfinished.verdict = "error";
    unfinished.message = "started but did not finish (crashed or killed)";
    write_atomically(part, sz_json(id, unfinished, "").dump(2) + "\n");
  }
  SzOptions opt;
  opt.falsifier = falsifier;
  opt.seed = seed;
  opt.points = points;
  const SzResult r = schwartz_zippel(*claim, opt);
  const bool ok = falsifier.empty() ? r.verdict == "proved" : r.verdict == "refuted";
  std::cout << "claim " << id << " " << claim->spec.title
            << "\n  Schwartz-Zippel: " << poly.residual << ", total degree " << r.degree << "\n";
  if (!falsifier.empty())
    std::cout << "  FALSIFIER " << falsifier << " (the check must find a non-zero residual)\n";
  std::cout << "  points: every entry of Y, B, Z, W and eta uniform in {0, ..., 2^" << r.bits
            << " - 1}, seed " << r.seed << "\n  shapes: all " << r.shapes << " with "
            << r.shape_range << "; " << r.points_per_shape << " points each"
            << (poly.evaluate_deep ? " (at most)" : "") << "; " << r.evaluations
            << " exact evaluations in " << r.seconds << " s\n  code: "
            << (poly.evaluate_deep ? "DeepDynamics<Rational>::step (dynamics/deep.hpp, the generic "
                                     "Eigen path)"
                                   : "Dynamics<Rational>::step / flow_rhs<Rational> (the generic "
                                     "Eigen path)")
            << "\n";
  std::cout << "  verdict: " << r.verdict;
  if (r.verdict == "proved")
    std::cout << ": every residual exactly 0; for each shape, the probability that the "
                 "implementation violates the identity anyway is < 2^"
              << static_cast<long>(std::floor(r.log2_bound_per_shape + 1)) << " (all shapes: < 2^"
              << static_cast<long>(std::floor(r.log2_bound_all_shapes + 1)) << ")";
  std::cout << "\n";
  if (!r.message.empty()) std::cout << "  " << r.message << "\n";
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if (writes) write_atomically(part, sz_json(id, r, "").dump(2) + "\n");
  return ok ? 0 : 1;
}

}  // namespace fa
