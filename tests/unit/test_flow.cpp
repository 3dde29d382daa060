// Gradient flow through Boost.Odeint: the conserved quantities hold to the integrator's tolerance,
// and tighten when the tolerance is tightened, in double and in mp.
#include "dynamics/flow.hpp"
#include "generators/instance.hpp"

#include <catch2/catch.hpp>

using namespace fa;

namespace {

Recipe flow_recipe() {
  Recipe rec;
  rec.n = 4;
  rec.m = 3;
  rec.k = 2;
  rec.r = 2;
  rec.init = Init::small;
  rec.init_log2 = -2;
  rec.seed = 7;
  return rec;
}

template <class T>
T conserved_residual(FlowKind kind, const T& tol) {
  const Instance<T> inst = materialise<T>(flow_recipe());
  FlowConfig<T> cfg;
  cfg.kind = kind;
  cfg.end_time = T(4);
  cfg.abs_tol = tol;
  cfg.rel_tol = tol;
  const FlowTrajectory<T> run = run_flow(inst.Y, inst.B, inst.start, cfg);
  REQUIRE(run.status != RunStatus::diverged);
  return kind == FlowKind::fa ? run.rows.back().q_residual : run.rows.back().d_residual;
}

}  // namespace

TEST_CASE("flow conserves Q (FA) and D (GD) to the integrator tolerance (double)",
          "[unit][flow]") {
  for (FlowKind kind : {FlowKind::fa, FlowKind::gd}) {
    const double loose = conserved_residual<double>(kind, 1e-6);
    const double tight = conserved_residual<double>(kind, 1e-10);
    INFO("loose " << loose << " tight " << tight);
    // The controlled local error is O(tol) per unit time; over t = 4 the drift is ~ few tol.
    CHECK(tight <= 1e-7);
    CHECK(tight < loose);
  }
}

TEST_CASE("flow conserves Q to tolerances only high precision can meet (mp)", "[unit][flow]") {
  const Mp r = conserved_residual<Mp>(FlowKind::fa, Mp(1e-25));
  INFO("residual " << r);
  CHECK(r <= Mp(1e-22));
}

TEST_CASE("an integration that cannot finish is reported, not hidden", "[unit][flow]") {
  const Instance<double> inst = materialise<double>(flow_recipe());
  FlowConfig<double> cfg;
  cfg.end_time = 50;
  cfg.max_steps_between_observations = 3;  // far too few steps to reach t = 50
  const auto run = run_flow(inst.Y, inst.B, inst.start, cfg);
  CHECK(run.status == RunStatus::diverged);
  CHECK_THAT(run.message, Catch::Contains("no progress"));
}
