// Recipes: small, shrinkable descriptions of a problem instance. A recipe holds only integers and
// doubles; an instance (generators/instance.hpp) is built from it deterministically, from values
// that are exact in double, so every scalar type sees the same mathematical instance.
#pragma once

#include <cmath>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fa {

/// Singular-value profile of Y, all normalised to sigma_1 = 1 and listed from simple to complex
/// (RapidCheck shrinks toward the first).
enum class Spectrum {
  flat,       // sigma_i = 1
  geometric,  // sigma_i = 2^(-spread * (i-1)/(k-1)): condition number 2^spread
  gapped,     // sigma_1..sigma_min(r,k) = 1, the rest 2^-spread: a gap after sigma_r
  clustered,  // sigma_i = 1 + (k-i) 2^-(spread+4): distinct values within a narrow cluster
  near_tie,   // sigma_1..sigma_min(r,k) = 1, the rest 1 - 2^-spread (spread >= 1): a near-tie
              // at the gap that matters when r < k, sigma_r / sigma_{r+1} = 1 / (1 - 2^-spread)
  explicit_values  // Recipe::singular_values, as given
};

inline std::string spectrum_name(Spectrum s) {
  switch (s) {
    case Spectrum::flat: return "flat";
    case Spectrum::geometric: return "geometric";
    case Spectrum::gapped: return "gapped";
    case Spectrum::clustered: return "clustered";
    case Spectrum::near_tie:
      return "near-tie";
    case Spectrum::explicit_values: return "explicit";
  }
  return "?";
}

inline Spectrum parse_spectrum(const std::string& s) {
  for (Spectrum v : {Spectrum::flat, Spectrum::geometric, Spectrum::gapped, Spectrum::clustered,
                     Spectrum::near_tie})
    if (spectrum_name(v) == s) return v;
  throw std::invalid_argument("unknown spectrum '" + s +
                              "' (expected flat, geometric, gapped, clustered or near-tie)");
}

enum class Init { zero, small };

inline std::string init_name(Init i) { return i == Init::zero ? "zero" : "small"; }

struct Recipe {
  int n = 2;  // rows of Y
  int m = 2;  // columns of Y
  int k = 1;  // rank of Y
  int r = 1;  // inner dimension of ZW
  Spectrum spectrum = Spectrum::flat;
  int spread = 0;  // log2 of the condition number / gap / cluster width, see Spectrum
  std::uint64_t seed = 0;
  int step_log2 = -3;  // eta = 2^step_log2 / (sigma_1 max(1, ||B||_2^2)), docs/algorithms.md
  Init init = Init::zero;
  int init_log2 = -8;  // small init: entries 2^init_log2 * N(0, 1)
  std::vector<double> singular_values;  // used when spectrum == explicit_values
  /// Scale of the feedback: B = 2^b_scale_log2 G / sqrt(n), G i.i.d. N(0, 1). 0 (the default,
  /// and every recipe written before this field existed) is N(0, 1/n) (docs/algorithms.md). A
  /// power of two keeps B exact in every scalar; eta's max(1, ||B||_2^2) sees the scaled B.
  int b_scale_log2 = 0;

  /// Sizes beyond this are refused before anything is allocated.
  static constexpr long max_entries = 20'000'000;

  void validate() const {
    auto fail = [&](const std::string& what) {
      throw std::invalid_argument("recipe " + describe() + ": " + what);
    };
    if (n < 1 || m < 1) fail("dimensions n and m must be >= 1");
    if (static_cast<long>(n) * m > max_entries || static_cast<long>(n) * r > max_entries ||
        static_cast<long>(r) * m > max_entries)
      fail("matrices larger than " + std::to_string(max_entries) + " entries are refused");
    if (k < 1 || k > std::min(n, m))
      fail("rank k=" + std::to_string(k) + " is impossible for a " + std::to_string(n) + "x" +
           std::to_string(m) + " matrix (need 1 <= k <= min(n, m))");
    if (r < 1) fail("r must be >= 1");
    if (spread < 0 || spread > 60) fail("spread must be in [0, 60]");
    if (step_log2 > 4 || step_log2 < -60) fail("step_log2 must be in [-60, 4]");
    if (b_scale_log2 > 30 || b_scale_log2 < -30) fail("b_scale_log2 must be in [-30, 30]");
    if (spectrum == Spectrum::near_tie && (spread < 1 || spread > 52))
      fail("a near-tie spectrum needs spread in [1, 52] (sigma_{r+1} = 1 - 2^-spread)");
    if (spectrum == Spectrum::explicit_values) {
      if (static_cast<int>(singular_values.size()) != k) fail("need exactly k singular values");
      for (std::size_t i = 0; i < singular_values.size(); ++i) {
        if (!(singular_values[i] > 0) || !(singular_values[i] < 1e300))
          fail("singular values must be finite and > 0");
        if (i > 0 && singular_values[i] > singular_values[i - 1])
          fail("singular values must be non-increasing");
      }
    }
  }

  std::string describe() const {
    std::ostringstream os;
    os << "{n=" << n << " m=" << m << " k=" << k << " r=" << r
       << " spectrum=" << spectrum_name(spectrum);
    if (spectrum == Spectrum::explicit_values) {
      os << "[";
      for (std::size_t i = 0; i < singular_values.size(); ++i)
        os << (i ? "," : "") << singular_values[i];
      os << "]";
    } else {
      os << " spread=" << spread;
    }
    os << " seed=" << seed << " step=2^" << step_log2 << " init=" << init_name(init);
    if (init == Init::small) os << "(2^" << init_log2 << ")";
    if (b_scale_log2 != 0) os << " B=2^" << b_scale_log2;  // absent: the default scale
    os << "}";
    return os.str();
  }
};

inline bool operator==(const Recipe& a, const Recipe& b) {
  return a.n == b.n && a.m == b.m && a.k == b.k && a.r == b.r && a.spectrum == b.spectrum &&
         a.spread == b.spread && a.seed == b.seed && a.step_log2 == b.step_log2 &&
         a.init == b.init && a.init_log2 == b.init_log2 && a.singular_values == b.singular_values &&
         a.b_scale_log2 == b.b_scale_log2;
}

/// A fixed recipe (the precision ladder's instances, examples).
inline Recipe fixed_recipe(int n, int m, int k, int r, std::uint64_t seed, Init init = Init::zero,
                           int init_log2 = -8) {
  Recipe rec;
  rec.n = n;
  rec.m = m;
  rec.k = k;
  rec.r = r;
  rec.seed = seed;
  rec.init = init;
  rec.init_log2 = init_log2;
  return rec;
}

/// RapidCheck prints counterexamples through this.
inline void showValue(const Recipe& r, std::ostream& os) { os << r.describe(); }

/// The singular values a recipe asks for, in double (exact in every scalar type).
std::vector<double> recipe_singular_values(const Recipe& recipe);

/// 2^b_scale_log2: the factor that multiplies the N(0, 1/n) feedback draw.
inline double feedback_scale(const Recipe& recipe) {
  return std::ldexp(1.0, recipe.b_scale_log2);
}

}  // namespace fa
