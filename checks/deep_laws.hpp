// The layer-wise laws of deep networks (docs/claims-deep.md: DL1, DL2, DL3 and conjecture R7),
// written once: the law's matrix M_l, its second-order term, which algorithm and which layers,
// the check of a claim case (every step, every layer, k eps tolerance; exactly 0 in rationals),
// and the residual at one point for the Schwartz-Zippel check. Each claim file picks its law.
//
// After one step of the law's algorithm, at each of its layers l:
//   M_l(W+) = M_l(W) + sign coeff S_l,   coeff = eta^2 (eta for the false variant eta-not-squared)
//   DL1 (FA):        M_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - W_l W_l^T,  S_l = -delta_l
//   G_{l-1} delta_l^T DL2 (GD):        M_l = W_{l+1}^T W_{l+1} - W_l W_l^T,
//                    S_l = P_l delta_{l+1}^T delta_{l+1} P_l^T - delta_l G_{l-1} delta_l^T
//   DL3 (DFA, l = L-1 only): M as DL1 with DFA's B_{L-1},                  S as DL1
//   R7  (DFA, every l):     M_l = B_l^T F_l + F_l^T B_l - W_l W_l^T,  F_l = W_L ... W_{l+1}, S as
//   DL1
// with G_{l-1} = P_{l-1}^T P_{l-1} (G_0 = I) and the algorithm's own signals delta_l.
#pragma once

#include "checks/deep_helpers.hpp"

#include <string>
#include <vector>

namespace fa {

enum class LayerLaw { fa_alignment, gd_balance, dfa_top, dfa_every_layer };

inline DeepAlgorithm law_algorithm(LayerLaw law) {
  switch (law) {
    case LayerLaw::fa_alignment:
      return DeepAlgorithm::fa;
    case LayerLaw::gd_balance:
      return DeepAlgorithm::gd;
    case LayerLaw::dfa_top:
    case LayerLaw::dfa_every_layer:
      return DeepAlgorithm::dfa;
  }
  return DeepAlgorithm::fa;
}

inline std::vector<int> law_layers(LayerLaw law, int L) {
  if (law == LayerLaw::dfa_top) return {L - 1};
  std::vector<int> out;
  for (int l = 1; l <= L - 1; ++l) out.push_back(l);
  return out;
}

/// F_l = W_L ... W_{l+1} (n x d_l): the forward map above layer l.
template <class T>
Mat<T> forward_above(const Layers<T>& w, int l) {
  Mat<T> F = w.W.back();
  for (int k = w.depth() - 1; k > l; --k) F = Mat<T>(F * w.W[static_cast<std::size_t>(k)]);
  return F;
}

/// The matrix that multiplies W_{l+1} (or F_l) from the left, transposed, in M_l.
template <class T>
const Mat<T>& law_feedback(LayerLaw law, const Layers<T>& w, const DeepFeedback<T>& fb, int l) {
  switch (law) {
    case LayerLaw::fa_alignment:
      return fb.fa[static_cast<std::size_t>(l + 1)];
    case LayerLaw::gd_balance:
      return w.W[static_cast<std::size_t>(l + 1)];
    default:
      return fb.dfa[static_cast<std::size_t>(l)];
  }
}

/// M_l at the layers w.
template <class T>
Mat<T> law_matrix(LayerLaw law, const Layers<T>& w, const DeepFeedback<T>& fb, int l) {
  switch (law) {
    case LayerLaw::fa_alignment:
      return layer_alignment(w, fb.fa[static_cast<std::size_t>(l + 1)], l);
    case LayerLaw::gd_balance:
      return layer_balance(w, l);
    case LayerLaw::dfa_top:
      return layer_alignment(w, fb.dfa[static_cast<std::size_t>(l)], l);
    case LayerLaw::dfa_every_layer: {
      const Mat<T> BtF = fb.dfa[static_cast<std::size_t>(l)].transpose() * forward_above(w, l);
      const Mat<T>& Wl = w.W[static_cast<std::size_t>(l)];
      return BtF + BtF.transpose() - Wl * Wl.transpose();
    }
  }
  return Mat<T>();
}

/// S_l from the signals before the step. wrong_layer_product: the false variant with the layer's
/// own output Gram P_l^T P_l in place of its input's G_{l-1}.
template <class T>
Mat<T> law_second_order(LayerLaw law, const DeepSignals<T>& s, int l, bool wrong_layer_product) {
  const auto i = static_cast<std::size_t>(l);
  const Mat<T> gram = wrong_layer_product ? Mat<T>(s.P[i].transpose() * s.P[i]) : s.input_gram(l);
  Mat<T> S = -(s.delta[i] * gram * s.delta[i].transpose());
  if (law == LayerLaw::gd_balance) {
    const Mat<T> up = s.delta[i + 1] * s.P[i].transpose();  // delta_{l+1} P_l^T
    S += up.transpose() * up;
  }
  return S;
}

/// The false variants a law's claim runs (claim files map their falsifier names to these).
struct LawVariant {
  bool eta_not_squared = false;      // coeff = eta
  bool sign_flipped = false;         // M+ = M - coeff S
  bool wrong_layer_product = false;  // P_l^T P_l in place of G_{l-1}
  bool wrong_algorithm = false;  // DL1: GD in FA's place; DL2: FA in GD's place; DL3: FA's feedback
  bool sequential = false;       // each layer updated from the already-updated layers below
};

/// One step in which the layers move one at a time from the bottom up, each from signals
/// recomputed with the layers below already moved (the "sequential update" mistake).
template <class T>
void sequential_deep_step(DeepAlgorithm a, Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb,
                          const T& eta) {
  for (int l = 1; l <= w.depth(); ++l) {
    const DeepSignals<T> s = plain_deep_signals(a, w, Y, fb);
    const auto i = static_cast<std::size_t>(l);
    if (l == 1)
      w.W[i] -= eta * s.delta[i];
    else
      w.W[i] -= eta * (s.delta[i] * s.P[i - 1].transpose());
  }
}

/// The algorithm a variant runs.
inline DeepAlgorithm variant_algorithm(LayerLaw law, const LawVariant& v) {
  const DeepAlgorithm a = law_algorithm(law);
  if (!v.wrong_algorithm) return a;
  return a == DeepAlgorithm::gd ? DeepAlgorithm::fa : DeepAlgorithm::gd;
}

/// The residuals M_l(W+) - (M_l(W) + sign coeff S_l) at the law's layers after one step of
/// `dyn` (or the sequential mistake) from w, which is advanced. signals: the law's algorithm's
/// plain signals at w (the check computes them itself, independently of the step under test).
template <class T>
std::vector<Mat<T>> law_residuals(LayerLaw law, const LawVariant& v, const DeepDynamics<T>& dyn,
                                  Layers<T>& w, const Mat<T>& Y, const DeepFeedback<T>& fb,
                                  const T& eta, long t, DeepWorkspace<T>& ws) {
  const int L = w.depth();
  const DeepSignals<T> s = plain_deep_signals(law_algorithm(law), w, Y, fb);
  const T coeff = v.eta_not_squared ? eta : T(eta * eta);
  const T sign = v.sign_flipped ? T(-1) : T(1);
  std::vector<Mat<T>> predicted;
  for (int l : law_layers(law, L))
    predicted.push_back(law_matrix(law, w, fb, l) +
                        sign * coeff * law_second_order(law, s, l, v.wrong_layer_product));
  if (v.sequential)
    sequential_deep_step(law_algorithm(law), w, Y, fb, eta);
  else
    dyn.step(variant_algorithm(law, v), w, Y, fb, eta, t, ws);
  std::vector<Mat<T>> out;
  std::size_t k = 0;
  for (int l : law_layers(law, L)) out.push_back(law_matrix(law, w, fb, l) - predicted[k++]);
  return out;
}

/// Steps a layer-wise law is followed for: 20 in double, 10 in the MPFR types, 2 in exact
/// rationals (whose sizes grow about 2L-fold per step).
template <class T>
int deep_law_steps() {
  return std::is_same_v<T, double> ? 20 : std::is_same_v<T, Rational> ? 2 : 10;
}

/// A claim case of a layer-wise law: draws a deep recipe from `space` (ladder: `ladder_hidden`),
/// runs deep_law_steps<T>() steps and requires, at every step and
/// layer, |residual| <= k eps scale with scale = layer_law_scale and k = layer_law_ulps (0 in
/// exact arithmetic: the residual must vanish).
template <class T>
void check_layer_law(Case<T>& c, LayerLaw law, const LawVariant& v, const DeepSpace& space,
                     const std::vector<int>& ladder_hidden) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  const DeepRecipe rec = draw_deep(c, space, ladder_hidden);
  const DeepInstance<T> inst = make_deep_instance<T>(rec);
  note_deep_instance(c, inst);
  const T eta(inst.eta);
  const int L = rec.depth();
  const double k = layer_law_ulps(L, largest_width(rec));
  Layers<T> w = deep_starting_point(c, inst);
  DeepWorkspace<T> ws;
  const T start_loss = deep_loss(w, inst.Y());
  const DeepDynamics<T>& dyn = c.dynamics().deep();
  for (int t = 0; t < deep_law_steps<T>(); ++t) {
    if (deep_stop_at_divergence(c, w, inst.Y(), start_loss)) break;
    std::vector<T> scales;
    if constexpr (!exact) {
      const DeepSignals<T> abs = abs_deep_signals(law_algorithm(law), w, inst.Y(), inst.feedback);
      for (int l : law_layers(law, L)) {
        // R7's M_l has B_l^T F_l = (B_l^T W_L ... W_{l+2}) W_{l+1} where the others have
        // back^T W_{l+1}: its "back" is (|B_l|^T |W_L| ... |W_{l+2}|)^T (|B_{L-1}| at the top).
        Mat<T> back = law_feedback(law, w, inst.feedback, l);
        if (law == LayerLaw::dfa_every_layer) {
          Mat<T> bt = abs_matrix(back).transpose();
          for (int q = L; q >= l + 2; --q)
            bt = Mat<T>(bt * abs_matrix(w.W[static_cast<std::size_t>(q)]));
          back = bt.transpose();
        }
        scales.push_back(layer_law_scale(abs, w, back, l, eta, rec.base.m));
      }
    }
    const std::vector<Mat<T>> res =
        law_residuals(law, v, dyn, w, inst.Y(), inst.feedback, eta, t, ws);
    c.note("step", std::to_string(t));
    const std::vector<int> layers = law_layers(law, L);
    for (std::size_t q = 0; q < layers.size(); ++q)
      c.require_identity("max |M_l+ - M_l - coeff S_l| at step " + std::to_string(t) +
                             ", layer l = " + std::to_string(layers[q]) +
                             " of L = " + std::to_string(L),
                         max_abs(res[q]), exact ? T(1) : scales[q], k);
  }
}

/// The law's residual after one step at a Schwartz-Zippel point (all layers stacked).
inline Mat<Rational> law_polynomial_residual(LayerLaw law, const LawVariant& v, DeepPolyCase& c) {
  const DeepPolyPoint& p = c.point();
  Layers<Rational> w = p.w;
  return stack_residual_list(
      law_residuals(law, v, c.dynamics(), w, p.Y, p.fb, p.eta, 0, c.workspace()));
}

/// Hypotheses text of the layer-wise identities.
inline const char* const kDeepIdentityHypotheses =
    "None beyond the shapes (any Y, feedback, initialisation per layer, eta > 0, depth L >= 2, "
    "widths >= 1); drawn across the deep identity region; checked at every step until the run "
    "diverges.";

}  // namespace fa

namespace fa {

/// The flow forms of DL1 (FA conserves every Q_l) and DL2 (GD conserves every D_l), checked as
/// F1 / F3 are (checks/flow_checks.hpp): the deep flow integrated by Odeint (RKF78) to t = 3 at a
/// loose and a 10^4 times tighter tolerance (double 1e-7, 1e-11; mp 1e-18, 1e-22); the largest
/// drift of M_l over the observations and layers must be (a) within 4 (steps + 1) tol scale, scale
/// = (1 + sum of the norms of every layer at start and end and of the feedback)^2 (the global
/// error of the state times its size: M_l is quadratic), and (b) fall by >= 10x with the
/// tolerance unless already at the rounding level 64 L (d + 2) eps scale (steps + 1) or within
/// the tight budget at the loose tolerance. run_flow_as: the flow integrated (the falsifier runs
/// the other algorithm's flow against the same law).
template <class T>
void check_deep_flow_invariant(Case<T>& c, LayerLaw law, DeepAlgorithm run_flow_as) {
  constexpr bool is_double = std::is_same_v<T, double>;
  DeepSpace space;
  space.base = wide_region<T>();
  space.base.max_dim = is_double ? 6 : 4;
  space.base.inits = {Init::small};
  space.base.init_scales_log2 = {-1, -8, -2, 0};
  space.max_depth = is_double ? 4 : 3;
  space.max_width = is_double ? 4 : 3;
  const DeepRecipe rec = draw_deep(c, space, {3, 2});
  const DeepInstance<T> inst = make_deep_instance<T>(rec);
  note_deep_instance(c, inst);
  const int L = rec.depth();
  auto drift = [&](const T& tol, std::size_t& steps) {
    DeepFlowConfig<T> cfg;
    cfg.algorithm = run_flow_as;
    cfg.end_time = T(3);
    cfg.observe_at = {T(0.5), T(1), T(1.5), T(2), T(2.5)};
    cfg.abs_tol = tol;
    cfg.rel_tol = tol;
    const DeepFlowTrajectory<T> run = run_deep_flow(inst.Y(), inst.feedback, inst.start, cfg);
    // A polynomial flow can blow up in finite time (found at the main job's depth: L = 4, widths
    // 1,2,1,1,1, init 2^0, B scale 2^3, before t = 0.5); the law is about the solution while it
    // exists, so such a case is outside the statement's hypotheses, not a counterexample.
    c.precondition(!run.blew_up, "the flow exists on [0, 3] (" + run.message + ")");
    if (!run.completed) c.fail(run.message);
    steps = run.integrator_steps;
    T worst(0);
    for (const Layers<T>& state : run.states)
      for (int l : law_layers(law, L)) {
        const T d = max_abs(Mat<T>(law_matrix(law, state, inst.feedback, l) -
                                   law_matrix(law, inst.start, inst.feedback, l)));
        if (d > worst) worst = d;
      }
    return std::make_pair(worst, run.states.back());
  };
  const T loose = is_double ? T(1e-7) : T(1e-18);
  const T tight = loose * T(1e-4);
  std::size_t steps_loose = 0, steps_tight = 0;
  const auto [d_loose, end_loose] = drift(loose, steps_loose);
  const auto [d_tight, end_tight] = drift(tight, steps_tight);
  T size(1);
  for (int l = 1; l <= L; ++l) {
    const auto i = static_cast<std::size_t>(l);
    size += inst.start.W[i].norm() + end_tight.W[i].norm() + inst.feedback.fa[i].norm() +
            inst.feedback.dfa[i].norm();
  }
  const T scale = size * size;
  c.note("drift at tol " + to_text(loose), to_text(d_loose));
  c.note("drift at tol " + to_text(tight), to_text(d_tight));
  const T tight_budget = T(4) * T(double(steps_tight + 1)) * tight * scale;
  c.require_le("drift of the layer-wise invariant at the tight tolerance vs 4 steps tol scale",
               d_tight, tight_budget);
  const T rounding =
      T(64.0 * L * (largest_width(rec) + 2)) * epsilon<T>() * scale * T(double(steps_tight + 1));
  c.note("integrator steps (loose, tight)",
         std::to_string(steps_loose) + ", " + std::to_string(steps_tight));
  if (d_tight > rounding && d_loose > tight_budget)
    c.require_le("drift at the tight tolerance vs a tenth of the loose one", d_tight, d_loose / 10);
}

}  // namespace fa
