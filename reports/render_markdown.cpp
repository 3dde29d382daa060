// claims.md from the assembled claims.json (reports/report.hpp, render_markdown).
#include "reports/kill_matrix.hpp"
#include "reports/render_common.hpp"

namespace fa::report {

using namespace render_detail;

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
        os << " "
           << verdict_of(r["verdicts"][s],
                         s == std::string("ladder") ? "holds" : str(r, "expected"))
                  .text
           << " |";
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
        os << "**Minimal counterexample (" << str(*e, "scalar")
           << ")**: " << md(str(cx, "violated")) << ": " << md(str(cx, "quantity")) << " vs "
           << md(str(cx, "bound")) << ", recipe `" << str(cx, "recipe") << "`\n\n";
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
          "survives, mp kills). Details: `mutants.md`, `mutants.json`.\n\n";
    os << kill_matrix_markdown(km);
    os << "\n";
  }
  os << certificate_falsifiers_markdown(km, "###");
  os << "---\nFull data: `claims.json` (schema `reports/claims.schema.json`). Page with embedded "
        "plots: `index.html`.\n";
  return os.str();
}

}  // namespace fa::report
