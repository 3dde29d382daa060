// DL3  DFA keeps the layer-wise law at its top hidden layer.               source: derived
// Specification: docs/claims-deep.md#claim-dl3
//
// Statement (ours): along deep DFA with step eta, at the top hidden layer l = L-1, with B = DFA's
// B_{L-1} (n x d_{L-1}), Q = B^T W_L + W_L^T B - W_{L-1} W_{L-1}^T obeys, at every step,
//     Q+ = Q - eta^2 delta_{L-1} P_{L-2}^T P_{L-2} delta_{L-1}^T,   delta_{L-1} = B^T E.
// Derivation: at l = L-1, DFA's signal B^T E is FA's B_L^T delta_L with B_L = B, so DL1's
// derivation applies word for word. Below the top it does not (conjecture R7, refuted).
// Hypotheses: none beyond the shapes. Region: deep_identity_space. Check: checks/deep_laws.hpp.
// Proved: theorems/proofs/DL3.py (every depth); the implementation per deep shape by
// Schwartz-Zippel (below).
#include "checks/deep_laws.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

template <class C>
LawVariant variant(const C& c) {
  LawVariant v;
  v.eta_not_squared = c.falsifier("eta-not-squared");
  v.wrong_algorithm = c.falsifier("gd-as-dfa");
  return v;
}

template <class C>
LayerLaw law(const C& c) {
  return c.falsifier("every-layer") ? LayerLaw::dfa_every_layer : LayerLaw::dfa_top;
}

// Schwartz-Zippel: DFA's delta_{L-1} = B^T E has degree L + 1 and the update of W_{L-1} degree
// 1 + (L + 1) + (L - 2) = 2L, W_L's likewise: the residual has total degree at most 4L.
Mat<Rational> polynomial_residual(DeepPolyCase& c) {
  return law_polynomial_residual(law(c), variant(c), c);
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL3";
  s.title = "deep DFA keeps the layer-wise law at its top hidden layer";
  s.source = Source::derived;
  s.statement =
      "Along deep DFA, at the top hidden layer l = L-1, Q = B^T W_L + W_L^T B - W_{L-1} "
      "W_{L-1}^T (B = DFA's B_{L-1}) satisfies Q+ = Q - eta^2 delta_{L-1} P_{L-2}^T P_{L-2} "
      "delta_{L-1}^T exactly, at every step.";
  s.hypotheses = kDeepIdentityHypotheses;
  s.recipe = std::string(kDeepIdentityRegionText) + "; 20 steps (10 mp, 2 exact)";
  s.ladder = true;
  s.falsifiers = {{"every-layer",
                   "false statement: the law at every hidden layer with F_l = W_L ... W_{l+1} "
                   "in place of B_{l+1} (conjecture R7)"},
                  {"eta-not-squared", "false statement: eta in place of eta^2"},
                  {"gd-as-dfa", "the deep step runs GD: the law must fail"}};
  s.ladder_recipe = fixed_recipe(4, 5, 3, 2, 23, Init::small, -2);
  s.proof = "theorems/proofs/DL3.py";
  PolynomialIdentity poly;
  poly.degree = 16;
  poly.residual =
      "Q_{L-1}(W+) - Q_{L-1}(W) + eta^2 d_{L-1} G_{L-2} d_{L-1}^T after one deep "
      "DFA step";
  poly.falsifiers = {"every-layer", "eta-not-squared", "gd-as-dfa"};
  poly.evaluate_deep = &polynomial_residual;
  poly.deep_degree_per_layer = 4;
  s.polynomial = poly;
  return s;
}

template <class T>
void check(Case<T>& c) {
  check_layer_law(c, law(c), variant(c), deep_identity_space<T>(), {3, 2});
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
