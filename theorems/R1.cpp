// R1  "cos(Z_t, B) increases monotonically along FA."                     source: conjecture
//
// Plausible (alignment grows on the whole, A2) but false: the alignment law controls
// tr(B^T Z) - 1/2 ||W||^2, not the angle between Z and B, and ||Z|| can grow faster than
// <Z, B> for a while. The suite must find a counterexample and shrink it.
// Check (of the conjecture): along 300 FA steps from zero init, cos(Z_{t+1}, B) >=
// cos(Z_t, B) - k eps (k eps: the rounding of a cosine, so that a reported decrease is real).
// Falsifier (a true variant, so the same search must then find nothing): from zero init
// tr(B^T Z_t) <= 1/2 ||W_t||^2 (X2 with Q_0 = 0).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R1";
  s.title = "conjecture: cos(Z_t, B) increases monotonically along FA";
  s.source = Source::conjecture;
  s.statement = "Along FA from zero init, cos(Z_{t+1}, B) >= cos(Z_t, B) for all t (300 steps).";
  s.hypotheses = "Zero init (enforced); the wide region otherwise.";
  s.recipe = std::string(kWideRegionText) + ", zero init, 300 FA steps";
  s.falsifiers = {{"trace-bound", "true variant: tr(B^T Z_t) <= 1/2 ||W_t||^2 + k eps scale, "
                                  "which X2 proves from zero init"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::zero};
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const T eta(inst.eta);
  Factors<T> f = c.dynamics().zero_init(rec.n, rec.r, rec.m);
  Workspace<T> ws;
  const double k = 16.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  T previous = frobenius_cosine<T>(f.Z, inst.B);
  for (int t = 0; t < 300; ++t) {
    c.dynamics().step(Algorithm::fa, f, inst.Y, inst.B, eta, t, ws);
    c.note("step", std::to_string(t + 1));
    if (c.falsifier("trace-bound")) {
      const T scale = product_bound<T>(inst.B.transpose(), f.Z) + f.W.squaredNorm();
      c.require_le("tr(B^T Z_t) - 1/2 ||W_t||^2 at step " + std::to_string(t + 1),
                   T((inst.B.transpose() * f.Z).trace() - f.W.squaredNorm() / 2),
                   T(k * (t + 1)) * epsilon<T>() * scale);
      continue;
    }
    const T current = frobenius_cosine<T>(f.Z, inst.B);
    c.note("cos before", to_text(previous));
    c.note("cos after", to_text(current));
    c.require_ge("cos(Z_t, B) at step " + std::to_string(t + 1) + " vs the step before", current,
                 T(previous - T(k) * epsilon<T>()));
    previous = current;
  }
}

}  // namespace
FA_REGISTER_CLAIM(spec(), check);
}  // namespace fa::claims
