// Figure data from fixed recipes (deterministic) and the gnuplot plots of the report.
#include "reports/report.hpp"

#include "core/child_process.hpp"
#include "core/shell_quote.hpp"

#include "dynamics/trajectory.hpp"
#include "generators/instance.hpp"
#include "generators/random.hpp"
#include "regimes/lillicrap.hpp"

#include <unistd.h>
#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace fa::report {

namespace {

/// The representative instance of the loss and alignment plots: Y 8 x 6 of rank 3 with
/// singular values 1, 2^-1.5, 2^-3 (geometric, condition number 8), B ~ N(0, 1/n), the suite's
/// step size (c = 2^-3). r = 3 is A1's regime (r >= rank Y), r = 2 is A4's (r < rank Y).
Recipe representative(int r) {
  Recipe rec;
  rec.n = 8;
  rec.m = 6;
  rec.k = 3;
  rec.r = r;
  rec.spectrum = Spectrum::geometric;
  rec.spread = 3;
  rec.seed = 1;
  rec.step_log2 = -3;
  rec.init = Init::zero;
  return rec;
}

constexpr long kSteps = 20000;

std::vector<long> checkpoints() {
  std::set<long> s{0};
  for (int i = 0; i <= 160; ++i)
    s.insert(std::lround(std::pow(10.0, i * std::log10(double(kSteps)) / 160)));
  for (long t = 0; t <= kSteps; t += 250) s.insert(t);
  return {s.begin(), s.end()};
}

json trajectory(const Instance<double>& inst, Algorithm algo, const Factors<double>& start,
                const std::string& init) {
  Factors<double> f = start;
  std::vector<long> steps;
  std::vector<double> loss, align, half_w;
  long at = 0;
  RunConfig<double> cfg;
  cfg.algorithm = algo;
  cfg.eta = inst.eta;
  cfg.record_every = 0;
  for (long t : checkpoints()) {
    if (t > at) {
      cfg.max_steps = t - at;
      f = run_dynamics(reference_dynamics<double>(), inst.Y, inst.B, f, cfg).final;
      at = t;
    }
    steps.push_back(t);
    loss.push_back(0.5 * (f.Z * f.W - inst.Y).squaredNorm());
    align.push_back((inst.B.transpose() * f.Z).trace());
    half_w.push_back(0.5 * f.W.squaredNorm());
  }
  return {{"algorithm", algorithm_name(algo)},
          {"init", init},
          {"step", steps},
          {"loss", loss},
          {"alignment", align},
          {"half_w_norm_sq", half_w}};
}

json trajectories(int r) {
  const Recipe rec = representative(r);
  const Instance<double> inst = materialise<double>(rec);
  Recipe small = rec;
  small.init = Init::small;
  const Factors<double> gd_start = initial_factors<double>(small);
  // FA's limit from zero init (A4): 1/2 ||Y (I - P)||^2, P projecting onto row(B^T Y).
  const Eigen::MatrixXd M = inst.B.transpose() * inst.Y;
  const Eigen::MatrixXd P = M.transpose() * (M * M.transpose()).ldlt().solve(M);
  const double fa_limit = 0.5 * (inst.Y - inst.Y * P).squaredNorm();
  json series = json::array();
  series.push_back(trajectory(inst, Algorithm::gd, gd_start, "small (2^-8 N(0,1))"));
  series.push_back(trajectory(inst, Algorithm::fa, inst.start, "zero"));
  series.push_back(trajectory(inst, Algorithm::fa_star, inst.start, "zero"));
  return {{"name", "r" + std::to_string(r)},
          {"recipe", rec.describe()},
          {"r", r},
          {"eta", inst.eta},
          {"half_opt_r", 0.5 * inst.opt_r},
          {"half_fa_limit", fa_limit},
          {"series", series}};
}

/// A5 over k: the construction of the A5.family check (r = 1, n = m = k, clustered spectrum of
/// width (k-1) 2^-10, FA from zero, GD from 2^-8 N(0,1), 3000 steps each), at more sizes.
json a5_sweep() {
  json out = json::array();
  for (int k : {2, 4, 8, 16, 32}) {
    const int draws = 40;
    std::vector<double> cosines;
    double sum_sq = 0;
    for (int i = 0; i < draws; ++i) {
      Recipe rec;
      rec.n = rec.m = rec.k = k;
      rec.r = 1;
      rec.spectrum = Spectrum::clustered;
      rec.spread = 6;
      rec.seed = splitmix64(0xA5A5ull * 1000003ull + static_cast<std::uint64_t>(k * 1000 + i));
      const Instance<double> inst = materialise<double>(rec);
      RunConfig<double> cfg;
      cfg.eta = inst.eta;
      cfg.max_steps = 3000;
      cfg.algorithm = Algorithm::fa;
      const auto fa = run_dynamics(reference_dynamics<double>(), inst.Y, inst.B, inst.start, cfg);
      Recipe small = rec;
      small.init = Init::small;
      cfg.algorithm = Algorithm::gd;
      const auto gd = run_dynamics(reference_dynamics<double>(), inst.Y, inst.B,
                                   initial_factors<double>(small), cfg);
      const double c = std::abs(frobenius_cosine<double>(fa.final.W, gd.final.W));
      cosines.push_back(c);
      sum_sq += c * c;
    }
    out.push_back({{"k", k},
                   {"draws", draws},
                   {"rms_abs_cos", std::sqrt(sum_sq / draws)},
                   {"abs_cos", cosines}});
  }
  return out;
}

std::string num(double x) {
  std::ostringstream os;
  os << std::setprecision(17) << x;
  return os.str();
}

std::string slope_text(const json& slope) {
  if (!slope.is_number()) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", slope.get<double>());
  return buf;
}

std::string gnuplot_binary() {
  if (const char* env = std::getenv("FA_GNUPLOT")) return env;
  return "gnuplot";
}

const char* kHeader =
    "set terminal svg size 760,430 font 'DejaVu Sans,12' background rgb 'white'\n"
    "set termoption noenhanced\n"
    "set grid lc rgb '#dddddd'\n"
    "set key top right box opaque\n"
    "set border lc rgb '#444444'\n";

}  // namespace

json compute_figures() {
  json f;
  f["note"] =
      "Computed by fa-report from fixed recipes (double precision); illustrations, not "
      "checks. FA* is our reconstruction.";
  f["trajectories"] = json::array({trajectories(3), trajectories(2)});
  f["a5_sweep"] = a5_sweep();
  // Lillicrap et al.'s 30-20-10 experiment (docs/claims-literature.md), seed 1: 3000 steps of 20
  // samples, about 0.1 s in double.
  f["lillicrap"] =
      regimes::lillicrap_json(regimes::lillicrap_experiment(regimes::LillicrapSettings{}));
  return f;
}

bool draw_svg(const fs::path& tmp, const fs::path& out_dir, const std::string& name,
              const std::string& title, const std::string& caption, const std::string& script,
              std::vector<Plot>& plots) {
  const fs::path svg_tmp = tmp / (name + ".svg");
  const fs::path gp = tmp / (name + ".gp");
  std::ofstream(gp) << kHeader << "set output " << shell_quote(svg_tmp.string()) << "\n"
                    << "set title " << shell_quote(title) << "\n"
                    << script;
  const int rc = run_tied_child({gnuplot_binary(), gp.string()}, (tmp / (name + ".err")).string());
  if (rc != 0 || !fs::exists(svg_tmp)) return false;
  const std::string svg = read_text(svg_tmp);
  write_atomically(out_dir / (name + ".svg"), svg);
  plots.push_back({name, title, caption, svg});
  return true;
}

std::string gnuplot_quote(const std::string& s) {
  return shell_quote(s);
}

std::string gnuplot_version() {
  std::string out;
  if (FILE* p = ::popen((shell_quote(gnuplot_binary()) + " --version 2>/dev/null").c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    if (::pclose(p) != 0) return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::vector<Plot> draw_plots(const json& report, const fs::path& dir, std::string& status,
                             bool enabled) {
  std::vector<Plot> plots;
  if (!enabled) {
    status = "skipped: --no-plots";
    return plots;
  }
  if (gnuplot_version().empty()) {
    status =
        "skipped: gnuplot not found (" + gnuplot_binary() + "); install gnuplot-nox for the plots";
    return plots;
  }
  const fs::path out_dir = dir / "plots";
  const fs::path tmp = dir / (".plots.tmp." + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::create_directories(out_dir);
  auto data_file = [&](const std::string& name, const std::string& text) {
    std::ofstream(tmp / name) << text;
    return shell_quote((tmp / name).string());
  };
  std::vector<std::string> failed;
  auto draw = [&](const std::string& name, const std::string& title, const std::string& caption,
                  const std::string& script) {
    if (!draw_svg(tmp, out_dir, name, title, caption, script, plots)) failed.push_back(name);
  };

  // 1-2. Loss curves and 3. alignment, from the figure trajectories.
  const json& figs = report["figures"];
  const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c"};
  for (const auto& tr : figs["trajectories"]) {
    const std::string name = tr["name"];
    std::string plot_cmd = "plot ";
    int i = 0;
    for (const auto& s : tr["series"]) {
      std::ostringstream d;
      for (std::size_t j = 0; j < s["step"].size(); ++j)
        d << s["step"][j].get<long>() << " " << num(s["loss"][j]) << " " << num(s["alignment"][j])
          << " " << num(s["half_w_norm_sq"][j]) << "\n";
      const std::string file = data_file(name + "_" + std::to_string(i) + ".dat", d.str());
      std::string label = s["algorithm"].get<std::string>();
      if (label == "FA*") label += " (our reconstruction)";
      label += ", " + s["init"].get<std::string>() + " init";
      plot_cmd += std::string(i ? ", " : "") + file + " using 1:2 with lines lw 2 lc rgb '" +
                  colours[i % 3] + "' title " + shell_quote(label);
      ++i;
    }
    const int r = tr["r"];
    plot_cmd += ", " + num(tr["half_opt_r"]) +
                " with lines dt 2 lw 1.5 lc rgb '#555555' title 'opt_r / 2 (best rank-r loss)'";
    if (r == 2)
      plot_cmd += ", " + num(tr["half_fa_limit"]) +
                  " with lines dt 3 lw 1.5 lc rgb '#d62728' title 'FA limit 1/2 ||Y(I-P)||^2'";
    std::string script =
        "set logscale y\nset format y '1e%T'\nset xlabel 'step'\n"
        "set ylabel 'loss 1/2 ||ZW - Y||^2'\nset key bottom left\n";
    if (r < 3)
      script +=
          "set yrange [" + num(tr["half_opt_r"].get<double>() / 4) + ":*]\nset key top right\n";
    else
      script += "set yrange [1e-34:*]\n";
    draw("loss_" + name,
         "Loss, r = " + std::to_string(r) + (r == 3 ? " = rank Y (A1)" : " < rank Y = 3 (A4)"),
         "GD, FA and FA* on " + tr["recipe"].get<std::string>() + ", eta = " + num(tr["eta"]) +
             (r == 3 ? ". r >= rank(Y): all three reach zero loss (A1, A3); the floor is "
                       "double's rounding."
                     : ". r < rank(Y): GD reaches opt_r; FA stops at 1/2 ||Y(I-P)||^2 > "
                       "opt_r/2 (A4, the separation)."),
         script + plot_cmd + "\n");
  }
  {
    const json& tr = figs["trajectories"][0];
    std::string plot_cmd = "plot ";
    const char* dashes[] = {"1", "2"};
    int i = 0;
    for (std::size_t s = 1; s < tr["series"].size(); ++s, ++i) {
      const std::string file = shell_quote(
          (tmp / (tr["name"].get<std::string>() + "_" + std::to_string(s) + ".dat")).string());
      std::string label = tr["series"][s]["algorithm"];
      if (label == "FA*") label += " (reconstruction)";
      plot_cmd += std::string(i ? ", " : "") + file + " using ($1+1):3 with lines lw 2.5 dt " +
                  dashes[0] + " lc rgb '" + colours[s] + "' title " +
                  shell_quote(label + ": tr(B^T Z)") + ", " + file +
                  " using ($1+1):4 with lines lw 1.5 dt " + dashes[1] + " lc rgb '#000000' title " +
                  shell_quote(label + ": 1/2 ||W||^2");
    }
    draw("alignment", "Alignment: tr(B^T Z_t) against 1/2 ||W_t||^2 (A2, X2, X7)",
         "FA and FA* from zero init on " + tr["recipe"].get<std::string>() +
             ". X2: tr(B^T Z_t) = 1/2 ||W_t||^2 - 1/2 eta^2 sum_s ||B^T E_s||^2 under FA; "
             "equality under FA* (X7). x axis: step + 1, log scale.",
         "set logscale x\nset xlabel 'step + 1'\nset ylabel 'value'\nset key bottom right\n" +
             plot_cmd + "\n");
  }

  // 4. A4 family: separation ratio err_FA / opt_1 against alpha.
  {
    std::string plot_cmd;
    int k_double = 0;
    int i = 0;
    for (const auto& c : report["claims"]) {
      if (c["id"] != "A4.family" || !c["extra"].contains("family")) continue;
      std::ostringstream d;
      int k = 0;
      for (const auto& row : c["extra"]["family"]) {
        d << num(row["alpha"]) << " " << num(row["median"]) << " " << num(row["q10"]) << " "
          << num(row["q90"]) << "\n";
        k = row["k"];
      }
      if (c["scalar"] == "double") k_double = k;
      const std::string file = data_file("a4_" + c["scalar"].get<std::string>() + ".dat", d.str());
      plot_cmd += std::string(i ? ", " : "") + file + " using ($1*" + (i ? "1.08" : "0.93") +
                  "):2:3:4 with yerrorbars pt 7 ps 0.8 lc rgb '" + colours[i % 3] + "' title " +
                  shell_quote("median and 10-90% of err_FA/opt_1, " +
                              c["scalar"].get<std::string>() + " (k = " + std::to_string(k) + ")");
      ++i;
    }
    if (i > 0) {
      const int k = k_double ? k_double : 64;
      plot_cmd +=
          ", 1 + (1 - x/" + std::to_string(k - 1) +
          ")/(0.45493642311957 + x) with lines lw 2 lc rgb '#555555' title " +
          shell_quote("predicted median 1 + (1 - delta^2)/(q + alpha), k = " + std::to_string(k));
      draw("a4_family", "Separation: err_FA / opt_1 over the A4 family (r = 1)",
           "Each point: one case of the A4.family check (draws of U, V, b at one alpha). The ratio "
           "is far from 1 and its median grows as alpha -> 0, as the formula predicts; the 90% "
           "quantile grows without bound.",
           "set logscale xy\nset xrange [0.008:2]\nset xlabel 'alpha = sum_{i>1} sigma_i^2'\n"
           "set ylabel 'err_FA / opt_1'\nset key top right\nplot " +
               plot_cmd + "\n");
    }
  }

  // 5. A5: |cos| between FA and GD representations against k, with 1/sqrt(k).
  {
    std::ostringstream pts, rms;
    for (const auto& row : figs["a5_sweep"]) {
      const int k = row["k"];
      int j = 0;
      for (const auto& c : row["abs_cos"]) {
        const double jitter = 1.0 + 0.12 * ((j++ % 9) - 4) / 4.0;
        pts << num(k * jitter) << " " << num(c) << "\n";
      }
      rms << k << " " << num(row["rms_abs_cos"]) << "\n";
    }
    std::string plot_cmd = "plot " + data_file("a5_pts.dat", pts.str()) +
                           " using 1:2 with points pt 7 ps 0.35 lc rgb '#9ecae1' title "
                           "'|cos| per draw (fa-report sweep)', " +
                           data_file("a5_rms.dat", rms.str()) +
                           " using 1:2 with linespoints pt 5 ps 1 lw 2 lc rgb '#1f77b4' title "
                           "'RMS |cos| (sweep)'";
    std::ostringstream claim_rms;
    for (const auto& c : report["claims"]) {
      if (c["id"] != "A5.family" || !c["extra"].contains("family")) continue;
      for (const auto& row : c["extra"]["family"])
        claim_rms << num(row["k"]) << " "
                  << num(std::sqrt(row["mean_k_cos2"].get<double>() / row["k"].get<double>()))
                  << "\n";
    }
    if (!claim_rms.str().empty())
      plot_cmd += ", " + data_file("a5_claim.dat", claim_rms.str()) +
                  " using 1:2 with points pt 9 ps 1.6 lc rgb '#d62728' title "
                  "'RMS |cos| per case of the A5.family check'";
    plot_cmd += ", 1/sqrt(x) with lines lw 2 dt 2 lc rgb '#333333' title '1/sqrt(k)'";
    draw("a5_cos", "Representations: |cos(W_FA, W_GD)| against k (A5)",
         "r = 1, n = m = k, clustered spectrum; FA from zero, GD from small init, 3000 steps. "
         "The representations are near-orthogonal: |cos| ~ 1/sqrt(k), while the errors are "
         "nearly equal (A5).",
         "set logscale xy\nset xrange [1.5:45]\nset yrange [0.003:1.2]\nset xlabel 'k = rank Y'\n"
         "set ylabel '|cos|'\nset key bottom left\n" +
             plot_cmd + "\n");
  }

  // 6. Lillicrap et al.'s 30-20-10 experiment: the FA/BP hidden-update angle and the losses.
  if (figs.contains("lillicrap")) {
    const json& lil = figs["lillicrap"];
    std::ostringstream d;
    for (std::size_t j = 0; j < lil["step"].size(); ++j)
      d << lil["step"][j].get<long>() << " " << num(lil["angle_deg"][j]) << " "
        << num(lil["loss_fa"][j]) << " " << num(lil["loss_bp"][j]) << "\n";
    const std::string file = data_file("lillicrap.dat", d.str());
    const json& st = lil["settings"];
    const std::string setting =
        "Linear network 30-20-10, x ~ N(0, I), A U[-1, 1], weights U[-0.01, 0.01], B U[-0.5, "
        "0.5]; minibatches of " +
        std::to_string(st["batch"].get<int>()) + ", eta = " + num(st["eta"]) + ", seed " +
        std::to_string(st["seed"].get<std::uint64_t>()) + ". ";
    draw("lillicrap_angle",
         "Lillicrap et al., 30-20-10: angle between the FA and BP hidden updates",
         setting +
             "The angle between FA's hidden update B^T e x^T and the update backprop would "
             "make at FA's weights; Lillicrap et al. report a fall from about 85 to about 30 "
             "degrees.",
         "set xlabel 'step'\nset ylabel 'degrees'\nset yrange [0:95]\nset key top right\nplot " +
             file +
             " using 1:2 with lines lw 2 lc rgb '#d62728' title 'angle(FA update, BP update)'"
             ", 90 with lines dt 2 lc rgb '#555555' title '90 degrees'\n");
    draw("lillicrap_loss", "Lillicrap et al., 30-20-10: expected loss of BP and FA",
         setting +
             "Expected loss 1/2 ||ZW - A||_F^2 (E[x x^T] = I) of the two networks, trained on "
             "the same minibatches from the same start.",
         "set logscale y\nset format y '1e%T'\nset xlabel 'step'\nset ylabel 'loss'\n"
         "set key top right\nplot " +
             file +
             " using 1:4 with lines lw 2 lc rgb '#1f77b4' title "
             "'BP', " +
             file + " using 1:3 with lines lw 2 lc rgb '#d62728' title 'FA'\n");
  }

  // 7. Precision ladder: residual against eps per identity.
  {
    std::string plot_cmd;
    int i = 0;
    const char* pal[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    for (const auto& l : report["ladders"]) {
      if (l["rungs"].empty()) continue;
      std::ostringstream d;
      for (const auto& g : l["rungs"])
        d << num(g["eps"]) << " "
          << num(g["residual"].get<double>() > 0 ? g["residual"].get<double>()
                                                 : g["eps"].get<double>())
          << "\n";
      const std::string id = l["id"];
      plot_cmd += std::string(i ? ", " : "") + data_file("ladder_" + id + ".dat", d.str()) +
                  " using 1:2 with linespoints pt " + std::to_string(4 + i % 6) +
                  " ps 1 lw 1.5 lc rgb '" + pal[i % 10] + "' title " +
                  shell_quote(id + " (slope " + slope_text(l["slope"]) + ")");
      ++i;
    }
    if (i > 0) {
      plot_cmd += ", x with lines dt 2 lw 1.5 lc rgb '#000000' title 'residual = eps (slope 1)'";
      draw("ladder", "Precision ladder: relative residual against eps (53 to 400 bits)",
           "Each exact identity on its fixed instance at 53, 114, 201 and 400 bits. A true "
           "identity's residual is rounding: it falls with eps (slope ~1); an approximate one's "
           "would stay flat (slope ~0). A residual of exactly 0 (every rounding happened to be "
           "exact) is drawn at eps, as the slope fit counts it.",
           "set logscale xy\nset format x '1e%T'\nset format y '1e%T'\nset xlabel 'eps = "
           "2^(1-bits)'\n"
           "set ylabel 'relative residual'\nset key bottom right\nplot " +
               plot_cmd + "\n");
    }
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  status = "written (" + std::to_string(plots.size()) + " plots, " + gnuplot_version() + ")";
  if (!failed.empty()) {
    status += "; gnuplot failed on:";
    for (const auto& f : failed) status += " " + f;
  }
  return plots;
}

}  // namespace fa::report
