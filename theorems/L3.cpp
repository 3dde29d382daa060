// L3  Incremental learning: from an aligned small start with equal feedback gains, FA learns the
//     components of Y in decreasing order of their singular values.         source: literature
// Specification: docs/claims-literature.md#claim-l3
// Citation: M. Girotti, I. Mitliagkas, G. Gidel, "Convergence analysis and implicit regularization
// of feedback alignment for deep linear networks", arXiv 2110.10815 (2021). Formalised from the
// abstract (incremental learning in shallow linear networks; some initialisations learn the
// components in decreasing order of importance); the formalisation is ours.
// Mapping: their shallow linear network is our factorisation ZW with whitened inputs (A6); their
// "components" are the singular components u_i s_i v_i^T of Y; their spectral initialisation is
// our aligned start (dynamics/literature.hpp), under which FA decouples into one scalar system per
// component.
// Statement (ours): Y = U diag(s) V^T with distinct s_1 > ... > s_k, r = k, Z_0 = a U,
// W_0 = a V^T with a <= 2^-4, B = U (equal gains): the step t_i at which u_i^T Z W v_i first
// reaches s_i / 2 satisfies t_1 <= t_2 <= ... <= t_k (discrete steps can tie), all within 20000
// steps.
// Hypothesis found by the prototype: the start must be small against s_k (a^2 < s_k / 2):
// from a = 2^-2 the smallest components start above half and are "learned" at step 0.
// Falsifier: gains_i = (s_k / s_i)^2 (L4's start), under which the order reverses.
#include "checks/literature.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "L3";
  s.title =
      "literature (Girotti et al.): from an aligned small start FA learns components in "
      "decreasing order of sigma_i";
  s.source = Source::literature;
  s.citation = "Girotti, Mitliagkas, Gidel, arXiv 2110.10815 (2021); formalised from the abstract";
  s.statement =
      "Y = U diag(s) V^T, s distinct, r = k, Z_0 = a U, W_0 = a V^T (a <= 2^-4), B = U: the "
      "steps t_i at which component i first reaches s_i/2 satisfy t_1 <= ... <= t_k (<= 20000).";
  s.hypotheses =
      "k in [2, 4], n, m in [k, 6]; geometric spectrum, condition 2^1 .. 2^3 (distinct values); "
      "a in {2^-8, 2^-6, 2^-4} (a^2 < s_k/2; enforced); c in 2^-5 .. 2^-3 (drawn).";
  s.recipe = "aligned start, r = k in [2, 4], geometric spectrum spread 1..3, equal feedback gains";
  s.falsifiers = {{"inverse-square-gains",
                   "feedback gains (s_k/s_i)^2 instead of equal ones: the smallest component is "
                   "then learned first (L4)"}};
  s.cases_mp = 20;
  s.strength_note = "Checked on random instances: tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  const std::vector<long> half =
      aligned_half_times(c, c.falsifier("inverse-square-gains") ? FeedbackGains::inverse_square
                                                                : FeedbackGains::equal);
  for (std::size_t i = 0; i + 1 < half.size(); ++i)
    c.require_le("half time of component " + std::to_string(i + 1) + " vs component " +
                     std::to_string(i + 2),
                 T(double(half[i])), T(double(half[i + 1])));
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
