// fa-check run's literature options (--weight-decay, --algo pseudo-bp, --init aligned, --x /
// --data-dim) call the claims' own dynamics: on one instance each, run::run_problem (what
// fa-check and faverify.run call) ends on exactly the factors that the claims' functions reach
// when called directly (dynamics/literature.hpp, dynamics/network.hpp), bit for bit in double.
// Each option also changes the run (its final factors differ from the plain FA run's), so a
// front end that dropped the option would fail here.
#include "core/linalg.hpp"
#include "dynamics/literature.hpp"
#include "dynamics/network.hpp"
#include "generators/instance.hpp"
#include "generators/literature.hpp"
#include "run/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using fa::Mat;
using fa::run::RunOptions;

RunOptions generated(int n, int m, int k, long long r, std::uint64_t seed) {
  RunOptions o;
  o.n = n;
  o.m = m;
  o.rank_of_y = k;
  o.r = r;
  o.r_given = true;
  o.seed = seed;
  o.tol = -1;  // the whole budget, as the direct loops below run it
  o.steps_given = true;
  return o;
}

fa::run::RunOutcome<double> run(const RunOptions& o) {
  fa::run::RunInputs<double> in;
  in.opt = o;
  return fa::run::run_problem<double>(in);
}

/// The recipe run_problem builds for a generated Y (run/run_impl.hpp).
fa::Recipe recipe_of(const RunOptions& o) {
  fa::Recipe rec;
  rec.n = static_cast<int>(o.n);
  rec.m = static_cast<int>(o.m);
  rec.k = static_cast<int>(o.rank_of_y);
  rec.r = static_cast<int>(o.r);
  rec.spectrum = fa::parse_spectrum(o.spectrum);
  rec.spread = o.spread;
  rec.seed = o.seed;
  rec.init = o.init == "small" ? fa::Init::small : fa::Init::zero;
  rec.init_log2 = o.init_log2;
  rec.step_log2 = o.step_log2;
  return rec;
}

bool same(const Mat<double>& a, const Mat<double>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}

}  // namespace

TEST_CASE("--weight-decay runs regularised_step (claim L7's step), bit for bit",
          "[cli][literature]") {
  for (const std::string algo : {"fa", "gd"}) {
    // Over-parameterised r = 10 > max(n, m), as L7 runs it.
    RunOptions o = generated(3, 4, 2, 10, 7);
    o.algo = algo;
    o.init = "small";
    o.init_log2 = -2;
    o.eta = 0.05;
    o.eta_given = true;
    o.steps = 300;
    o.weight_decay = 1.0 / 16;
    o.weight_decay_given = true;
    const auto out = run(o);
    const fa::Instance<double> inst = fa::materialise<double>(recipe_of(o));
    fa::Factors<double> f = fa::initial_factors<double>(recipe_of(o));
    REQUIRE(same(out.start.Z, f.Z));
    for (int t = 0; t < 300; ++t)
      fa::regularised_step(fa::parse_algorithm(algo), f, inst.Y, inst.B, 0.05, 1.0 / 16);
    CHECK(same(out.final.Z, f.Z));
    CHECK(same(out.final.W, f.W));
    CHECK(out.weight_decay == "0.0625");
    // Without the option the run is another one.
    o.weight_decay_given = false;
    o.weight_decay = 0;
    o.r = 3;  // the plain run keeps r <= min(n, m)
    RunOptions decayed = o;
    decayed.weight_decay_given = true;
    decayed.weight_decay = 1.0 / 16;
    CHECK_FALSE(same(run(o).final.Z, run(decayed).final.Z));
  }
}

TEST_CASE("--algo pseudo-bp runs pseudo_backprop_step (Z^+ E of hidden_signals), bit for bit",
          "[cli][literature]") {
  RunOptions o = generated(3, 6, 3, 4, 5);  // n < r < m, as claim L2 draws its shapes
  o.algo = "pseudo-bp";
  o.init = "small";
  o.init_log2 = -2;  // ||Z^+|| ~ 1/a: from a much smaller start the default step diverges
  o.steps = 200;
  const auto out = run(o);
  const fa::Instance<double> inst = fa::materialise<double>(recipe_of(o));
  fa::Factors<double> f = fa::initial_factors<double>(recipe_of(o));
  REQUIRE(out.status != fa::RunStatus::diverged);
  for (int t = 0; t < 200; ++t) fa::pseudo_backprop_step(f, inst.Y, inst.B, out.eta);
  CHECK(same(out.final.Z, f.Z));
  CHECK(same(out.final.W, f.W));
  CHECK(out.algorithm_name.find("pseudo-backprop") != std::string::npos);
  RunOptions fa_run = o;  // FA at the same wide r: regularised_step at lambda = 0
  fa_run.algo = "fa";
  fa_run.weight_decay_given = true;
  CHECK_FALSE(same(run(fa_run).final.W, out.final.W));
}

TEST_CASE("--init aligned --feedback-gains is aligned_start (claims L3, L4), bit for bit",
          "[cli][literature]") {
  RunOptions o = generated(5, 4, 3, 3, 9);
  o.spectrum = "geometric";
  o.spread = 2;
  o.init = "aligned";
  o.init_given = true;
  o.init_log2 = -6;
  o.feedback_gains = "1,0.5,0.25";
  o.eta = 0.0625;
  o.eta_given = true;
  o.steps = 400;
  const auto out = run(o);
  const fa::Instance<double> inst = fa::materialise<double>(recipe_of(o));
  const fa::AlignedStart<double> a =
      fa::aligned_start<double>(inst.U, inst.V, {1, 0.5, 0.25}, std::ldexp(1.0, -6));
  REQUIRE(same(out.B, a.B));
  REQUIRE(same(out.start.Z, a.start.Z));
  fa::Factors<double> f = a.start;
  fa::Workspace<double> ws;
  for (int t = 0; t < 400; ++t) fa::reference_step(fa::Algorithm::fa, f, inst.Y, a.B, 0.0625, ws);
  CHECK(same(out.final.Z, f.Z));
  CHECK(same(out.final.W, f.W));
  CHECK(out.feedback_gains == "1,0.5,0.25");
  RunOptions equal = o;
  equal.feedback_gains = "1,1,1";
  CHECK_FALSE(same(run(equal).final.W, out.final.W));
}

TEST_CASE("--data-dim --samples is the network of L6's first form (network_step on A X), bit for bit",
          "[cli][literature]") {
  // The instance of L6's first form (unnormalised teacher A, init 2^-8, the step rule with
  // sigma_1(A X / sqrt N)): d = 6 > N = 3, n = 2, r = 3. theorems/L6.cpp now rescales A so that
  // sigma_1(A X) / sqrt N = 1 and starts at 2^-12; fa-check's generated data does not rescale.
  const int n = 2, d = 6, N = 3, r = 3;
  const std::uint64_t seed = 12;
  RunOptions o;
  o.n = n;
  o.data_dim = d;
  o.samples = N;
  o.r = r;
  o.r_given = true;
  o.seed = seed;
  o.init = "small";
  o.init_log2 = -8;
  o.tol = -1;
  o.steps = 500;
  const auto out = run(o);

  const Mat<double> X = fa::overparameterised_inputs<double>(d, N, seed);
  const Mat<double> A =
      fa::gaussian_matrix(n, d, seed, fa::Stream::right_basis) / std::sqrt(double(d));
  const Mat<double> B =
      fa::gaussian_matrix(n, r, seed, fa::Stream::feedback) / std::sqrt(double(n));
  const double scale = std::ldexp(1.0, -8);
  fa::Factors<double> f{Mat<double>(scale * fa::gaussian_matrix(n, r, seed, fa::Stream::init_z)),
                        Mat<double>(scale * fa::gaussian_matrix(r, d, seed, fa::Stream::init_w))};
  const double x_max = fa::singular_values<double>(X)(0);
  const double y_scale = fa::spectral_norm<double>(Mat<double>(A * X)) / std::sqrt(N);
  const double b_norm = fa::spectral_norm<double>(B);
  const double eta = 0.125 / (y_scale * std::max(1.0, b_norm * b_norm) * x_max * x_max / N);
  REQUIRE(same(out.X, X));
  REQUIRE(same(out.B, B));
  REQUIRE(out.eta == eta);
  for (int t = 0; t < 500; ++t) f = fa::network_step(f, X, A, B, eta, fa::Algorithm::fa);
  CHECK(same(out.final.Z, f.Z));
  CHECK(same(out.final.W, f.W));
  CHECK(out.final_loss == fa::network_loss(f, X, A));
  CHECK(out.data_dim == d);
  CHECK(out.samples == N);
  // X full column rank (d > N): every target is reachable, so opt_r = best rank-r error / N = 0
  // for r >= rank(A X) = 2.
  CHECK(out.opt_r <= 1e-28);
  RunOptions gd = o;
  gd.algo = "gd";
  CHECK_FALSE(same(run(gd).final.W, out.final.W));
}

TEST_CASE("the literature options refuse what does not combine, naming the options",
          "[cli][literature]") {
  auto message = [](const RunOptions& o) {
    try {
      run(o);
    } catch (const fa::run::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  RunOptions o = generated(3, 4, 2, 2, 1);
  o.weight_decay_given = true;
  o.weight_decay = -1;
  CHECK_THAT(message(o), Catch::Contains("--weight-decay -1: the weight decay lambda must be"));
  o.weight_decay = NAN;
  CHECK_THAT(message(o), Catch::Contains("must be finite and >= 0"));
  o.weight_decay = 0.1;
  o.algo = "fastar";
  CHECK_THAT(message(o), Catch::Contains("--weight-decay applies to --algo gd or --algo fa"));
  o.algo = "pseudo-bp";
  o.init = "small";
  CHECK_THAT(message(o), Catch::Contains("--weight-decay does not combine with --algo pseudo-bp"));
}
