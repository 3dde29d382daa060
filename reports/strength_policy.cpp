// The strength policy (docs/strengths.md, "Three strengths"): what each row and each claim of
// claims.json may call itself, from the parts that ran and passed.
#include "reports/assemble_internal.hpp"
#include "reports/report.hpp"

#include "core/atomic_file.hpp"
#include "core/process_text.hpp"

#include <gmp.h>
#include <mpfr.h>
#include <Eigen/Core>
#include <boost/version.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fa::report {

namespace {

/// "2^-1003" for a log2 bound (rounded up, so the stated bound holds).
std::string power_of_two_text(double log2_bound) {
  return "2^" + std::to_string(static_cast<long>(std::floor(log2_bound + 1)));
}

const json* part_for(const std::vector<json>& parts, const std::string& id) {
  for (const auto& p : parts)
    if (p.value("id", "") == id) return &p;
  return nullptr;
}

}  // namespace

/// The strength of one (claim, scalar) row (docs/strengths.md, "Three strengths") and what
/// it rests on. proved: the row's statement holds for all inputs (of the shapes stated, with the
/// stated error probability); certified: proved for every instance the row ran, one at a time, in
/// exact arithmetic; tested: no counterexample in the row's random cases. Never more than what
/// the parts show ran and passed in this report.
void add_strength(json& c, const Parts& parts) {
  const std::string id = c.value("id", ""), scalar = c.value("scalar", "");
  const json* sym = part_for(parts.proofs, id);
  const json* sz = part_for(parts.sz, id);
  const bool sym_ok = sym && sym->value("verdict", "") == "proved";
  const bool sz_ok = sz && sz->value("verdict", "") == "proved";
  const bool ties_ok = parts.ties.is_object() && parts.ties.value("verdict", "") == "proved";
  const bool holds = c.value("expected", "holds") == "holds";
  const bool passed = c.value("as_expected", false);
  json basis;
  basis["symbolic"] = sym_ok ? json{{"script", (*sym)["script"]},
                                    {"method", (*sym)["method"]},
                                    {"shapes", "all (symbolic n, m, r)"},
                                    {"covers", sym->value("covers", "the statement")},
                                    {"false_variants", (*sym)["false_variants"].size()}}
                             : json(nullptr);
  basis["schwartz_zippel"] =
      sz_ok ? json{{"shapes", sz->value("shape_range", "")},
                   {"shape_count", (*sz)["shapes"]},
                   {"points_per_shape", (*sz)["points_per_shape"]},
                   {"degree", (*sz)["degree"]},
                   {"error_probability_per_shape",
                    "< " + power_of_two_text((*sz)["log2_bound_per_shape"].get<double>())},
                   {"code", (*sz)["code"]}}
            : json(nullptr);
  const json& certs = c["extra"].contains("certificates") ? c["extra"]["certificates"] : json();
  const int certified = certs.is_object() ? certs.value("certified", 0) : 0;
  const int cases = c.value("cases", 0);
  basis["certificates"] =
      certs.is_object()
          ? json{{"what", certs.value("what", "")}, {"certified", certified}, {"cases", cases}}
          : json(nullptr);
  basis["exact_replay"] = c.contains("exact_replay") ? c["exact_replay"] : json(nullptr);
  basis["ties"] = nullptr;
  std::string strength = "tested", why;
  if (!passed) {
    why = "the verdict is not the expected one";
  } else if (!holds) {
    const json& rep = c.contains("exact_replay") ? c["exact_replay"] : json();
    const std::string status = rep.is_object() ? rep.value("status", "") : "";
    if (status == "certified exact") {
      strength = "certified";
      why = "the minimal counterexample, replayed in exact arithmetic, refutes the conjecture";
    } else if (status == "rounding artefact" &&
               rep.value("exact_counterexample", json()).is_object()) {
      strength = "certified";
      why =
          "the row's counterexample is a rounding artefact; the exact counterexample the replay "
          "gives refutes the conjecture in exact arithmetic";
    } else {
      why = status.empty() ? "no exact replay of the counterexample" : "exact replay: " + status;
    }
  } else if (scalar == "exact" && sz_ok) {
    strength = "proved";
    why =
        "the implementation's exact path satisfies the identity for all inputs of every shape "
        "n, m <= 4 (Schwartz-Zippel)";
  } else if (scalar == "exact") {
    strength = "certified";
    why = "each case is an exact computation on its instance (" + std::to_string(cases) +
          " instances); no Schwartz-Zippel check (not a polynomial identity)";
  } else if (certified > 0 && certified >= cases) {
    strength = "certified";
    why = "every tested instance (" + std::to_string(certified) +
          ") certified exactly: " + certs.value("what", "");
  } else if (sym_ok || sz_ok) {
    if (ties_ok)
      basis["ties"] =
          "the " + scalar +
          " step equals the proved Rational step at exact points (all 30 shapes n, m <= 4)";
    why = "the identity is proved (" + std::string(sym_ok ? "symbolically, every shape" : "") +
          (sym_ok && sz_ok ? "; " : "") + (sz_ok ? "implementation by Schwartz-Zippel" : "") +
          "); this row checks its rounding (residual <= k eps scale in " + scalar +
          "), which has no proof";
  } else {
    why = c.value("strength_note", "");
    if (why.empty())
      why =
          "a property of runs (convergence, statistics, a numerical tolerance): no exact "
          "certificate or proof applies";
  }
  c["strength"] = strength;
  basis["why"] = why;
  c["strength_basis"] = basis;
}

/// The claim-level strength: proved when the statement's symbolic proof ran and passed (its
/// `covers` says how much of the statement), else the strongest row's.
void add_summary_strength(json& row, const std::vector<json>& claims, const Parts& parts) {
  const std::string id = row.value("id", "");
  const json* sym = part_for(parts.proofs, id);
  const json* sz = part_for(parts.sz, id);
  std::string strength = "tested";
  std::vector<std::string> scope;
  // Proved only when the symbolic proof covers the whole statement; a partial proof is named in
  // the scope and the claim takes the strength of its rows.
  const bool partial = sym && !sym->value("whole_statement", true);
  if (sym && sym->value("verdict", "") == "proved") {
    if (!partial) strength = "proved";
    scope.push_back(std::string(partial ? "partly proved: " : "") +
                    "symbolic proof for every shape (" + sym->value("script", "") +
                    "): " + sym->value("covers", "the statement"));
  }
  if (sz && sz->value("verdict", "") == "proved")
    scope.push_back("implementation (exact path) proved for all " +
                    std::to_string((*sz)["shapes"].get<int>()) + " shapes n, m <= 4 by " +
                    "Schwartz-Zippel: error probability < " +
                    power_of_two_text((*sz)["log2_bound_per_shape"].get<double>()) + " per shape");
  std::string note;
  for (const auto& c : claims) {
    if (c.value("id", "") != id) continue;
    const std::string s = c.value("strength", "tested");
    if (strength != "proved" && (s == "proved" || (s == "certified" && strength == "tested")))
      strength = s;
    const json& b = c["strength_basis"];
    if (b["certificates"].is_object())
      scope.push_back(c.value("scalar", "") + ": " +
                      std::to_string(b["certificates"].value("certified", 0)) + " of " +
                      std::to_string(c.value("cases", 0)) + " instances certified (" +
                      b["certificates"].value("what", "") + ")");
    if (b["exact_replay"].is_object())
      scope.push_back(c.value("scalar", "") +
                      " counterexample: " + b["exact_replay"].value("status", "") + " (" +
                      b["exact_replay"].value("detail", "") + ")");
    if (note.empty()) note = c.value("strength_note", "");
  }
  if (!note.empty()) scope.push_back(note);
  if (scope.empty()) scope.push_back("tested only: no counterexample in the random cases");
  std::string text;
  for (const auto& s : scope) text += (text.empty() ? "" : "; ") + s;
  row["strength"] = strength;
  row["strength_scope"] = text;
}

}  // namespace fa::report
