// X7  FA* (reconstruction) conserves Q exactly.                          source: derived
// Specification: docs/claims.md#claim-x7
// Statement (ours): along FA* as reconstructed in dynamics/dynamics.hpp (W+ = W - eta G,
// Z+ = Z - eta E ((W + W+)/2)^T, G = B^T E), Q = B^T Z + Z^T B - W W^T is invariant:
// Q_{t+1} = Q_t. FA* is OUR RECONSTRUCTION of the paper's variant, chosen because this law makes
// the alignment exact at every step; this claim checks the reconstruction, not the paper.
// Proof: B^T Z+ = B^T Z - eta G W_mid^T, W+ W+^T = W W^T - eta (G W^T + W G^T) + eta^2 G G^T;
// with W_mid = W - eta/2 G the G G^T terms cancel too.
// Check: residual per step against k eps times the size of the terms; 0 in exact arithmetic.
// Proved: symbolically for every shape (theorems/proofs/X7.py, SymPy); the implementation per
// shape by Schwartz-Zippel (below).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kNewWInsteadOfAverage{
    "new-w-instead-of-average",
    "FA* with Z updated using the new W instead of the average (a plausible "
    "slip): Q then drifts by O(eta^2) per step"};
const Falsifier kPlainFa{"plain-fa", "plain FA in place of FA*: Q drifts by -eta^2 G G^T per step"};

// Schwartz-Zippel: one FA* step of the implementation from an arbitrary point; Q(Z+, W+) - Q has
// total degree 8 in the entries of (Y, B, Z, W) and eta: G = B^T E has 3, W_mid = W - eta/2 G 4,
// Z+ = Z - eta E W_mid^T 7, so B^T Z+ has 8; W+ = W - eta G has 4 and W+ W+^T 8.
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  Factors<Rational> f = c.start();
  const Mat<Rational> Q = alignment_matrix(f, p.B);
  if (c.falsifier(kNewWInsteadOfAverage)) {
    const Mat<Rational> E = f.Z * f.W - p.Y;
    const Mat<Rational> W_new = f.W - p.eta * (p.B.transpose() * E);
    f.Z -= p.eta * E * W_new.transpose();
    f.W = W_new;
  } else {
    const Algorithm alg = c.falsifier(kPlainFa) ? Algorithm::fa : Algorithm::fa_star;
    c.dynamics().step(alg, f, p.Y, p.B, p.eta, 0, c.workspace());
  }
  return alignment_matrix(f, p.B) - Q;
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X7";
  s.title = "FA* (reconstruction) conserves Q exactly";
  s.source = Source::derived;
  s.statement =
      "Along FA* (our reconstruction: Z moves with the average of the old and new W), "
      "Q = B^T Z + Z^T B - W W^T satisfies Q_{t+1} = Q_t exactly.";
  s.hypotheses = kStepIdentityHypotheses;
  s.recipe = step_identity_recipe();
  s.falsifiers = {kNewWInsteadOfAverage, kPlainFa};
  s.ladder_recipe = fixed_recipe(5, 4, 2, 3, 17, Init::small, -2);
  s.proof = "theorems/proofs/X7.py";
  s.polynomial = PolynomialIdentity{8,
                                    "Q(Z+, W+) - Q(Z, W) after one FA* step",
                                    &polynomial_residual,
                                    {kNewWInsteadOfAverage, kPlainFa}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  const Instance<T> inst = c.instance(wide_region<T>());
  const Recipe& rec = c.recipe();
  const T eta(inst.eta);
  const double k = 8.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  Factors<T> f = starting_point(c, inst);
  Workspace<T> ws;
  const int steps = exact ? 3 : 40;
  const T start_loss = loss(f, inst.Y);
  for (int t = 0; t < steps; ++t) {
    if (stop_at_divergence(c, f, inst.Y, start_loss)) break;  // see claim_helpers.hpp
    const Mat<T> E = f.Z * f.W - inst.Y;
    const Mat<T> G = inst.B.transpose() * E;
    const Mat<T> Q = alignment_matrix(f, inst.B);
    // Q is formed from B^T Z and W W^T on both sides of the step, so the rounding scale is the
    // size of those terms before AND after it (after matters when B is nearly orthogonal to
    // col(E): then |G| is small while |B| |Z+| is not, and B^T Z+ cancels).
    auto q_terms = [&](const Factors<T>& g) {
      return T(2) * product_bound<T>(inst.B.transpose(), g.Z) +
             product_bound<T>(g.W, g.W.transpose());
    };
    const T before = q_terms(f) + T(2) * eta * product_bound<T>(G, f.W.transpose()) +
                     eta * eta * product_bound<T>(G, G.transpose());
    if (c.falsifier(kNewWInsteadOfAverage)) {
      const Mat<T> W_new = f.W - eta * G;
      f.Z -= eta * E * W_new.transpose();
      f.W = W_new;
    } else if (c.falsifier(kPlainFa)) {
      c.dynamics().step(Algorithm::fa, f, inst.Y, inst.B, eta, t, ws);
    } else {
      c.dynamics().step(Algorithm::fa_star, f, inst.Y, inst.B, eta, t, ws);
    }
    const T scale = before + q_terms(f);
    c.note("step", std::to_string(t));
    c.require_identity("max |Q_{t+1} - Q_t| under FA* at step " + std::to_string(t),
                       max_abs(Mat<T>(alignment_matrix(f, inst.B) - Q)), scale, k);
  }
}

FA_REGISTER_CLAIM(exact_identity, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
