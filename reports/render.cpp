// claims.md and index.html from the assembled claims.json.
#include "reports/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace fa::report {

namespace {

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '`' || c == '*' || c == '_' || c == '|' || c == '<' || c == '>' ||
        c == '[' || c == ']')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
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

Verdict verdict_of(const std::string& v, const std::string& expected) {
  if (v == "error") return {"error ✗", "bad"};
  if (expected == "refuted") {
    if (v == "refuted") return {"refuted ✓ (expected)", "okc"};
    return {"not refuted ✗ (" + v + ")", "bad"};
  }
  if (v == "verified") return {"verified ✓", "ok"};
  return {v + " ✗", "bad"};
}

std::string source_label(const std::string& s) {
  if (s == "paper-abstract") return "paper abstract";
  if (s == "conjecture") return "conjecture";
  return s;
}

/// A user claim (faverify.user) none of whose falsifiers flipped: nothing shows that its check
/// can fail, so the report says so beside it.
bool unchecked_user_claim(const json& c) {
  if (!c.contains("extra") || !c["extra"].contains("user")) return false;
  return c["extra"]["user"].value("falsifier_flipped", false) == false;
}
const char* const kUncheckedText =
    "no falsifier of this user claim flips, so its check is not shown to be able to fail";

std::string statement_label(const std::string& s) {
  if (s == "paper-abstract") return "Our formalisation of a statement of the paper's abstract";
  if (s == "conjecture") return "Conjecture (plausible, believed false: the suite must refute it)";
  if (s == "user") return "A user's claim, stated in Python (faverify.user; docs/user-claims.md)";
  if (s == "literature")
    return "Our formalisation of a statement from the feedback-alignment literature (formalised "
           "from the abstract, docs/claims-literature.md)";
  return "Derived fact (ours, with a proof sketch in docs/claims.md)";
}

std::string time_text(const json& j) {
  return j.contains("seconds") && j["seconds"].is_number() ? fmt(j["seconds"].get<double>(), "%.2f s")
                                                           : "";
}

std::string margin_text(const json& wm) {
  if (!wm.is_object()) return "–";
  return fmt(wm["margin"].get<double>());
}

/// One line on the region a (claim, scalar) drew (claims.json "region", checks/region.hpp).
std::string region_text(const json& e) {
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

std::map<std::string, std::vector<const json*>> by_id(const json& report) {
  std::map<std::string, std::vector<const json*>> m;
  for (const auto& c : report["claims"]) m[c["id"].get<std::string>()].push_back(&c);
  return m;
}

const json* ladder_of(const json& report, const std::string& id) {
  for (const auto& l : report["ladders"])
    if (l["id"] == id) return &l;
  return nullptr;
}

const char* kScalars[] = {"double", "mp", "exact", "ladder"};

/// The three strengths of a verdict (docs/strengths.md), as the report explains them.
const char* kStrengthLegend =
    "Strength: **proved**: for all inputs (symbolically for every shape, or for every shape "
    "n, m <= 4 with the Schwartz-Zippel error probability stated); **certified**: proved in exact "
    "arithmetic for each instance run, one at a time; **tested**: no counterexample in the random "
    "cases. A claim is proved when its symbolic proof ran and passed here; its scope says how much "
    "of the statement that covers and what stays tested.";

std::string bound_text(double log2_bound) {
  return "2^" + std::to_string(static_cast<long>(std::floor(log2_bound + 1)));
}

std::string strength_html(const std::string& s) {
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

std::string section_markdown(const Section& s) {
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

std::string section_html(const Section& s) {
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
Section literature_section(const json& report) {
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
Section search_section(const json& report) {
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
Section pinned_section(const json& report) {
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
Section sweep_section(const json& report) {
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
std::string proof_tier_markdown(const json& proofs) {
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

std::string proof_tier_html(const json& proofs) {
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
std::string rung_bound_text(const json& rung) {
  if (!rung.contains("bound_ratio")) return "n/a";
  const std::string ratio =
      rung["bound_ratio"].is_number() ? fmt(rung["bound_ratio"].get<double>(), "%.3g") : "inf";
  return ratio + (rung.value("within_bound", false) ? "" : " (OUT OF BOUND)");
}

std::string headline(const json& report) {
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

std::string meta_line(const json& run) {
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
std::string depth_line(const json& report, const json& mutants, const json& regimes) {
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

std::string matrix_html(const json& m) {
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

}  // namespace

std::string fmt(double x, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string html_escape(const std::string& s) {
  return html(s);
}
std::string markdown_escape(const std::string& s) {
  return md(s);
}

std::string figure_html(const Plot& p) {
  return "<figure><img alt=\"" + html(p.title) + "\" src=\"data:image/svg+xml;base64," +
         base64(p.svg) + "\"><figcaption>" + html(p.caption) + "</figcaption></figure>\n";
}

// ---- Markdown ------------------------------------------------------------------------------------

/// The mutation tests' kill matrix: rows are mutants, columns the claims expected to hold; a cell
/// is "double/mp", each "K" (killed), "." (survived), "-" (not run), "err" (the check threw) or
/// "ref!" (the reference fails the same run).
struct KillMatrix {
  std::vector<std::string> claims;
  struct Row {
    std::string mutant, description, reach;
    std::vector<std::string> cells;
    bool killed_double = false, killed_mp = false;
    int kills = 0;
    bool ok = false;
  };
  std::vector<Row> rows;
  /// The certificate falsifiers (certify/certificate_falsifiers.hpp) and their control, each
  /// compared with an independent computation (SymPy exact, SVD bound).
  struct CertificateRow {
    std::string falsifier, description, caught_by;
    bool run = false, reference_passes = false, ok = false;
  };
  std::vector<CertificateRow> certificates;
};

std::string kill_cell(const std::string& v) {
  return v == "killed"                ? "K"
         : v == "survived"            ? "."
         : v == "error"               ? "err"
         : v == "reference fails too" ? "ref!"
                                      : "-";
}

KillMatrix kill_matrix(const json& mutants) {
  KillMatrix km;
  if (!mutants.is_object() || !mutants.contains("mutants")) return km;
  std::set<std::string> ids;
  for (const auto& m : mutants["mutants"])
    if (m.contains("matrix"))
      for (const auto& [id, v] : m["matrix"].items())
        if (v.get<std::string>() != "not run" || id[0] != 'R') ids.insert(id);
  km.claims.assign(ids.begin(), ids.end());
  for (const auto& m : mutants["mutants"]) {
    KillMatrix::Row row;
    row.mutant = str(m, "mutant");
    row.description = str(m, "description");
    row.reach = str(m, "reach");
    const json by_scalar = m.value("matrix_by_scalar", json::object());
    for (const auto& id : km.claims) {
      auto cell = [&](const char* scalar) {
        return by_scalar.contains(scalar) && by_scalar[scalar].contains(id)
                   ? by_scalar[scalar][id].get<std::string>()
                   : std::string("not run");
      };
      const std::string d = cell("double"), p = cell("mp");
      if (d == "killed" || p == "killed") ++row.kills;
      row.cells.push_back(kill_cell(d) + "/" + kill_cell(p));
    }
    auto flag = [&](const char* key) { return m.contains(key) && m[key] == true; };
    row.killed_double = flag("killed_in_double");
    row.killed_mp = flag("killed_in_mp");
    row.ok = m.contains("as_expected") ? flag("as_expected") : row.kills > 0;
    km.rows.push_back(row);
  }
  for (const auto& m : mutants.value("certificate_mutants", json::array())) {
    KillMatrix::CertificateRow row;
    row.falsifier = str(m, "mutant");
    row.description = str(m, "description");
    row.run = str(m, "status") == "run";
    for (const auto& by : m.value("killed_by", json::array()))
      row.caught_by += (row.caught_by.empty() ? "" : ", ") + by.get<std::string>();
    if (row.caught_by.empty()) row.caught_by = row.run ? "nothing" : "not run";
    row.reference_passes = m.value("reference_passes", false);
    row.ok = m.value("as_expected", false);
    km.certificates.push_back(row);
  }
  return km;
}

std::string render_markdown(const json& report, const std::vector<Plot>& plots, const json& mutants,
                            const json& regimes) {
  std::ostringstream os;
  const json& run = report["run"];
  os << "# fa-verify: claim-by-claim report\n\n"
     << md(depth_line(report, mutants, regimes)) << "\n\n"
     << "Garg & Vempala, *How and When Random Feedback Works* (AISTATS 2022). Only the paper's "
        "abstract was available: statements are our formalisations (`paper-abstract`), facts we "
        "derived (`derived`) or false conjectures the suite must refute (`conjecture`); none is "
        "the paper's text. **FA\\* is our reconstruction** of the paper's variant.\n\n"
     << "**" << md(headline(report)) << ".**\n\n"
     << md(meta_line(run)) << "\n\n";
  os << "| claim | source | strength | double | mp | exact | ladder | worst margin | time |\n"
     << "|---|---|---|---|---|---|---|---:|---:|\n";
  for (const auto& r : report["summary"]) {
    os << "| [" << md(str(r, "id")) << "](#" << str(r, "id") << ") " << md(str(r, "title"))
       << (r["reconstruction"] == true ? " (**FA\\* is our reconstruction**)" : "") << " | "
       << source_label(str(r, "source")) << " | " << md(str(r, "strength")) << " |";
    for (const char* s : kScalars) {
      if (r["verdicts"].contains(s))
        os << " " << verdict_of(r["verdicts"][s], s == std::string("ladder") ? "holds" : str(r, "expected")).text << " |";
      else
        os << " |";
    }
    os << " " << (r["worst_margin"].is_number() ? fmt(r["worst_margin"].get<double>()) : "–")
       << " | " << time_text(r) << " |\n";
  }
  os << "\nMargins: (bound - quantity)/|bound| of the case closest to the bound; 1 far inside, "
        "0 at the bound, negative violated (as a refuted conjecture's counterexample must be).\n\n"
     << kStrengthLegend << "\n\n";
  os << proof_tier_markdown(report.value("proofs", json()));
  os << section_markdown(literature_section(report));
  os << section_markdown(search_section(report)) << section_markdown(pinned_section(report))
     << section_markdown(sweep_section(report));
  os << "## Plots\n\n";
  if (plots.empty()) os << "Plots: " << md(str(run, "plots")) << "\n\n";
  for (const auto& p : plots)
    os << "### " << md(p.title) << "\n\n![" << md(p.title) << "](plots/" << p.name << ".svg)\n\n"
       << md(p.caption) << "\n\n";
  os << "## Claims\n\n";
  for (const auto& [id, entries] : by_id(report)) {
    const json& c = *entries.front();
    os << "<a id=\"" << id << "\"></a>\n### " << md(id) << ": " << md(str(c, "title")) << "\n\n"
       << "*" << statement_label(str(c, "source")) << "*"
       << (c["reconstruction"] == true ? " — **involves FA\\*, our reconstruction**" : "")
       << "\n\n> " << md(str(c, "statement")) << "\n\n"
       << "- Hypotheses: " << md(str(c, "hypotheses")) << "\n"
       << "- Instances: " << md(str(c, "recipe")) << "\n"
       << "- Expected: " << (str(c, "expected") == "holds" ? "holds" : "refuted (a conjecture)")
       << "\n"
       << (unchecked_user_claim(c) ? "- **UNCHECKED**: " + md(kUncheckedText) + "\n" : "");
    for (const auto& r : report["summary"])
      if (str(r, "id") == id)
        os << "- Strength: **" << md(str(r, "strength")) << "**: " << md(str(r, "strength_scope"))
           << "\n";
    os << "\n";
    os << "| scalar | verdict | strength | cases | seed | time | worst margin | at |\n"
          "|---|---|---|---:|---|---:|---:|---|\n";
    for (const json* e : entries) {
      const json& wm = (*e)["worst_margin"];
      os << "| " << str(*e, "scalar") << " (" << (*e)["precision_bits"] << " bits) | "
         << verdict_of(str(*e, "verdict"), str(*e, "expected")).text << " | "
         << md(str(*e, "strength")) << ": " << md((*e)["strength_basis"].value("why", "")) << " | "
         << (*e)["cases"] << " | " << str(*e, "seed") << " | " << time_text(*e) << " | "
         << margin_text(wm) << " | "
         << (wm.is_object() ? md(str(wm, "what") + ": " + str(wm, "quantity") + " vs " +
                                 str(wm, "bound") + " at " + str(wm, "recipe"))
                            : "")
         << " |\n";
    }
    os << "\n";
    for (const json* e : entries)
      if (const std::string t = region_text(*e); !t.empty())
        os << "- Region drawn, " << md(t) << "\n";
    os << "\n";
    for (const json* e : entries) {
      const json& cx = (*e)["counterexample"];
      if (cx.is_object()) {
        os << "**Minimal counterexample (" << str(*e, "scalar") << ")**: " << md(str(cx, "violated"))
           << ": " << md(str(cx, "quantity")) << " vs " << md(str(cx, "bound")) << ", recipe `"
           << str(cx, "recipe") << "`\n\n";
        for (const auto& [k, v] : cx["notes"].items())
          os << "- " << md(k) << ": " << md(v.get<std::string>()) << "\n";
        if (cx.contains("matrices")) {
          os << "\n```\n";
          for (const char* name : {"Y", "B", "Z0", "W0"}) {
            os << name << " =\n";
            for (const auto& row : cx["matrices"][name]) {
              os << " ";
              for (const auto& x : row) os << " " << x.get<std::string>();
              os << "\n";
            }
          }
          os << "eta = " << cx["matrices"]["eta"].get<std::string>() << "\n```\n";
        }
        os << "\n";
        const json& rep = (*e)["exact_replay"];
        if (rep.is_object())
          os << "**Exact replay (" << str(*e, "scalar") << ")**: " << md(str(rep, "status")) << ": "
             << md(str(rep, "detail")) << "\n\n";
      }
      if (!str(*e, "reproduce").empty())
        os << "Reproduce (" << str(*e, "scalar") << "): `" << str(*e, "reproduce") << "`\n\n";
    }
    if (const json* l = ladder_of(report, id)) {
      os << "Precision ladder on `" << str(*l, "recipe") << "`: slope "
         << (l->at("slope").is_number() ? fmt(l->at("slope").get<double>(), "%.4f") : "n/a") << " ("
         << verdict_of(str(*l, "verdict"), "holds").text
         << "; every rung must meet its own bound, k eps of its precision times the scale)\n\n"
            "| bits | eps | relative residual | residual / bound |\n|---:|---:|---:|---:|\n";
      for (const auto& g : (*l)["rungs"])
        os << "| " << g["bits"] << " | " << fmt(g["eps"].get<double>()) << " | "
           << fmt(g["residual"].get<double>()) << " | " << md(rung_bound_text(g)) << " |\n";
      os << "\n";
    }
  }
  for (const auto& l : report["ladders"]) {
    if (by_id(report).count(l["id"].get<std::string>())) continue;
    os << "### " << md(str(l, "id")) << " (precision ladder only)\n\nslope "
       << (l["slope"].is_number() ? fmt(l["slope"].get<double>(), "%.4f") : "n/a") << ", "
       << verdict_of(str(l, "verdict"), "holds").text << "\n\n";
  }
  const KillMatrix km = kill_matrix(mutants);
  if (!km.rows.empty()) {
    os << "## Mutation testing: kill matrix\n\nEach mutant is a plausible mistake in the dynamics "
          "(tests/mutants), run in double and in 50-digit MPFR (mp); a cell is double/mp. K: "
          "killed, "
          ".: survived, -: not run (by default a scalar that must kill stops at its first kill). "
          "Reach: every scalar (must be killed in both), below double's precision (missed in "
          "double, killed in mp), MPFR path only (the MPFR kernels, not on double's path: double "
          "survives, mp kills). Details: `mutants.md`, `mutants.json`.\n\n| mutant | reach |";
    for (const auto& id : km.claims) os << " " << md(id) << " |";
    os << " killed in double | killed in mp | as expected |\n|---|---|";
    for (std::size_t i = 0; i < km.claims.size(); ++i) os << ":-:|";
    os << ":-:|:-:|:-:|\n";
    for (const auto& r : km.rows) {
      os << "| " << md(r.mutant) << " | " << md(r.reach) << " |";
      for (const auto& c : r.cells) os << " " << c << " |";
      os << " " << (r.killed_double ? "yes" : "no") << " | " << (r.killed_mp ? "yes" : "no")
         << " | " << (r.ok ? "yes" : "**NO**") << " |\n";
    }
    os << "\n";
  }
  if (!km.certificates.empty()) {
    os << "### Certificate falsifiers\n\nDeliberately wrong separation certificates "
          "(certify/certificate_falsifiers.hpp) compared with an independent computation: SymPy "
          "exact arithmetic on small instances, Eckart-Young from a float SVD with its error "
          "bound on large ones. The control is the real certificate.\n\n| falsifier | caught by "
          "| real certificate passes | as expected |\n|---|---|:-:|:-:|\n";
    for (const auto& r : km.certificates)
      os << "| " << md(r.falsifier) << " | " << md(r.caught_by) << " | "
         << (!r.run ? "-" : r.reference_passes ? "yes" : "**no**") << " | "
         << (!r.run ? "not run" : r.ok ? "yes" : "**NO**") << " |\n";
    os << "\n";
  }
  os << "---\nFull data: `claims.json` (schema `reports/claims.schema.json`). Page with embedded "
        "plots: `index.html`.\n";
  return os.str();
}

// ---- HTML ----------------------------------------------------------------------------------------

std::string render_html(const json& report, const std::vector<Plot>& plots, const json& mutants,
                        const json& regimes) {
  std::ostringstream os;
  const json& run = report["run"];
  const bool all_ok = report["totals"]["not_as_expected"] == 0 && report["totals"]["results"] != 0;
  os << R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fa-verify: claim-by-claim report</title>
<style>
body{font:15px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;color:#1b1b1b;margin:0;background:#f6f7f9}
main{max-width:1240px;margin:0 auto;padding:18px 28px 60px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:21px;border-bottom:2px solid #e3e6ea;padding-bottom:4px;margin-top:34px}
h3{font-size:17px;margin:26px 0 6px}
.meta{color:#555;font-size:12.5px}.intro{font-size:14px;color:#333}
.banner{padding:10px 14px;border-radius:6px;font-weight:bold;margin:12px 0}
.banner.ok{background:#e6f4ea;border:1px solid #9ccfaa;color:#185c2b}.banner.bad{background:#fde8e8;border:1px solid #e6a3a3;color:#8a1c1c}
table{border-collapse:collapse;font-size:13.5px}
table.sum{width:100%}table.sum th,table.sum td{border-bottom:1px solid #e3e6ea;padding:5px 7px;text-align:left;vertical-align:top}
table.sum th{background:#f0f2f5;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.v{white-space:nowrap;border-radius:4px;padding:1px 6px;font-size:12.5px}
.v.ok{background:#e6f4ea;color:#185c2b}.v.okc{background:#e3eefc;color:#174ea6}.v.bad{background:#fde8e8;color:#8a1c1c;font-weight:bold}
.src{font-size:12px;border-radius:10px;padding:1px 8px;white-space:nowrap}
.src.paper-abstract{background:#fff3d6;color:#6b4b00}.src.derived{background:#eceff3;color:#37474f}.src.conjecture{background:#f3e5f5;color:#6a1b9a}.src.user{background:#e0f2f1;color:#00695c}
.recon{font-size:11.5px;background:#fff0e0;color:#8a4b00;border:1px solid #f0c090;border-radius:4px;padding:0 5px;margin-left:6px;white-space:nowrap}
a{color:#174ea6;text-decoration:none}a:hover{text-decoration:underline}
figure{margin:14px 0 22px;display:inline-block;width:49%;vertical-align:top}
figure img{width:100%;border:1px solid #e3e6ea}
figcaption{font-size:12.5px;color:#444;padding:4px 6px}
.claim{border:1px solid #e3e6ea;border-radius:6px;padding:4px 16px 12px;margin:18px 0}
.claim.recon-box{border-left:5px solid #f0a040}
.stmt{background:#f7f8fa;border-left:4px solid #b0b7c3;padding:7px 12px;margin:6px 0}
.label{font-size:12px;color:#555;text-transform:uppercase;letter-spacing:.03em}
table.res th,table.res td{border:1px solid #e3e6ea;padding:3px 7px;vertical-align:top}
table.res th{background:#f0f2f5}
.wide{overflow-x:auto}table.kill th,table.kill td{border:1px solid #e3e6ea;padding:2px 5px;text-align:center;font-size:12.5px}
table.kill th{background:#f0f2f5}table.kill td:first-child{text-align:left}
table.kill td.ok{background:#e6f4ea;color:#185c2b}table.kill td.mp{background:#e3eefc;color:#174ea6;font-weight:bold}
table.kill td.none{color:#999}table.kill td.bad{background:#fde8e8;color:#8a1c1c;font-weight:bold}
table.mat td{border:1px solid #eee;padding:1px 6px;font:12px monospace;text-align:right}
table.mat{display:inline-table;margin:2px 12px 6px 0;vertical-align:top}
.mats>div{display:inline-block;vertical-align:top;margin-right:14px}
code{word-break:break-all}
table.res td,.cx,.note,p{overflow-wrap:anywhere}
code,pre{font:12.5px "DejaVu Sans Mono",monospace}pre{background:#f3f4f6;padding:6px 10px;white-space:pre-wrap;word-break:break-all;border-radius:4px}
.cx{border:1px solid #c9daf8;background:#f6f9ff;border-radius:6px;padding:6px 12px;margin:8px 0}
.note{font-size:12px;color:#666}
.st{white-space:nowrap;border-radius:4px;padding:1px 6px;font-size:12.5px;font-weight:bold}
.st.proved{background:#d7f0dc;color:#0d4d1f}.st.certified{background:#e3eefc;color:#174ea6}.st.tested{background:#f0f0f0;color:#555}
</style></head><body><main>
<h1>fa-verify: claim-by-claim report</h1>
<div class="meta"><b>)"
     << html(depth_line(report, mutants, regimes)) << R"(</b></div>
<div class="meta">)"
     << html(meta_line(run)) << R"(</div>
<p class="intro">Claims of S. Garg and S. S. Vempala, <i>How and When Random Feedback Works: A Case Study of
Low-Rank Matrix Factorization</i> (AISTATS 2022), checked by property-based tests in double, 50-digit MPFR (mp)
and exact rationals, with a precision ladder for exact identities. Only the paper's abstract was available:
every statement below is <b>our formalisation</b> (source <span class="src paper-abstract">paper abstract</span>),
a fact <span class="src derived">derived</span> by us, or a false <span class="src conjecture">conjecture</span>
that the suite must refute. None is the paper's theorem text. <b>FA* is our reconstruction</b> of the paper's
variant (<code>dynamics/dynamics.hpp</code>, <code>fa_star_step</code>).</p>
<div class="banner )"
     << (all_ok ? "ok" : "bad") << "\">" << html(headline(report)) << R"(.</div>
<h2 id="summary">Summary</h2>
<table class="sum"><tr><th>claim</th><th>source</th><th>strength</th><th>double</th><th>mp</th><th>exact</th><th>ladder</th><th>worst margin</th><th>time</th></tr>
)";
  for (const auto& r : report["summary"]) {
    os << "<tr><td><a href=\"#" << html(str(r, "id")) << "\"><b>" << html(str(r, "id"))
       << "</b></a> " << html(str(r, "title"))
       << (r["reconstruction"] == true ? "<span class=\"recon\">FA* = our reconstruction</span>"
                                       : "")
       << "</td><td><span class=\"src " << str(r, "source") << "\">"
       << source_label(str(r, "source")) << "</span></td><td title=\""
       << html(str(r, "strength_scope")) << "\">" << strength_html(str(r, "strength")) << "</td>";
    for (const char* s : kScalars) {
      os << "<td>";
      if (r["verdicts"].contains(s)) {
        const Verdict v =
            verdict_of(r["verdicts"][s], s == std::string("ladder") ? "holds" : str(r, "expected"));
        os << "<span class=\"v " << v.cls << "\">" << html(v.text) << "</span>";
      }
      os << "</td>";
    }
    os << "<td class=\"num\">"
       << (r["worst_margin"].is_number() ? fmt(r["worst_margin"].get<double>()) : "–")
       << "</td><td class=\"num\">" << time_text(r) << "</td></tr>\n";
  }
  os << R"(</table>
<p class="note">Verdict per scalar: <span class="v ok">verified ✓</span> a claim that holds passed every case;
<span class="v okc">refuted ✓ (expected)</span> a conjecture the suite refuted with a shrunk counterexample (a success);
red: not as expected. Worst margin: (bound − quantity)/|bound| of the case closest to the bound, over the scalars
(1 far inside, 0 at the bound, negative violated, as a refuted conjecture's counterexample is). Ladder: residual of the
identity at 53…400 bits falls with eps (slope ≈ 1). <span class="st proved">proved</span>: for all inputs
(symbolically for every shape, or per shape n, m ≤ 4 with the stated Schwartz-Zippel error probability);
<span class="st certified">certified</span>: proved in exact arithmetic for each instance run;
<span class="st tested">tested</span>: no counterexample in the random cases (hover for the scope; each claim's
section says what was proved, certified and tested).</p>
)" << proof_tier_html(report.value("proofs", json()))
     << section_html(literature_section(report)) << section_html(search_section(report)) << section_html(pinned_section(report))
     << section_html(sweep_section(report)) << R"(<h2 id="plots">Plots</h2>
)";
  if (plots.empty()) os << "<p class=\"note\">Plots " << html(str(run, "plots")) << ".</p>\n";
  for (const auto& p : plots) os << figure_html(p);
  const KillMatrix km = kill_matrix(mutants);
  if (!km.rows.empty()) {
    os << "<h2 id=\"mutants\">Mutation testing: kill matrix</h2>\n<p class=\"note\">Each row is a "
          "plausible mistake in the dynamics (test-only mutants, tests/mutants), each column a "
          "claim "
          "expected to hold; each mutant runs in double and in 50-digit MPFR (mp), and a cell "
          "reads double/mp. <b>K</b>: the claim's check refuted the mutant with a shrunk "
          "counterexample and the reference passes the same run; <b>.</b>: survived; <b>-</b>: "
          "not run (by default a scalar that must kill stops at its first kill, claims cheap "
          "first). Reach: <i>every scalar</i> mutants must be killed in both; <i>below double's "
          "precision</i> (a rounding-sized bug) must be missed by double and killed in mp; "
          "<i>MPFR path only</i> mutants change the MPFR kernels, which double never runs: double "
          "survives (not on its path), mp must kill. Details: mutants.md, mutants.json.</p>\n"
          "<div class=\"wide\"><table class=\"kill\"><tr><th>mutant</th><th>reach</th>";
    for (const auto& id : km.claims) os << "<th>" << html(id) << "</th>";
    os << "<th>killed in double</th><th>killed in mp</th><th>as expected</th></tr>\n";
    for (const auto& r : km.rows) {
      os << "<tr><td title=\"" << html(r.description) << "\"><code>" << html(r.mutant)
         << "</code></td><td>" << html(r.reach) << "</td>";
      for (const auto& c : r.cells)
        os << "<td class=\""
           << (c.rfind("K/", 0) == 0               ? "ok"
               : c.find("/K") != std::string::npos ? "mp"
                                                   : "none")
           << "\">" << html(c) << "</td>";
      os << "<td>" << (r.killed_double ? "yes" : "no") << "</td><td>"
         << (r.killed_mp ? "yes" : "no") << "</td><td class=\"" << (r.ok ? "ok" : "bad") << "\">"
         << (r.ok ? "yes" : "NO") << "</td></tr>\n";
    }
    os << "</table></div>\n";
  }
  if (!km.certificates.empty()) {
    os << "<h3 id=\"certificate-falsifiers\">Certificate falsifiers</h3>\n<p class=\"note\">"
          "Deliberately wrong separation certificates (certify/certificate_falsifiers.hpp) "
          "compared with an independent computation: SymPy exact arithmetic on small instances, "
          "Eckart-Young from a float SVD with its error bound on large ones. The control is the "
          "real certificate.</p>\n<table class=\"kill\"><tr><th>falsifier</th><th>caught "
          "by</th><th>real certificate passes</th><th>as expected</th></tr>\n";
    for (const auto& r : km.certificates)
      os << "<tr><td title=\"" << html(r.description) << "\"><code>" << html(r.falsifier)
         << "</code></td><td>" << html(r.caught_by) << "</td><td>"
         << (!r.run ? "-" : r.reference_passes ? "yes" : "NO") << "</td><td class=\""
         << (r.ok ? "ok" : "bad") << "\">" << (!r.run ? "not run" : r.ok ? "yes" : "NO")
         << "</td></tr>\n";
    os << "</table>\n";
  }
  os << "<h2 id=\"claims\">Claims</h2>\n";
  const auto groups = by_id(report);
  for (const auto& [id, entries] : groups) {
    const json& c = *entries.front();
    const bool recon = c["reconstruction"] == true;
    os << "<section class=\"claim" << (recon ? " recon-box" : "") << "\" id=\"" << html(id)
       << "\"><h3>" << html(id) << ": " << html(str(c, "title")) << " <span class=\"src "
       << str(c, "source") << "\">" << source_label(str(c, "source")) << "</span>"
       << (recon ? "<span class=\"recon\">involves FA*, our reconstruction</span>" : "")
       << "</h3>\n"
       << "<div class=\"label\">" << statement_label(str(c, "source")) << "</div>"
       << "<div class=\"stmt\">" << html(str(c, "statement")) << "</div>\n"
       << "<p><b>Hypotheses:</b> " << html(str(c, "hypotheses")) << "<br><b>Instances:</b> "
       << html(str(c, "recipe")) << "<br><b>Expected:</b> "
       << (str(c, "expected") == "holds" ? "holds" : "refuted (a conjecture)") << "</p>\n"
       << (unchecked_user_claim(c)
               ? "<p class=\"v bad\"><b>UNCHECKED:</b> " + html(kUncheckedText) + "</p>\n"
               : "");
    for (const auto& r : report["summary"])
      if (str(r, "id") == id)
        os << "<p><b>Strength:</b> " << strength_html(str(r, "strength")) << " "
           << html(str(r, "strength_scope")) << "</p>\n";
    os << "<table class=\"res\"><tr><th>scalar</th><th>verdict</th><th>strength</th><th>cases</th>"
          "<th>seed</th><th>time</th><th>worst margin</th><th>closest case</th></tr>\n";
    for (const json* e : entries) {
      const json& wm = (*e)["worst_margin"];
      const Verdict v = verdict_of(str(*e, "verdict"), str(*e, "expected"));
      os << "<tr><td>" << str(*e, "scalar") << " (" << (*e)["precision_bits"] << " bits)</td>"
         << "<td><span class=\"v " << v.cls << "\">" << html(v.text) << "</span></td><td>"
         << strength_html(str(*e, "strength")) << "<br><span class=\"note\">"
         << html((*e)["strength_basis"].value("why", "")) << "</span></td><td class=\"num\">"
         << (*e)["cases"] << "</td><td><code>" << str(*e, "seed")
         << "</code></td><td class=\"num\">" << time_text(*e) << "</td><td class=\"num\">"
         << margin_text(wm) << "</td><td>"
         << (wm.is_object()
                 ? html(str(wm, "what")) + ": <code>" + html(str(wm, "quantity")) +
                       "</code> vs <code>" + html(str(wm, "bound")) +
                       "</code><br><span class=\"note\">" + html(str(wm, "recipe")) + "</span>"
                 : std::string())
         << "</td></tr>\n";
    }
    os << "</table>\n";
    for (const json* e : entries)
      if (const std::string t = region_text(*e); !t.empty())
        os << "<p class=\"note\"><b>Region drawn</b>, " << html(t) << "</p>\n";
    for (const json* e : entries) {
      const json& cx = (*e)["counterexample"];
      if (cx.is_object()) {
        os << "<div class=\"cx\"><b>"
           << (str(*e, "expected") == "refuted" ? "Minimal counterexample (refutes the conjecture)"
                                                : "COUNTEREXAMPLE (minimal after shrinking)")
           << ", " << str(*e, "scalar") << ":</b> " << html(str(cx, "violated")) << ": <code>"
           << html(str(cx, "quantity")) << "</code> vs bound <code>" << html(str(cx, "bound"))
           << "</code><br>recipe <code>" << html(str(cx, "recipe")) << "</code>";
        for (const auto& [k, v] : cx["notes"].items())
          os << "<br>" << html(k) << ": <code>" << html(v.get<std::string>()) << "</code>";
        if (cx.contains("matrices")) {
          os << "<div class=\"mats\">";
          for (const char* name : {"Y", "B", "Z0", "W0"})
            os << "<div><div class=\"label\">" << name << "</div>" << matrix_html(cx["matrices"][name]) << "</div>";
          os << "<div><div class=\"label\">eta</div><code>" << html(cx["matrices"]["eta"].get<std::string>())
             << "</code></div></div><div class=\"note\">Entries rounded to 6 digits here (hover for all "
                "digits); claims.json has them in full.</div>";
        }
        const json& rep = (*e)["exact_replay"];
        if (rep.is_object())
          os << "<br><b>Exact replay:</b> "
             << strength_html(str(rep, "status") == "certified exact" ? "certified" : "tested")
             << " " << html(str(rep, "status")) << ": " << html(str(rep, "detail"));
        os << "</div>\n";
      }
      if (!str(*e, "reproduce").empty())
        os << "<div class=\"label\">reproduce (" << str(*e, "scalar") << ")</div><pre>"
           << html(str(*e, "reproduce")) << "</pre>\n";
      else if (str(*e, "verdict") == "error")
        os << "<p class=\"v bad\">" << html(str(*e, "message")) << "</p>\n";
      const json& extra = (*e)["extra"];
      if (extra.contains("family") && id == "A4.family") {
        os << "<div class=\"label\">family statistics (" << str(*e, "scalar") << ")</div><table class=\"res\"><tr><th>alpha</th><th>k</th><th>draws</th><th>median err_FA/opt_1</th><th>predicted</th><th>10%</th><th>90%</th></tr>";
        for (const auto& r : extra["family"])
          os << "<tr><td class=\"num\">" << fmt(r["alpha"].get<double>()) << "</td><td class=\"num\">" << r["k"]
             << "</td><td class=\"num\">" << r["draws"] << "</td><td class=\"num\">" << fmt(r["median"].get<double>(), "%.4g")
             << "</td><td class=\"num\">" << fmt(r["predicted"].get<double>(), "%.4g") << "</td><td class=\"num\">"
             << fmt(r["q10"].get<double>(), "%.4g") << "</td><td class=\"num\">" << fmt(r["q90"].get<double>(), "%.4g") << "</td></tr>";
        os << "</table>\n";
      }
      if (extra.contains("family") && id == "A5.family") {
        os << "<div class=\"label\">family statistics (" << str(*e, "scalar") << ")</div><table class=\"res\"><tr><th>k</th><th>draws</th><th>mean k cos²</th><th>RMS |cos|</th><th>1/sqrt(k)</th></tr>";
        for (const auto& r : extra["family"]) {
          const double k = r["k"].get<double>();
          os << "<tr><td class=\"num\">" << r["k"] << "</td><td class=\"num\">" << r["draws"]
             << "</td><td class=\"num\">" << fmt(r["mean_k_cos2"].get<double>(), "%.4g") << "</td><td class=\"num\">"
             << fmt(std::sqrt(r["mean_k_cos2"].get<double>() / k), "%.4g") << "</td><td class=\"num\">"
             << fmt(1 / std::sqrt(k), "%.4g") << "</td></tr>";
        }
        os << "</table>\n";
      }
      if (extra.contains("ratio_examples") && !extra["ratio_examples"].empty()) {
        std::vector<double> v = extra["ratio_examples"].get<std::vector<double>>();
        std::sort(v.begin(), v.end());
        os << "<p class=\"note\">" << str(*e, "scalar") << ": err_FA/opt_r over " << v.size()
           << " instances: min " << fmt(v.front(), "%.4g") << ", median " << fmt(v[v.size() / 2], "%.4g")
           << ", max " << fmt(v.back(), "%.4g") << " (all > 1: FA's limit is above the optimum).</p>\n";
      }
    }
    if (const json* l = ladder_of(report, id)) {
      const Verdict v = verdict_of(str(*l, "verdict"), "holds");
      os << "<div class=\"label\">precision ladder</div><p>on <code>" << html(str(*l, "recipe"))
         << "</code>: every rung within its own bound (k eps of its precision times the scale), "
            "then the slope of log residual against log eps "
         << (l->at("slope").is_number() ? fmt(l->at("slope").get<double>(), "%.4f") : "n/a")
         << " <span class=\"v " << v.cls << "\">" << html(v.text)
         << "</span></p><table class=\"res\"><tr><th>bits</th><th>eps</th><th>relative "
            "residual</th><th>residual / bound</th></tr>";
      for (const auto& g : (*l)["rungs"])
        os << "<tr><td class=\"num\">" << g["bits"] << "</td><td class=\"num\">"
           << fmt(g["eps"].get<double>()) << "</td><td class=\"num\">"
           << fmt(g["residual"].get<double>()) << "</td><td class=\"num\">"
           << html(rung_bound_text(g)) << "</td></tr>";
      os << "</table>\n";
    }
    if (!c["falsifiers"].empty()) {
      os << "<p class=\"note\"><b>Falsifiers</b> (deliberately wrong versions; the check must flip on each, run as separate tests):";
      for (const auto& f : c["falsifiers"])
        os << "<br><code>" << html(str(f, "name")) << "</code>: " << html(str(f, "description"));
      os << "</p>\n";
    }
    os << "</section>\n";
  }
  for (const auto& l : report["ladders"]) {
    if (groups.count(l["id"].get<std::string>())) continue;
    os << "<section class=\"claim\" id=\"" << html(str(l, "id")) << "\"><h3>" << html(str(l, "id"))
       << " (precision ladder only)</h3><p>slope "
       << (l["slope"].is_number() ? fmt(l["slope"].get<double>(), "%.4f") : "n/a") << ", "
       << html(verdict_of(str(l, "verdict"), "holds").text) << "</p></section>\n";
  }
  os << "<h2>Run</h2><pre>" << html(run.dump(2)) << "</pre>\n"
     << "<p class=\"note\">Data: claims.json beside this page (schema reports/claims.schema.json); "
        "Markdown: claims.md.</p>\n</main></body></html>\n";
  return os.str();
}

}  // namespace fa::report
