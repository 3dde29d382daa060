// Deep recipes and instances (docs/claims-deep.md, "Setting"): a two-layer recipe (which fixes Y,
// the seed, the step constant, B's scale and the init scale) plus a depth L >= 2, hidden widths
// d_1 .. d_{L-1} and an initialisation per layer.
//
// Instance: Y, U, V, s and eta are the two-layer instance's of the base recipe with r = d_{L-1}
// (so Y is the same matrix the two-layer claims see, and eta follows the same documented rule
// eta = 2^step_log2 / (sigma_1 max(1, ||B||_2^2)) with B = B_L). The feedback:
//   FA:  B_L = the two-layer B (n x d_{L-1}); B_l (d_l x d_{l-1}), l = 2..L-1, i.i.d.
//        2^b_scale_log2 N(0, 1/d_l) from stream deep_feedback_fa, layer l;
//   DFA: B_{L-1} = the two-layer B; B_l (n x d_l), l = 1..L-2, i.i.d. 2^b_scale_log2 N(0, 1/n)
//        from stream deep_feedback_dfa, layer l.
// So at the top hidden layer DFA and FA send the same signal (DL3), and at L = 2 the deep instance
// is the two-layer one: W_2 = Z_0, W_1 = W_0, B_2 = B_1^DFA = B, the same eta, bit for bit.
// Initialisation per layer: zero, or small (2^init_log2 N(0, 1) entries: W_L from the two-layer
// init_z stream, W_1 at L = 2 from init_w, every other layer from stream deep_init, layer l).
// A "given" initialisation is a Layers<T> passed by the caller (fa-check --init-file, claims).
#pragma once

#include "dynamics/deep.hpp"
#include "generators/arbitrary.hpp"
#include "generators/instance.hpp"
#include "generators/random.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fa {

struct DeepRecipe {
  Recipe base;              // n, m, k, spectrum, seed, step, B scale, init scale; base.r = d_{L-1}
  std::vector<int> hidden;  // d_1 .. d_{L-1} (size L - 1)
  std::vector<Init> inits;  // per layer W_1 .. W_L (size L); empty: every layer base.init

  int depth() const { return static_cast<int>(hidden.size()) + 1; }
  /// d_0 .. d_L.
  std::vector<int> widths() const {
    std::vector<int> d{base.m};
    d.insert(d.end(), hidden.begin(), hidden.end());
    d.push_back(base.n);
    return d;
  }
  Init init_of(int layer) const {
    return inits.empty() ? base.init : inits[static_cast<std::size_t>(layer - 1)];
  }
  /// The narrowest hidden width (a bottleneck below rank(Y) keeps the error above opt).
  int narrowest() const { return *std::min_element(hidden.begin(), hidden.end()); }

  void validate() const {
    auto fail = [&](const std::string& what) {
      throw std::invalid_argument("deep recipe " + describe() + ": " + what);
    };
    if (hidden.empty()) fail("depth L must be >= 2 (give L - 1 hidden widths)");
    if (depth() > 12) fail("depth L must be <= 12");
    for (int d : hidden)
      if (d < 1 || d > 4096) fail("every hidden width must be in [1, 4096]");
    if (base.r != hidden.back()) fail("base.r must equal the top hidden width d_{L-1}");
    if (!inits.empty() && static_cast<int>(inits.size()) != depth())
      fail("need one initialisation per layer (L = " + std::to_string(depth()) + ")");
    base.validate();
  }

  std::string describe() const {
    std::ostringstream os;
    os << "{L=" << depth() << " widths=" << base.m;
    for (int d : hidden) os << "," << d;
    os << "," << base.n;
    if (!inits.empty()) {
      os << " inits=";
      for (Init i : inits) os << (i == Init::zero ? "0" : "s");
    }
    os << " base=" << base.describe() << "}";
    return os.str();
  }
};

inline bool operator==(const DeepRecipe& a, const DeepRecipe& b) {
  return a.base == b.base && a.hidden == b.hidden && a.inits == b.inits;
}

inline void showValue(const DeepRecipe& r, std::ostream& os) {
  os << r.describe();
}

/// The deep recipe of depth 2 that is the two-layer recipe `r` (hidden width r.r).
inline DeepRecipe two_layer_as_deep(const Recipe& r) {
  DeepRecipe d;
  d.base = r;
  d.hidden = {r.r};
  return d;
}

/// How the hidden widths relate to rank(Y) = k.
enum class WidthRelation {
  any,             // 1 <= d_l <= max_width
  all_at_least_k,  // every d_l >= k (R8's hypothesis)
  bottleneck,      // some d_l < k (k >= 2)
};

/// The region a deep claim draws from: a two-layer space for Y and the scalars, then depth and
/// widths, which grow with RapidCheck's size (so shrunk cases are L = 2 and narrow).
struct DeepSpace {
  RecipeSpace base;
  int max_depth = 4;
  int max_width = 4;
  WidthRelation relation = WidthRelation::any;
  /// Per-layer initialisations drawn independently from base.inits (else one for all layers).
  bool mixed_inits = false;
  /// One case in four (and shrinking toward it) square: m = n and every hidden width n, where
  /// products of the layers exist in either order (relation `any` only).
  bool sometimes_square = false;
};

namespace detail {
inline rc::Gen<DeepRecipe> deep_recipe_gen_impl(const DeepSpace& space) {
  namespace gen = rc::gen;
  RecipeSpace base_space = space.base;
  base_space.relation = RankRelation::any;
  if (space.relation == WidthRelation::bottleneck)
    base_space.min_dim = std::max(2, base_space.min_dim);
  return gen::withSize([space, base_space](int size) {
    const int depth_hi = std::max(2, grown(2, space.max_depth, size, 1));
    const int width_hi = std::max(1, grown(1, space.max_width, size, 1));
    return gen::mapcat(recipe_gen(base_space), [space, depth_hi, width_hi](Recipe base) {
      return gen::map(
          gen::tuple(gen::inRange(0, depth_hi - 1),
                     gen::container<std::vector<int>>(static_cast<std::size_t>(space.max_depth - 1),
                                                      gen::inRange(0, width_hi)),
                     gen::container<std::vector<int>>(
                         static_cast<std::size_t>(space.max_depth),
                         gen::inRange(0, static_cast<int>(space.base.inits.size()))),
                     gen::inRange(0, 1 << 10), gen::inRange(0, 4)),
          [space, base](const std::tuple<int, std::vector<int>, std::vector<int>, int, int>& t) {
            DeepRecipe d;
            d.base = base;
            // A bottleneck needs rank(Y) >= 2 (n, m >= 2 here).
            if (space.relation == WidthRelation::bottleneck) d.base.k = std::max(2, d.base.k);
            const int L = 2 + std::get<0>(t);
            const int k = d.base.k;
            // Widths shrink toward their smallest admissible value.
            for (int l = 1; l <= L - 1; ++l) {
              const int raw = std::get<1>(t)[static_cast<std::size_t>(l - 1)];
              int w = 1 + raw;
              if (space.relation == WidthRelation::all_at_least_k) w = k + raw;
              d.hidden.push_back(w);
            }
            if (space.relation == WidthRelation::bottleneck && d.narrowest() >= k) {
              // Put a bottleneck of width < k at a drawn layer (k >= 2 here).
              const int at = std::get<3>(t) % (L - 1);
              d.hidden[static_cast<std::size_t>(at)] = 1 + std::get<3>(t) % (k - 1);
            }
            if (space.sometimes_square && space.relation == WidthRelation::any &&
                std::get<4>(t) == 0) {
              d.base.m = d.base.n;
              d.base.k = std::min(d.base.k, d.base.n);
              for (int& w : d.hidden) w = d.base.n;
            }
            d.base.r = d.hidden.back();
            if (space.mixed_inits) {
              for (int l = 1; l <= L; ++l)
                d.inits.push_back(space.base.inits[static_cast<std::size_t>(
                    std::get<2>(t)[static_cast<std::size_t>(l - 1)])]);
            }
            return d;
          });
    });
  });
}
}  // namespace detail

/// Deep recipes of `space`. The width draws shrink toward 1 (or k), the depth toward 2.
inline rc::Gen<DeepRecipe> deep_recipe_gen(const DeepSpace& space) {
  return detail::deep_recipe_gen_impl(space);
}

template <class T>
struct DeepInstance {
  DeepRecipe recipe;
  Instance<T>
      base;  // Y, U, V, s, the two-layer B (= B_L = B_{L-1}^DFA), eta, opt_r for r = d_{L-1}
  DeepFeedback<T> feedback;
  Layers<T> start;
  double eta = 0;
  const Mat<T>& Y() const { return base.Y; }
};

namespace detail {
inline Engine deep_engine(std::uint64_t seed, Stream stream, int layer) {
  return make_engine(splitmix64(seed) + static_cast<std::uint64_t>(layer), stream);
}
template <class T>
Mat<T> scaled_gaussian(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, Stream stream,
                       int layer, double power_of_two, Eigen::Index fan) {
  Engine e = deep_engine(seed, stream, layer);
  using std::sqrt;
  Mat<T> M = cast_matrix<T>(gaussian_matrix(rows, cols, e)) / sqrt(T(static_cast<double>(fan)));
  if (power_of_two != 1) M *= T(power_of_two);  // exact: a power of two
  return M;
}
}  // namespace detail

/// The feedback of a deep recipe, given the two-layer B (n x d_{L-1}) in T.
template <class T>
DeepFeedback<T> deep_feedback(const DeepRecipe& rec, const Mat<T>& B_top) {
  const int L = rec.depth();
  const std::vector<int> d = rec.widths();
  const double scale = feedback_scale(rec.base);
  DeepFeedback<T> fb;
  fb.fa.resize(static_cast<std::size_t>(L + 1));
  fb.dfa.resize(static_cast<std::size_t>(L + 1));
  fb.fa[static_cast<std::size_t>(L)] = B_top;
  fb.dfa[static_cast<std::size_t>(L - 1)] = B_top;
  for (int l = 2; l <= L - 1; ++l)
    fb.fa[static_cast<std::size_t>(l)] = detail::scaled_gaussian<T>(
        d[static_cast<std::size_t>(l)], d[static_cast<std::size_t>(l - 1)], rec.base.seed,
        Stream::deep_feedback_fa, l, scale, d[static_cast<std::size_t>(l)]);
  for (int l = 1; l <= L - 2; ++l)
    fb.dfa[static_cast<std::size_t>(l)] =
        detail::scaled_gaussian<T>(rec.base.n, d[static_cast<std::size_t>(l)], rec.base.seed,
                                   Stream::deep_feedback_dfa, l, scale, rec.base.n);
  return fb;
}

/// The initial layers of a deep recipe, given the two-layer start (Z_0, W_0) of its base.
template <class T>
Layers<T> deep_initial_layers(const DeepRecipe& rec, const Factors<T>& two_layer_start) {
  const int L = rec.depth();
  const std::vector<int> d = rec.widths();
  Layers<T> w;
  w.W.resize(static_cast<std::size_t>(L + 1));
  const double scale = std::ldexp(1.0, rec.base.init_log2);
  for (int l = 1; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    if (rec.init_of(l) == Init::zero) {
      w.W[i] = Mat<T>::Zero(d[i], d[i - 1]);
    } else if (l == L) {
      w.W[i] =
          rec.base.init == Init::small
              ? two_layer_start.Z
              : cast_matrix<T>(Mat<double>(
                    scale * gaussian_matrix(rec.base.n, d[i - 1], rec.base.seed, Stream::init_z)));
    } else if (l == 1 && L == 2) {
      w.W[i] = rec.base.init == Init::small
                   ? two_layer_start.W
                   : cast_matrix<T>(Mat<double>(
                         scale * gaussian_matrix(d[1], rec.base.m, rec.base.seed, Stream::init_w)));
    } else {
      Engine e = detail::deep_engine(rec.base.seed, Stream::deep_init, l);
      w.W[i] = cast_matrix<T>(Mat<double>(scale * gaussian_matrix(d[i], d[i - 1], e)));
    }
  }
  return w;
}

/// Builds the deep instance of a recipe in T (floating types: the generated Y of materialise).
template <class T>
DeepInstance<T> materialise_deep(const DeepRecipe& rec) {
  rec.validate();
  DeepInstance<T> inst;
  inst.recipe = rec;
  inst.base = materialise<T>(rec.base);
  inst.eta = inst.base.eta;
  inst.feedback = deep_feedback<T>(rec, inst.base.B);
  inst.start = deep_initial_layers<T>(rec, inst.base.start);
  return inst;
}

}  // namespace fa
