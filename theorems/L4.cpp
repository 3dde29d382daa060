// L4  Implicit anti-regularisation: an aligned small start whose feedback favours the small
//     components makes FA learn them before the principal ones.            source: literature
// Specification: docs/claims-literature.md#claim-l4
// Citation: M. Girotti, I. Mitliagkas, G. Gidel, arXiv 2110.10815 (2021). Formalised from the
// abstract (some initialisations learn negligible components before principal ones, "implicit
// anti-regularisation"); the formalisation and the initialisation are ours.
// Mapping: as L3. The initialisation is ours: the abstract does not say which ones regularise;
// ours is one that provably reverses the order in the decoupled scalar systems (the time for
// component i to reach half of s_i grows like (gain_i s_i)^(-2/3) from a small start, so gains
// (s_k / s_i)^2 make it grow like s_i^(2/3)).
// Statement (ours): as L3 with B = U diag(g), g_i = (s_k / s_i)^2: t_1 >= t_2 >= ... >= t_k, all
// within 20000 steps: the smallest component is learned first.
// Falsifier: equal gains (L3's start), under which the principal component is learned first.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L4";
  s.title =
      "literature (Girotti et al.): an aligned start with feedback gains (s_k/s_i)^2 learns the "
      "smallest component first";
  s.source = Source::literature;
  s.citation = "Girotti, Mitliagkas, Gidel, arXiv 2110.10815 (2021); formalised from the abstract";
  s.statement =
      "Y = U diag(s) V^T, s distinct, r = k, Z_0 = a U, W_0 = a V^T (a <= 2^-4), "
      "B = U diag((s_k/s_i)^2): the steps t_i at which component i first reaches s_i/2 satisfy "
      "t_1 >= ... >= t_k (<= 20000).";
  s.hypotheses = "L3's.";
  s.recipe = "aligned start, r = k in [2, 4], geometric spectrum spread 1..3, gains (s_k/s_i)^2";
  s.falsifiers = {{"equal-gains",
                   "equal feedback gains (L3's start): the principal component is then learned "
                   "first"}};
  s.cases_mp = 20;
  s.strength_note = "Checked on random instances: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  const std::vector<long> half = aligned_half_times(
      c, c.falsifier("equal-gains") ? FeedbackGains::equal : FeedbackGains::inverse_square);
  for (std::size_t i = 0; i + 1 < half.size(); ++i)
    c.require_ge("half time of component " + std::to_string(i + 1) + " vs component " +
                     std::to_string(i + 2),
                 T(double(half[i])), T(double(half[i + 1])));
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
