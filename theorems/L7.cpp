// L7  Alignment needs regularisation: with weight decay, a single-output FA network's output
//     layer aligns with the feedback.                                       source: literature
// Specification: docs/claims-literature.md#claim-l7
// Citation: G. Song, R. Xu, J. Lafferty, "Convergence and alignment of gradient descent with
// random backpropagation weights", NeurIPS 2021, arXiv 2106.06044. Formalised from the abstract
// (over-parameterised networks trained with random feedback converge, and regularisation is
// needed for the weights to align with the feedback); the formalisation is ours.
// Mapping: their two-layer network has one output, f(x) = beta^T sigma(W x), and the random
// backpropagation weights b replace beta in the backward pass; with the identity activation it
// is our factorisation with n = 1: Z (1 x r) is their beta, B (1 x r) their b, and "alignment"
// is cos(Z, B). Their over-parameterised regime, from an initialisation that is not small, is
// ours with r in [2m, 4m) and unit-variance-per-fan init (Z_0 ~ N(0, 1/r), W_0 ~ N(0, 1/m)); their
// regulariser is weight decay lambda on both layers (dynamics/literature.hpp, regularised_step).
// Why it holds (ours): FA's regularised fixed point has W = -B^T E / lambda and
// Z = -E W^T / lambda = (E E^T / lambda^2) B, a positive multiple of B when n = 1 (E E^T is a
// positive scalar), so cos(Z, B) -> 1; without decay Z keeps most of its random start.
// Statement (ours): on the same instance, after T = ceil(16 / (eta lambda)) steps each, FA with
// weight decay lambda = 2^-4 has cos(Z, B) >= 15/16 and a larger cos(Z, B) than FA without decay.
// The wider form for several outputs, per instance, is the conjecture L7.wide (refuted).
// Falsifier: the same comparison under GD (no feedback matrix in the dynamics): weight decay then
// has nothing to align Z with.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kGdInsteadOfFa{"gd-instead-of-fa",
                               "GD instead of FA: without feedback in the dynamics, weight decay "
                               "does not make Z align with B"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L7";
  s.title =
      "literature (Song, Xu, Lafferty): weight decay makes a single-output FA network's output "
      "layer align with the feedback";
  s.source = Source::literature;
  s.citation = "Song, Xu, Lafferty, NeurIPS 2021, arXiv 2106.06044; formalised from the abstract";
  s.statement =
      "One output (n = 1), over-parameterised r in [2m, 4m), init Z_0 ~ N(0, 1/r), "
      "W_0 ~ N(0, 1/m): after T = ceil(16 / (eta lambda)) FA steps, cos(Z, B) with weight decay "
      "lambda = 2^-4 is >= 15/16 and exceeds cos(Z, B) without decay.";
  s.hypotheses =
      "n = 1 (so k = 1), m in [2, 6] (4 in mp), unit singular value; B N(0, 1/n); eta = 2^-3 / "
      "max(1, ||B||^2, ||Z_0||^2 + ||W_0||^2) (the init is not small, so its scale enters the "
      "step bound).";
  s.recipe = "n = 1, m in [2, 6], r in [2m, 4m), unit-fan init, 16 decay times each";
  s.falsifiers = {kGdInsteadOfFa};
  s.cases_double = 40;
  // T is about 2^11 r steps (||B||^2 is about r when n = 1): in mp m <= 4 (r < 16), one case.
  s.cases_mp = 1;
  s.strength_note = "Checked on random instances: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space;
  space.min_dim = 2;
  space.max_dim = std::is_same_v<T, double> ? 6 : 4;
  space.spectra = {Spectrum::flat};
  space.inits = {Init::zero};  // replaced by the unit-fan start of decay_alignment
  const Instance<T> inst = c.instance(space, [](Recipe& rec) {
    rec.n = 1;
    rec.k = 1;
    rec.r = 2 * rec.m + static_cast<int>(rec.seed % static_cast<std::uint64_t>(2 * rec.m));
  });
  const Algorithm alg = c.falsifier(kGdInsteadOfFa) ? Algorithm::gd : Algorithm::fa;
  const DecayAlignment<T> a = decay_alignment(c, inst, alg, 1.0 / 16);
  c.require_ge("cos(Z, B) with weight decay 2^-4 (the fixed point's cos is 1)", a.with_decay,
               T(15.0 / 16));
  // Strictly larger beyond rounding: a cosine of these runs is exact to a few hundred eps.
  c.require_ge("cos(Z, B) with weight decay 2^-4 vs without (+ 2^10 eps)", a.with_decay,
               T(a.without_decay + T(1024) * epsilon<T>()));
}

FA_REGISTER_CLAIM(property, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
