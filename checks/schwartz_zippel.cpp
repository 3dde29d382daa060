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
#include <limits>

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

/// Deep shapes: widths d_0 = m, d_1 .. d_{L-1}, d_L = n.
struct DeepShape {
  std::vector<int> d;
  int depth() const { return static_cast<int>(d.size()) - 1; }
  std::string text() const {
    std::string t = "L=" + std::to_string(depth()) + " widths=";
    for (std::size_t i = 0; i < d.size(); ++i) t += (i ? "," : "") + std::to_string(d[i]);
    return t;
  }
};

/// Every depth 2 <= L <= max_depth with every width (n, m and the hidden ones) in
/// 1..max_width, and 1..max_width_deepest at L = max_depth (the count grows as width^(L+1)).
std::vector<DeepShape> all_deep_shapes(int max_depth, int max_width, int max_width_deepest) {
  std::vector<DeepShape> out;
  for (int L = 2; L <= max_depth; ++L) {
    const int w = L == max_depth ? max_width_deepest : max_width;
    std::vector<int> d(static_cast<std::size_t>(L + 1), 1);
    while (true) {
      out.push_back({d});
      std::size_t i = 0;
      while (i < d.size() && d[i] == w) d[i++] = 1;
      if (i == d.size()) break;
      ++d[i];
    }
  }
  return out;
}

DeepPolyPoint draw_deep_point(PointSource& src, const DeepShape& s) {
  const int L = s.depth();
  auto width = [&](int l) { return s.d[static_cast<std::size_t>(l)]; };
  auto matrix = [&](int rows, int cols) {
    return matrix_of<Rational>(src.draw(long(rows) * cols), rows, cols);
  };
  DeepPolyPoint p;
  p.Y = matrix(width(L), width(0));
  p.w.W.resize(static_cast<std::size_t>(L + 1));
  p.fb.fa.resize(static_cast<std::size_t>(L + 1));
  p.fb.dfa.resize(static_cast<std::size_t>(L + 1));
  for (int l = 1; l <= L; ++l) p.w.W[static_cast<std::size_t>(l)] = matrix(width(l), width(l - 1));
  for (int l = 2; l <= L; ++l)
    p.fb.fa[static_cast<std::size_t>(l)] = matrix(width(l), width(l - 1));
  for (int l = 1; l <= L - 1; ++l)
    p.fb.dfa[static_cast<std::size_t>(l)] = matrix(width(L), width(l));
  p.eta = scalar_of<Rational>(src.next());
  return p;
}

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

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
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

/// The deep steps at depth 3 (dynamics/deep.hpp: the forward product P_2 = W_2 W_1, the signals
/// and every layer's update; depth 2 is the two-layer step bit for bit, tests/unit/test_deep.cpp)
/// against the Rational path, every width (n, m, d_1, d_2) in 1..3. Degree of the step's
/// formulas: 2L = 6 (DL1's derivation).
template <class T>
TieResult tie_one_deep(DeepAlgorithm a, const Dynamics<T>& dyn, const std::string& code,
                       int precision, std::uint64_t seed, int target_log2) {
  constexpr int kDepth = 3;
  TieResult t;
  t.map = "deep " + deep_algorithm_name(a) + " step (L = 3)";
  t.scalar = scalar_name<T>();
  t.code = code;
  t.degree = 2 * kDepth;
  t.precision_bits = precision;
  t.bits = exact_bits(t.degree, precision);
  t.points_per_shape = sz_points_for(t.degree, t.bits, target_log2);
  t.log2_bound_per_shape = t.points_per_shape * (std::log2(double(t.degree)) - t.bits);
  std::vector<DeepShape> shapes;
  for (const DeepShape& s : all_deep_shapes(kDepth, 3, 3))
    if (s.depth() == kDepth) shapes.push_back(s);
  t.shapes = static_cast<int>(shapes.size());
  PointSource src{make_engine(seed ^ (0x100u + static_cast<std::uint64_t>(a)), Stream::extra),
                  t.bits};
  const DeepDynamics<Rational>& proved = reference_deep_dynamics<Rational>();
  auto to_t = [](const std::vector<Mat<Rational>>& v) {
    std::vector<Mat<T>> out;
    for (const Mat<Rational>& M : v) {
      Mat<T> X(M.rows(), M.cols());
      for (Eigen::Index q = 0; q < M.size(); ++q)
        X.data()[q] = scalar_of<T>(M.data()[q].template convert_to<unsigned long long>());
      out.push_back(X);
    }
    return out;
  };
  for (const DeepShape& s : shapes) {
    DeepWorkspace<T> ws;
    DeepWorkspace<Rational> wsq;
    for (int k = 0; k < t.points_per_shape; ++k) {
      const DeepPolyPoint q = draw_deep_point(src, s);
      Layers<Rational> want = q.w;
      proved.step(a, want, q.Y, q.fb, q.eta, 0, wsq);
      Layers<T> got{to_t(q.w.W)};
      const DeepFeedback<T> fb{to_t(q.fb.fa), to_t(q.fb.dfa)};
      const Mat<T> Y = to_t({q.Y})[0];
      const T eta = scalar_of<T>(q.eta.template convert_to<unsigned long long>());
      clear_exactness_flags<T>();
      dyn.deep().step(a, got, Y, fb, eta, 0, ws);
      const bool exact = all_exact<T>();
      bool same = true;
      for (int l = 1; l <= kDepth; ++l)
        same = same && exact::to_rational(got.W[static_cast<std::size_t>(l)]) ==
                           want.W[static_cast<std::size_t>(l)];
      if (!exact || !same) {
        t.message = t.map + " in " + t.scalar + " at " + s.text() + ", point " + std::to_string(k) +
                    ": " + (!same ? "differs from the Rational step" : "not computed exactly") +
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
  for (DeepAlgorithm a : {DeepAlgorithm::gd, DeepAlgorithm::fa, DeepAlgorithm::dfa}) {
    if (!(stop_at_first_failure && failed_d)) {
      out.push_back(tie_one_deep<double>(
          a, dyn.d ? *dyn.d : reference_dynamics<double>(),
          "deep_step: the fused residual and Eigen's products (small-size kernels)", 53, seed,
          target_log2));
      failed_d = failed_d || !out.back().passed;
    }
    if (!(stop_at_first_failure && failed_mp)) {
      out.push_back(tie_one_deep<Mp>(a, dyn.mp ? *dyn.mp : reference_dynamics<Mp>(),
                                     "deep_step: in-place MPFR kernels, Mp", mp_bits, seed,
                                     target_log2));
      failed_mp = failed_mp || !out.back().passed;
    }
    if (!(stop_at_first_failure && failed_var)) {
      out.push_back(tie_one_deep<MpVar>(a, dyn.mpvar ? *dyn.mpvar : reference_dynamics<MpVar>(),
                                        "deep_step: in-place MPFR kernels, MpVar", var_bits, seed,
                                        target_log2));
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
            << "; two-layer maps: all 30 shapes n, m <= 4; deep steps: all 81 shapes of depth 3, "
               "widths <= 3)\n";
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
