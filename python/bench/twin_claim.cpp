// The C++ twin of the benchmark's user claim (python/bench/user_claim_bench.py): the same
// property written as a C++ claim, run by the same claim runner as fa-claims (the fa-user-twin
// executable holds only this claim). Not a claim of the suite: it is not in theorems/ and not
// in docs/claims.md; it exists to measure what a Python claim costs against a C++ one.
// Property: FA from zero init, 2000 steps on 12 x 12 instances (rank k = 6, r = 3; flat,
// geometric, gapped or clustered spectrum, spread <= 3; c = 2^-3), ends with L_T <= L_0 (1 + k
// eps).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "U0";
  s.title = "benchmark twin: FA from zero init ends below its start (12 x 12, 2000 steps)";
  s.source = Source::derived;
  s.statement = "FA from zero init: L_2000 <= L_0 on 12 x 12 instances.";
  s.hypotheses = "n = m = 12, k = 6, r = 3, zero init, c = 2^-3 (enforced).";
  s.recipe = "12 x 12, k = 6, r = 3, four spectra, spread <= 3, c = 2^-3, zero init";
  s.cases_double = 1000;
  s.cases_mp = 100;
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space;
  space.min_dim = space.max_dim = 12;
  // k and r fixed after the draw, as the Python twin's region fixes them: the work per case
  // (r matters: a step costs O(n m r)) is then the same on both sides.
  Recipe rec = c.draw(space);
  rec.k = 6;
  rec.r = 3;
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const T start = T(inst.Y.squaredNorm() / 2);
  // The whole budget (no convergence stop), one trace row at the end, as the Python twin.
  const Trajectory<T> run = run_or_fail(c, inst, Algorithm::fa, 2000, T(-1), 2000);
  // Both losses are sums of n m = 144 squares: (n m + r + 2) eps relative each, doubled.
  const double k = 2.0 * (rec.n * rec.m + rec.r + 2);
  c.require_le("final loss vs the loss at zero init", run.final_loss,
               T(start * (1 + T(k) * epsilon<T>())));
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
