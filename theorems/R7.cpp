// R7  "DFA obeys DL1's law at every hidden layer."                         source: conjecture
// Specification: docs/claims-deep.md#claim-r7
//
// The natural guess: DFA's feedback B_l (n x d_l) reaches layer l straight from the output, so put
// the forward map above the layer, F_l = W_L ... W_{l+1} (n x d_l), in place of B_{l+1}:
//     Q_l = B_l^T F_l + F_l^T B_l - W_l W_l^T,   Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1}
//     delta_l^T.
// At l = L-1 (F = W_L) it is DL3 and true. Below the top it is false: F_l moves by the change of
// every layer above, whose first-order terms do not cancel against W_l's (theorems/proofs/DL3.py
// prints the non-zero residual at L = 3, l = 1). The suite must find and shrink a counterexample.
// Check (of the conjecture): checks/deep_laws.hpp (LayerLaw::dfa_every_layer), every layer and
// step, k eps tolerance: a reported violation is far above rounding.
// Falsifier (a true variant): the law at the top hidden layer only (DL3): no counterexample.
// Exact replay (below): DFA from the recorded start through the proved Rational path to the
// failing step, every layer's residual computed exactly; non-zero certifies the refutation.
#include "checks/deep_laws.hpp"
#include "checks/exact_replay.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ExactReplay replay_exactly(const nlohmann::json& cx) {
  const nlohmann::json d =
      nlohmann::json::parse(cx.at("notes").at("deep instance").get<std::string>());
  const std::string scalar = d.value("scalar", "double");
  const long s = counterexample_note(cx, "step");
  const Mat<Rational> Y = exact_matrix_from_json(scalar, d.at("Y"));
  const Rational eta = exact_from_text("double", d.at("eta").get<std::string>());
  Layers<Rational> w;
  DeepFeedback<Rational> fb;
  for (std::size_t l = 0; l < d.at("W0").size(); ++l) {
    w.W.push_back(exact_matrix_from_json(scalar, d.at("W0")[l]));
    fb.fa.push_back(exact_matrix_from_json(scalar, d.at("B_fa")[l]));
    fb.dfa.push_back(exact_matrix_from_json(scalar, d.at("B_dfa")[l]));
  }
  const int L = w.depth();
  DeepWorkspace<Rational> ws;
  const DeepDynamics<Rational>& proved = reference_deep_dynamics<Rational>();
  for (long t = 0; t < s; ++t) proved.step(DeepAlgorithm::dfa, w, Y, fb, eta, t, ws);
  const std::vector<Mat<Rational>> res =
      law_residuals(LayerLaw::dfa_every_layer, LawVariant{}, proved, w, Y, fb, eta, s, ws);
  std::string detail = "exact DFA from the recorded start (L = " + std::to_string(L) + "), step " +
                       std::to_string(s) + ": max |Q_l+ - Q_l + eta^2 d_l G d_l^T| =";
  bool nonzero = false;
  for (std::size_t q = 0; q < res.size(); ++q) {
    const Rational worst = max_abs(res[q]);
    nonzero = nonzero || worst != 0;
    detail += " " + exact::decimal(worst, 6) + " (l = " + std::to_string(q + 1) + ")";
  }
  return {nonzero ? "certified exact" : "rounding artefact", detail, nullptr};
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R7";
  s.title = "conjecture: DFA obeys the layer-wise law at every hidden layer";
  s.source = Source::conjecture;
  s.statement =
      "Along deep DFA, at every hidden layer l, Q_l = B_l^T F_l + F_l^T B_l - W_l W_l^T "
      "(F_l = W_L ... W_{l+1}) satisfies Q_l+ = Q_l - eta^2 delta_l P_{l-1}^T P_{l-1} delta_l^T.";
  s.hypotheses = kDeepIdentityHypotheses;
  s.recipe = std::string(kDeepIdentityRegionText) + "; 20 DFA steps (10 mp)";
  s.falsifiers = {{"top-layer-only",
                   "true variant: the law at the top hidden layer only (DL3); the search must "
                   "find no counterexample"}};
  s.replay_exactly = &replay_exactly;
  return s;
}

template <class T>
void check(Case<T>& c) {
  const LayerLaw law =
      c.falsifier("top-layer-only") ? LayerLaw::dfa_top : LayerLaw::dfa_every_layer;
  check_layer_law(c, law, LawVariant{}, deep_identity_space<T>(), {3, 2});
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
