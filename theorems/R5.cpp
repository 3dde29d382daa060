// R5  "At FA's explicit fixed point, GD's gradient is non-zero whenever r < k."
//                                                              source: conjecture (our own)
// Specification: docs/claims.md#claim-r5
// This is the second half of X6 as first specified, taken literally, without a hypothesis on the
// spectrum. The suite found it false: at (Z*, W*) = (Y W*^T (W* W*^T)^{-1}, B^T Y),
// Z*^T E* = (W* W*^T)^{-1} W* Y^T Y (P - I), and when all non-zero singular values of Y are
// equal, Y^T Y = s^2 P_row(Y) and W* P = W* make it vanish: FA's fixed point is then also optimal
// (err = (k - r) s^2 = opt_r). X6 carries the corrected statement (singular values not all equal).
// Check (of the conjecture): max |Z*^T E*| above the rounding level for r < k, any spectrum.
// Falsifier (a true variant): the same search restricted to non-flat spectra (X6's hypothesis).
// Exact replay of the minimal counterexample (below): GD's gradient at the fixed point, exactly.
#include "checks/claim_helpers.hpp"
#include "checks/exact_replay.hpp"

#include <Eigen/LU>

#include <regex>

namespace fa::claims {
namespace FA_CLAIM_FILE {

/// GD's W-gradient Z*^T E* at FA's fixed point W* = B^T Y, Z* = Y W*^T (W* W*^T)^{-1}, exactly;
/// empty when W* W*^T is singular.
std::optional<Mat<Rational>> exact_gradient_at_fixed_point(const Mat<Rational>& Y,
                                                           const Mat<Rational>& B) {
  const Mat<Rational> W = B.transpose() * Y;
  const Eigen::FullPivLU<Mat<Rational>> gram(Mat<Rational>(W * W.transpose()));
  if (!gram.isInvertible()) return std::nullopt;
  const Mat<Rational> Z = Y * W.transpose() * gram.inverse();
  return Mat<Rational>(Z.transpose() * (Z * W - Y));
}

// The counterexample's Y, B as exact rationals and the gradient computed exactly. The double
// counterexample is a flat spectrum rounded to doubles: exactly, its spectrum is no longer flat,
// so its gradient is tiny but NOT zero: a rounding artefact. The conjecture is still false
// exactly: Y = [I_k 0; 0 0] (flat, same shape and rank) with the same B has gradient exactly 0,
// which the replay checks and reports as the exact counterexample.
ExactReplay replay_exactly(const nlohmann::json& cx) {
  const ExactInstance x = exact_instance(cx);
  const auto grad = exact_gradient_at_fixed_point(x.Y, x.B);
  if (!grad) return {"not certified", "W* W*^T is singular for the recorded Y, B", nullptr};
  Rational worst(0);
  for (Eigen::Index q = 0; q < grad->size(); ++q) {
    const Rational a = grad->data()[q] < 0 ? Rational(-grad->data()[q]) : grad->data()[q];
    if (a > worst) worst = a;
  }
  if (worst == 0)
    return {"certified exact", "GD's gradient Z*^T E* at FA's fixed point is exactly 0", nullptr};
  ExactReplay out{"rounding artefact",
                  "in exact arithmetic the recorded (rounded) instance has max |Z*^T E*| = " +
                      exact::decimal(worst, 6) + ", not 0: the " + x.scalar +
                      " check saw a gradient below its rounding level",
                  nullptr};
  std::smatch k_match;
  const std::string recipe = cx.value("recipe", "");
  if (std::regex_search(recipe, k_match, std::regex("k=([0-9]+)"))) {
    const int k = std::stoi(k_match[1]);
    Mat<Rational> flat = Mat<Rational>::Zero(x.Y.rows(), x.Y.cols());
    for (int i = 0; i < k && i < flat.rows() && i < flat.cols(); ++i) flat(i, i) = 1;
    const auto g = exact_gradient_at_fixed_point(flat, x.B);
    if (g && g->isZero()) {
      out.detail += "; the conjecture is refuted exactly by Y = [I_" + std::to_string(k) +
                    " 0; 0 0] (all non-zero singular values 1) with the same B: Z*^T E* = 0 "
                    "exactly";
      out.exact_counterexample = {{"Y", matrix_json(flat)},
                                  {"B", matrix_json(x.B)},
                                  {"what", "GD's gradient at FA's fixed point is exactly 0"}};
    }
  }
  return out;
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "R5";
  s.title = "conjecture: GD's gradient at FA's fixed point is non-zero whenever r < k";
  s.source = Source::conjecture;
  s.statement =
      "For every r < k (any spectrum), GD's W-gradient Z*^T E* at the FA fixed point "
      "W* = B^T Y, Z* = Y W*^T (W* W*^T)^{-1} is non-zero. (X6's second half as "
      "first specified.)";
  s.hypotheses = "r < k (enforced); W* W*^T well conditioned (checked precondition).";
  s.recipe = std::string(kWideRegionText) + ", r < k, any spectrum (flat included)";
  s.falsifiers = {{"non-flat-spectrum",
                   "true variant: spectra with distinct singular values "
                   "only (X6's corrected hypothesis)"}};
  s.replay_exactly = &replay_exactly;
  // Known minimal counterexamples, replayed on every run (fa-claims pinned). Recipe fields:
  // n, m, k, r, spectrum, spread, seed, step 2^x, init, init 2^x, (values), B 2^x.
  s.pinned = {
      {"double", Recipe{2, 2, 2, 1, Spectrum::flat, 0, 0, -1, Init::zero, -8, {}, 0},
       "shrunk counterexample of the double search (seed 7518869676006642858); exact: Y = [I_2 0; "
       "0 0]"},
      {"mp", Recipe{2, 2, 2, 1, Spectrum::flat, 0, 0, -1, Init::zero, -8, {}, 0},
       "shrunk counterexample of the mp search (seed 8911070371197128474); exact: Y = [I_2 0; 0 "
       "0]"},
  };
  // Measured power (fa-claims power ID --scalar S --cases N): the budgets derive from it.
  s.power = {
      {"double", 202, 80, 0.99, "7518869676006642858", "2026-12-02", "9a55d379db59",
       "flat spectra only (80/80; 0/122 otherwise): the shrink target, so small sizes refute most "
       "(37/50 at sizes 0-24)"},
      {"mp", 202, 93, 0.99, "8911070371197128474", "2026-12-02", "9a55d379db59",
       "flat spectra only (93/93; 0/109 otherwise): the shrink target, so small sizes refute most "
       "(42/50 at sizes 0-24)"},
  };
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
  // The true variant holds a fixed recipe (a pinned case) to its spectra too.
  if (c.falsifier("non-flat-spectrum") && rec.spectrum == Spectrum::flat)
    rec.spectrum = Spectrum::geometric;
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
  const T scale =
      (product_bound<T>(Z_star, W_star) + max_abs(inst.Y)) * max_abs(Z_star) * T(double(rec.n));
  c.note("singular values", to_text(T(inst.s(0))) + " ... " + to_text(T(inst.s(rec.k - 1))));
  c.require_ge("max |Z*^T E*| (GD's W-gradient at FA's fixed point)", max_abs(gd_grad),
               T(k) * epsilon<T>() * scale);
}

FA_REGISTER_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
