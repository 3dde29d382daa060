// Schwartz-Zippel checks of the claims' polynomial identities, and the ties of the double and MPFR
// code paths to the proved Rational path (checks/schwartz_zippel.hpp).
#include "checks/schwartz_zippel.hpp"

#include "certify/exact.hpp"
#include "checks/claim_runner.hpp"
#include "checks/property.hpp"
#include "dynamics/flow.hpp"

#include <mpfr.h>

#include <cfenv>
#include <chrono>
#include <cmath>
#include <iostream>

namespace fa {

namespace {

struct Shape {
  int n, m, r;
  std::string text() const {
    return "n=" + std::to_string(n) + " m=" + std::to_string(m) + " r=" + std::to_string(r);
  }
};

std::vector<Shape> all_shapes(int max_dim) {
  std::vector<Shape> out;
  for (int n = 1; n <= max_dim; ++n)
    for (int m = 1; m <= max_dim; ++m)
      for (int r = 1; r <= std::min(n, m); ++r) out.push_back({n, m, r});
  return out;
}

/// Entries uniform in {0, ..., 2^bits - 1}: the top `bits` bits of a 64-bit draw.
struct PointSource {
  Engine engine;
  int bits;
  std::uint64_t next() { return bits >= 64 ? engine() : engine() >> (64 - bits); }
  std::vector<std::uint64_t> draw(long count) {
    std::vector<std::uint64_t> v(static_cast<std::size_t>(count));
    for (auto& x : v) x = next();
    return v;
  }
};

/// The raw integers of one point (column-major), so every scalar builds the same point.
struct RawPoint {
  std::vector<std::uint64_t> Y, B, Z, W;
  std::uint64_t eta = 0;
};

RawPoint draw_point(PointSource& src, const Shape& s) {
  RawPoint p;
  p.Y = src.draw(long(s.n) * s.m);
  p.B = src.draw(long(s.n) * s.r);
  p.Z = src.draw(long(s.n) * s.r);
  p.W = src.draw(long(s.r) * s.m);
  p.eta = src.next();
  return p;
}

template <class T>
T scalar_of(std::uint64_t x) {
  if constexpr (std::is_same_v<T, double>) {
    return static_cast<double>(x);  // exact: callers keep x below 2^53
  } else {
    return T(static_cast<unsigned long long>(x));
  }
}

template <class T>
Mat<T> matrix_of(const std::vector<std::uint64_t>& v, int rows, int cols) {
  Mat<T> M(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i)
      M(i, j) = scalar_of<T>(v[static_cast<std::size_t>(j * rows + i)]);
  return M;
}

PolyPoint rational_point(const RawPoint& p, const Shape& s) {
  return PolyPoint{matrix_of<Rational>(p.Y, s.n, s.m), matrix_of<Rational>(p.B, s.n, s.r),
                   matrix_of<Rational>(p.Z, s.n, s.r), matrix_of<Rational>(p.W, s.r, s.m),
                   scalar_of<Rational>(p.eta)};
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

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int sz_points_for(int degree, int bits, int target_log2) {
  const double per_point = std::log2(static_cast<double>(std::max(degree, 1))) - bits;
  if (per_point >= 0) return 0;  // the check bounds nothing at these sizes
  return static_cast<int>(std::ceil(target_log2 / per_point - 1e-9));
}

SzResult schwartz_zippel(const RegisteredClaim& claim, const SzOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  SzResult out;
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
      Mat<Rational> res;
      try {
        res = poly.evaluate(c);
      } catch (const std::exception& e) {
        out.verdict = "error";
        out.message = "claim " + claim.spec.id + ": the residual could not be evaluated at " +
                      s.text() + " point " + std::to_string(k) + ": " + e.what();
        out.seconds = seconds_since(start);
        return out;
      }
      ++out.evaluations;
      const Rational worst = max_abs_rational(res);
      if (worst != 0) {
        out.verdict = "refuted";
        out.message = "claim " + claim.spec.id + ": " + poly.residual + " is non-zero at " +
                      s.text() + ", point " + std::to_string(k) +
                      " (max |residual| = " + exact::decimal(worst, 6) + ")";
        out.failure = {{"shape", {{"n", s.n}, {"m", s.m}, {"r", s.r}}},
                       {"point_index", k},
                       {"point", point_json(point)},
                       {"max_abs_residual", to_text(worst)}};
        out.seconds = seconds_since(start);
        return out;
      }
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
  j["shape_range"] = "n, m <= 4, 1 <= r <= min(n, m)";
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
  if (!falsifier.empty() && std::find(poly.falsifiers.begin(), poly.falsifiers.end(), falsifier) ==
                                poly.falsifiers.end()) {
    std::cerr << "fa-claims: claim " << id << "'s identity has no falsifier '" << falsifier
              << "'\n";
    return 2;
  }
  const bool writes = write_report && falsifier.empty();
  const auto part = report_dir() / "parts" / (id + ".sz.json");
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
            << " - 1}, seed " << r.seed << "\n  shapes: all " << r.shapes
            << " with n, m <= 4, 1 <= r <= min(n, m); " << r.points_per_shape << " points each; "
            << r.evaluations << " exact evaluations in " << r.seconds
            << " s\n  code: Dynamics<Rational>::step / flow_rhs<Rational> (the generic Eigen "
               "path)\n";
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

// ---- ties
// ------------------------------------------------------------------------------------------

namespace {

enum class MapKind { gd_step, fa_step, fa_star_step, gd_flow, fa_flow };

struct MapSpec {
  MapKind kind;
  const char* name;
  int degree;  // of the map's formulas in the entries of (Y, B, Z, W) and eta
};

// Degrees: E = ZW - Y has degree 2. GD/FA: Z+ = Z - eta E W^T and W+ = W - eta (Z^T or B^T) E
// are of degree 4. FA*: G = B^T E is 3, W_mid = W - (eta/2) G is 4, Z+ = Z - eta E W_mid^T is 7.
// Flows: -E W^T and -(Z^T or B^T) E are of degree 3.
const MapSpec kMaps[] = {{MapKind::gd_step, "GD step", 4},
                         {MapKind::fa_step, "FA step", 4},
                         {MapKind::fa_star_step, "FA* step", 7},
                         {MapKind::gd_flow, "GD flow RHS", 3},
                         {MapKind::fa_flow, "FA flow RHS", 3}};

/// Largest entry size (bits) at which every operation of the map is exact in a significand of
/// `precision` bits: outputs are below ~2^8 times 2^(degree bits) at n, m, r <= 4 (sums of at most
/// 4 terms per product, eta/2 adding one bit); the inexact flags check it on every point.
int exact_bits(int degree, int precision) {
  return std::min(62, (precision - 10) / degree);
}

template <class T>
Factors<T> apply_map(MapKind kind, const Dynamics<T>& dyn, const Mat<T>& Y, const Mat<T>& B,
                     const Factors<T>& f, const T& eta, Workspace<T>& ws) {
  switch (kind) {
    case MapKind::gd_flow:
      return flow_rhs(FlowKind::gd, Y, B, f);
    case MapKind::fa_flow:
      return flow_rhs(FlowKind::fa, Y, B, f);
    default:
      break;
  }
  const Algorithm a = kind == MapKind::gd_step   ? Algorithm::gd
                      : kind == MapKind::fa_step ? Algorithm::fa
                                                 : Algorithm::fa_star;
  Factors<T> g = f;
  dyn.step(a, g, Y, B, eta, 0, ws);
  return g;
}

/// Clears the floating-point exception flags of T's arithmetic.
template <class T>
void clear_exactness_flags() {
  if constexpr (std::is_same_v<T, double>) {
    std::feclearexcept(FE_ALL_EXCEPT);
  } else {
    mpfr_clear_flags();
  }
}

/// True when no operation since clear_exactness_flags() rounded, overflowed or made a NaN.
template <class T>
bool all_exact() {
  if constexpr (std::is_same_v<T, double>) {
    return std::fetestexcept(FE_INEXACT | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID) == 0;
  } else {
    return !mpfr_inexflag_p() && !mpfr_overflow_p() && !mpfr_underflow_p() && !mpfr_nanflag_p();
  }
}

template <class T>
TieResult tie_one(const MapSpec& map, const Dynamics<T>& dyn, const std::string& code,
                  int precision, std::uint64_t seed, int target_log2) {
  TieResult t;
  t.map = map.name;
  t.scalar = scalar_name<T>();
  t.code = code;
  t.degree = map.degree;
  t.precision_bits = precision;
  t.bits = exact_bits(map.degree, precision);
  t.points_per_shape = sz_points_for(map.degree, t.bits, target_log2);
  t.log2_bound_per_shape = t.points_per_shape * (std::log2(double(map.degree)) - t.bits);
  const std::vector<Shape> shapes = all_shapes(4);
  t.shapes = static_cast<int>(shapes.size());
  PointSource src{make_engine(seed ^ static_cast<std::uint64_t>(map.kind), Stream::extra), t.bits};
  const Dynamics<Rational>& proved = reference_dynamics<Rational>();
  for (const Shape& s : shapes) {
    Workspace<T> ws;
    Workspace<Rational> wsq;
    for (int k = 0; k < t.points_per_shape; ++k) {
      const RawPoint p = draw_point(src, s);
      const PolyPoint q = rational_point(p, s);
      const Factors<Rational> want =
          apply_map<Rational>(map.kind, proved, q.Y, q.B, {q.Z, q.W}, q.eta, wsq);
      const Mat<T> Y = matrix_of<T>(p.Y, s.n, s.m), B = matrix_of<T>(p.B, s.n, s.r);
      const Factors<T> f{matrix_of<T>(p.Z, s.n, s.r), matrix_of<T>(p.W, s.r, s.m)};
      const T eta = scalar_of<T>(p.eta);
      clear_exactness_flags<T>();
      const Factors<T> got = apply_map<T>(map.kind, dyn, Y, B, f, eta, ws);
      const bool exact = all_exact<T>();
      const bool same = exact::to_rational(got.Z) == want.Z && exact::to_rational(got.W) == want.W;
      if (!exact || !same) {
        t.message = std::string(map.name) + " in " + t.scalar + " at " + s.text() + ", point " +
                    std::to_string(k) + ": " +
                    (!same ? "differs from the Rational step" : "not computed exactly") +
                    (!exact ? " (an operation rounded: the inexact flag is set)" : "");
        return t;
      }
    }
  }
  t.passed = true;
  return t;
}

}  // namespace

std::vector<TieResult> implementation_ties(const TieDynamics& dyn, std::uint64_t seed,
                                           int target_log2, bool stop_at_first_failure) {
  std::vector<TieResult> out;
  const int mp_bits = precision_bits<Mp>();
  // MpVar: enough bits that 62-bit points are exact for every map (degree 7: ~444 bits).
  const int saved = static_cast<int>(MpVar::default_precision());
  const int var_bits = set_mpvar_bits(1024);
  bool failed_d = false, failed_mp = false, failed_var = false;
  for (const MapSpec& map : kMaps) {
    const bool step = map.kind != MapKind::gd_flow && map.kind != MapKind::fa_flow;
    if (!(stop_at_first_failure && failed_d)) {
      out.push_back(tie_one<double>(map, dyn.d ? *dyn.d : reference_dynamics<double>(),
                                    step ? "the fused residual E = -Y, E += ZW (dynamics/kernels.hpp "
                                           "dense_residual) and Eigen's products, which at "
                                           "n, m <= 4 are its small-size kernels, not its "
                                           "blocked GEMM"
                                         : "flow_rhs<double> (generic Eigen)",
                                    53, seed, target_log2));
      failed_d = failed_d || !out.back().passed;
    }
    if (!(stop_at_first_failure && failed_mp)) {
      out.push_back(tie_one<Mp>(map, dyn.mp ? *dyn.mp : reference_dynamics<Mp>(),
                                step ? "in-place MPFR kernels, each dot product exact and "
                                       "rounded once (dynamics/kernels.hpp, exact_dot.hpp), Mp"
                                     : "flow_rhs<Mp> (generic Eigen on Boost's MPFR numbers)",
                                mp_bits, seed, target_log2));
      failed_mp = failed_mp || !out.back().passed;
    }
    if (!(stop_at_first_failure && failed_var)) {
      out.push_back(tie_one<MpVar>(map, dyn.mpvar ? *dyn.mpvar : reference_dynamics<MpVar>(),
                                   step ? "in-place MPFR kernels, each dot product exact and "
                                          "rounded once (dynamics/kernels.hpp, exact_dot.hpp), "
                                          "MpVar"
                                        : "flow_rhs<MpVar> (generic Eigen on Boost's MPFR numbers)",
                                   var_bits, seed, target_log2));
      failed_var = failed_var || !out.back().passed;
    }
  }
  MpVar::default_precision(static_cast<unsigned>(saved));
  return out;
}

nlohmann::json ties_json(const std::vector<TieResult>& ties, std::uint64_t seed) {
  nlohmann::json j;
  j["kind"] = "ties";
  j["seed"] = std::to_string(seed);
  j["what"] =
      "At points where every operation is exact (IEEE / MPFR inexact flags clear), each "
      "arithmetic's step or flow right-hand side returns exactly the value of the Rational path "
      "that Schwartz-Zippel proved. Both are straight-line programs of +, -, x with shape-only "
      "control flow, so they compute the same polynomial map except with probability < "
      "2^log2_bound_per_shape per shape. Rounding at other points is not covered (tested).";
  nlohmann::json rows = nlohmann::json::array();
  bool all = true;
  for (const auto& t : ties) {
    all = all && t.passed;
    rows.push_back({{"map", t.map},
                    {"scalar", t.scalar},
                    {"code", t.code},
                    {"degree", t.degree},
                    {"bits", t.bits},
                    {"precision_bits", t.precision_bits},
                    {"points_per_shape", t.points_per_shape},
                    {"shapes", t.shapes},
                    {"log2_bound_per_shape", t.log2_bound_per_shape},
                    {"passed", t.passed},
                    {"message", t.message}});
  }
  j["verdict"] = all ? "proved" : "refuted";
  j["ties"] = rows;
  return j;
}

int run_ties(std::optional<std::uint64_t> seed_opt, bool write_report) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t seed = seed_opt ? *seed_opt : property_seed("schwartz-zippel/ties");
  const auto part = report_dir() / "parts" / "implementation.ties.json";
  if (write_report)
    write_atomically(part, nlohmann::json{{"kind", "ties"},
                                          {"seed", std::to_string(seed)},
                                          {"verdict", "error"},
                                          {"ties", nlohmann::json::array()},
                                          {"what", "started but did not finish"},
                                          {"seconds", 0}}
                                   .dump(2) +
                               "\n");
  const std::vector<TieResult> ties = implementation_ties(TieDynamics{}, seed);
  std::cout << "ties of the double and MPFR code paths to the proved Rational path (seed " << seed
            << "; all 30 shapes n, m <= 4)\n";
  bool all = true;
  for (const auto& t : ties) {
    all = all && t.passed;
    std::cout << "  " << (t.passed ? "tied  " : "FAILED") << " " << t.map << " [" << t.scalar
              << ", " << t.precision_bits << " bits] " << t.code << ": " << t.points_per_shape
              << " points per shape, entries < 2^" << t.bits << ", error probability < 2^"
              << static_cast<long>(std::floor(t.log2_bound_per_shape + 1)) << " per shape";
    if (!t.passed) std::cout << "\n    " << t.message;
    std::cout << "\n";
  }
  nlohmann::json j = ties_json(ties, seed);
  j["seconds"] = seconds_since(start);
  std::cout << (all ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if (write_report) write_atomically(part, j.dump(2) + "\n");
  return all ? 0 : 1;
}

}  // namespace fa
