// DL4  FA is DFA with product feedback.                                    source: derived
// Specification: docs/claims-deep.md#claim-dl4
//
// Statement (ours): one deep FA step with feedback B_2 .. B_L equals one deep DFA step whose
// feedback is B_l^DFA = B_L B_{L-1} ... B_{l+1} (n x d_l), layer by layer, from any point.
// Derivation: FA's delta_l = B_{l+1}^T ... B_L^T E = (B_L ... B_{l+1})^T E (induction from the
// top), DFA's is (B_l^DFA)^T E, and both update W_l - eta delta_l P_{l-1}^T with the same P's.
// An identity of the two implementations (both run through the dynamics under test).
// Hypotheses: none beyond the shapes. Region: deep_identity_space (the falsifier
// product-wrong-order makes the drawn network square, every width = n >= 2, depth >= 3, where
// the wrong order is a different product at all).
// Check: after every FA step, |W_l^FA - W_l^DFA(product)| <= k eps scale per layer, scale the
// absolute size of eta delta_l P_{l-1}^T (computed on absolute values) plus |W_l|, k = 4 L (d + 2):
// the two signals are the same chain of up to 2L factors associated differently (gamma_{qd}
// each); exactly 0 in rationals.
// Proved: theorems/proofs/DL4.py (every depth by induction, unrolled to L = 6); the
// implementation per deep shape by Schwartz-Zippel (below).
#include "checks/deep_laws.hpp"  // deep_law_steps

namespace fa::claims {
namespace FA_CLAIM_FILE {

/// DFA's feedback B_l = B_L ... B_{l+1} (product-wrong-order: B_{l+1} ... B_L, square networks).
template <class T>
DeepFeedback<T> product_feedback(const DeepFeedback<T>& fb, int L, bool wrong_order) {
  DeepFeedback<T> out = fb;
  for (int l = 1; l <= L - 1; ++l) {
    Mat<T> prod = fb.fa[static_cast<std::size_t>(L)];
    for (int q = L - 1; q >= l + 1; --q) {
      const Mat<T>& Bq = fb.fa[static_cast<std::size_t>(q)];
      const bool swap = wrong_order && prod.rows() == Bq.rows() && prod.cols() == Bq.cols() &&
                        Bq.rows() == Bq.cols();
      prod = swap ? Mat<T>(Bq * prod) : Mat<T>(prod * Bq);
    }
    out.dfa[static_cast<std::size_t>(l)] = prod;
  }
  return out;
}

/// One step of each from w: (W^FA+, W^DFA+); gd-as-fa runs GD in FA's place.
template <class T>
std::pair<Layers<T>, Layers<T>> both_steps(const DeepDynamics<T>& dyn, bool gd_as_fa,
                                           bool wrong_order, const Layers<T>& w, const Mat<T>& Y,
                                           const DeepFeedback<T>& fb, const T& eta, long t,
                                           DeepWorkspace<T>& ws) {
  Layers<T> fa = w, dfa = w;
  dyn.step(gd_as_fa ? DeepAlgorithm::gd : DeepAlgorithm::fa, fa, Y, fb, eta, t, ws);
  dyn.step(DeepAlgorithm::dfa, dfa, Y, product_feedback(fb, w.depth(), wrong_order), eta, t, ws);
  return {fa, dfa};
}

// Schwartz-Zippel: both steps have degree 2L in the entries (the updates' degree, as in DL1:
// the product feedback B_L ... B_{l+1} has the degree L - l of FA's chain of B's); the residual
// W^FA+ - W^DFA+ has total degree at most 2L.
Mat<Rational> polynomial_residual(DeepPolyCase& c) {
  const DeepPolyPoint& p = c.point();
  const auto [fa, dfa] =
      both_steps(c.dynamics(), c.falsifier("gd-as-fa"), c.falsifier("product-wrong-order"), p.w,
                 p.Y, p.fb, p.eta, 0, c.workspace());
  std::vector<Mat<Rational>> parts;
  for (int l = 1; l <= p.w.depth(); ++l)
    parts.push_back(fa.W[static_cast<std::size_t>(l)] - dfa.W[static_cast<std::size_t>(l)]);
  return stack_residual_list(parts);
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL4";
  s.title = "deep FA = DFA with product feedback B_L ... B_{l+1}";
  s.source = Source::derived;
  s.statement =
      "One deep FA step equals one deep DFA step with B_l^DFA = B_L B_{L-1} ... B_{l+1}, "
      "layer by layer, from any point.";
  s.hypotheses = std::string(kDeepIdentityHypotheses) +
                 " The falsifier product-wrong-order makes the network square (every width "
                 "n >= 2, L >= 3).";
  s.recipe = std::string(kDeepIdentityRegionText) + "; 20 steps (10 mp, 2 exact)";
  s.ladder = true;
  s.falsifiers = {
      {"gd-as-fa", "the FA side runs GD: the two steps must differ"},
      {"product-wrong-order",
       "DFA's feedback B_{l+1} ... B_L (the product in the wrong order; square networks)"}};
  s.ladder_recipe = fixed_recipe(4, 5, 3, 2, 24, Init::small, -2);
  s.proof = "theorems/proofs/DL4.py";
  PolynomialIdentity poly;
  poly.degree = 8;
  poly.residual = "W_l after one deep FA step minus W_l after one DFA step with product feedback";
  poly.falsifiers = {"gd-as-fa", "product-wrong-order"};
  poly.evaluate_deep = &polynomial_residual;
  poly.deep_degree_per_layer = 2;
  s.polynomial = poly;
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  const bool wrong_order = c.falsifier("product-wrong-order");
  DeepRecipe rec = draw_deep(c, deep_identity_space<T>(), {3, 2});
  if (wrong_order) {  // a square network of depth >= 3, where B_{l+1} ... B_L is a product
    rec.base.n = std::max(2, rec.base.n);
    rec.base.m = rec.base.n;
    rec.base.k = std::min(rec.base.k, rec.base.n);
    rec.hidden.assign(static_cast<std::size_t>(std::max(2, rec.depth() - 1)), rec.base.n);
    if (!rec.inits.empty())
      rec.inits.resize(static_cast<std::size_t>(rec.depth()), rec.inits.back());
    rec.base.r = rec.base.n;
    c.use_recipe(rec.base);
    c.note("deep recipe", rec.describe());
  }
  const DeepInstance<T> inst = make_deep_instance<T>(rec);
  note_deep_instance(c, inst);
  const T eta(inst.eta);
  const int L = rec.depth();
  const double k = 4.0 * L * (largest_width(rec) + 2);
  Layers<T> w = deep_starting_point(c, inst);
  DeepWorkspace<T> ws;
  const T start_loss = deep_loss(w, inst.Y());
  for (int t = 0; t < deep_law_steps<T>(); ++t) {
    if (deep_stop_at_divergence(c, w, inst.Y(), start_loss)) break;
    const DeepSignals<T> abs = abs_deep_signals(DeepAlgorithm::fa, w, inst.Y(), inst.feedback);
    const auto [fa, dfa] = both_steps(c.dynamics().deep(), c.falsifier("gd-as-fa"), wrong_order, w,
                                      inst.Y(), inst.feedback, eta, t, ws);
    c.note("step", std::to_string(t));
    for (int l = 1; l <= L; ++l) {
      const auto i = static_cast<std::size_t>(l);
      T scale = max_abs(abs_matrix(w.W[i]));
      if (!exact)
        scale +=
            eta * max_abs(l == 1 ? abs.delta[1] : Mat<T>(abs.delta[i] * abs.P[i - 1].transpose()));
      c.require_identity("max |W_l^FA - W_l^DFA(product)| at step " + std::to_string(t) +
                             ", layer " + std::to_string(l) + " of L = " + std::to_string(L),
                         max_abs(Mat<T>(fa.W[i] - dfa.W[i])), scale, k);
    }
    w = fa;
  }
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
