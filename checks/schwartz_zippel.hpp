// The implementation proved per shape (docs/strengths.md, "Three strengths": proved).
//
// Schwartz-Zippel: a non-zero polynomial of total degree d vanishes at a point drawn uniformly from
// S^N with probability at most d / |S|. A claim that is a polynomial identity of the
// implementation (ClaimSpec::polynomial, checks/polynomial.hpp) is evaluated, through the very
// code the claims and fa-check run (Dynamics<Rational>::step, flow_rhs), in exact rationals at K
// independent points with every entry of Y, B, Z, W and eta uniform in {0, ..., 2^62 - 1}. If the
// residual is exactly zero at all K, the probability that the implementation violates the identity
// somewhere in that shape is at most (d / 2^62)^K. Every shape with n, m <= 4 and
// 1 <= r <= min(n, m) is covered; K is chosen so that (d / 2^62)^K < 2^-1000 per shape.
//
// What this covers: the Rational instantiation runs the GENERIC path (Eigen's products on the
// formulas of dynamics/dynamics.hpp). The MPFR kernels (dynamics/kernels.hpp) and double's fused
// residual are separate code; implementation_ties() ties them to the proved path: at points small
// enough that every operation is exact (checked with the IEEE / MPFR inexact flags), their step
// must return exactly the Rational step's value. Both are straight-line programs of +, -, x whose
// control flow depends on the shapes only, so in exact arithmetic they compute polynomial maps;
// agreement at K random points bounds the chance that those maps differ from the proved one by
// (d' / 2^b)^K, d' the degree of the step's formulas. What the ties do not prove: anything about
// rounding (the claims' k eps tolerances stay tested), or shapes beyond n, m <= 4: there Eigen runs
// its small-size product kernels, so its blocked GEMM (used for double at larger sizes) and
// double's plain-expression fallback for depths >= 128 are not reached; nor the ladder's and
// fa-check's MpVar at other precisions than the one tied (the kernels are the same template).
#pragma once

#include "checks/claim.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fa {

struct SzOptions {
  std::string falsifier;              // run one of the identity's falsifiers instead
  std::optional<std::uint64_t> seed;  // default: property_seed("schwartz-zippel/<id>")
  int points = 0;                     // per shape; 0: enough for 2^target_log2
  int target_log2 = -1000;
  int max_dim = 4;
  int bits = 62;                                 // entries uniform in {0, ..., 2^bits - 1}
  const Dynamics<Rational>* dynamics = nullptr;  // default: the reference (mutants: a mutant)
  // Deep identities (PolynomialIdentity::evaluate_deep): depths 2..deep_max_depth, every width
  // in 1..deep_max_width (1..deep_max_width_deepest at the largest depth: the number of shapes
  // grows as width^(L+1)).
  int deep_max_depth = 5;
  int deep_max_width = 3;
  int deep_max_width_deepest = 2;
};

struct SzResult {
  std::string verdict;  // "proved", "refuted" (a non-zero residual), "error"
  int degree = 0;
  int bits = 0;
  int points_per_shape = 0;
  int shapes = 0;
  long evaluations = 0;
  double log2_bound_per_shape = 0;   // K (log2 d - bits)
  double log2_bound_all_shapes = 0;  // + log2(shapes): union bound
  std::uint64_t seed = 0;
  double seconds = 0;
  std::string message;
  nlohmann::json failure = nullptr;  // the shape, the point and the residual, when refuted
  std::string shape_range = "n, m <= 4, 1 <= r <= min(n, m)";
};

/// Points per shape so that (degree / 2^bits)^K < 2^target_log2.
int sz_points_for(int degree, int bits, int target_log2);

SzResult schwartz_zippel(const RegisteredClaim& claim, const SzOptions& opt);

/// `fa-claims sz ID`: runs, prints, writes report/parts/<ID>.sz.json (unless a falsifier runs or
/// write_report is off). Returns 0 when the verdict is the expected one (proved; refuted for a
/// falsifier).
int run_schwartz_zippel(const std::string& id, const std::string& falsifier,
                        std::optional<std::uint64_t> seed, int points, bool write_report);

// ---- ties of the other arithmetic paths to the proved one
// -----------------------------------------

struct TieDynamics {
  const Dynamics<double>* d = nullptr;  // default: the reference
  const Dynamics<Mp>* mp = nullptr;
  const Dynamics<MpVar>* mpvar = nullptr;
};

struct TieResult {
  std::string map;     // "GD step", "FA step", "FA* step", "GD flow RHS", "FA flow RHS"
  std::string scalar;  // "double", "mp", "mpfr"
  std::string code;    // which code path of that scalar
  int degree = 0;      // of the map's formulas
  int bits = 0;        // points: entries and eta uniform in {0, ..., 2^bits - 1}
  int precision_bits = 0;
  int points_per_shape = 0;
  int shapes = 0;
  double log2_bound_per_shape = 0;
  bool passed = false;
  std::string message;  // on failure: the shape and what differed (or was inexact)
};

/// Every map in every other scalar against the Rational path, all shapes n, m <= 4. With
/// stop_at_first_failure, a scalar's remaining maps are skipped once one of its ties failed
/// (mutation tests need one failure per scalar, not all of them).
std::vector<TieResult> implementation_ties(const TieDynamics& dyn, std::uint64_t seed,
                                           int target_log2 = -1000,
                                           bool stop_at_first_failure = false);

/// `fa-claims ties`: runs, prints, writes report/parts/implementation.ties.json. 0 when all pass.
int run_ties(std::optional<std::uint64_t> seed, bool write_report);

nlohmann::json sz_json(const std::string& id, const SzResult& r, const std::string& falsifier);
nlohmann::json ties_json(const std::vector<TieResult>& ties, std::uint64_t seed);

}  // namespace fa
