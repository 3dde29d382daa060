// X6  Explicit FA fixed point for r <= k.                                 source: derived
// Specification: docs/claims.md#claim-x6
// Statement (ours): with W* = B^T Y and Z* = Y W*^T (W* W*^T)^{-1} (W* of full row rank r <= k),
// E* = Z* W* - Y satisfies E* W*^T = 0 (Z* is the least-squares fit) and B^T E* = 0 (since
// B^T Z* W* = B^T Y W*^T (W* W*^T)^{-1} W* = W* P = W* = B^T Y): one FA step leaves (Z*, W*)
// unchanged. When r < k and the non-zero singular values of Y are not all equal, GD's
// W-gradient there, Z*^T E* = (W* W*^T)^{-1} W* Y^T Y (P - I), is not zero (almost surely in B):
// FA and GD have different fixed points. With a flat spectrum (Y^T Y = s^2 P_row(Y)) it IS zero:
// the first specification's "non-zero when r < k" needs that hypothesis; R5 keeps the unrestricted
// statement as a conjecture and the suite refutes it.
// Check: one FA step from (Z*, W*) moves nothing beyond k eps (exactly nothing in rationals);
// for r < k, ||Z*^T E*||_max is above the rounding level (floating point, Gaussian B only: the
// statement is almost sure in B, and small integer B is not in general position).
// Hypotheses: r <= k (enforced); the non-zero singular values of Y not all equal (enforced:
// non-flat generated spectra); B Gaussian for the second half; W* W*^T well conditioned enough to
// solve (checked precondition: its smallest eigenvalue is >= 1e-3 of its largest in floating point;
// in exact arithmetic only invertibility is needed, and a singular draw is discarded). Certified
// (double and mp, every tested instance): the same statement in exact arithmetic on the instance's
// own numbers (the fixed point computed exactly, one exact FA step of the proved Rational path, and
// for r < k GD's gradient there exactly non-zero). Proved: the fixed-point half symbolically for
// every shape (theorems/proofs/X6.py, with W* W*^T invertible); the second half holds almost
// surely, not identically (R5), so it is certified per instance only.
#include "checks/claim_helpers.hpp"

#include <Eigen/LU>

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kGdStep{"gd-step",
                        "one GD step instead of FA from (Z*, W*): it must move when r < k"};
const Falsifier kNoInverse{"no-inverse",
                           "false fixed point Z* = Y W*^T (the (W* W*^T)^{-1} dropped; a "
                           "plain rescaling W* = 2 B^T Y would NOT do: fixed points are "
                           "invariant under (Z, W) -> (Z/c, c W))"};

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X6";
  s.title = "explicit FA fixed point W* = B^T Y, Z* = Y W*^T (W* W*^T)^-1";
  s.source = Source::derived;
  s.statement =
      "For r <= k: (Z*, W*) with W* = B^T Y, Z* = Y W*^T (W* W*^T)^{-1} is a fixed "
      "point of FA; for r < k and singular values of Y not all equal, GD's W-gradient "
      "Z*^T E* there is non-zero.";
  s.hypotheses =
      "r <= k; singular values of Y not all equal (enforced; checked for integer "
      "data); W* W*^T invertible (checked precondition; in floating point "
      "lambda_min >= 1e-3 lambda_max so the solve is accurate).";
  s.recipe = std::string(kWideRegionText) +
             ", r <= k, spectra with distinct values (geometric, gapped, "
             "clustered, "
             "near-tie); exact: small integer Y (rank <= k), B, n, m <= 4";
  s.falsifiers = {kGdStep, kNoInverse};
  s.ladder_recipe = fixed_recipe(5, 5, 3, 2, 16);
  s.proof = "theorems/proofs/X6.py";
  s.strength_note =
      "The fixed point is proved symbolically (W* W*^T invertible); that GD's "
      "gradient there is non-zero is not an identity (false for flat spectra, R5) "
      "and is certified exactly per instance.";
  // Within the hypotheses (distinct singular values): a flat spectrum made the GD-gradient part
  // fail on every rung, which the ladder did not see while it judged by the slope alone.
  s.ladder_recipe->spectrum = Spectrum::geometric;
  s.ladder_recipe->spread = 2;
  return s;
}

template <class T>
Mat<T> solve_gram(const Mat<T>& C, const Mat<T>& A) {
  if constexpr (std::is_same_v<T, Rational>) {
    Eigen::FullPivLU<Mat<T>> lu(A.transpose());
    return lu.solve(C.transpose()).transpose();
  } else {
    return solve_right<T>(C, A);
  }
}

template <class T>
bool invertible(const Mat<T>& A) {
  if constexpr (std::is_same_v<T, Rational>) {
    return Eigen::FullPivLU<Mat<T>>(A).isInvertible();
  } else {
    const Vec<T> ev = symmetric_eigenvalues<T>(A);
    return ev(0) >= T(1e-3) * ev(ev.size() - 1);
  }
}

template <class T>
void check(Case<T>& c) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  RecipeSpace space = wide_region<T>();
  if (exact) space.max_dim = 4;
  space.relation = RankRelation::r_at_most_k;
  space.spectra = {Spectrum::geometric, Spectrum::gapped, Spectrum::clustered, Spectrum::near_tie};
  const Instance<T> inst =
      c.instance(space, [&](Recipe& rec) { rec.spread = std::max(rec.spread, 1); });
  const Recipe& rec = c.recipe();
  if constexpr (exact) {  // small integer factors can be degenerate; the claim needs rank k
    c.precondition(Eigen::FullPivLU<Mat<T>>(inst.Y).rank() == rec.k, "integer Y has rank < k");
  }
  const T eta(inst.eta);
  const Mat<T> W_star = inst.B.transpose() * inst.Y;
  const Mat<T> gram = W_star * W_star.transpose();
  c.precondition(invertible(gram), "W* W*^T (numerically) singular");
  const Mat<T> Z_star = c.falsifier(kNoInverse)
                            ? Mat<T>(inst.Y * W_star.transpose())
                            : solve_gram<T>(Mat<T>(inst.Y * W_star.transpose()), gram);
  Factors<T> f{Z_star, W_star};
  Workspace<T> ws;
  const Algorithm alg = c.falsifier(kGdStep) ? Algorithm::gd : Algorithm::fa;
  c.dynamics().step(alg, f, inst.Y, inst.B, eta, 0, ws);
  // The solve has backward error ~ d eps cond(gram) <= 1e3 d eps; one step adds d eps more (an
  // mp step about eps: its dot products are rounded once; checks/claim.hpp, require_identity).
  const double k = 2e3 * (std::max({rec.n, rec.m, rec.r}) + 2);
  const T scale = eta * (product_bound<T>(Z_star, W_star) + max_abs(inst.Y)) *
                  (max_abs(W_star) + max_abs(Mat<T>(inst.B))) * T(double(rec.m + rec.n));
  c.require_identity("max |Z+ - Z*| + max |W+ - W*| after one FA step",
                     T(max_abs(Mat<T>(f.Z - Z_star)) + max_abs(Mat<T>(f.W - W_star))), scale, k);
  // The second half is an almost-sure statement in B, so it is checked with Gaussian B only:
  // small integer B is not in general position (the suite found Y = [3 0; 0 3; 3 3],
  // B = [0; 0; -3], where B^T Y lies along an eigenvector of Y^T Y and Z*^T E* = 0 exactly).
  if constexpr (!exact) {
    if (rec.r < rec.k) {
      const Mat<T> gd_grad = Z_star.transpose() * (Z_star * W_star - inst.Y);
      // Non-zero by more than rounding: above the identity tolerance itself.
      c.require_ge("max |Z*^T E*| (GD's W-gradient at FA's fixed point, r < k)", max_abs(gd_grad),
                   T(k) * epsilon<T>() * scale);
    }
    // The certificate: the statement in exact arithmetic on this instance's numbers.
    if (!c.falsifier(kNoInverse) && !c.falsifier(kGdStep)) {
      const Mat<Rational> Yq = exact::to_rational(inst.Y), Bq = exact::to_rational(inst.B);
      const Mat<Rational> Wq = Bq.transpose() * Yq;
      const Mat<Rational> gram_q = Wq * Wq.transpose();
      if (!invertible<Rational>(gram_q)) c.fail("exact W* W*^T is singular");
      const Mat<Rational> Zq = solve_gram<Rational>(Mat<Rational>(Yq * Wq.transpose()), gram_q);
      Factors<Rational> fq{Zq, Wq};
      Workspace<Rational> wsq;
      reference_dynamics<Rational>().step(Algorithm::fa, fq, Yq, Bq, exact::to_rational(inst.eta),
                                          0, wsq);
      if (fq.Z != Zq || fq.W != Wq) c.fail("exact FA step moves the exact fixed point");
      if (rec.r < rec.k && Mat<Rational>(Zq.transpose() * (Zq * Wq - Yq)).isZero())
        c.fail("exact GD gradient at FA's fixed point is 0");
      c.certified(rec.r < rec.k ? "fixed point (exact FA step leaves it) and GD's gradient there "
                                  "non-zero, exactly"
                                : "fixed point (exact FA step leaves it), exactly");
    }
  }
}

FA_REGISTER_CLAIM(exact_identity, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
