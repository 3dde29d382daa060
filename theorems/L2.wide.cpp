// L2.wide  "From small init the output layer acts as a pseudoinverse of B, for any target rank."
//                                                     source: conjecture (widens literature L2)
// Specification: docs/claims-literature.md#claim-l2-wide
// Citation: Lillicrap, Cownden, Tweed, Akerman, Nature Communications 7:13276 (2016), arXiv
// 1411.0247; formalised from the abstract. L2 without its hypothesis k = n: the target map may
// have any rank k in [1, n]. Kept as the wider form, which the suite refutes: with a
// rank-deficient target FA's hidden signal B^T E ends closer to backprop's Z^T E than to the
// pseudo-backprop Z^+ E in most instances (0 of 48 for k = 1 in the prototype). The abstract's
// setting (a random dense target) has full rank, a hypothesis the abstract does not state.
// Refutation: per case one shape, 48 instances; the case refutes when the probability of the
// event is below 1/2 by an exact one-sided binomial test at alpha = 10^-3 (so a true statement is
// refuted by a case with probability at most 10^-3).
// Falsifier (a true variant, which must not be refuted): k = n, L2's statement.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L2.wide";
  s.title =
      "conjecture (widens L2): FA's hidden signal ends closer to Z^+ e than to Z^T e for any "
      "target rank";
  s.source = Source::conjecture;
  s.citation =
      "Lillicrap, Cownden, Tweed, Akerman, Nature Communications 7:13276 (2016), arXiv 1411.0247; "
      "formalised from the abstract (widened by us)";
  s.statement =
      "Shapes n < r < m, any target rank k in [1, n], FA from small init 2^-8 until the loss is "
      "1/100 of its start: P(angle(B^T E, Z^+ E) < angle(B^T E, Z^T E)) >= 1/2 over instances.";
  s.hypotheses = "L2's, without k = n.";
  s.recipe = "Lillicrap's shapes n < r < m, any k, small init 2^-8, 48 instances per case";
  s.falsifiers = {{"full-rank-target",
                   "true variant: k = n (L2's statement); the search must find no refutation"}};
  s.family = true;
  // Known minimal counterexample, replayed on every run (fa-claims pinned): n = 2, r = 3, m = 4,
  // k = 1 (recipe fields n, m, k, r, spectrum, spread, seed, step, init, init 2^x, values, B 2^x).
  s.pinned = {
      {"double", Recipe{2, 4, 1, 3, Spectrum::flat, 0, 0, -3, Init::small, -8, {}, 0},
       "the smallest shape with a rank-deficient target"},
  };
  // Measured power (fa-claims power L2.wide --scalar double --cases 1010): the budget derives
  // from it.
  s.power = {
      {"double", 1010, 815, 0.99, "9189732181925635494", "2026-12-03", "6f2d1a7cdb8d",
       "every part; more often at small sizes (250/250 at 0-24, 149/260 at 75-100, where k = n "
       "is drawn more rarely) and on flat spectra (463/523 against 352/487 geometric)"},
  };
  return s;
}

template <class T>
void check(Case<T>& c) {
  Recipe rec = lillicrap_shape_recipe(c, c.falsifier("full-rank-target"));
  const BatchCount count = pseudoinverse_alignment_batch(c, rec, 48, 20000);
  refute_probability_above(c, "angle(B^T E, Z^+ E) < angle(B^T E, Z^T E)", count.successes,
                           count.trials, 0.5, 1e-3);
}

// Double only: a statement about instances, not rounding (the events it counts are decided by
// margins of degrees; L2's mp run checks its full-rank batches in Mp), and a conjecture's budget
// derives from its measured power, which at 48 FA runs per case is affordable in double only.
static const ::fa::ClaimRegistrar registrar(spec(), {{"double",
                                                      ::fa::make_runner<double>(&check<double>)}});
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
