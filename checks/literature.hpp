// Helpers of the claims from the feedback-alignment literature (theorems/L*.cpp,
// docs/claims-literature.md).
#pragma once

#include "checks/claim_helpers.hpp"
#include "dynamics/literature.hpp"

#include <string>

namespace fa {

/// The strength of a statement checked by require_probability_above (ClaimSpec::strength_note).
inline const char* const kBinomialTestStrength =
    "A statistical statement over instances, checked by an exact binomial test with error rate "
    "1e-3 per case: tested.";

/// A statistical statement "the event has probability above p0" over `trials` independent draws,
/// checked by an exact one-sided binomial test: the case passes when the one-sided Clopper-Pearson
/// lower bound at level 1 - alpha (the two-sided interval at 1 - 2 alpha) exceeds p0. If the true
/// probability is at most p0, a case passes with probability at most alpha: the test's error rate.
template <class T>
void require_probability_above(Case<T>& c, const std::string& event, long successes, long trials,
                               double p0, double alpha) {
  const Interval ci = clopper_pearson(trials, successes, 1 - 2 * alpha);
  c.note("draws", std::to_string(successes) + " of " + std::to_string(trials) + " had " + event);
  c.record().extra["binomial_test"] = {{"event", event},   {"successes", successes},
                                       {"trials", trials}, {"p0", p0},
                                       {"alpha", alpha},   {"lower_bound", ci.lo}};
  c.require_ge("P(" + event + "): one-sided Clopper-Pearson lower bound at level 1 - " +
                   std::to_string(alpha) + " (" + std::to_string(successes) + " of " +
                   std::to_string(trials) + " draws) vs p0",
               T(ci.lo), T(p0));
}

/// The refutation of a conjecture "the event has probability above p0": the case refutes when the
/// one-sided Clopper-Pearson upper bound at level 1 - alpha is below p0, so a true conjecture is
/// refuted by a case with probability at most alpha.
template <class T>
void refute_probability_above(Case<T>& c, const std::string& event, long successes, long trials,
                              double p0, double alpha) {
  const Interval ci = clopper_pearson(trials, successes, 1 - 2 * alpha);
  c.note("draws", std::to_string(successes) + " of " + std::to_string(trials) + " had " + event);
  c.require_ge("P(" + event + "): one-sided Clopper-Pearson upper bound at level 1 - " +
                   std::to_string(alpha) + " (" + std::to_string(successes) + " of " +
                   std::to_string(trials) + " draws) vs p0",
               T(ci.hi), T(p0));
}

/// Frobenius cosine in degrees-free form, 0 when either side is zero (no direction).
template <class T>
T signal_cosine(const Mat<T>& a, const Mat<T>& b) {
  using std::sqrt;
  const T na = a.squaredNorm(), nb = b.squaredNorm();
  if (!(na > 0) || !(nb > 0)) return T(0);
  return T((a.array() * b.array()).sum() / sqrt(T(na * nb)));
}

}  // namespace fa

namespace fa {

/// Lillicrap et al.'s pseudoinverse statement (L2, L2.wide) on one shape: `draws` instances of the
/// recipe (seeds splitmix64(seed + i)), FA from the recipe's small init until the loss is at most
/// 1/100 of its start (at most `budget` steps; a draw that does not get there counts against the
/// statement), then whether angle(B^T E, Z^+ E) < angle(B^T E, Z^T E), i.e. the cosine with the
/// pseudo-backprop signal exceeds the cosine with backprop's by more than its rounding (k eps,
/// k = 8 (n + m + r): two products and a solve of those inner dimensions).
struct BatchCount {
  long successes = 0, trials = 0;
};
template <class T>
BatchCount pseudoinverse_alignment_batch(Case<T>& c, const Recipe& rec, int draws, long budget) {
  BatchCount count;
  const T k_eps = T(8.0 * (rec.n + rec.m + rec.r)) * epsilon<T>();
  for (int i = 0; i < draws; ++i) {
    Recipe draw = rec;
    draw.seed = splitmix64(rec.seed + static_cast<std::uint64_t>(i));
    const Instance<T> inst = make_instance<T>(draw);
    if (i == 0) c.note_instance(inst);
    const T eta(inst.eta);
    Factors<T> f = inst.start;
    Workspace<T> ws;
    const T target = loss(f, inst.Y) / 100;
    long t = 0;
    for (; t < budget && loss(f, inst.Y) > target; ++t)
      c.dynamics().step(Algorithm::fa, f, inst.Y, inst.B, eta, t, ws);
    ++count.trials;
    if (loss(f, inst.Y) > target) continue;
    const HiddenSignals<T> h = hidden_signals(f, inst.Y, inst.B);
    if (h.pseudo_backprop.size() == 0) continue;
    if (signal_cosine(h.feedback, h.pseudo_backprop) >
        signal_cosine(h.feedback, h.backprop) + k_eps)
      ++count.successes;
  }
  return count;
}

/// Lillicrap's shapes: output n < hidden r < input m (their 10 < 20 < 30): n in [2, 5],
/// r = n + [1, 5], m = r + [1, 5], drawn so that RapidCheck shrinks toward the smallest; rank k = n
/// (a full-rank target map, as their U[-1, 1] one) or any k in [1, n]; flat or geometric spectrum
/// (condition <= 4); small init 2^-8; c = 2^-3.
/// A fixed recipe (a pinned case) is used as it is, its rank raised to n for a full-rank target.
template <class T>
Recipe lillicrap_shape_recipe(Case<T>& c, bool full_rank_target) {
  if (c.fixed_recipe()) {
    Recipe fixed = c.draw(RecipeSpace{});
    if (full_rank_target) fixed.k = fixed.n;
    c.use_recipe(fixed);
    return fixed;
  }
  Recipe rec;
  rec.n = *rc::gen::inRange(2, 6);
  rec.r = rec.n + *rc::gen::inRange(1, 6);
  rec.m = rec.r + *rc::gen::inRange(1, 6);
  rec.k = full_rank_target ? rec.n : *rc::gen::inRange(1, rec.n + 1);
  rec.spectrum = *rc::gen::element(Spectrum::flat, Spectrum::geometric);
  rec.spread = rec.spectrum == Spectrum::flat ? 0 : *rc::gen::inRange(1, 3);
  rec.seed = *rc::gen::inRange<std::uint32_t>(0, 1u << 30);
  rec.step_log2 = -3;
  rec.init = Init::small;
  rec.init_log2 = -8;
  c.use_recipe(rec);
  return rec;
}

}  // namespace fa

namespace fa {

/// Girotti, Mitliagkas and Gidel's incremental learning (L3, L4): Y = U diag(s) V^T with r = k in
/// [2, 4], n, m in [k, 6], a geometric spectrum of condition 2^spread, spread in [1, 3] (distinct
/// singular values); the aligned start Z_0 = a U, W_0 = a V^T, a = 2^-8 .. 2^-4, with feedback
/// B = U diag(gains): equal gains 1, or gains_i = (s_k / s_i)^2 (largest for the smallest
/// component); eta = c / (sigma_1 max(1, max gains^2)) = c, c = 2^-5 .. 2^-3. Returns the step at
/// which each component first reaches half of its singular value (-1: not within 20000 steps).
enum class FeedbackGains { equal, inverse_square };
template <class T>
std::vector<long> aligned_half_times(Case<T>& c, FeedbackGains gains_kind) {
  RecipeSpace space;
  space.min_dim = 2;
  space.max_dim = 6;
  space.relation = RankRelation::r_at_least_k;
  space.spectra = {Spectrum::geometric};
  space.min_spread = 1;
  space.max_spread = 3;
  space.inits = {Init::small};
  space.init_scales_log2 = {-8, -6, -4};
  space.step_log2_min = -5;
  space.step_log2_max = -3;
  Recipe rec = c.draw(space);
  rec.k = std::clamp(rec.k, 2, std::min({4, rec.n, rec.m}));
  rec.r = rec.k;
  rec.spread = std::max(rec.spread, 1);
  c.use_recipe(rec);
  const Instance<T> inst = make_instance<T>(rec);
  std::vector<double> gains(static_cast<std::size_t>(rec.k), 1.0);
  const std::vector<double> s = recipe_singular_values(rec);
  if (gains_kind == FeedbackGains::inverse_square)
    for (std::size_t i = 0; i < gains.size(); ++i) gains[i] = (s.back() / s[i]) * (s.back() / s[i]);
  const AlignedStart<T> start =
      aligned_start<T>(inst.U, inst.V, gains, std::ldexp(1.0, rec.init_log2));
  Instance<T> noted = inst;
  noted.B = start.B;
  noted.start = start.start;
  noted.eta = std::ldexp(1.0, rec.step_log2);
  c.note_instance(noted);
  const std::vector<long> half = component_half_times(start.start, inst.Y, start.B, inst.U, inst.V,
                                                      inst.s, T(noted.eta), 20000);
  std::string text;
  for (long h : half) text += (text.empty() ? "" : ", ") + std::to_string(h);
  c.note("half times (component 1..k)", text);
  for (std::size_t i = 0; i < half.size(); ++i)
    if (half[i] < 0)
      c.fail("component " + std::to_string(i + 1) +
             " did not reach half of its singular value "
             "within 20000 steps");
  return half;
}

}  // namespace fa

#include "checks/deep_helpers.hpp"

namespace fa {

/// Refinetti et al.'s gradient alignment at the current layers: the cosine between DFA's update of
/// the hidden layers W_1 .. W_{L-1} (each delta_l P_{l-1}^T, concatenated) and the gradient's
/// (backprop's). The top layer is left out: its update E P_{L-1}^T is the gradient's under every
/// algorithm, and counting it would make any feedback look aligned once P_{L-1} grows.
template <class T>
T dfa_gradient_alignment(const Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb) {
  const DeepSignals<T> dfa = plain_deep_signals(DeepAlgorithm::dfa, w, Y, fb);
  const DeepSignals<T> gd = plain_deep_signals(DeepAlgorithm::gd, w, Y, fb);
  T inner(0), dfa_sq(0), gd_sq(0);
  for (int l = 1; l <= w.depth() - 1; ++l) {
    const auto i = static_cast<std::size_t>(l);
    const Mat<T> a = l == 1 ? dfa.delta[i] : Mat<T>(dfa.delta[i] * dfa.P[i - 1].transpose());
    const Mat<T> b = l == 1 ? gd.delta[i] : Mat<T>(gd.delta[i] * gd.P[i - 1].transpose());
    inner += (a.array() * b.array()).sum();
    dfa_sq += a.squaredNorm();
    gd_sq += b.squaredNorm();
  }
  using std::sqrt;
  return dfa_sq > 0 && gd_sq > 0 ? T(inner / sqrt(T(dfa_sq * gd_sq))) : T(0);
}

}  // namespace fa

namespace fa {

/// Song, Xu and Lafferty's alignment statement (L7, L7.wide) on one instance: FA (or, for a
/// falsifier, GD) from the over-parameterised unit-fan start Z_0 ~ N(0, 1/r), W_0 ~ N(0, 1/m)
/// (streams init_z, init_w of the recipe's seed), with and without weight decay lambda, each for
/// T = ceil(16 / (eta lambda)) steps: sixteen decay times, so that what the start carries has
/// shrunk by e^-16 under the decayed run and its end point is the regularised fixed point
/// (Z = E E^T B / lambda^2 for FA). eta = 2^-3 / max(1, ||B||^2, ||Z_0||^2 + ||W_0||^2): the start
/// is not small, so its scale enters the step bound. Notes the start, eta, T and both cosines.
template <class T>
struct DecayAlignment {
  T without_decay, with_decay;
};
template <class T>
DecayAlignment<T> decay_alignment(Case<T>& c, const Instance<T>& inst, Algorithm alg,
                                  double lambda) {
  const Recipe& rec = inst.recipe;
  const Mat<double> Z0 =
      gaussian_matrix(rec.n, rec.r, rec.seed, Stream::init_z) / std::sqrt(double(rec.r));
  const Mat<double> W0 =
      gaussian_matrix(rec.r, rec.m, rec.seed, Stream::init_w) / std::sqrt(double(rec.m));
  auto spectral_sq = [](const Mat<double>& M) {
    const double s = spectral_norm<double>(M);
    return s * s;
  };
  const double eta_d = 0.125 / std::max({1.0, spectral_sq(cast_matrix<double>(inst.B)),
                                         spectral_sq(Z0) + spectral_sq(W0)});
  const long steps = static_cast<long>(std::ceil(16.0 / (eta_d * lambda)));
  const T eta(eta_d);
  Instance<T> noted = inst;
  noted.start = Factors<T>{cast_matrix<T>(Z0), cast_matrix<T>(W0)};
  noted.eta = eta_d;
  c.note_instance(noted);
  c.note("steps (16 / (eta lambda))", std::to_string(steps));
  auto final_alignment = [&](const T& decay) {
    Factors<T> f = noted.start;
    for (long t = 0; t < steps; ++t) regularised_step(alg, f, inst.Y, inst.B, eta, decay);
    if (!all_finite(f.Z) || !all_finite(f.W))
      c.fail("the run diverged (non-finite factors) at eta = " + std::to_string(eta_d));
    return frobenius_cosine<T>(f.Z, inst.B);
  };
  DecayAlignment<T> out{final_alignment(T(0)), final_alignment(T(lambda))};
  c.note("cos(Z, B) without weight decay", to_text(out.without_decay));
  c.note("cos(Z, B) with weight decay", to_text(out.with_decay));
  return out;
}

}  // namespace fa
