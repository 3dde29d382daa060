// The ties of the double and MPFR code paths to the proved Rational path
// (checks/schwartz_zippel.hpp, implementation_ties, run_ties): every step and flow map, in every
// scalar, equals the Rational one on random points where every operation is exact.
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
      out.push_back(
          tie_one<double>(map, dyn.d ? *dyn.d : reference_dynamics<double>(),
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
                                     : "flow_rhs<Mp> (the MPFR kernels)",
                                mp_bits, seed, target_log2));
      failed_mp = failed_mp || !out.back().passed;
    }
    if (!(stop_at_first_failure && failed_var)) {
      out.push_back(tie_one<MpVar>(map, dyn.mpvar ? *dyn.mpvar : reference_dynamics<MpVar>(),
                                   step ? "in-place MPFR kernels, each dot product exact and "
                                          "rounded once (dynamics/kernels.hpp, exact_dot.hpp), "
                                          "MpVar"
                                        : "flow_rhs<MpVar> (the MPFR kernels)",
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
  const auto part = parts::parts_dir(report_dir()) / parts::kTiesFile;
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
