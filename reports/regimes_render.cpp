// The regime map's part of the report: heatmaps (gnuplot) of <dir>/regimes.json, written by
// fa-map (regimes/), and its section in claims.md and index.html: the findings (stability
// edges, slowest regime, widest separation), the heatmaps, and every cell with the command that
// recomputes it.
#include "reports/report.hpp"

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace fa::report {

namespace {

const double kMissing = std::numeric_limits<double>::quiet_NaN();  // a cell without a value

double number_or(const json& j, double fallback) {
  return j.is_number() ? j.get<double>() : fallback;
}

const json& cells_of(const json& regimes, const char* grid) {
  static const json empty = json::array();
  if (!regimes.contains("grids") || !regimes["grids"].contains(grid)) return empty;
  return regimes["grids"][grid]["cells"];
}

/// A heatmap over two categorical axes: values[y][x] colour the cells, labels[y][x] are printed.
struct Heatmap {
  std::string name, title, caption, xlabel, ylabel, cblabel;
  std::vector<std::string> xs, ys;
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::string>> labels;
  double lo = 0, hi = 1;
  std::string palette = "(0 '#ffffff', 1 '#d62728')";
};

std::string tics(const std::vector<std::string>& names) {
  std::string out = "(";
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i ? ", " : "") + gnuplot_quote(names[i]) + " " + std::to_string(i);
  return out + ")";
}

void draw_heatmap(const Heatmap& h, const fs::path& tmp, const fs::path& out_dir,
                  std::vector<Plot>& plots) {
  if (h.xs.size() < 2 || h.ys.size() < 2) return;  // gnuplot's image needs a 2 x 2 grid
  std::ofstream data(tmp / (h.name + ".dat")), labels(tmp / (h.name + ".labels"));
  for (std::size_t y = 0; y < h.ys.size(); ++y)
    for (std::size_t x = 0; x < h.xs.size(); ++x) {
      const double v = h.values[y][x];
      data << x << " " << y << " " << (std::isfinite(v) ? v : h.lo) << "\n";
      labels << x << " " << y << " \"" << h.labels[y][x] << "\"\n";
    }
  data.close();
  labels.close();
  std::ostringstream gp;
  gp << "set xrange [-0.5:" << h.xs.size() - 0.5 << "]\nset yrange [-0.5:" << h.ys.size() - 0.5
     << "]\nset xtics " << tics(h.xs) << "\nset ytics " << tics(h.ys) << "\nset xlabel "
     << gnuplot_quote(h.xlabel) << "\nset ylabel " << gnuplot_quote(h.ylabel) << "\nset cblabel "
     << gnuplot_quote(h.cblabel) << "\nset cbrange [" << h.lo << ":" << h.hi
     << "]\nset palette defined " << h.palette << "\nunset key\nunset grid\nset tics scale 0\n"
     << "plot " << gnuplot_quote((tmp / (h.name + ".dat")).string()) << " using 1:2:3 with image, "
     << gnuplot_quote((tmp / (h.name + ".labels")).string())
     << " using 1:2:3 with labels font ',9'\n";
  draw_svg(tmp, out_dir, h.name, h.title, h.caption, gp.str(), plots);
}

/// Index of a value in an ordered list of axis labels (appending it when new).
std::size_t axis_index(std::vector<std::string>& axis, const std::string& label) {
  for (std::size_t i = 0; i < axis.size(); ++i)
    if (axis[i] == label) return i;
  axis.push_back(label);
  return axis.size() - 1;
}

/// Fills a heatmap from a grid's cells: x/y label and value/label functions of the cell.
void fill(Heatmap& h, const json& cells, const std::function<bool(const json&)>& take,
          const std::function<std::string(const json&)>& x,
          const std::function<std::string(const json&)>& y,
          const std::function<std::pair<double, std::string>(const json&)>& value) {
  struct Entry {
    std::size_t x, y;
    double v;
    std::string text;
  };
  std::vector<Entry> entries;
  for (const auto& c : cells) {
    if (!take(c)) continue;
    const auto [v, text] = value(c);
    entries.push_back({axis_index(h.xs, x(c)), axis_index(h.ys, y(c)), v, text});
  }
  h.values.assign(h.ys.size(), std::vector<double>(h.xs.size(), kMissing));
  h.labels.assign(h.ys.size(), std::vector<std::string>(h.xs.size(), "n/a"));
  for (const auto& e : entries) h.values[e.y][e.x] = e.v, h.labels[e.y][e.x] = e.text;
}

std::string pow2(const json& v) {
  return v.is_null() ? std::string("-") : "2^" + v.dump();
}

}  // namespace

std::vector<Plot> draw_regime_plots(const json& regimes, const fs::path& dir, bool enabled) {
  std::vector<Plot> plots;
  if (!enabled || !regimes.is_object() || gnuplot_version().empty()) return plots;
  const fs::path out_dir = dir / "plots";
  const fs::path tmp = dir / (".regime-plots.tmp." + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::create_directories(out_dir);

  for (const char* alg : {"FA", "GD"}) {
    Heatmap h;
    h.name = std::string("regimes-stability-") + (alg[0] == 'F' ? "fa" : "gd");
    h.title = std::string("Stability edge (") + alg + "): fraction of runs that diverge";
    h.caption = std::string(alg) +
                " from small init 2^-8 on 16 x 16 instances of rank 4 = r; "
                "eta = c / (sigma_1 max(1, ||B||_2^2)), B = 2^b N(0, 1/n). Divergence: the loss "
                "above 1e8 times its scale, or not finite, within the budget.";
    h.xlabel = "c";
    h.ylabel = "scale of B";
    h.cblabel = "diverged";
    fill(
        h, cells_of(regimes, "stability"), [](const json&) { return true; },
        [](const json& c) { return pow2(c["at"]["c_log2"]); },
        [](const json& c) { return pow2(c["at"]["b_scale_log2"]); },
        [alg](const json& c) {
          const double d = c["result"]["runs"][alg]["diverged"].get<double>();
          return std::make_pair(d, fmt(d, "%.2f"));
        });
    draw_heatmap(h, tmp, out_dir, plots);
  }
  {
    Heatmap h;
    h.name = "regimes-separation";
    h.title = "Separation: err_FA / opt_r, median [10%, 90%]";
    h.caption =
        "FA's limit error ||Y(I-P)||^2 over opt_r (the limit FA converges to, claim A4), "
        "over the cell's instances; colour log10 of the median. k = 8; the gap is "
        "sigma_r / sigma_{r+1} (near-ties: sigma_{r+1} = 1 - 2^-s).";
    h.xlabel = "r / k";
    h.ylabel = "gap sigma_r / sigma_{r+1}";
    h.cblabel = "log10 median ratio";
    h.palette = "(0 '#ffffff', 1 '#1f77b4')";
    fill(
        h, cells_of(regimes, "separation"), [](const json&) { return true; },
        [](const json& c) { return fmt(c["at"]["r_over_k"].get<double>(), "%.3g"); },
        [](const json& c) { return fmt(c["at"]["gap"].get<double>(), "%.4g"); },
        [](const json& c) {
          const json& q = c["result"]["fa_limit_ratio"];
          if (q.is_null()) return std::make_pair(kMissing, std::string("n/a"));
          const double m = q["q50"].get<double>();
          return std::make_pair(std::log10(m), fmt(m, "%.3g") + " [" +
                                                   fmt(q["q10"].get<double>(), "%.3g") + ", " +
                                                   fmt(q["q90"].get<double>(), "%.3g") + "]");
        });
    double hi = 0.1;
    for (const auto& row : h.values)
      for (double v : row)
        if (std::isfinite(v)) hi = std::max(hi, v);
    h.hi = hi;
    draw_heatmap(h, tmp, out_dir, plots);
  }
  for (const char* alg : {"FA", "GD"}) {
    Heatmap h;
    h.name = std::string("regimes-speed-") + (alg[0] == 'F' ? "fa" : "gd");
    h.title =
        std::string("Speed (") + alg + "): median steps to 1e-10 relative loss; censored share";
    h.caption =
        "10 x 10, k = 3, c = 2^-3; steps until 1/2||ZW-Y||^2 <= opt_r/2 + 1e-10 "
        "1/2||Y||^2, median over the runs that got there; 'c' is the share censored at "
        "the budget (no convergence within it). Colour: log10 median steps (censored "
        "cells at the budget).";
    h.xlabel = "r - k";
    h.ylabel = "init";
    h.cblabel = "log10 steps";
    h.palette = "(0 '#ffffff', 1 '#2ca02c')";
    double budget = 1;
    fill(
        h, cells_of(regimes, "speed"), [alg](const json& c) { return c["at"]["algorithm"] == alg; },
        [](const json& c) { return c["at"]["r_minus_k"].dump(); },
        [](const json& c) { return c["at"]["init"].get<std::string>(); },
        [alg, &budget](const json& c) {
          const json& r = c["result"]["runs"][alg];
          budget = std::max(budget, number_or(c["result"]["steps_budget"], 1));
          const double censored = r["censored"].get<double>();
          std::string text = r["steps_converged"].is_null()
                                 ? std::string("-")
                                 : fmt(r["steps_converged"]["q50"].get<double>(), "%.3g");
          if (censored > 0) text += " c" + fmt(100 * censored, "%.0f") + "%";
          const double v =
              r["steps_converged"].is_null()
                  ? std::log10(number_or(c["result"]["steps_budget"], 1))
                  : std::log10(std::max(1.0, r["steps_converged"]["q50"].get<double>()));
          return std::make_pair(v, text);
        });
    h.hi = std::log10(budget);
    draw_heatmap(h, tmp, out_dir, plots);
  }
  {
    Heatmap h;
    h.name = "regimes-alignment";
    h.title = "Alignment at the end of the budget (medians)";
    h.caption =
        "FA from zero, GD from 2^-8 N(0,1), 12 x 12, k = 4, c = 2^-3. cos(Z, B): FA's "
        "output layer against the feedback. overlap: mean cos^2 of the principal angles "
        "between the dominant min(r,k)-dimensional row spaces of W_FA and W_GD (1: the "
        "same representation).";
    h.xlabel = "r / k";
    h.ylabel = "";
    h.cblabel = "value";
    h.palette = "(0 '#ffffff', 1 '#9467bd')";
    // Two rows, one per metric: each cell of the grid gives a value in both.
    auto median_of = [](const json& q) {
      if (q.is_null()) return std::make_pair(kMissing, std::string("n/a"));
      const double v = q["q50"].get<double>();
      return std::make_pair(v, fmt(v, "%.3f"));
    };
    h.ys = {"cos(Z, B) of FA", "FA-GD overlap"};
    h.values.assign(2, {});
    h.labels.assign(2, {});
    for (const auto& c : cells_of(regimes, "alignment")) {
      h.xs.push_back(fmt(c["at"]["r_over_k"].get<double>(), "%.3g"));
      const json* sources[] = {&c["result"]["runs"]["FA"]["cos_zb"], &c["result"]["fa_gd_overlap"]};
      for (int row = 0; row < 2; ++row) {
        const auto [v, text] = median_of(*sources[row]);
        h.values[static_cast<std::size_t>(row)].push_back(v);
        h.labels[static_cast<std::size_t>(row)].push_back(text);
      }
    }
    draw_heatmap(h, tmp, out_dir, plots);
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return plots;
}

namespace {

/// The findings as lines of text (shared by Markdown and HTML).
std::vector<std::string> finding_lines(const json& regimes) {
  std::vector<std::string> lines;
  const json f = regimes.value("findings", json::object());
  if (f.contains("stability_edges")) {
    for (const auto& [alg, list] : f["stability_edges"]["by_algorithm"].items()) {
      std::string line = alg +
                         " stability edge (largest c with no divergence / first c with >= "
                         "half diverging), per scale of B:";
      for (const auto& e : list)
        line += " B=" + pow2(e["b_scale_log2"]) + ": " + pow2(e["largest_stable_c_log2"]) + " / " +
                pow2(e["first_unstable_c_log2"]) + ";";
      lines.push_back(line);
    }
  }
  if (f.contains("slowest_regime")) {
    for (const auto& [alg, s] : f["slowest_regime"].items())
      lines.push_back("Slowest regime of " + alg + ": " + s["at"].dump() + ", censored " +
                      fmt(100 * s["censored"].get<double>(), "%.0f") + "% at a budget of " +
                      s["steps_budget"].dump() + " steps, median of the converged " +
                      fmt(s["median_steps_of_converged"].get<double>(), "%.3g") +
                      " (reproduce: " + s["command"].get<std::string>() + ")");
  }
  if (f.contains("widest_separation")) {
    const json& s = f["widest_separation"];
    lines.push_back("Widest separation: " + s["at"].dump() + ", err_FA/opt_r median " +
                    fmt(s["fa_limit_ratio"]["q50"].get<double>(), "%.3g") +
                    " (90%: " + fmt(s["fa_limit_ratio"]["q90"].get<double>(), "%.3g") + ")");
  }
  return lines;
}

}  // namespace

std::string regimes_markdown(const json& regimes, const std::vector<Plot>& plots) {
  if (!regimes.is_object() || !regimes.contains("grids")) return "";
  std::ostringstream os;
  os << "\n## The regime map: when FA works\n\n"
     << markdown_escape(regimes.value("note", "")) << " Written by `fa-map`"
     << (regimes.value("reduced", false) ? " (reduced map)" : "") << ", depth "
     << regimes.value("depth", 1) << ".\n\n";
  for (const auto& line : finding_lines(regimes)) os << "- " << markdown_escape(line) << "\n";
  os << "\n";
  for (const auto& p : plots)
    os << "### " << markdown_escape(p.title) << "\n\n![" << markdown_escape(p.title) << "](plots/"
       << p.name << ".svg)\n\n"
       << markdown_escape(p.caption) << "\n\n";
  for (const auto& [grid, g] : regimes["grids"].items()) {
    os << "### Cells: " << grid << "\n\n"
       << markdown_escape(g.value("instance", "")) << "\n\n"
       << "| cell | at | command |\n|---|---|---|\n";
    for (const auto& c : g["cells"])
      os << "| " << c["index"] << " | " << markdown_escape(c["at"].dump()) << " | `"
         << c["command"].get<std::string>() << "` |\n";
    os << "\n";
  }
  return os.str();
}

std::string regimes_html(const json& regimes, const std::vector<Plot>& plots) {
  if (!regimes.is_object() || !regimes.contains("grids")) return "";
  std::ostringstream os;
  os << "<h2 id=\"regimes\">The regime map: when FA works</h2>\n<p class=\"note\">"
     << html_escape(regimes.value("note", "")) << " Written by fa-map"
     << (regimes.value("reduced", false) ? " (reduced map)" : "") << ", depth "
     << regimes.value("depth", 1) << ". Data: regimes.json.</p>\n<ul>\n";
  for (const auto& line : finding_lines(regimes)) os << "<li>" << html_escape(line) << "</li>\n";
  os << "</ul>\n";
  for (const auto& p : plots) os << figure_html(p);
  for (const auto& [grid, g] : regimes["grids"].items()) {
    os << "<details><summary>Cells of the " << html_escape(grid) << " grid (" << g["cells"].size()
       << "), each with the command that recomputes it</summary><p>"
       << html_escape(g.value("instance", "")) << "</p><table><tr><th>cell</th><th>at</th>"
       << "<th>command</th></tr>\n";
    for (const auto& c : g["cells"])
      os << "<tr><td>" << c["index"] << "</td><td>" << html_escape(c["at"].dump())
         << "</td><td><code>" << html_escape(c["command"].get<std::string>())
         << "</code></td></tr>\n";
    os << "</table></details>\n";
  }
  return os.str();
}

}  // namespace fa::report
