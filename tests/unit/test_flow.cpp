// Gradient flow through Boost.Odeint: the conserved quantities hold to the integrator's tolerance,
// and tighten when the tolerance is tightened, in double and in mp.
#include "certify/exact.hpp"
#include "dynamics/flow.hpp"
#include "dynamics/odeint_mpfr.hpp"
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

TEST_CASE("the fused MPFR scale sums of the flows' Odeint stepper are the exact sum rounded once, "
          "within the old rounding bound, and safe in place (mp)",
          "[unit][flow]") {
  // dynamics/odeint_mpfr.hpp: t1 = a1 t2 + ... + aN t(N+1), the exact sum rounded once (the
  // kernels' exact dot product): equal (==) to the exact rational sum rounded by MPFR, and so
  // within the bound the flows' checks assume, N u sum |a_k t_k| (u = 2^-p; below with Boost's
  // epsilon, 2u). Both checks fail when a term is dropped.
  const Mp a1 = Mp(1) / 3, a2 = -sqrt(Mp(2)), a3 = Mp(5) / 7;
  const Mp t2 = Mp(1) / 11, t3 = exp(Mp(1)), t4 = -Mp(1) / 13;
  const Rational exact = exact::to_rational(a1) * exact::to_rational(t2) +
                         exact::to_rational(a2) * exact::to_rational(t3) +
                         exact::to_rational(a3) * exact::to_rational(t4);
  const Rational magnitude = abs(Rational(exact::to_rational(a1) * exact::to_rational(t2))) +
                             abs(Rational(exact::to_rational(a2) * exact::to_rational(t3))) +
                             abs(Rational(exact::to_rational(a3) * exact::to_rational(t4)));
  const Rational bound = Rational(3) * exact::to_rational(Mp(epsilon<Mp>())) * magnitude;
  MpfrOperations::scale_sum3<Mp, Mp, Mp> sum(a1, a2, a3);
  Mp t1;
  sum(t1, t2, t3, t4);
  CHECK(abs(Rational(exact::to_rational(t1) - exact)) <= bound);
  Mp rounded;
  mpfr_set_q(rounded.backend().data(), exact.backend().data(), MPFR_RNDN);
  CHECK(t1 == rounded);
  Mp in_place = t2;  // t1 aliases t2: Odeint's in-place updates x = x + dt dxdt
  sum(in_place, in_place, t3, t4);
  CHECK(in_place == t1);
  MpfrOperations::scale_sum3<Mp, Mp, Mp> dropped(a1, a2, Mp(0));  // the third term lost
  Mp wrong;
  dropped(wrong, t2, t3, t4);
  CHECK_FALSE(abs(Rational(exact::to_rational(wrong) - exact)) <= bound);
  CHECK_FALSE(wrong == rounded);
  // fourteen terms (RKF78's longest combination), spread over 2^-60 .. 2^60
  MpfrOperations::scale_sum14<Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp, Mp> long_sum(
      a1, a2, a3, a1, a2, a3, a1, a2, a3, a1, a2, a3, a1, a2);
  const Mp s[14] = {t2, ldexp(t3, 60), t4, ldexp(t2, -60), t3, t4, t2, t3, ldexp(t4, 30),
                    t2, t3, t4, t2, -ldexp(t3, 60)};
  const Mp f[14] = {a1, a2, a3, a1, a2, a3, a1, a2, a3, a1, a2, a3, a1, a2};
  Rational long_exact = 0;
  for (int k = 0; k < 14; ++k)
    long_exact += exact::to_rational(f[k]) * exact::to_rational(s[k]);
  Mp long_rounded, long_t1;
  mpfr_set_q(long_rounded.backend().data(), long_exact.backend().data(), MPFR_RNDN);
  long_sum(long_t1, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
           s[12], s[13]);
  CHECK(long_t1 == long_rounded);
}
