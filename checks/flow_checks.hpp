// The conservation-law check shared by F1 (FA flow conserves Q) and F3 (GD flow conserves D).
#pragma once

#include "checks/claim_helpers.hpp"

namespace fa {

/// Integrates the flow at a loose and a tight tolerance and checks the conserved quantity:
/// (a) drift <= 4 (steps) tol scale: Odeint's controlled stepper keeps each step's local error
///     below tol (|x| + dt |dx/dt|), so the state's global error is at most the number of steps
///     times tol times its size, and the invariant, a quadratic form, moves by at most twice the
///     state's size times that;
/// (b) the drift falls when the tolerance is tightened (by >= 10x for a 10^4x tighter
///     tolerance), unless it is already at the rounding level (64 d eps scale per step) or the
///     loose run already met the tight run's budget (a): an integrator whose error is far below
///     its tolerance (RKF78 on a nearly linear flow, e.g. n = m = r = 1) has nothing left to
///     shrink. F1's main-depth counterexample was of that kind: n = m = k = r = 1, drift 3.3e-12
///     at tol 1e-7 and 2.2e-12 at 1e-11, both 50x below the tight budget.
template <class T>
void check_flow_invariant(Case<T>& c, FlowKind kind, bool wrong_invariant) {
  constexpr bool is_double = std::is_same_v<T, double>;
  RecipeSpace space = wide_region<T>();
  space.inits = {Init::small};
  space.init_scales_log2 = {-1, -8, -2, 0};
  const Recipe rec = c.draw(space);
  const Instance<T> inst = make_instance<T>(rec);
  c.note_instance(inst);
  const bool fa_law = (kind == FlowKind::fa) != wrong_invariant;
  auto drift = [&](const T& tol, std::size_t& steps) {
    FlowConfig<T> cfg;
    cfg.kind = kind;
    cfg.end_time = T(3);
    cfg.abs_tol = tol;
    cfg.rel_tol = tol;
    const FlowTrajectory<T> run = run_flow(inst.Y, inst.B, inst.start, cfg);
    if (run.status == RunStatus::diverged) c.fail(run.message);
    steps = run.integrator_steps;
    T worst(0);
    for (const auto& row : run.rows) {
      const T d = fa_law ? row.q_residual : row.d_residual;
      if (d > worst) worst = d;
    }
    return std::make_pair(worst, run.final);
  };
  const T loose = is_double ? T(1e-7) : T(1e-18);
  const T tight = loose * T(1e-4);
  std::size_t steps_loose = 0, steps_tight = 0;
  const auto [d_loose, end_loose] = drift(loose, steps_loose);
  const auto [d_tight, end_tight] = drift(tight, steps_tight);
  const T size = inst.B.norm() + inst.start.Z.norm() + inst.start.W.norm() + end_tight.Z.norm() +
                 end_tight.W.norm() + T(1);
  const T scale = size * size;
  c.note("drift at tol " + to_text(loose), to_text(d_loose));
  c.note("drift at tol " + to_text(tight), to_text(d_tight));
  const T tight_budget = T(4) * T(double(steps_tight + 1)) * tight * scale;
  c.require_le("drift of the invariant at the tight tolerance vs 4 steps tol scale", d_tight,
               tight_budget);
  const T rounding = T(64.0 * (std::max({rec.n, rec.m, rec.r}) + 2)) * epsilon<T>() * scale *
                     T(double(steps_tight + 1));
  c.note("integrator steps (loose, tight)",
         std::to_string(steps_loose) + ", " + std::to_string(steps_tight));
  c.note("tight budget 4 (steps + 1) tol scale", to_text(tight_budget));
  c.note("rounding level 64 (max(n, m, r) + 2) eps scale (steps + 1)", to_text(rounding));
  if (d_tight > rounding && d_loose > tight_budget)
    c.require_le("drift at the tight tolerance vs a tenth of the loose one", d_tight, d_loose / 10);
}

}  // namespace fa
