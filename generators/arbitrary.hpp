// RapidCheck generators of recipes. Each field comes from an integer generator that shrinks toward
// the simplest value (small dimensions, rank 1, the first spectrum of the space, seed 0, the
// largest step, zero init, the first init scale, B at its default scale), and the dependent
// fields (k, r) are derived by reduction, so shrinking any field keeps the recipe valid.
//
// Size: RapidCheck runs its cases at sizes spread evenly over [0, max_size] (max_size <= 100,
// docs/building.md). The largest dimension and the largest spread a case may draw grow with the
// size (the dimension as (size/100)^dim_growth), so early cases and shrunk counterexamples stay
// small and the costly corner of a region (48 x 48 in double, ill-conditioned spectra) is drawn by
// the last, largest cases only: how a region is covered without every case paying its full price.
#pragma once

#include "generators/recipe.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

namespace fa {

enum class RankRelation {
  any,           // 1 <= k, r <= min(n, m)
  r_at_least_k,  // r >= rank(Y): the regime where FA reaches the optimum (A1)
  r_below_k,     // r < rank(Y): the separation regime (A4, R3)
  r_at_most_k,   // r <= rank(Y) (the explicit fixed point X6 needs W* = B^T Y of full row rank)
};

/// The region a claim draws from. Every claim states its region in its file (hypotheses) and
/// builds it here; claims.json records what was actually drawn (checks/claim.hpp, RegionSeen).
struct RecipeSpace {
  int min_dim = 1;
  int max_dim = 6;     // largest n, m (at RapidCheck's largest size)
  int dim_growth = 1;  // largest dimension at size s: min_dim + (max_dim - min_dim) (s/100)^this
  RankRelation relation = RankRelation::any;
  std::vector<Spectrum> spectra{Spectrum::flat, Spectrum::geometric, Spectrum::gapped,
                                Spectrum::clustered};
  int min_spread = 0;  // for non-flat spectra (near-tie uses at least 1)
  int max_spread = 3;  // reached at the largest size (grows linearly with it)
  std::vector<Init> inits{Init::zero};
  int step_log2_max = -3;  // c in eta = c / (sigma_1 max(1, ||B||^2)): 2^[min, max],
  int step_log2_min = -3;  // shrinks toward the largest step in range
  /// Scales of small init, 2^x N(0, 1); shrinks toward the first. Empty: init_log2 alone.
  std::vector<int> init_scales_log2;
  int init_log2 = -8;
  /// Scale of B, 2^x N(0, 1/n) for x in [min, max]; shrinks toward 0 (the default scale).
  int b_scale_log2_min = 0;
  int b_scale_log2_max = 0;
};

/// The wide region of the claims (issue 11), which each claim narrows to its hypotheses: n, m
/// up to `max_dim` (48 in double, 12 in mp, 3 in exact rationals: claim_helpers.hpp's
/// wide_region), the largest dimension growing with RapidCheck's size as (size/100)^3 so that
/// only the last cases pay for it and shrunk counterexamples stay small; every spectrum, spread up
/// to 12 (condition numbers and gaps up to 2^12, near-ties sigma_{r+1} = 1 - 2^-12, growing with
/// the size); c from 2^-8 to 2^-1; zero or small init at scales 2^-8, 2^-2, 1; B scaled by
/// 2^-3 .. 2^3.
inline RecipeSpace wide_space(int max_dim) {
  RecipeSpace s;
  s.max_dim = max_dim;
  s.dim_growth = 3;
  s.spectra = {Spectrum::flat, Spectrum::geometric, Spectrum::gapped, Spectrum::clustered,
               Spectrum::near_tie};
  s.max_spread = 12;
  s.step_log2_max = -1;
  s.step_log2_min = -8;
  s.inits = {Init::zero, Init::small};
  s.init_scales_log2 = {-8, -2, 0};
  s.b_scale_log2_min = -3;
  s.b_scale_log2_max = 3;
  return s;
}

/// The wide region in words, for the claims' statements of their recipes.
inline const char* const kWideRegionText =
    "the wide region (n, m <= 48 double / 12 mp; every spectrum, spread <= 12; c in [2^-8, "
    "2^-1]; B scale 2^-3..2^3)";

namespace detail {
/// Largest value a size-dependent bound reaches at `size` (RapidCheck's sizes run 0..100).
inline int grown(int lo, int hi, int size, int growth) {
  const double f = std::pow(std::clamp(size, 0, 100) / 100.0, growth);
  return lo + static_cast<int>(std::lround((hi - lo) * f));
}
/// B's scale exponents in shrink order: 0, -1, 1, -2, 2, ... within [lo, hi].
inline std::vector<int> b_scale_order(int lo, int hi) {
  std::vector<int> out;
  for (int a = 0; a <= std::max(-lo, hi); ++a) {
    if (a == 0) {
      if (lo <= 0 && 0 <= hi) out.push_back(0);
      continue;
    }
    if (-a >= lo && -a <= hi) out.push_back(-a);
    if (a >= lo && a <= hi) out.push_back(a);
  }
  if (out.empty()) out.push_back(lo);
  return out;
}
}  // namespace detail

inline rc::Gen<Recipe> recipe_gen(const RecipeSpace& space) {
  namespace gen = rc::gen;
  return gen::withSize([space](int size) {
    const int lo =
        space.relation == RankRelation::r_below_k ? std::max(2, space.min_dim) : space.min_dim;
    const int top = std::max(lo, space.max_dim);
    const int hi = std::max(lo, detail::grown(lo, top, size, space.dim_growth));
    const int spread_hi =
        std::max(space.min_spread, detail::grown(space.min_spread, space.max_spread, size, 1));
    const std::vector<int> scales =
        space.init_scales_log2.empty() ? std::vector<int>{space.init_log2} : space.init_scales_log2;
    const std::vector<int> b_scales =
        detail::b_scale_order(space.b_scale_log2_min, space.b_scale_log2_max);
    return gen::map(
        gen::tuple(gen::inRange(lo, hi + 1), gen::inRange(lo, hi + 1), gen::inRange(0, top),
                   gen::inRange(0, top), gen::inRange(0, static_cast<int>(space.spectra.size())),
                   gen::inRange(space.min_spread, spread_hi + 1),
                   gen::inRange<std::uint32_t>(0, 1u << 30),
                   gen::inRange(0, space.step_log2_max - space.step_log2_min + 1),
                   gen::inRange(0, static_cast<int>(space.inits.size())),
                   gen::inRange(0, static_cast<int>(scales.size())),
                   gen::inRange(0, static_cast<int>(b_scales.size()))),
        [space, scales, b_scales](
            const std::tuple<int, int, int, int, int, int, std::uint32_t, int, int, int, int>& t) {
          Recipe rec;
          rec.n = std::get<0>(t);
          rec.m = std::get<1>(t);
          const int dim = std::min(rec.n, rec.m);
          const int k_raw = std::get<2>(t), r_raw = std::get<3>(t);
          switch (space.relation) {
            case RankRelation::any:
              rec.k = 1 + k_raw % dim;
              rec.r = 1 + r_raw % dim;
              break;
            case RankRelation::r_at_least_k:
              rec.k = 1 + k_raw % dim;
              rec.r = rec.k + r_raw % (dim - rec.k + 1);
              break;
            case RankRelation::r_below_k:
              rec.k = 2 + k_raw % (dim - 1);
              rec.r = 1 + r_raw % (rec.k - 1);
              break;
            case RankRelation::r_at_most_k:
              rec.k = 1 + k_raw % dim;
              rec.r = 1 + r_raw % rec.k;
              break;
          }
          rec.spectrum = space.spectra[static_cast<std::size_t>(std::get<4>(t))];
          rec.spread = rec.spectrum == Spectrum::flat ? 0 : std::get<5>(t);
          if (rec.spectrum == Spectrum::near_tie) rec.spread = std::max(rec.spread, 1);
          rec.seed = std::get<6>(t);
          rec.step_log2 = space.step_log2_max - std::get<7>(t);
          rec.init = space.inits[static_cast<std::size_t>(std::get<8>(t))];
          // A zero-init recipe carries the default scale (it is not used, and not printed).
          rec.init_log2 = rec.init == Init::small ? scales[static_cast<std::size_t>(std::get<9>(t))]
                                                  : space.init_log2;
          rec.b_scale_log2 = b_scales[static_cast<std::size_t>(std::get<10>(t))];
          return rec;
        });
  });
}

}  // namespace fa
