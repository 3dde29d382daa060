// DL2  Layer-wise GD balance of a deep network.                            source: derived
// Specification: docs/claims-deep.md#claim-dl2
//
// Statement (ours): along deep GD with step eta, at every hidden layer l = 1..L-1,
// D_l = W_{l+1}^T W_{l+1} - W_l W_l^T obeys, at every step,
//     D_l+ = D_l + eta^2 (P_l delta_{l+1}^T delta_{l+1} P_l^T - delta_l P_{l-1}^T P_{l-1}
//     delta_l^T).
// Derivation: the first-order terms of W_{l+1}+^T W_{l+1}+ and W_l+ W_l+^T are both
// -eta (W_{l+1}^T delta_{l+1} P_l^T + P_l delta_{l+1}^T W_{l+1}) (using delta_l = W_{l+1}^T
// delta_{l+1} and P_l = W_l P_{l-1}) and cancel. At L = 2 it is X3; its flow form dD_l/dt = 0 is
// the balancedness of deep linear GD (Arora, Cohen, Hazan 2018; Du, Hu, Lee 2018).
// Hypotheses: none beyond the shapes; from all-zero layers GD never moves (the law holds
// trivially), so most cases start from small layers (drawn per layer). Region: deep_identity_space.
// Check: checks/deep_laws.hpp, as DL1. Proved: theorems/proofs/DL2.py (every depth, the local
// argument); the implementation per deep shape by Schwartz-Zippel (below).
#include "checks/deep_laws.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

template <class C>
LawVariant variant(const C& c) {
  LawVariant v;
  v.sign_flipped = c.falsifier("sign-flipped");
  v.sequential = c.falsifier("sequential-update");
  v.wrong_algorithm = c.falsifier("fa-as-gd");
  return v;
}

// Schwartz-Zippel: GD's delta_l = W_{l+1}^T ... W_L^T E has degree 2L - l, like FA's, so the
// residual has total degree at most 4L (as DL1's derivation).
Mat<Rational> polynomial_residual(DeepPolyCase& c) {
  return law_polynomial_residual(LayerLaw::gd_balance, variant(c), c);
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "DL2";
  s.title =
      "deep GD layer-wise balance D_l+ = D_l + eta^2 (P_l d_{l+1}^T d_{l+1} P_l^T - "
      "d_l G_{l-1} d_l^T)";
  s.source = Source::derived;
  s.statement =
      "Along deep GD, at every hidden layer l, D_l = W_{l+1}^T W_{l+1} - W_l W_l^T satisfies "
      "D_l+ = D_l + eta^2 (P_l delta_{l+1}^T delta_{l+1} P_l^T - delta_l P_{l-1}^T P_{l-1} "
      "delta_l^T) exactly, at every step.";
  s.hypotheses = kDeepIdentityHypotheses;
  s.recipe = std::string(kDeepIdentityRegionText) + "; 20 steps (10 mp, 2 exact)";
  s.ladder = true;
  s.falsifiers = {
      {"sequential-update", "each layer updated from the already-updated layers below"},
      {"sign-flipped", "false statement: D_l+ = D_l - eta^2 (...)"},
      {"fa-as-gd", "the deep step runs FA (signals through B_{l+1}^T): the law must fail"}};
  s.ladder_recipe = fixed_recipe(5, 4, 3, 2, 22, Init::small, -2);
  s.proof = "theorems/proofs/DL2.py";
  PolynomialIdentity poly;
  poly.degree = 16;
  poly.residual =
      "D_l(W+) - D_l(W) - eta^2 (P_l d_{l+1}^T d_{l+1} P_l^T - d_l G_{l-1} d_l^T) "
      "after one deep GD step, every l";
  poly.falsifiers = {"sequential-update", "sign-flipped", "fa-as-gd"};
  poly.evaluate_deep = &polynomial_residual;
  poly.deep_degree_per_layer = 4;
  s.polynomial = poly;
  return s;
}

template <class T>
void check(Case<T>& c) {
  DeepSpace space = deep_identity_space<T>();
  space.base.inits = {Init::small, Init::small, Init::zero};  // two in three layers small
  check_layer_law(c, LayerLaw::gd_balance, variant(c), space, {3, 2});
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
