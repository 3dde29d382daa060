// F2  Lyapunov function of the FA flow.                                   source: derived
// Specification: docs/claims.md#claim-f2
// Statement (ours): along the FA flow, with G = B^T E and Q = B^T Z + Z^T B - W W^T,
//     d/dt 1/2 ||G||^2 = -||G W^T||^2 - 1/2 ||W^T G||^2 - 1/2 tr(G^T Q G),
// so with Q >= 0 (e.g. zero init, where Q = 0 for all time by F1) ||B^T (ZW - Y)|| never
// increases.
// Proof: dG/dt = B^T (dZ W + Z dW) = -G W^T W - B^T Z G; <G, B^T Z G> = 1/2 tr(G^T (Q + W W^T) G)
// since the antisymmetric part of B^T Z contributes nothing.
// Check: (i) the identity at the case's point (Z, W) (any point: it is an algebraic identity),
// exactly in rationals and within k eps in floating point; (ii) in floating point, along the FA
// flow from zero init, ||G(t)|| at 30 observation times never increases by more than the
// integrator's error budget.
// Proved: the identity (i), symbolically for every shape (theorems/proofs/F2.py: SymPy's
// derivative along the flow, traces expanded with tr(AB) = tr(BA), tr(A^T) = tr(A) applied by a
// canonical form), and for the implemented right-hand side per shape by Schwartz-Zippel (below).
// The monotonicity (ii) along integrated trajectories stays tested.
#include "checks/claim_helpers.hpp"

namespace fa::claims {
namespace FA_CLAIM_FILE {

// Schwartz-Zippel: at an arbitrary point, with (Z', W') = flow_rhs(FA) and G' = B^T (Z' W + Z W'),
// <G, G'> + ||G W^T||^2 + 1/2 ||W^T G||^2 + 1/2 tr(G^T Q G): total degree 8 in the entries of
// (Y, B, Z, W) (G has 3, G' 5; G W^T 4; G^T Q G 3 + 2 + 3).
Mat<Rational> polynomial_residual(PolyCase& c) {
  const PolyPoint& p = c.point();
  const Factors<Rational> f = c.start();
  const Mat<Rational> G = p.B.transpose() * (f.Z * f.W - p.Y);
  const Factors<Rational> d = flow_rhs(FlowKind::fa, p.Y, p.B, f);
  const Mat<Rational> dG = p.B.transpose() * (d.Z * f.W + f.Z * d.W);
  const Mat<Rational> Q = alignment_matrix(f, p.B);
  const Rational half = c.falsifier("wrong-coefficient") ? Rational(1) : Rational(1, 2);
  Mat<Rational> res(1, 1);
  res(0, 0) = G.cwiseProduct(dG).sum() + Mat<Rational>(G * f.W.transpose()).squaredNorm() +
              half * Mat<Rational>(f.W.transpose() * G).squaredNorm() +
              Rational((G.transpose() * Q * G).trace()) / 2;
  return res;
}

ClaimSpec spec() {
  ClaimSpec s;
  s.id = "F2";
  s.title = "FA flow Lyapunov identity; ||B^T E|| non-increasing from zero init";
  s.source = Source::derived;
  s.statement =
      "d/dt 1/2 ||G||^2 = -||G W^T||^2 - 1/2 ||W^T G||^2 - 1/2 tr(G^T Q G) at every "
      "point; along the FA flow from zero init ||B^T E(t)|| is non-increasing.";
  s.hypotheses = "Identity: none. Monotonicity: zero init (enforced), so Q = 0.";
  s.recipe = std::string(kWideRegionText) +
             "; small random point (2^-1, 2^-8, 2^-2 or 1) for the identity; "
             "flow to t = 3";
  s.ladder = true;
  s.falsifiers = {
      {"wrong-coefficient", "false statement: -||W^T G||^2 in place of -1/2 ||W^T G||^2"}};
  s.ladder_recipe = fixed_recipe(4, 4, 2, 3, 21, Init::small, -1);
  s.proof = "theorems/proofs/F2.py";
  s.polynomial = PolynomialIdentity{
      8,
      "<G, G'> + ||G W^T||^2 + 1/2 ||W^T G||^2 + 1/2 tr(G^T Q G) along the FA flow's right-hand "
      "side",
      &polynomial_residual,
      {"wrong-coefficient"}};
  s.strength_note =
      "The Lyapunov identity is proved; that ||B^T E|| does not increase along "
      "integrated trajectories from zero init is tested.";
  return s;
}

template <class T>
void check(Case<T>& c) {
  constexpr bool flows = std::is_same_v<T, double> || std::is_same_v<T, Mp>;
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::small};
  space.init_scales_log2 = {-1, -8, -2, 0};
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const Factors<T>& p = inst.start;
  const Mat<T> E = p.Z * p.W - inst.Y;
  const Mat<T> G = inst.B.transpose() * E;
  const Mat<T> dZ = -(E * p.W.transpose());
  const Mat<T> dW = -G;
  const Mat<T> dG = inst.B.transpose() * (dZ * p.W + p.Z * dW);
  const T lhs = (G.cwiseProduct(dG)).sum();
  const Mat<T> Q = alignment_matrix(p, inst.B);
  const T half = c.falsifier("wrong-coefficient") ? T(1) : T(1) / T(2);
  const T rhs = -Mat<T>(G * p.W.transpose()).squaredNorm() -
                half * Mat<T>(p.W.transpose() * G).squaredNorm() -
                (G.transpose() * Q * G).trace() / 2;
  const T scale = max_abs(G) *
                  (max_abs(G) * (max_abs(p.W) * max_abs(p.W) + max_abs(Q)) + max_abs(dG)) *
                  T(double(rec.r * rec.m + rec.r * rec.r));
  const double k = 16.0 * (std::max({rec.n, rec.m, rec.r}) + 2);
  c.require_identity("|d/dt 1/2||G||^2 - (Lyapunov formula)|",
                     lhs > rhs ? T(lhs - rhs) : T(rhs - lhs), scale, k);
  if constexpr (flows) {
    if (c.falsifier("wrong-coefficient")) return;
    FlowConfig<T> cfg;
    cfg.kind = FlowKind::fa;
    cfg.end_time = T(3);
    const T tol = std::is_same_v<T, double> ? T(1e-11) : T(1e-22);
    cfg.abs_tol = cfg.rel_tol = tol;
    for (int i = 1; i < 30; ++i) cfg.observe_at.push_back(T(3) * T(i) / T(30));
    const auto run = run_flow(inst.Y, inst.B, c.dynamics().zero_init(rec.n, rec.r, rec.m), cfg);
    if (run.status == RunStatus::diverged) c.fail(run.message);
    // Integrator error budget for ||G|| = ||B^T (ZW - Y)||: the state's global error is at most
    // (steps) tol (|x| + 1) (see checks/flow_checks.hpp), |x| <= ||Y|| + 1 on these runs, and G
    // moves by at most ||B|| (||Z|| + ||W||) times the state's error; 4 x 4 covers both factors
    // (Z and W) and the observation interpolation with room.
    const T budget = T(4) * T(double(run.integrator_steps + 1)) * tol * (inst.B.norm() + T(1)) *
                     (inst.Y.norm() + T(1)) * T(4);
    for (std::size_t i = 1; i < run.rows.size(); ++i) {
      c.require_le("||G(t_" + std::to_string(i) + ")|| - ||G(t_" + std::to_string(i - 1) + ")||",
                   T(run.rows[i].feedback_residual - run.rows[i - 1].feedback_residual), budget);
    }
  }
}

FA_REGISTER_IDENTITY_CLAIM(spec(), check);
}  // namespace FA_CLAIM_FILE
}  // namespace fa::claims
