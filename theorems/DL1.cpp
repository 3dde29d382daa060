// DL1  Layer-wise FA law at every hidden layer of a deep network.          source: derived
// Specification: docs/claims-deep.md#claim-dl1
//
// Statement (ours): along deep FA (dynamics/deep.hpp) with step eta, at every hidden layer
// l = 1..L-1, Q_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - W_l W_l^T obeys, at every step,
//     Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T.
// Derivation: W_{l+1}+ = W_{l+1} - eta delta_{l+1} P_l^T and W_l+ = W_l - eta delta_l P_{l-1}^T;
// the first-order terms of B^T W_{l+1}+ (-eta B^T delta_{l+1} P_{l-1}^T W_l^T, using
// P_l = W_l P_{l-1}) and of W_l+ W_l+^T (-eta delta_l P_{l-1}^T W_l^T, using B^T delta_{l+1} =
// delta_l) cancel with their transposes; what is left is the second-order term. At L = 2 it is X1.
// Hypotheses: none beyond the shapes. Region: checks/deep_helpers.hpp, deep_identity_space.
// Check (checks/deep_laws.hpp): the residual at every step and layer against k eps times the
// absolute size of the law's terms (exactly 0 in rationals); precision ladder on L = 3.
// Proved: symbolically for every depth and shape (theorems/proofs/DL1.py: the local argument);
// the implementation per deep shape (L <= 5, widths <= 3) by Schwartz-Zippel (below).
#include "checks/deep_laws.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

template <class C>
LawVariant variant(const C& c) {
  LawVariant v;
  v.wrong_algorithm = c.falsifier("gd-as-fa");
  v.eta_not_squared = c.falsifier("eta-not-squared");
  v.wrong_layer_product = c.falsifier("wrong-layer-product");
  return v;
}

// Schwartz-Zippel: one deep step from an arbitrary point. Degrees in the entries of (Y, W_l, B_l)
// and eta: E = P_L - Y has degree L; FA's delta_l = B_{l+1}^T ... B_L^T E has 2L - l; the update
// eta delta_l P_{l-1}^T has 1 + (2L - l) + (l - 1) = 2L; so Q_l+ has at most 4L, and
// eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T exactly 2 + 2 (2L - l) + 2 (l - 1) = 4L.
Mat<Rational> polynomial_residual(DeepPolyCase& c) {
  return law_polynomial_residual(LayerLaw::fa_alignment, variant(c), c);
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL1";
  s.title = "deep FA layer-wise law Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T";
  s.source = Source::derived;
  s.statement =
      "Along deep FA, at every hidden layer l, Q_l = B_{l+1}^T W_{l+1} + W_{l+1}^T B_{l+1} - "
      "W_l W_l^T satisfies Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T exactly, at "
      "every step (delta_l = B_{l+1}^T delta_{l+1}, P_{l-1} = W_{l-1} ... W_1, P_0 = I).";
  s.hypotheses = kDeepIdentityHypotheses;
  s.recipe = std::string(kDeepIdentityRegionText) + "; 20 steps (10 mp, 2 exact)";
  s.ladder = true;
  s.falsifiers = {
      {"gd-as-fa", "the deep step runs GD (signals through W_{l+1}^T): the law must fail"},
      {"eta-not-squared", "false statement: Q_l+ = Q_l - eta delta_l G delta_l^T"},
      {"wrong-layer-product",
       "false statement: P_l^T P_l (the layer's output) in place of P_{l-1}^T P_{l-1}"}};
  s.ladder_recipe = fixed_recipe(4, 5, 3, 2, 21, Init::small, -2);
  s.proof = "theorems/proofs/DL1.py";
  PolynomialIdentity poly;
  poly.degree = 16;
  poly.residual =
      "Q_l(W+) - Q_l(W) + eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T after one deep FA "
      "step, every l";
  poly.falsifiers = {"gd-as-fa", "eta-not-squared", "wrong-layer-product"};
  poly.evaluate_deep = &polynomial_residual;
  poly.deep_degree_per_layer = 4;
  s.polynomial = poly;
  return s;
}

template <class T>
void check(Case<T>& c) {
  check_layer_law(c, LayerLaw::fa_alignment, variant(c), deep_identity_space<T>(), {3, 2});
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
