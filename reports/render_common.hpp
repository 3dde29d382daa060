// What claims.md (reports/render_markdown.cpp) and index.html (reports/render_html.cpp) both
// use: escaping, verdict and strength labels, and the sections built once and rendered twice.
// Internal to fa-report (and reports/kill_matrix.cpp); the page renderers' entry points are in
// reports/report.hpp.
#pragma once

#include "reports/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fa::report::render_detail {

inline std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

inline std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '`' || c == '*' || c == '_' || c == '|' || c == '<' || c == '>' ||
        c == '[' || c == ']')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

inline std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

inline std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += t[v >> 18 & 63], out += t[v >> 12 & 63], out += t[v >> 6 & 63], out += t[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16;
    out += t[v >> 18 & 63], out += t[v >> 12 & 63], out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += t[v >> 18 & 63], out += t[v >> 12 & 63], out += t[v >> 6 & 63], out += '=';
  }
  return out;
}

struct Verdict {
  std::string text;
  std::string cls;  // ok, okc (refuted conjecture), bad
};

inline Verdict verdict_of(const std::string& v, const std::string& expected) {
  if (v == "error") return {"error ✗", "bad"};
  if (expected == "refuted") {
    if (v == "refuted") return {"refuted ✓ (expected)", "okc"};
    return {"not refuted ✗ (" + v + ")", "bad"};
  }
  if (v == "verified") return {"verified ✓", "ok"};
  return {v + " ✗", "bad"};
}

inline std::string source_label(const std::string& s) {
  if (s == "paper-abstract") return "paper abstract";
  if (s == "conjecture") return "conjecture";
  return s;
}

/// A user claim (faverify.user) none of whose falsifiers flipped: nothing shows that its check
/// can fail, so the report says so beside it.
inline bool unchecked_user_claim(const json& c) {
  if (!c.contains("extra") || !c["extra"].contains("user")) return false;
  return c["extra"]["user"].value("falsifier_flipped", false) == false;
}
inline const char* const kUncheckedText =
    "no falsifier of this user claim flips, so its check is not shown to be able to fail";

inline std::string statement_label(const std::string& s) {
  if (s == "paper-abstract") return "Our formalisation of a statement of the paper's abstract";
  if (s == "conjecture") return "Conjecture (plausible, believed false: the suite must refute it)";
  if (s == "user") return "A user's claim, stated in Python (faverify.user; docs/user-claims.md)";
  if (s == "literature")
    return "Our formalisation of a statement from the feedback-alignment literature (formalised "
           "from the abstract, docs/claims-literature.md)";
  return "Derived fact (ours, with a proof sketch in docs/claims.md)";
}

inline std::string time_text(const json& j) {
  return j.contains("seconds") && j["seconds"].is_number()
             ? fmt(j["seconds"].get<double>(), "%.2f s")
             : "";
}

inline std::string margin_text(const json& wm) {
  if (!wm.is_object()) return "–";
  return fmt(wm["margin"].get<double>());
}

/// One line on the region a (claim, scalar) drew (claims.json "region", checks/region.hpp).
inline std::string region_text(const json& e) {
  if (!e.contains("region") || !e["region"].is_object()) return "";
  const json& r = e["region"];
  std::ostringstream os;
  os << str(e, "scalar") << ": " << r["cases"] << " cases, " << r["discards"] << " discarded ("
     << fmt(100 * r["discard_rate"].get<double>(), "%.0f") << "%)";
  const json& d = r["drawn"];
  if (d.is_object()) {
    auto range = [](const json& list) {
      if (!list.is_array() || list.empty()) return std::string("-");
      return list.front().dump() + ".." + list.back().dump();
    };
    auto join = [](const json& list) {
      std::string out;
      for (const auto& x : list) out += (out.empty() ? "" : ", ") + x.get<std::string>();
      return out;
    };
    os << "; n " << range(d["n"]) << ", m " << range(d["m"]) << ", k <= " << d["k_max"]
       << ", r <= " << d["r_max"] << "; c 2^" << range(d["c_log2"]) << "; B scale 2^"
       << range(d["b_scale_log2"]) << "; init " << join(d["inits"]) << "; spectra "
       << join(d["spectra"]) << " (" << join(d["rank_relations"])
       << "); sigma_k/sigma_1 >= " << fmt(d["min_sigma_k_over_sigma_1"].get<double>(), "%.3g");
    if (d["min_gap_sigma_r_over_sigma_r1"].is_number())
      os << ", sigma_r/sigma_{r+1} >= "
         << fmt(d["min_gap_sigma_r_over_sigma_r1"].get<double>(), "%.4g");
  }
  return os.str();
}

inline std::map<std::string, std::vector<const json*>> by_id(const json& report) {
  std::map<std::string, std::vector<const json*>> m;
  for (const auto& c : report["claims"]) m[c["id"].get<std::string>()].push_back(&c);
  return m;
}

inline const json* ladder_of(const json& report, const std::string& id) {
  for (const auto& l : report["ladders"])
    if (l["id"] == id) return &l;
  return nullptr;
}

inline const char* const kScalars[] = {"double", "mp", "exact", "ladder"};

/// The three strengths of a verdict (docs/strengths.md), as the report explains them.
inline const char* const kStrengthLegend =
    "Strength: **proved**: for all inputs (symbolically for every shape, or for every shape "
    "n, m <= 4 with the Schwartz-Zippel error probability stated); **certified**: proved in exact "
    "arithmetic for each instance run, one at a time; **tested**: no counterexample in the random "
    "cases. A claim is proved when its symbolic proof ran and passed here; its scope says how much "
    "of the statement that covers and what stays tested.";

inline std::string bound_text(double log2_bound) {
  return "2^" + std::to_string(static_cast<long>(std::floor(log2_bound + 1)));
}

inline std::string strength_html(const std::string& s) {
  return "<span class=\"st " + s + "\">" + s + "</span>";
}

/// A section of plain tables that claims.md and index.html both show (the search's power and
/// budgets, the pinned cases, the seed sweep): built once, rendered twice.
struct Section {
  std::string anchor, title, intro;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  std::string outro;
};

inline std::string section_markdown(const Section& s) {
  if (s.title.empty()) return "";
  std::ostringstream os;
  os << "## " << md(s.title) << "\n\n" << md(s.intro) << "\n\n";
  if (!s.head.empty() && !s.rows.empty()) {
    os << "|";
    for (const auto& h : s.head) os << " " << md(h) << " |";
    os << "\n|";
    for (std::size_t i = 0; i < s.head.size(); ++i) os << "---|";
    os << "\n";
    for (const auto& r : s.rows) {
      os << "|";
      for (const auto& c : r) os << " " << md(c) << " |";
      os << "\n";
    }
    os << "\n";
  }
  if (!s.outro.empty()) os << md(s.outro) << "\n\n";
  return os.str();
}

inline std::string section_html(const Section& s) {
  if (s.title.empty()) return "";
  std::ostringstream os;
  os << "<h2 id=\"" << s.anchor << "\">" << html(s.title) << "</h2>\n<p class=\"note\">"
     << html(s.intro) << "</p>\n";
  if (!s.head.empty() && !s.rows.empty()) {
    os << "<div class=\"wide\"><table class=\"res\"><tr>";
    for (const auto& h : s.head) os << "<th>" << html(h) << "</th>";
    os << "</tr>\n";
    for (const auto& r : s.rows) {
      os << "<tr>";
      for (const auto& c : r) os << "<td>" << html(c) << "</td>";
      os << "</tr>\n";
    }
    os << "</table></div>\n";
  }
  if (!s.outro.empty()) os << "<p class=\"note\">" << html(s.outro) << "</p>\n";
  return os.str();
}

/// The claims from the feedback-alignment literature (docs/claims-literature.md): each source,
/// what was formalised, the verdict per scalar and its strength. A claim is listed when its parts
/// carry a citation (a literature claim, or a conjecture that widens one).
inline Section literature_section(const json& report) {
  Section s;
  std::map<std::string, std::pair<json, std::vector<std::string>>> by_id;  // first part, verdicts
  for (const auto& c : report["claims"]) {
    if (!c.contains("citation")) continue;
    auto& entry = by_id[str(c, "id")];
    if (entry.first.is_null()) entry.first = c;
    entry.second.push_back(str(c, "scalar") + ": " +
                           verdict_of(str(c, "verdict"), str(c, "expected")).text);
  }
  for (const auto& [id, entry] : by_id) {
    std::string strength;
    for (const auto& r : report["summary"])
      if (str(r, "id") == id) strength = str(r, "strength");
    std::string verdicts;
    for (const auto& v : entry.second) verdicts += (verdicts.empty() ? "" : "; ") + v;
    s.rows.push_back({id, str(entry.first, "citation"), source_label(str(entry.first, "source")),
                      str(entry.first, "statement"), verdicts, strength});
  }
  if (s.rows.empty()) return s;
  s.anchor = "literature";
  s.title = "Claims from the feedback-alignment literature";
  s.intro =
      "Statements of Lillicrap et al. (2016), Girotti, Mitliagkas and Gidel (2021), Refinetti et "
      "al. (2021), Robertson and Koyejo (2024) and Song, Xu and Lafferty (2021), each formalised "
      "by "
      "us from the abstract (docs/claims-literature.md; never the authors' theorem text). A "
      "conjecture here widens a literature claim and is expected to be refuted. Lillicrap et al.'s "
      "30-20-10 experiment is among the plots.";
  s.head = {"claim", "source", "kind", "formalised (ours)", "verdict", "strength"};
  return s;
}

/// The conjectures' random search: measured power (claims.json claims[].search) and the budgets
/// derived from it.
inline Section search_section(const json& report) {
  Section s;
  for (const auto& c : report["claims"]) {
    if (!c.contains("search") || !c["search"].is_object()) continue;
    const json& q = c["search"];
    const json& m = q["measurement"];
    s.rows.push_back(
        {str(c, "id"), str(c, "scalar"), std::to_string(m["cases"].get<long>()),
         std::to_string(m["refuting"].get<long>()), fmt(q["rate"].get<double>(), "%.4f"),
         "[" + fmt(q["interval"][0].get<double>(), "%.4f") + ", " +
             fmt(q["interval"][1].get<double>(), "%.4f") + "]",
         std::to_string(q["test_command"]["cases"].get<long>()) +
             " (P(miss) <= " + fmt(q["test_command"]["miss_bound"].get<double>(), "%.2g") + ")",
         std::to_string(q["main_job"]["cases"].get<long>()) +
             " (P(miss) <= " + fmt(q["main_job"]["miss_bound"].get<double>(), "%.2g") + ")",
         std::to_string(c.value("cases", 0)) + " (" + str(c, "verdict") + ")",
         str(m, "date") + ", " + str(m, "commit") + ", seed " + str(m, "seed"), str(m, "where")});
  }
  if (s.rows.empty()) return s;
  s.anchor = "search";
  s.title = "Random search: measured power and case budgets";
  double level = 0.99;
  for (const auto& c : report["claims"])
    if (c.contains("search") && c["search"].is_object())
      level = c["search"]["measurement"].value("level", level);
  s.intro =
      "Per conjecture and scalar: the share of random cases that refute it, measured with "
      "fa-claims power over N cases drawn as the property draws them (RapidCheck's sizes 0..100, "
      "each equally often; no stopping, no shrinking), with its exact Clopper-Pearson interval "
      "at " +
      fmt(level * 100, "%g") +
      "%. The case budget B is the smallest multiple of 101 with (1 - p_lo)^B <= 10^-6, p_lo the "
      "interval's lower end; a run of B cases on the same size schedule misses with probability at "
      "most (1 - mean rate)^B (log(1 - p) is concave over the sizes). The test command runs B "
      "cases, the main job B times its multiplier; RapidCheck stops at the first refuting case, so "
      "a large budget costs little. The measurement is recorded in the claim file "
      "(ClaimSpec::power); rate, interval and budget are computed from it.";
  s.head = {"conjecture",
            "scalar",
            "N",
            "refuting",
            "rate",
            "interval",
            "budget, test command",
            "budget, main job",
            "cases this run",
            "measured",
            "where the counterexamples are"};
  return s;
}

/// The pinned cases (claims.json "pinned"): each claim's fixed recipes, replayed on every run.
inline Section pinned_section(const json& report) {
  Section s;
  if (!report.contains("pinned") || report["pinned"].empty()) return s;
  s.anchor = "pinned";
  s.title = "Pinned cases";
  s.intro =
      "Fixed recipes every run replays, apart from the random search (ClaimSpec::pinned, like "
      "Hypothesis' @example): a conjecture's known minimal counterexample must still refute it, "
      "certified in exact arithmetic where the claim has an exact replay; a claim's regression "
      "case must still pass. A random search that stops finding counterexamples shows as a "
      "failure of the search itself, not hidden by these.";
  s.head = {"claim", "scalar", "recipe", "verdict", "strength", "detail", "origin"};
  for (const auto& p : report["pinned"])
    for (const auto& c : p["cases"])
      s.rows.push_back(
          {str(p, "id"), str(c, "scalar"), str(c, "recipe"),
           std::string(c.value("as_expected", false) ? "as recorded ✓" : "NOT AS RECORDED ✗") +
               " (" + str(c, "verdict") + ")",
           c["strength"].is_string() ? c["strength"].get<std::string>() : "–", str(c, "detail"),
           str(c, "origin")});
  return s;
}

/// The seed sweep (claims.json "seed_sweep"): the FA_SEED-dependent jobs under many seeds.
inline Section sweep_section(const json& report) {
  Section s;
  if (!report.contains("seed_sweep") || !report["seed_sweep"].is_object()) return s;
  const json& w = report["seed_sweep"];
  s.anchor = "sweep";
  s.title = "Seed sweep";
  s.intro =
      "Every job whose result depends on FA_SEED (each claim's random search in double, mp "
      "and exact, the Schwartz-Zippel points, the ties' points) run again under " +
      std::to_string(w["seeds_tried"].get<long>()) + " values of FA_SEED (" + str(w, "seeds") +
      "), " + std::to_string(w["jobs_per_seed"].get<long>()) + " jobs each, at depth " +
      str(w, "depth") + " (ctest --test-dir build -C sweep -L seed-sweep). " +
      (w["all_agreed"] == true
           ? "All agreed: every verdict was the expected one under every seed."
           : std::to_string(w["disagreements"].size()) +
                 " verdicts were not the expected ones (below): each is a finding.");
  s.head = {"FA_SEED", "job", "verdict", "counterexample", "reproduce"};
  for (const auto& d : w["disagreements"])
    s.rows.push_back({str(d, "seed"), str(d, "job"), str(d, "verdict"), str(d, "counterexample"),
                      str(d, "reproduce")});
  if (!w["unfinished"].empty())
    s.outro = "Seeds that did not finish (crashed or killed): " + w["unfinished"].dump();
  return s;
}

/// The proof tier as Markdown: symbolic proofs, Schwartz-Zippel, ties.
inline std::string proof_tier_markdown(const json& proofs) {
  std::ostringstream os;
  if (!proofs.is_object()) return "";
  const bool any = !proofs["symbolic"].empty() || !proofs["schwartz_zippel"].empty() ||
                   proofs["ties"].is_object();
  if (!any) return "";
  os << "## Proof tier\n\n";
  if (!proofs["symbolic"].empty()) {
    os << "**Symbolic proofs** (SymPy matrix expressions, symbolic shapes n, m, r: every shape). "
          "Each prints both sides and the expanded residual; every false variant must leave a "
          "non-zero residual.\n\n| claim | verdict | script | covers | identities | false variants "
          "(non-zero) | time |\n|---|---|---|---|---:|---:|---:|\n";
    for (const auto& p : proofs["symbolic"]) {
      int nonzero = 0;
      for (const auto& f : p.value("false_variants", json::array()))
        nonzero += !f.value("zero", true);
      os << "| " << md(str(p, "id")) << " | " << md(str(p, "verdict")) << " | `" << str(p, "script")
         << "` | " << md(p.value("covers", "")) << " | "
         << p.value("identities", json::array()).size() << " | " << nonzero << " of "
         << p.value("false_variants", json::array()).size() << " | " << time_text(p) << " |\n";
    }
    os << "\n";
  }
  if (!proofs["schwartz_zippel"].empty()) {
    os << "**Schwartz-Zippel** (the implementation's exact path, Dynamics<Rational> / "
          "flow_rhs<Rational>, at random points with entries uniform in {0, ..., 2^62 - 1}; all "
          "30 shapes n, m <= 4, 1 <= r <= min(n, m)).\n\n| claim | verdict | degree | points per "
          "shape | error probability per shape | all shapes | time "
          "|\n|---|---|---:|---:|---:|---:|---:|\n";
    for (const auto& p : proofs["schwartz_zippel"])
      os << "| " << md(str(p, "id")) << " | " << md(str(p, "verdict")) << " | " << p["degree"]
         << " | " << p["points_per_shape"] << " | < "
         << bound_text(p["log2_bound_per_shape"].get<double>()) << " | < "
         << bound_text(p["log2_bound_all_shapes"].get<double>()) << " | " << time_text(p) << " |\n";
    os << "\n";
  }
  if (proofs["ties"].is_object()) {
    const json& t = proofs["ties"];
    os << "**Ties of the other code paths to the proved one** (" << md(str(t, "verdict"))
       << "): " << md(t.value("what", ""))
       << "\n\n| map | scalar | code | entries | points per shape | "
          "error probability per shape | tied |\n|---|---|---|---:|---:|---:|---|\n";
    for (const auto& r : t["ties"])
      os << "| " << md(str(r, "map")) << " | " << md(str(r, "scalar")) << " ("
         << r["precision_bits"] << " bits) | " << md(str(r, "code")) << " | < 2^" << r["bits"]
         << " | " << r["points_per_shape"] << " | < "
         << bound_text(r["log2_bound_per_shape"].get<double>()) << " | "
         << (r["passed"] == true ? "yes" : "NO: " + md(str(r, "message"))) << " |\n";
    os << "\n";
  }
  return os.str();
}

inline std::string proof_tier_html(const json& proofs) {
  std::ostringstream os;
  if (!proofs.is_object()) return "";
  const bool any = !proofs["symbolic"].empty() || !proofs["schwartz_zippel"].empty() ||
                   proofs["ties"].is_object();
  if (!any) return "";
  os << "<h2 id=\"proofs\">Proof tier</h2>\n";
  if (!proofs["symbolic"].empty()) {
    os << "<p class=\"note\"><b>Symbolic proofs</b> (SymPy matrix expressions with symbolic shapes "
          "n, m, r: every shape). Each prints both sides and the expanded residual; every false "
          "variant must leave a non-zero residual.</p><table class=\"res\"><tr><th>claim</th>"
          "<th>verdict</th><th>script</th><th>covers</th><th>false variants "
          "(residual)</th><th>time</th></tr>\n";
    for (const auto& p : proofs["symbolic"]) {
      os << "<tr><td><a href=\"#" << html(str(p, "id")) << "\">" << html(str(p, "id"))
         << "</a></td><td>" << strength_html(str(p, "verdict") == "proved" ? "proved" : "tested")
         << "</td><td><code>" << html(str(p, "script")) << "</code></td><td>"
         << html(p.value("covers", "")) << "</td><td>";
      for (const auto& f : p.value("false_variants", json::array()))
        os << "<code>" << html(str(f, "name"))
           << "</code>: " << (f.value("zero", true) ? "ZERO (bad)" : "non-zero") << "<br>";
      os << "</td><td class=\"num\">" << time_text(p) << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  if (!proofs["schwartz_zippel"].empty()) {
    os << "<p class=\"note\"><b>Schwartz-Zippel</b>: the implementation's exact path "
          "(Dynamics&lt;Rational&gt;, flow_rhs&lt;Rational&gt;) at random points, entries uniform "
          "in "
          "{0, …, 2^62 − 1}, all 30 shapes n, m ≤ 4, 1 ≤ r ≤ min(n, m).</p><table "
          "class=\"res\"><tr>"
          "<th>claim</th><th>verdict</th><th>degree</th><th>points per shape</th><th>error "
          "probability "
          "per shape</th><th>all shapes</th><th>time</th></tr>\n";
    for (const auto& p : proofs["schwartz_zippel"])
      os << "<tr><td><a href=\"#" << html(str(p, "id")) << "\">" << html(str(p, "id"))
         << "</a></td><td>" << html(str(p, "verdict")) << "</td><td class=\"num\">" << p["degree"]
         << "</td><td class=\"num\">" << p["points_per_shape"] << "</td><td class=\"num\">&lt; "
         << bound_text(p["log2_bound_per_shape"].get<double>()) << "</td><td class=\"num\">&lt; "
         << bound_text(p["log2_bound_all_shapes"].get<double>()) << "</td><td class=\"num\">"
         << time_text(p) << "</td></tr>\n";
    os << "</table>\n";
  }
  if (proofs["ties"].is_object()) {
    const json& t = proofs["ties"];
    os << "<p class=\"note\"><b>Ties of the other code paths to the proved one</b> ("
       << html(str(t, "verdict")) << "): " << html(t.value("what", ""))
       << "</p><table class=\"res\"><tr><th>map</th><th>scalar</th>"
          "<th>code</th><th>entries</th><th>points per shape</th><th>error probability per "
          "shape</th><th>tied</th></tr>\n";
    for (const auto& r : t["ties"])
      os << "<tr><td>" << html(str(r, "map")) << "</td><td>" << html(str(r, "scalar")) << " ("
         << r["precision_bits"] << " bits)</td><td>" << html(str(r, "code"))
         << "</td><td class=\"num\">&lt; 2^" << r["bits"] << "</td><td class=\"num\">"
         << r["points_per_shape"] << "</td><td class=\"num\">&lt; "
         << bound_text(r["log2_bound_per_shape"].get<double>()) << "</td><td>"
         << (r["passed"] == true ? std::string("yes") : "NO: " + html(str(r, "message")))
         << "</td></tr>\n";
    os << "</table>\n";
  }
  return os.str();
}

/// A ladder rung's residual / bound, and whether it is within its own bound.
inline std::string rung_bound_text(const json& rung) {
  if (!rung.contains("bound_ratio")) return "n/a";
  const std::string ratio =
      rung["bound_ratio"].is_number() ? fmt(rung["bound_ratio"].get<double>(), "%.3g") : "inf";
  return ratio + (rung.value("within_bound", false) ? "" : " (OUT OF BOUND)");
}

inline std::string headline(const json& report) {
  const json& t = report["totals"];
  const int bad = t["not_as_expected"];
  std::ostringstream os;
  if (t["results"].get<int>() == 0)
    os << "No results: no claim ran (see how to run them below).";
  else if (bad == 0)
    os << "All " << t["results"] << " results as expected";
  else
    os << bad << " of " << t["results"] << " results NOT as expected";
  if (t["refuted_conjectures"].get<int>() > 0)
    os << "; " << t["refuted_conjectures"]
       << " refuted conjectures (successes of the suite: it found and shrank a counterexample)";
  return os.str();
}

inline std::string meta_line(const json& run) {
  std::ostringstream os;
  os << "written " << str(run, "date_utc") << " · commit "
     << (run["git"]["commit"].is_string() ? run["git"]["commit"].get<std::string>().substr(0, 12)
                                          : std::string("?"))
     << (run["git"]["dirty"] == true ? " (modified)" : "") << " · " << str(run, "compiler") << " ("
     << str(run, "build_type") << ") · Eigen " << str(run["libraries"], "eigen") << ", Boost "
     << str(run["libraries"], "boost") << ", MPFR " << str(run["libraries"], "mpfr") << ", GMP "
     << str(run["libraries"], "gmp") << " · " << str(run["machine"], "cpu") << ", "
     << run["machine"]["cores"] << " cores, " << str(run["machine"], "os");
  return os.str();
}

/// The report's second line: at which depth it ran (profile, FA_DEPTH, cases per scalar, the
/// kill matrix, the regime map), so that a shallow run is never mistaken for the main job's.
inline std::string depth_line(const json& report, const json& mutants, const json& regimes) {
  const json& env = report["run"]["environment"];
  auto env_text = [&](const char* name) {
    return env.contains(name) && env[name].is_string() ? env[name].get<std::string>()
                                                       : std::string();
  };
  const std::string profile = env_text("FA_PROFILE"), depth = env_text("FA_DEPTH");
  std::ostringstream os;
  os << "Depth: profile " << (profile.empty() ? "test (the test command's)" : profile)
     << (profile == "main" ? " (the main job's: 10x the double, 5x the mp, 4x the exact cases)"
                           : "")
     << ", FA_DEPTH " << (depth.empty() ? "1" : depth);
  if (!env_text("FA_SEED").empty()) os << ", FA_SEED " << env_text("FA_SEED");
  // Cases of the claims expected to hold (a refuted conjecture stops at its counterexample).
  os << "; cases per claim that holds:";
  bool any = false;
  for (const char* scalar : {"double", "mp", "exact"}) {
    long lo = -1, hi = -1;
    for (const auto& c : report["claims"]) {
      if (str(c, "scalar") != scalar || str(c, "expected") != "holds" || !c["cases"].is_number())
        continue;
      const long n = c["cases"].get<long>();
      lo = lo < 0 ? n : std::min(lo, n);
      hi = std::max(hi, n);
    }
    if (lo < 0) continue;
    os << (any ? "," : "") << " " << scalar << " " << lo;
    if (hi != lo) os << "-" << hi;
    any = true;
  }
  if (!any) os << " none ran";
  os << "; kill matrix: ";
  if (mutants.is_object() && mutants.contains("mutants")) {
    long run = 0;
    for (const auto& m : mutants["mutants"]) run += str(m, "status") == "run";
    os << run << " of " << mutants["mutants"].size() << " mutants run";
  } else {
    os << "not run";
  }
  os << "; regime map: ";
  if (regimes.is_object() && regimes.contains("grids")) {
    std::size_t cells = 0;
    for (const auto& [name, g] : regimes["grids"].items()) cells += g["cells"].size();
    os << cells << " cells" << (regimes.value("reduced", false) ? " (reduced map)" : "")
       << ", depth " << regimes.value("depth", 1);
  } else {
    os << "not run";
  }
  return os.str();
}

inline std::string matrix_html(const json& m) {
  std::ostringstream os;
  const std::size_t max = 12;
  os << "<table class=\"mat\">";
  for (std::size_t i = 0; i < std::min(max, m.size()); ++i) {
    os << "<tr>";
    for (std::size_t j = 0; j < std::min(max, m[i].size()); ++j) {
      const std::string full = m[i][j];
      const double x = std::strtod(full.c_str(), nullptr);
      os << "<td title=\"" << html(full) << "\">" << html(fmt(x, "%.6g")) << "</td>";
    }
    os << "</tr>";
  }
  os << "</table>";
  if (m.size() > max || (!m.empty() && m[0].size() > max))
    os << "<div class=\"note\">first " << max << " x " << max << " shown; all in claims.json</div>";
  return os.str();
}

}  // namespace fa::report::render_detail
