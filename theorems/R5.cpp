// R5  "At FA's explicit fixed point, GD's gradient is non-zero whenever r < k."
//                                                              source: conjecture (our own)
//
// This is the second half of shared/CLAIMS.md's X6 taken literally, without a hypothesis on the
// spectrum. The suite found it false: at (Z*, W*) = (Y W*^T (W* W*^T)^{-1}, B^T Y),
// Z*^T E* = (W* W*^T)^{-1} W* Y^T Y (P - I), and when all non-zero singular values of Y are
// equal, Y^T Y = s^2 P_row(Y) and W* P = W* make it vanish: FA's fixed point is then also optimal
// (err = (k - r) s^2 = opt_r). X6 carries the corrected statement (singular values not all equal).
// Check (of the conjecture): max |Z*^T E*| above the rounding level for r < k, any spectrum.
// Falsifier (a true variant): the same search restricted to non-flat spectra (X6's hypothesis).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace {

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R5";
  s.title = "conjecture: GD's gradient at FA's fixed point is non-zero whenever r < k";
  s.source = Source::conjecture;
  s.statement = "For every r < k (any spectrum), GD's W-gradient Z*^T E* at the FA fixed point "
                "W* = B^T Y, Z* = Y W*^T (W* W*^T)^{-1} is non-zero. (shared/CLAIMS.md X6, "
                "second half, as written.)";
  s.hypotheses = "r < k (enforced); W* W*^T well conditioned (checked precondition).";
  s.recipe = std::string(kWideRegionText) + ", r < k, any spectrum (flat included)";
  s.falsifiers = {{"non-flat-spectrum", "true variant: spectra with distinct singular values "
                                        "only (X6's corrected hypothesis)"}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  RecipeSpace space = wide_region<T>();
  space.relation = RankRelation::r_below_k;
  if (c.falsifier("non-flat-spectrum"))
    space.spectra = {Spectrum::geometric, Spectrum::gapped, Spectrum::clustered,
                     Spectrum::near_tie};
  Recipe rec = c.draw(space);
  if (rec.spectrum != Spectrum::flat) rec.spread = std::max(rec.spread, 1);
  c.use_recipe(rec);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const Mat<T> W_star = inst.B.transpose() * inst.Y;
  const Mat<T> gram = W_star * W_star.transpose();
  const Vec<T> ev = symmetric_eigenvalues<T>(gram);
  c.precondition(ev(0) >= T(1e-3) * ev(ev.size() - 1), "W* W*^T ill-conditioned");
  const Mat<T> Z_star = solve_right<T>(Mat<T>(inst.Y * W_star.transpose()), gram);
  const Mat<T> gd_grad = Z_star.transpose() * (Z_star * W_star - inst.Y);
  // The same rounding level as X6's: 2e3 d eps times the size of the terms.
  const double k = 2e3 * (std::max({rec.n, rec.m, rec.r}) + 2);
  const T scale = (product_bound<T>(Z_star, W_star) + max_abs(inst.Y)) * max_abs(Z_star) *
                  T(double(rec.n));
  c.note("singular values", to_text(T(inst.s(0))) + " ... " + to_text(T(inst.s(rec.k - 1))));
  c.require_ge("max |Z*^T E*| (GD's W-gradient at FA's fixed point)", max_abs(gd_grad),
               T(k) * epsilon<T>() * scale);
}

}  // namespace
FA_REGISTER_CLAIM(spec(), check);
}  // namespace fa::claims
