// Helpers of the claims on deep networks (theorems/DL*.cpp, R7.cpp, R8.cpp; docs/claims-deep.md):
// drawing a deep recipe inside a claim case, its instance in every scalar (small integers for
// exact rationals, as integer_instance does for two layers), the start the dynamics under test
// prescribes, the layer-wise matrices of the laws, and rounding scales from absolute values.
#pragma once

#include "checks/claim_helpers.hpp"
#include "dynamics/deep_flow.hpp"
#include "generators/deep.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace fa {

/// The deep identities' region: the wide two-layer region (claim_helpers.hpp) for Y, the step
/// constant, B's scale and the init, with depth up to 5 / 4 / 3 and hidden widths up to 8 / 5 / 3
/// (double / mp / exact), both growing with RapidCheck's size; every layer's init drawn on its
/// own (zero or small), so mixed starts are covered; one case in four square (m = n = every
/// width), where a product taken in the wrong order is defined (and must be caught).
template <class T>
DeepSpace deep_identity_space() {
  DeepSpace s;
  s.base = wide_region<T>();
  constexpr bool exact = std::is_same_v<T, Rational>;
  constexpr bool dbl = std::is_same_v<T, double>;
  s.base.max_dim = dbl ? 12 : exact ? 3 : 6;
  s.max_depth = dbl ? 5 : exact ? 3 : 4;
  s.max_width = dbl ? 8 : exact ? 3 : 5;
  s.mixed_inits = true;
  s.sometimes_square = true;
  return s;
}

inline const char* const kDeepIdentityRegionText =
    "the wide region's spectra, steps c in [2^-8, 2^-1], B scale 2^-3..2^3, zero or small "
    "init per layer (2^-8, 2^-2, 1); n, m <= 12 / 6 / 3, depth L <= 5 / 4 / 3, hidden widths <= "
    "8 / 5 / 3 (double / mp / exact), growing with RapidCheck's size";

/// The deep recipe of this case: drawn from `space`, or on the precision ladder (a fixed two-layer
/// recipe) that recipe with the claim's fixed hidden widths `ladder_hidden` (whose last entry
/// must be the ladder recipe's r). The two-layer part is the case's recipe (what the report
/// counts); the deep recipe is noted.
template <class T>
DeepRecipe draw_deep(Case<T>& c, const DeepSpace& space, const std::vector<int>& ladder_hidden) {
  DeepRecipe d;
  if (c.fixed_recipe()) {
    d.base = c.draw(space.base);
    d.hidden = ladder_hidden;
  } else {
    d = *deep_recipe_gen(space);
    c.use_recipe(d.base);
  }
  c.note("deep recipe", d.describe());
  // What the cases drew (claims.json extra.deep_region), up to the first failure as RegionSeen
  // counts: cases per depth, and the widest hidden layer seen.
  if (!c.record().failed_once) {
    nlohmann::json& seen = c.record().extra["deep_region"];
    nlohmann::json& count = seen["cases_by_depth"][std::to_string(d.depth())];
    count = count.is_number() ? count.get<int>() + 1 : 1;
    const int widest = *std::max_element(d.hidden.begin(), d.hidden.end());
    if (!seen["widest_hidden"].is_number() || seen["widest_hidden"].get<int>() < widest)
      seen["widest_hidden"] = widest;
  }
  return d;
}

/// Small-integer deep instance for exact arithmetic: Y = L R (integers in [-2, 2], inner size k),
/// every B_l in [-3, 3] times B's scale, small layers in [-1, 1] (zero layers zero), eta =
/// 2^step_log2; all from the seed's `extra` stream.
template <class T>
DeepInstance<T> deep_integer_instance(const DeepRecipe& rec) {
  rec.validate();
  Engine engine = make_engine(rec.base.seed, Stream::extra);
  auto int_matrix = [&](Eigen::Index r, Eigen::Index c, int lo, int hi) {
    Mat<T> M(r, c);
    for (Eigen::Index j = 0; j < c; ++j)
      for (Eigen::Index i = 0; i < r; ++i)
        M(i, j) = T(
            static_cast<int>(lo + static_cast<int>(engine() % static_cast<unsigned>(hi - lo + 1))));
    return M;
  };
  const int L = rec.depth();
  const std::vector<int> d = rec.widths();
  auto width = [&](int l) { return d[static_cast<std::size_t>(l)]; };
  DeepInstance<T> inst;
  inst.recipe = rec;
  inst.base.recipe = rec.base;
  inst.base.Y =
      int_matrix(rec.base.n, rec.base.k, -2, 2) * int_matrix(rec.base.k, rec.base.m, -2, 2);
  const T scale(feedback_scale(rec.base));
  inst.feedback.fa.resize(static_cast<std::size_t>(L + 1));
  inst.feedback.dfa.resize(static_cast<std::size_t>(L + 1));
  for (int l = 2; l <= L; ++l)
    inst.feedback.fa[static_cast<std::size_t>(l)] =
        int_matrix(width(l), width(l - 1), -3, 3) * scale;
  for (int l = 1; l <= L - 2; ++l)
    inst.feedback.dfa[static_cast<std::size_t>(l)] = int_matrix(width(L), width(l), -3, 3) * scale;
  inst.feedback.dfa[static_cast<std::size_t>(L - 1)] =
      inst.feedback.fa[static_cast<std::size_t>(L)];
  inst.base.B = inst.feedback.fa[static_cast<std::size_t>(L)];
  inst.start.W.resize(static_cast<std::size_t>(L + 1));
  for (int l = 1; l <= L; ++l)
    inst.start.W[static_cast<std::size_t>(l)] = rec.init_of(l) == Init::zero
                                                    ? Mat<T>(Mat<T>::Zero(width(l), width(l - 1)))
                                                    : int_matrix(width(l), width(l - 1), -1, 1);
  inst.base.start.Z = inst.start.W[static_cast<std::size_t>(L)];
  inst.base.start.W = inst.start.W[static_cast<std::size_t>(L - 1)];
  inst.eta = std::ldexp(1.0, rec.base.step_log2);
  inst.base.eta = inst.eta;
  inst.base.opt_r = T(0);
  return inst;
}

template <class T>
DeepInstance<T> make_deep_instance(const DeepRecipe& rec) {
  if constexpr (std::is_same_v<T, Rational>) {
    return deep_integer_instance<T>(rec);
  } else {
    return materialise_deep<T>(rec);
  }
}

/// Every matrix of a deep instance as JSON (full-precision text), for a counterexample's replay.
template <class T>
nlohmann::json deep_instance_json(const DeepInstance<T>& inst) {
  nlohmann::json j;
  j["scalar"] = scalar_name<T>();
  j["Y"] = matrix_json(inst.Y());
  j["eta"] = to_text(inst.eta);
  nlohmann::json W = nlohmann::json::array(), fa = nlohmann::json::array(),
                 dfa = nlohmann::json::array();
  for (std::size_t l = 0; l < inst.start.W.size(); ++l) {
    W.push_back(matrix_json(inst.start.W[l]));
    fa.push_back(matrix_json(inst.feedback.fa[l]));
    dfa.push_back(matrix_json(inst.feedback.dfa[l]));
  }
  j["W0"] = W;  // W0[l] = W_l at step 0 (entry 0 empty)
  j["B_fa"] = fa;
  j["B_dfa"] = dfa;
  return j;
}

/// Remembers the instance for the failure report: the two-layer part (Y, B = B_L, W_L, W_{L-1},
/// eta) as for the other claims, and every deep matrix in the note "deep instance".
template <class T>
void note_deep_instance(Case<T>& c, const DeepInstance<T>& inst) {
  c.note_instance(inst.base);
  c.note("deep instance", deep_instance_json(inst).dump());
}

/// Where a deep run starts: the instance's layers, with every zero layer taken from the dynamics
/// under test's zero_init (so a deep dynamics whose "zero" is not zero is seen).
template <class T>
Layers<T> deep_starting_point(Case<T>& c, const DeepInstance<T>& inst) {
  Layers<T> w = inst.start;
  const Layers<T> zero = c.dynamics().deep().zero_init(inst.recipe.widths());
  for (int l = 1; l <= inst.recipe.depth(); ++l)
    if (inst.recipe.init_of(l) == Init::zero)
      w.W[static_cast<std::size_t>(l)] = zero.W[static_cast<std::size_t>(l)];
  return w;
}

/// As stop_at_divergence (claim_helpers.hpp) for a deep run: loss not finite or above
/// 1e8 max(start loss, 1/2 ||Y||^2) ends the run (never in exact arithmetic).
template <class T>
bool deep_stop_at_divergence(Case<T>& c, const Layers<T>& w, const Mat<T>& Y, const T& start_loss) {
  if constexpr (std::is_same_v<T, Rational>) {
    return false;
  } else {
    return diverged_at_loss(c, deep_loss(w, Y), Y, start_loss);
  }
}

/// |M| entrywise (comparisons only, so exact rationals work too).
template <class T>
Mat<T> abs_matrix(const Mat<T>& M) {
  Mat<T> A(M.rows(), M.cols());
  for (Eigen::Index q = 0; q < M.size(); ++q)
    A.data()[q] = M.data()[q] < 0 ? T(-M.data()[q]) : T(M.data()[q]);
  return A;
}

/// max entry of |A_1| |A_2| ... |A_k|: the scale of the rounding error of the product A_1 ... A_k
/// (each entry of a computed product chain is within q d eps of this, q the number of factors and
/// d the largest inner dimension: the standard bound gamma_{qd} |A_1| ... |A_k|).
template <class T>
T abs_product_scale(std::initializer_list<Mat<T>> factors) {
  Mat<T> acc;
  bool first = true;
  for (const Mat<T>& f : factors) {
    acc = first ? abs_matrix(f) : Mat<T>(acc * abs_matrix(f));
    first = false;
  }
  return max_abs(acc);
}

/// FA's layer-wise alignment matrix Q_l = B^T W_{l+1} + W_{l+1}^T B - W_l W_l^T (DL1, with
/// B = B_{l+1}; DL3 with DFA's B_{L-1}; R7 with B^T replaced by B_l^T F_l: see there).
template <class T>
Mat<T> layer_alignment(const Layers<T>& w, const Mat<T>& B, int l) {
  const Mat<T>& up = w.W[static_cast<std::size_t>(l + 1)];
  const Mat<T>& Wl = w.W[static_cast<std::size_t>(l)];
  const Mat<T> BtW = B.transpose() * up;
  return BtW + BtW.transpose() - Wl * Wl.transpose();
}

/// GD's layer-wise balance matrix D_l = W_{l+1}^T W_{l+1} - W_l W_l^T (DL2).
template <class T>
Mat<T> layer_balance(const Layers<T>& w, int l) {
  const Mat<T>& up = w.W[static_cast<std::size_t>(l + 1)];
  const Mat<T>& Wl = w.W[static_cast<std::size_t>(l)];
  return up.transpose() * up - Wl * Wl.transpose();
}

/// The largest width of a deep recipe (n, m and the hidden ones): the inner dimension of every
/// product in the laws is at most this.
inline int largest_width(const DeepRecipe& r) {
  const std::vector<int> d = r.widths();
  return *std::max_element(d.begin(), d.end());
}

}  // namespace fa

namespace fa {

/// The signals of `a` computed on absolute values (|W_l|, |B_l|, and -|Y| as the target, so
/// that E becomes |W_L| ... |W_1| + |Y|): each entry bounds the absolute terms of the exact
/// computation, which is what the rounding error of the computed signal is relative to.
template <class T>
DeepSignals<T> abs_deep_signals(DeepAlgorithm a, const Layers<T>& w, const Mat<T>& Y,
                                const DeepFeedback<T>& fb) {
  Layers<T> aw;
  DeepFeedback<T> afb;
  for (const Mat<T>& M : w.W) aw.W.push_back(abs_matrix(M));
  for (const Mat<T>& M : fb.fa) afb.fa.push_back(abs_matrix(M));
  for (const Mat<T>& M : fb.dfa) afb.dfa.push_back(abs_matrix(M));
  return plain_deep_signals(a, aw, Mat<T>(-abs_matrix(Y)), afb);
}

/// The scale of a layer-wise law at layer l (DL1, DL2, DL3): the sum of the largest entries of
/// the absolute values of its terms before and after one step, with "back" the matrix whose
/// transpose multiplies W_{l+1} in the law (B_{l+1}; W_{l+1} itself for GD's D_l):
///   2 |back|^T |W_{l+1}| + |W_l| |W_l|^T                       the law's matrices
///   2 eta |back|^T |delta_{l+1}| |P_l|^T                       W_{l+1}'s change against back
///   2 eta |delta_l| |P_{l-1}|^T |W_l|^T                        W_l's change against W_l
///   eta^2 (|delta_l| |P_{l-1}|^T |P_{l-1}| |delta_l|^T + |back|^T |delta_{l+1}| |P_l|^T |P_l|
///   |delta_{l+1}|^T)
///                                                              the second-order terms
/// with the signals and products taken on absolute values (abs_deep_signals).
template <class T>
T layer_law_scale(const DeepSignals<T>& abs, const Layers<T>& w, const Mat<T>& back, int l,
                  const T& eta, int m) {
  const auto i = static_cast<std::size_t>(l);
  const Mat<T> aback = abs_matrix(back), aWl = abs_matrix(w.W[i]), aWu = abs_matrix(w.W[i + 1]);
  const Mat<T> below = l == 1 ? Mat<T>(Mat<T>::Identity(m, m)) : abs.P[i - 1];
  const Mat<T>& above = abs.delta[i + 1];
  const Mat<T> first_u = aback.transpose() * above * abs.P[i].transpose();
  const Mat<T> first_l = abs.delta[i] * below.transpose() * aWl.transpose();
  const Mat<T> second_l = abs.delta[i] * below.transpose() * below * abs.delta[i].transpose();
  const Mat<T> second_u = first_u * first_u.transpose();
  return T(2) * max_abs(Mat<T>(aback.transpose() * aWu)) + max_abs(Mat<T>(aWl * aWl.transpose())) +
         T(2) * eta * (max_abs(first_u) + max_abs(first_l)) +
         eta * eta * (max_abs(second_l) + max_abs(second_u));
}

/// Rounding allowance of a layer-wise law, in eps: every term is a chain of at most 4L factors
/// (delta_l alone is up to L - l feedback factors times E = P_L - Y, L factors), each inner sum
/// over at most d terms, so each computed term is within 4L d eps of its absolute value
/// (gamma_{qd}); the step that produced W+ and the law's evaluation each contribute that: 8 L
/// (d + 2) with 2 of room per sum for the subtractions.
inline double layer_law_ulps(int L, int d) {
  return 8.0 * L * (d + 2);
}

/// The entries of several matrices as one column (a residual made of several layers' laws).
inline Mat<Rational> stack_residual_list(const std::vector<Mat<Rational>>& parts) {
  Eigen::Index size = 0;
  for (const auto& p : parts) size += p.size();
  Mat<Rational> out(size, 1);
  Eigen::Index at = 0;
  for (const auto& p : parts)
    for (Eigen::Index q = 0; q < p.size(); ++q) out(at++, 0) = p.data()[q];
  return out;
}

}  // namespace fa
