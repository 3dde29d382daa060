// RapidCheck generators of recipes. Each field comes from an integer generator that shrinks toward
// the simplest value (small dimensions, rank 1, flat spectrum, seed 0, zero init), and the
// dependent fields (k, r) are derived by reduction, so shrinking any field keeps the recipe valid.
#pragma once

#include "generators/recipe.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <tuple>
#include <vector>

namespace fa {

enum class RankRelation {
  any,           // 1 <= k, r <= min(n, m)
  r_at_least_k,  // r >= rank(Y): the regime where FA reaches the optimum (A1)
  r_below_k,     // r < rank(Y): the separation regime (A4, R3)
  r_at_most_k,   // r <= rank(Y) (the explicit fixed point X6 needs W* = B^T Y of full row rank)
};

struct RecipeSpace {
  int min_dim = 1;
  int max_dim = 6;
  RankRelation relation = RankRelation::any;
  std::vector<Spectrum> spectra{Spectrum::flat, Spectrum::geometric, Spectrum::gapped,
                                Spectrum::clustered};
  int max_spread = 3;
  std::vector<Init> inits{Init::zero};
  int step_log2_max = -3;  // shrinks toward the largest step in range
  int step_log2_min = -3;
  int init_log2 = -8;
};

inline rc::Gen<Recipe> recipe_gen(const RecipeSpace& space) {
  namespace gen = rc::gen;
  const int lo = space.relation == RankRelation::r_below_k ? std::max(2, space.min_dim)
                                                           : space.min_dim;
  const int hi = std::max(lo, space.max_dim);
  return gen::map(
      gen::tuple(gen::inRange(lo, hi + 1), gen::inRange(lo, hi + 1), gen::inRange(0, hi),
                 gen::inRange(0, hi),
                 gen::inRange(0, static_cast<int>(space.spectra.size())),
                 gen::inRange(0, space.max_spread + 1), gen::inRange<std::uint32_t>(0, 1u << 30),
                 gen::inRange(0, space.step_log2_max - space.step_log2_min + 1),
                 gen::inRange(0, static_cast<int>(space.inits.size()))),
      [space](const std::tuple<int, int, int, int, int, int, std::uint32_t, int, int>& t) {
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
        rec.seed = std::get<6>(t);
        rec.step_log2 = space.step_log2_max - std::get<7>(t);
        rec.init = space.inits[static_cast<std::size_t>(std::get<8>(t))];
        rec.init_log2 = space.init_log2;
        return rec;
      });
}

}  // namespace fa
