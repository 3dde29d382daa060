// Update rules against hand-computed examples, in exact rational arithmetic and in double, the
// zero-initialisation facts of docs/claims.md, X5, and the clear errors of the trajectory runner.
#include "dynamics/trajectory.hpp"
#include "generators/instance.hpp"
#include "tests/support/hand_matrix.hpp"

#include <catch2/catch.hpp>

using namespace fa;
using fa::testing::mat;

namespace {

// Y = [1 2 0; 0 1 3], Z = [1; 0], W = [1 0 1], B = [1; 2], eta = 1/2, so E = [0 -2 1; 0 -1 -3].
// By hand: E W^T = [1; -3], Z^T E = [0 -2 1], B^T E = [0 -4 -5];
// FA*'s average W is [1 1 9/4] and E Wmid^T = [1/4; -31/4].
template <class T>
struct HandExample {
  Mat<T> Y = mat<T>({{T(1), T(2), T(0)}, {T(0), T(1), T(3)}});
  Mat<T> B = mat<T>({{T(1)}, {T(2)}});
  Factors<T> start{mat<T>({{T(1)}, {T(0)}}), mat<T>({{T(1), T(0), T(1)}})};
  T eta = T(1) / T(2);
};

template <class T>
Factors<T> one_step(Algorithm a) {
  HandExample<T> ex;
  Factors<T> f = ex.start;
  Workspace<T> ws;
  reference_step(a, f, ex.Y, ex.B, ex.eta, ws);
  return f;
}

}  // namespace

TEST_CASE("GD, FA and FA* match hand-computed 2x3 steps exactly (exact)", "[unit][dynamics]") {
  using Q = Rational;
  const Factors<Q> gd = one_step<Q>(Algorithm::gd);
  CHECK(gd.Z == mat<Q>({{Q(1, 2)}, {Q(3, 2)}}));
  CHECK(gd.W == mat<Q>({{Q(1), Q(1), Q(1, 2)}}));
  const Factors<Q> fa = one_step<Q>(Algorithm::fa);
  CHECK(fa.Z == mat<Q>({{Q(1, 2)}, {Q(3, 2)}}));
  CHECK(fa.W == mat<Q>({{Q(1), Q(2), Q(7, 2)}}));
  const Factors<Q> fs = one_step<Q>(Algorithm::fa_star);
  CHECK(fs.Z == mat<Q>({{Q(7, 8)}, {Q(31, 8)}}));
  CHECK(fs.W == mat<Q>({{Q(1), Q(2), Q(7, 2)}}));
}

TEST_CASE("GD, FA and FA* match hand-computed 2x3 steps in double", "[unit][dynamics]") {
  // All intermediate values are dyadic rationals with few bits: double computes them exactly.
  const Factors<double> gd = one_step<double>(Algorithm::gd);
  CHECK(gd.Z == mat<double>({{0.5}, {1.5}}));
  CHECK(gd.W == mat<double>({{1, 1, 0.5}}));
  const Factors<double> fa = one_step<double>(Algorithm::fa);
  CHECK(fa.W == mat<double>({{1, 2, 3.5}}));
  const Factors<double> fs = one_step<double>(Algorithm::fa_star);
  CHECK(fs.Z == mat<double>({{0.875}, {3.875}}));
}

TEST_CASE("X5: GD from zero stays at zero, and FA moves as predicted (exact)",
          "[unit][dynamics]") {
  using Q = Rational;
  const Mat<Q> Y = mat<Q>({{Q(3), Q(-1), Q(2)}, {Q(1), Q(4), Q(0)}, {Q(-2), Q(1), Q(5)}});
  const Mat<Q> B = mat<Q>({{Q(1), Q(0)}, {Q(-2), Q(1)}, {Q(1, 3), Q(2)}});
  const Q eta(1, 7);
  Workspace<Q> ws;

  Factors<Q> gd{Mat<Q>::Zero(3, 2), Mat<Q>::Zero(2, 3)};
  for (int t = 0; t < 3; ++t) gd_step(gd, Y, eta, ws);
  CHECK(gd.Z == Mat<Q>::Zero(3, 2));
  CHECK(gd.W == Mat<Q>::Zero(2, 3));

  Factors<Q> fa{Mat<Q>::Zero(3, 2), Mat<Q>::Zero(2, 3)};
  fa_step(fa, Y, B, eta, ws);
  CHECK(fa.Z == Mat<Q>::Zero(3, 2));
  CHECK(fa.W == Mat<Q>(eta * B.transpose() * Y));
  fa_step(fa, Y, B, eta, ws);
  CHECK(fa.Z == Mat<Q>(eta * eta * Y * Y.transpose() * B));
  CHECK(fa.W == Mat<Q>(Q(2) * eta * B.transpose() * Y));
}

TEST_CASE("X5 check fails when FA's feedback is wrong (the test can fail) (exact)",
          "[unit][dynamics]") {
  using Q = Rational;
  const Mat<Q> Y = mat<Q>({{Q(3), Q(-1)}, {Q(1), Q(4)}});
  const Mat<Q> B = mat<Q>({{Q(1)}, {Q(2)}});
  const Q eta(1, 5);
  Workspace<Q> ws;
  Factors<Q> f{Mat<Q>::Zero(2, 1), Mat<Q>::Zero(1, 2)};
  // GD passed off as FA: Z^T replaces B^T, and from zero nothing moves.
  gd_step(f, Y, eta, ws);
  CHECK_FALSE(f.W == Mat<Q>(eta * B.transpose() * Y));
}

TEST_CASE("a too-large step is reported as divergence with its step", "[unit][dynamics]") {
  Recipe rec;
  rec.n = 4;
  rec.m = 3;
  rec.k = 2;
  rec.r = 2;
  rec.step_log2 = 4;  // c = 16: far beyond any stable step
  rec.init = Init::small;
  const Instance<double> inst = materialise<double>(rec);
  RunConfig<double> cfg;
  cfg.algorithm = Algorithm::fa;
  cfg.eta = inst.eta * 8;
  cfg.max_steps = 10000;
  const Trajectory<double> run =
      run_dynamics(reference_dynamics<double>(), inst.Y, inst.B, inst.start, cfg);
  CHECK(run.status == RunStatus::diverged);
  CHECK(run.diverged_at > 0);
  CHECK(run.diverged_at < 10000);
  CHECK_THAT(run.message, Catch::Contains("diverged at step"));
}

TEST_CASE("bad problems are refused with a clear error", "[unit][dynamics]") {
  const Mat<double> Y = Mat<double>::Identity(3, 2);
  const Mat<double> B = Mat<double>::Ones(3, 1);
  Factors<double> f{Mat<double>::Zero(3, 1), Mat<double>::Zero(1, 2)};
  RunConfig<double> cfg;
  cfg.eta = 0.1;
  cfg.max_steps = 1;
  const auto& dyn = reference_dynamics<double>();
  SECTION("non-finite Y") {
    Mat<double> bad = Y;
    bad(1, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(run_dynamics(dyn, bad, B, f, cfg), Catch::Contains("non-finite"));
  }
  SECTION("B of the wrong shape") {
    CHECK_THROWS_WITH(run_dynamics(dyn, Y, Mat<double>(Mat<double>::Ones(2, 1)), f, cfg),
                      Catch::Contains("B has 2x1, expected 3x1"));
  }
  SECTION("eta <= 0") {
    cfg.eta = 0;
    CHECK_THROWS_WITH(run_dynamics(dyn, Y, B, f, cfg), Catch::Contains("eta must be finite"));
  }
  SECTION("impossible rank in a recipe") {
    Recipe rec;
    rec.n = 2;
    rec.m = 5;
    rec.k = 3;
    CHECK_THROWS_WITH(materialise<double>(rec), Catch::Contains("impossible"));
  }
  SECTION("absurd sizes are refused before allocating") {
    Recipe rec;
    rec.n = 100000;
    rec.m = 100000;
    CHECK_THROWS_WITH(materialise<double>(rec), Catch::Contains("refused"));
  }
}

TEST_CASE("the trajectory recorder tracks the alignment law residual of FA", "[unit][dynamics]") {
  Recipe rec;
  rec.n = 5;
  rec.m = 4;
  rec.k = 3;
  rec.r = 2;
  rec.init = Init::small;
  const Instance<double> inst = materialise<double>(rec);
  RunConfig<double> cfg;
  cfg.algorithm = Algorithm::fa;
  cfg.eta = inst.eta;
  cfg.max_steps = 200;
  cfg.record_every = 50;
  cfg.track_identities = true;
  const auto run = run_dynamics(reference_dynamics<double>(), inst.Y, inst.B, inst.start, cfg);
  REQUIRE(run.rows.size() == 5);  // steps 0, 50, 100, 150, 200
  CHECK(run.rows.back().step == 200);
  // 200 steps, each adding a few roundings of O(||Q||) ~ 1: 64 * 200 eps is generous and still
  // far below any real violation (eta^2 ||G||^2 ~ 1e-3 per step).
  for (const auto& row : run.rows)
    CHECK(row.q_residual <= 64 * 200 * std::numeric_limits<double>::epsilon());
  CHECK(run.rows.back().loss < run.rows.front().loss);
}
