#include "regimes/cell.hpp"

#include "core/linalg.hpp"
#include "dynamics/trajectory.hpp"
#include "generators/deep.hpp"
#include "generators/instance.hpp"
#include "generators/random.hpp"

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace fa::regimes {

using nlohmann::json;

std::uint64_t replicate_seed(std::uint64_t cell_seed, int i) {
  if (i == 0) return cell_seed;
  return splitmix64(cell_seed ^ (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i))) &
         ((1ull << 53) - 1);  // below 2^53: exact as a JSON number and in every parser
}

namespace {
/// "a+b+c" from a list, each item named by `name`.
template <class A, class Name>
std::string plus_joined(const std::vector<A>& items, Name name) {
  std::string out;
  for (const A& a : items) out += (out.empty() ? "" : "+") + name(a);
  return out;
}
/// The items of "a+b+c", each parsed by `parse` (which throws on an unknown name).
template <class Parse>
auto plus_split(const std::string& text, Parse parse) {
  std::vector<decltype(parse(std::string()))> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t plus = text.find('+', start);
    out.push_back(
        parse(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start)));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return out;
}
}  // namespace

std::string algorithms_name(const std::vector<Algorithm>& algorithms) {
  return plus_joined(algorithms, [](Algorithm a) {
    return std::string(a == Algorithm::gd ? "gd" : a == Algorithm::fa ? "fa" : "fastar");
  });
}

std::vector<Algorithm> parse_algorithms(const std::string& name) {
  return plus_split(name, [](const std::string& s) { return parse_algorithm(s); });
}

std::string deep_algorithms_name(const std::vector<DeepAlgorithm>& algorithms) {
  return plus_joined(algorithms, [](DeepAlgorithm a) {
    std::string name = deep_algorithm_name(a);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    return name;
  });
}

std::vector<DeepAlgorithm> parse_deep_algorithms(const std::string& name) {
  return plus_split(name, [](const std::string& s) { return parse_deep_algorithm(s); });
}

namespace {

/// Nearest-rank quantile of a non-empty list (sorted here); null for an empty one.
json quantile(std::vector<double> v, double p) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  return v[i];
}

json quantiles(const std::vector<double>& v) {
  if (v.empty()) return nullptr;
  return {{"q10", quantile(v, 0.1)}, {"q50", quantile(v, 0.5)}, {"q90", quantile(v, 0.9)}};
}

json finite_or_null(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

struct RunNumbers {
  std::string status;
  long steps = 0;
  double ratio = NAN;       // ||ZW - Y||^2 / opt_r (NaN when opt_r = 0)
  double rel_excess = NAN;  // (||ZW - Y||^2 - opt_r) / ||Y||^2
  double cos_zb = NAN;
  Mat<double> W;
};

/// A deep cell (CellSpec::hidden): every replicate, every deep algorithm, from the deep recipe's
/// start; status and steps per run, and per algorithm the shares diverged / converged / censored
/// and the quantiles of the steps of the converged runs.
json run_deep_cell(const CellSpec& spec) {
  DeepRecipe deep;
  deep.base = spec.recipe;
  deep.hidden = spec.hidden;
  deep.validate();
  std::vector<json> replicates;
  std::map<std::string, std::vector<std::pair<std::string, long>>> runs;
  for (int i = 0; i < spec.replicates; ++i) {
    DeepRecipe rec = deep;
    rec.base.seed = replicate_seed(deep.base.seed, i);
    const DeepInstance<double> inst = materialise_deep<double>(rec);
    const double y2 = inst.Y().squaredNorm();
    double opt = 0;
    for (int q = rec.narrowest(); q < rec.base.k; ++q) opt += inst.base.s(q) * inst.base.s(q);
    const double target = opt / 2 + spec.tol * y2 / 2;
    json rep{{"seed", rec.base.seed}};
    for (DeepAlgorithm alg : spec.deep_algorithms) {
      Layers<double> w = inst.start;
      const double start_loss = deep_loss(w, inst.Y());
      const double bound = 1e8 * std::max(start_loss, y2 / 2);
      DeepWorkspace<double> ws;
      std::string status = "budget exhausted";
      long t = 0;
      for (; t < spec.steps; ++t) {
        deep_step(alg, w, inst.Y(), inst.feedback, inst.eta, ws);
        const double l = deep_loss(w, inst.Y());
        if (!std::isfinite(l) || l > bound) {
          status = "diverged";
          ++t;
          break;
        }
        if (l <= target) {
          status = "converged";
          ++t;
          break;
        }
      }
      runs[deep_algorithm_name(alg)].push_back({status, t});
      rep[deep_algorithm_name(alg)] = {{"status", status}, {"steps", t}};
    }
    replicates.push_back(rep);
  }
  json out;
  out["recipe"] = deep.describe();
  out["replicates"] = spec.replicates;
  out["steps_budget"] = spec.steps;
  out["tol"] = spec.tol;
  out["algorithms"] = deep_algorithms_name(spec.deep_algorithms);
  json per_algorithm = json::object();
  for (DeepAlgorithm alg : spec.deep_algorithms) {
    const auto& list = runs[deep_algorithm_name(alg)];
    const double n = static_cast<double>(list.size());
    std::vector<double> steps;
    int diverged = 0, converged = 0;
    for (const auto& [status, t] : list) {
      diverged += status == "diverged";
      if (status == "converged") ++converged, steps.push_back(static_cast<double>(t));
    }
    per_algorithm[deep_algorithm_name(alg)] = {{"diverged", diverged / n},
                                               {"converged", converged / n},
                                               {"censored", (n - diverged - converged) / n},
                                               {"steps_converged", quantiles(steps)}};
  }
  out["runs"] = per_algorithm;
  out["per_replicate"] = replicates;
  return out;
}

}  // namespace

json run_cell(const CellSpec& spec) {
  if (spec.replicates < 1) throw std::invalid_argument("a cell needs at least 1 replicate");
  if (!spec.hidden.empty()) {
    if (spec.deep_algorithms.empty()) throw std::invalid_argument("a deep cell needs an algorithm");
    return run_deep_cell(spec);
  }
  if (spec.algorithms.empty()) throw std::invalid_argument("a cell needs an algorithm");
  spec.recipe.validate();
  const Recipe& base = spec.recipe;
  const bool both = spec.algorithms.size() > 1;
  std::vector<json> replicates;
  std::map<std::string, std::vector<RunNumbers>> runs;
  std::vector<double> limit_ratios, overlaps, max_angles;
  for (int i = 0; i < spec.replicates; ++i) {
    Recipe rec = base;
    rec.seed = replicate_seed(base.seed, i);
    const Instance<double> inst = materialise<double>(rec);
    const double y2 = inst.Y.squaredNorm();
    json rep{{"seed", rec.seed}};
    std::vector<Mat<double>> finals;
    for (Algorithm alg : spec.algorithms) {
      Factors<double> start = inst.start;
      if (both && alg == Algorithm::gd && rec.init == Init::zero) {
        Recipe small = rec;
        small.init = Init::small;
        start = initial_factors<double>(small);
      }
      RunConfig<double> cfg;
      cfg.algorithm = alg;
      cfg.eta = inst.eta;
      cfg.max_steps = spec.steps;
      cfg.converged_loss = inst.opt_r / 2 + spec.tol * y2 / 2;
      const Trajectory<double> run =
          run_dynamics<double>(reference_dynamics<double>(), inst.Y, inst.B, start, cfg);
      RunNumbers r;
      r.status = status_name(run.status);
      r.steps = run.status == RunStatus::diverged ? run.diverged_at : run.steps_taken;
      const double err = 2 * run.final_loss;
      if (run.status != RunStatus::diverged) {
        if (inst.opt_r > 1e-28 * y2) r.ratio = err / inst.opt_r;
        r.rel_excess = (err - inst.opt_r) / y2;
        r.cos_zb = frobenius_cosine<double>(run.final.Z, inst.B);
      }
      r.W = run.final.W;
      rep[algorithm_name(alg)] = {{"status", r.status},
                                  {"steps", r.steps},
                                  {"ratio", finite_or_null(r.ratio)},
                                  {"rel_excess", finite_or_null(r.rel_excess)},
                                  {"cos_zb", finite_or_null(r.cos_zb)}};
      runs[algorithm_name(alg)].push_back(r);
    }
    if (rec.r < rec.k) {
      // FA's limit error ||Y (I - P)||^2, P the projector onto row(B^T Y) (claim A4).
      const Mat<double> P = row_space_projector<double>(Mat<double>(inst.B.transpose() * inst.Y));
      const double ratio = Mat<double>(inst.Y - inst.Y * P).squaredNorm() / inst.opt_r;
      limit_ratios.push_back(ratio);
      rep["fa_limit_ratio"] = ratio;
    }
    if (both) {
      // The representations: the dominant min(r, k)-dimensional row spaces of W_FA and W_GD
      // (FA from zero keeps W in row(Y), of dimension k, so for r > k only k directions carry
      // it). Principal angles between them: mean cos^2 (1 = the same subspace, ~ d/m for
      // independent random ones) and the largest angle.
      const RunNumbers& a = runs[algorithm_name(spec.algorithms[0])].back();
      const RunNumbers& b = runs[algorithm_name(spec.algorithms[1])].back();
      if (a.status != "diverged" && b.status != "diverged") {
        const int d = std::min(rec.r, rec.k);
        auto dominant_rows = [d](const Mat<double>& W) {
          Eigen::JacobiSVD<Mat<double>> svd(W, Eigen::ComputeThinV);
          return Mat<double>(svd.matrixV().leftCols(d).transpose());
        };
        const Vec<double> cosines =
            principal_angle_cosines<double>(dominant_rows(a.W), dominant_rows(b.W));
        const double overlap = cosines.squaredNorm() / static_cast<double>(cosines.size());
        const double smallest = std::clamp(cosines(cosines.size() - 1), -1.0, 1.0);
        const double angle = std::acos(smallest) * 180.0 / std::acos(-1.0);
        overlaps.push_back(overlap);
        max_angles.push_back(angle);
        rep["fa_gd_overlap"] = overlap;
        rep["fa_gd_max_angle_deg"] = angle;
      }
    }
    replicates.push_back(rep);
  }
  json out;
  out["recipe"] = base.describe();
  out["replicates"] = spec.replicates;
  out["steps_budget"] = spec.steps;
  out["tol"] = spec.tol;
  out["algorithms"] = algorithms_name(spec.algorithms);
  json per_algorithm = json::object();
  for (Algorithm alg : spec.algorithms) {
    const auto& list = runs[algorithm_name(alg)];
    const double n = static_cast<double>(list.size());
    std::vector<double> steps, ratios, excess, cosines;
    int diverged = 0, converged = 0;
    for (const RunNumbers& r : list) {
      diverged += r.status == "diverged";
      if (r.status == "converged") ++converged, steps.push_back(static_cast<double>(r.steps));
      if (std::isfinite(r.ratio)) ratios.push_back(r.ratio);
      if (std::isfinite(r.rel_excess)) excess.push_back(r.rel_excess);
      if (std::isfinite(r.cos_zb)) cosines.push_back(r.cos_zb);
    }
    per_algorithm[algorithm_name(alg)] = {{"diverged", diverged / n},
                                          {"converged", converged / n},
                                          {"censored", (n - diverged - converged) / n},
                                          {"steps_converged", quantiles(steps)},
                                          {"ratio", quantiles(ratios)},
                                          {"rel_excess", quantiles(excess)},
                                          {"cos_zb", quantiles(cosines)}};
  }
  out["runs"] = per_algorithm;
  out["fa_limit_ratio"] = quantiles(limit_ratios);
  out["fa_gd_overlap"] = quantiles(overlaps);
  out["fa_gd_max_angle_deg"] = quantiles(max_angles);
  out["per_replicate"] = replicates;
  return out;
}

std::string cell_command(const CellSpec& spec, const std::string& fa_check) {
  const Recipe& r = spec.recipe;
  std::ostringstream os;
  os << fa_check << " run --n " << r.n << " --m " << r.m << " --rank-of-y " << r.k;
  if (spec.hidden.empty()) {
    os << " --r " << r.r;
  } else {
    os << " --depth " << spec.hidden.size() + 1 << " --widths ";
    for (std::size_t l = 0; l < spec.hidden.size(); ++l) os << (l ? "," : "") << spec.hidden[l];
  }
  os << " --spectrum " << spectrum_name(r.spectrum) << " --spread " << r.spread << " --step-log2 "
     << r.step_log2 << " --b-scale-log2 " << r.b_scale_log2 << " --init " << init_name(r.init)
     << " --init-log2 " << r.init_log2 << " --algo "
     << (spec.hidden.empty() ? algorithms_name(spec.algorithms)
                             : deep_algorithms_name(spec.deep_algorithms))
     << " --steps " << spec.steps << " --tol " << spec.tol << " --seed " << r.seed
     << " --replicates " << spec.replicates;
  return os.str();
}

}  // namespace fa::regimes
