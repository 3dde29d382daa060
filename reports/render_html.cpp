// index.html from the assembled claims.json (reports/report.hpp, render_html): one self-contained
// page, plots embedded.
#include "reports/kill_matrix.hpp"
#include "reports/render_common.hpp"

namespace fa::report {

using namespace render_detail;

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
     << section_html(literature_section(report)) << section_html(search_section(report))
     << section_html(pinned_section(report)) << section_html(sweep_section(report))
     << R"(<h2 id="plots">Plots</h2>
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
          "survives (not on its path), mp must kill. Details: mutants.md, mutants.json.</p>\n";
    os << kill_matrix_html(km);
  }
  os << certificate_falsifiers_html(km);
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
            os << "<div><div class=\"label\">" << name << "</div>"
               << matrix_html(cx["matrices"][name]) << "</div>";
          os << "<div><div class=\"label\">eta</div><code>"
             << html(cx["matrices"]["eta"].get<std::string>())
             << "</code></div></div><div class=\"note\">Entries rounded to 6 digits here (hover "
                "for all "
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
        os << "<div class=\"label\">family statistics (" << str(*e, "scalar")
           << ")</div><table class=\"res\"><tr><th>alpha</th><th>k</th><th>draws</th><th>median "
              "err_FA/opt_1</th><th>predicted</th><th>10%</th><th>90%</th></tr>";
        for (const auto& r : extra["family"])
          os << "<tr><td class=\"num\">" << fmt(r["alpha"].get<double>())
             << "</td><td class=\"num\">" << r["k"] << "</td><td class=\"num\">" << r["draws"]
             << "</td><td class=\"num\">" << fmt(r["median"].get<double>(), "%.4g")
             << "</td><td class=\"num\">" << fmt(r["predicted"].get<double>(), "%.4g")
             << "</td><td class=\"num\">" << fmt(r["q10"].get<double>(), "%.4g")
             << "</td><td class=\"num\">" << fmt(r["q90"].get<double>(), "%.4g") << "</td></tr>";
        os << "</table>\n";
      }
      if (extra.contains("family") && id == "A5.family") {
        os << "<div class=\"label\">family statistics (" << str(*e, "scalar")
           << ")</div><table class=\"res\"><tr><th>k</th><th>draws</th><th>mean k cos²</th><th>RMS "
              "|cos|</th><th>1/sqrt(k)</th></tr>";
        for (const auto& r : extra["family"]) {
          const double k = r["k"].get<double>();
          os << "<tr><td class=\"num\">" << r["k"] << "</td><td class=\"num\">" << r["draws"]
             << "</td><td class=\"num\">" << fmt(r["mean_k_cos2"].get<double>(), "%.4g")
             << "</td><td class=\"num\">"
             << fmt(std::sqrt(r["mean_k_cos2"].get<double>() / k), "%.4g")
             << "</td><td class=\"num\">" << fmt(1 / std::sqrt(k), "%.4g") << "</td></tr>";
        }
        os << "</table>\n";
      }
      if (extra.contains("ratio_examples") && !extra["ratio_examples"].empty()) {
        std::vector<double> v = extra["ratio_examples"].get<std::vector<double>>();
        std::sort(v.begin(), v.end());
        os << "<p class=\"note\">" << str(*e, "scalar") << ": err_FA/opt_r over " << v.size()
           << " instances: min " << fmt(v.front(), "%.4g") << ", median "
           << fmt(v[v.size() / 2], "%.4g") << ", max " << fmt(v.back(), "%.4g")
           << " (all > 1: FA's limit is above the optimum).</p>\n";
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
      os << "<p class=\"note\"><b>Falsifiers</b> (deliberately wrong versions; the check must flip "
            "on each, run as separate tests):";
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
