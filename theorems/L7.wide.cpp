// L7.wide  "With weight decay, FA's output layer ends better aligned with the feedback than
//          without, on every instance, for any number of outputs."
//                                                     source: conjecture (widens literature L7)
// Specification: docs/claims-literature.md#claim-l7-wide
// Citation: Song, Xu, Lafferty, NeurIPS 2021, arXiv 2106.06044; formalised from the abstract
// (their network has one output; the widening to several outputs is ours). L7 per instance with
// n outputs, n in [2, 4], and a rank-one target (k = 1), where the prototype found it false.
// Why it can fail (ours): the regularised fixed point is Z = (E E^T / lambda^2) B. With one
// output E E^T is a positive scalar and Z is parallel to B; with several outputs E E^T is a
// positive semi-definite n x n matrix, of rank one when the residual has rank one, and projecting
// B onto its range can lower cos(Z, B) below what the undecayed run keeps from its start.
// Statement (refuted): n in [2, 4], m in [2, 4], k = 1, r in [2 max(n, m), 4 max(n, m)), the
// start and step of L7, T = ceil(16 / (eta lambda)) steps each: cos(Z, B) with weight decay 2^-4
// exceeds cos(Z, B) without, on every instance.
// Falsifier (a true variant, which must not be refuted): n = 1, L7's setting.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kOneOutput{"one-output",
                           "true variant: n = 1 (L7's setting); the search must find no "
                           "refutation"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L7.wide";
  s.title =
      "conjecture (widens L7): weight decay improves FA's alignment cos(Z, B) on every instance, "
      "for several outputs";
  s.source = Source::conjecture;
  s.citation =
      "Song, Xu, Lafferty, NeurIPS 2021, arXiv 2106.06044; formalised from the abstract (widened "
      "by us)";
  s.statement =
      "n in [2, 4] outputs, rank-one target, over-parameterised r in [2 max(n, m), 4 max(n, m)), "
      "unit-fan init: after T = ceil(16 / (eta lambda)) FA steps, cos(Z, B) with weight decay "
      "2^-4 exceeds cos(Z, B) without.";
  s.hypotheses = "L7's, with n in [2, 4] instead of n = 1; m in [2, 4]; k = 1.";
  s.recipe = "n, m in [2, 4], k = 1, r in [2 max(n, m), 4 max(n, m)), unit-fan init";
  s.falsifiers = {kOneOutput};
  // Known minimal counterexample, replayed on every run (fa-claims pinned).
  s.pinned = {
      {"double", Recipe{2, 2, 1, 7, Spectrum::flat, 0, 116023603, -3, Init::zero, -8, {}, 0},
       "n = m = 2, rank-one target: cos(Z, B) ends at 0.6494 with decay, 0.6615 without"},
  };
  // Measured power (fa-claims power L7.wide --scalar double --cases 1010): the budget derives
  // from it (B = 808 at p_lo = 0.0185; a run stops at its first refutation, about 33 cases).
  s.power = {
      {"double", 1010, 31, 0.99, "43157678749490685", "2026-12-03", "3acb2b57e284",
       "only where min(n, m) <= 3 (31/973; 0/37 at 4); every size band (6-10 of 250)"},
  };
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space;
  space.min_dim = 2;
  space.max_dim = 4;
  space.spectra = {Spectrum::flat};
  space.inits = {Init::zero};  // replaced by the unit-fan start of decay_alignment
  const bool one_output = c.falsifier(kOneOutput);
  const Instance<T> inst = c.instance(space, [one_output](Recipe& rec) {
    if (one_output) rec.n = 1;
    rec.k = 1;
    const int wide = std::max(rec.n, rec.m);
    rec.r = 2 * wide + static_cast<int>(rec.seed % static_cast<std::uint64_t>(2 * wide));
  });
  const DecayAlignment<T> a = decay_alignment(c, inst, Algorithm::fa, 1.0 / 16);
  c.require_ge("cos(Z, B) with weight decay 2^-4 vs without (+ 2^10 eps)", a.with_decay,
               T(a.without_decay + T(1024) * epsilon<T>()));
}

// Double only: a conjecture's budget derives from its measured power, which with two long runs
// per case is affordable in double only.
FA_REGISTER_CLAIM(double_only, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
