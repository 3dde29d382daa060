// X1  FA alignment law (discrete).                                          source: derived
// Specification: docs/claims.md#claim-x1
// Statement (ours): along FA with step eta, Q = B^T Z + Z^T B - W W^T obeys, at every step,
//     Q_{t+1} = Q_t - eta^2 G_t G_t^T,   G_t = B^T (Z_t W_t - Y).
// Proof sketch: Z+ = Z - eta E W^T, W+ = W - eta G; expand B^T Z+ + Z+^T B - W+ W+^T: the
// first-order terms -eta (B^T E W^T + W E^T B) and +eta (G W^T + W G^T) cancel since G = B^T E;
// the second-order term is -eta^2 G G^T.
// Hypotheses: none beyond the shapes (any Y, B, initialisation, eta > 0). Region drawn: the
// wide region (checks/claim_helpers.hpp, wide_region): n, m up to 48 (double) / 12 (mp) / 3
// (exact), every spectrum, c in [2^-8, 2^-1], zero or small init 2^-8, 2^-2, 1, B 2^-3..2^3.
// Check: the residual of the law at each step, entrywise, against k eps times the size of the
// terms (exactly 0 in rational arithmetic); precision ladder: residual falls with eps (slope 1).
// Proved: symbolically for every shape (theorems/proofs/X1.py, SymPy); the implementation per
// shape by Schwartz-Zippel (below; checks/schwartz_zippel.hpp).
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

const Falsifier kGdAsFa{"gd-as-fa",
                        "the W-update uses Z^T E (GD passed off as FA): the law must fail"};
const Falsifier kEtaNotSquared{"eta-not-squared",
                               "false statement: Q_{t+1} = Q_t - eta G G^T (wrong power of eta)"};

// Schwartz-Zippel: one step of the implementation from an arbitrary point. The residual
// Q(Z+, W+) - Q(Z, W) + eta^2 G G^T is, entrywise, a polynomial in the entries of (Y, B, Z, W)
// and eta of total degree 8: Z+ = Z - eta E W^T and W+ = W - eta B^T E have degree 4 (E has 2),
// so B^T Z+ has 5 and W+ W+^T 8; eta^2 G G^T has 2 + 3 + 3 = 8. By induction on the steps the law
// then holds along every trajectory.
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  Factors<Rational> f = c.start();
  const Mat<Rational> G = p.B.transpose() * (f.Z * f.W - p.Y);
  const Mat<Rational> Q = alignment_matrix(f, p.B);
  const Algorithm alg = c.falsifier(kGdAsFa) ? Algorithm::gd : Algorithm::fa;
  const Rational coeff = c.falsifier(kEtaNotSquared) ? p.eta : Rational(p.eta * p.eta);
  c.dynamics().step(alg, f, p.Y, p.B, p.eta, 0, c.workspace());
  return alignment_matrix(f, p.B) - (Q - coeff * G * G.transpose());
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "X1";
  s.title = "FA alignment law Q+ = Q - eta^2 G G^T";
  s.source = Source::derived;
  s.statement =
      "Along FA, Q = B^T Z + Z^T B - W W^T satisfies Q_{t+1} = Q_t - eta^2 G_t G_t^T with "
      "G_t = B^T (Z_t W_t - Y), exactly, at every step.";
  s.hypotheses = kStepIdentityHypotheses;
  s.recipe = step_identity_recipe();
  s.falsifiers = {kGdAsFa, kEtaNotSquared};
  s.ladder_recipe = fixed_recipe(5, 4, 3, 2, 11, Init::small, -2);
  s.proof = "theorems/proofs/X1.py";
  s.polynomial = PolynomialIdentity{8,
                                    "Q(Z+, W+) - Q(Z, W) + eta^2 G G^T after one FA step",
                                    &polynomial_residual,
                                    {kGdAsFa, kEtaNotSquared}};
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool exact = std::is_same_v<T, Rational>;
  const Instance<T> inst = c.instance(wide_region<T>());
  const Recipe& rec = c.recipe();
  const T eta(inst.eta);
  const Algorithm alg = c.falsifier(kGdAsFa) ? Algorithm::gd : Algorithm::fa;
  const T coeff = c.falsifier(kEtaNotSquared) ? eta : T(eta * eta);
  // Each entry of the terms is a sum of at most d = max(n, m, r) + 2 rounded products, and the
  // step that produced Z+, W+ adds the same again (an mp step: less, its dot products rounded
  // once; checks/claim.hpp, require_identity): 8 d eps covers the four terms of the law.
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
    const T scale = T(2) * product_bound<T>(inst.B.transpose(), f.Z) +
                    product_bound<T>(f.W, f.W.transpose()) +
                    eta * product_bound<T>(inst.B.transpose(), E) * max_abs(f.W) *
                        T(static_cast<double>(rec.m)) +
                    eta * eta * product_bound<T>(G, G.transpose());
    c.dynamics().step(alg, f, inst.Y, inst.B, eta, t, ws);
    const Mat<T> law = alignment_matrix(f, inst.B) - (Q - coeff * G * G.transpose());
    c.note("step", std::to_string(t));
    c.require_identity("max |Q_{t+1} - Q_t + eta^2 G G^T| at step " + std::to_string(t),
                       max_abs(law), scale, k);
  }
}

FA_REGISTER_CLAIM(exact_identity, spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
