#include "regimes/lillicrap.hpp"

#include "dynamics/network.hpp"
#include "generators/random.hpp"

#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace fa::regimes {

namespace {

Mat<double> uniform_matrix(Eigen::Index rows, Eigen::Index cols, double half_width,
                           Engine& engine) {
  boost::random::uniform_real_distribution<double> u(-half_width, half_width);
  Mat<double> M(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) M(i, j) = u(engine);
  return M;
}

double angle_degrees(const Mat<double>& a, const Mat<double>& b) {
  const double na = a.norm(), nb = b.norm();
  if (!(na > 0) || !(nb > 0)) return std::nan("");
  const double c = std::max(-1.0, std::min(1.0, (a.array() * b.array()).sum() / (na * nb)));
  return std::acos(c) * 180.0 / M_PI;
}

}  // namespace

LillicrapRun lillicrap_experiment(const LillicrapSettings& s) {
  if (s.inputs < 1 || s.hidden < 1 || s.outputs < 1 || s.steps < 1 || s.batch < 1 || s.every < 1 ||
      !(s.eta > 0) || !std::isfinite(s.eta))
    throw std::invalid_argument(
        "lillicrap_experiment: sizes, steps, batch and 'every' must be >= 1 and eta a finite "
        "number > 0");
  // One engine per kind of draw, so that changing the batch size leaves the problem unchanged.
  Engine problem = make_engine(s.seed, Stream::feedback);
  Engine data = make_engine(s.seed, Stream::extra);
  const Mat<double> A = uniform_matrix(s.outputs, s.inputs, 1.0, problem);
  const Mat<double> B = uniform_matrix(s.outputs, s.hidden, 0.5, problem);
  Factors<double> fa{uniform_matrix(s.outputs, s.hidden, 0.01, problem),
                     uniform_matrix(s.hidden, s.inputs, 0.01, problem)};
  Factors<double> bp = fa;  // the same start
  LillicrapRun run;
  run.settings = s;
  for (long t = 0; t < s.steps; ++t) {
    const Mat<double> X = gaussian_matrix(s.inputs, s.batch, data);
    if (t % s.every == 0 || t == s.steps - 1) {
      const Mat<double> E_net = fa.Z * fa.W * X - A * X;
      run.step.push_back(t);
      run.angle_deg.push_back(angle_degrees(Mat<double>(B.transpose() * E_net * X.transpose()),
                                            Mat<double>(fa.Z.transpose() * E_net * X.transpose())));
      run.loss_fa.push_back((fa.Z * fa.W - A).squaredNorm() / 2);
      run.loss_bp.push_back((bp.Z * bp.W - A).squaredNorm() / 2);
    }
    fa = network_step(fa, X, A, B, s.eta, Algorithm::fa);
    bp = network_step(bp, X, A, B, s.eta, Algorithm::gd);
  }
  return run;
}

nlohmann::json lillicrap_json(const LillicrapRun& run) {
  const LillicrapSettings& s = run.settings;
  return {{"settings",
           {{"seed", s.seed},
            {"steps", s.steps},
            {"batch", s.batch},
            {"eta", s.eta},
            {"every", s.every},
            {"widths", {s.inputs, s.hidden, s.outputs}},
            {"draws",
             "A U[-1, 1], B U[-0.5, 0.5], weights U[-0.01, 0.01], x ~ N(0, I); engines seeded "
             "from the seed (streams feedback: problem, extra: minibatches)"}}},
          {"step", run.step},
          {"angle_deg", run.angle_deg},
          {"loss_fa", run.loss_fa},
          {"loss_bp", run.loss_bp}};
}

}  // namespace fa::regimes
