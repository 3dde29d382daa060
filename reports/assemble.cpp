// Parts -> claims.json; begin, write and merge.
#include "reports/report.hpp"

#include "core/atomic_file.hpp"
#include "core/process_text.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <gmp.h>
#include <mpfr.h>

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

fs::path default_report_dir() {
  if (const char* env = std::getenv("FA_REPORT_DIR")) return env;
  return FA_DEFAULT_REPORT_DIR;
}

void write_atomically(const fs::path& path, const std::string& text) {
  write_file_atomically(path, text);
}

std::string read_text(const fs::path& path) {
  return read_whole_file(path);
}

namespace {

std::string utc_now() {
  return utc_text("%Y-%m-%dT%H:%M:%SZ");
}

/// Output of a shell command (first line), or "" if it fails.
std::string command_line(const std::string& cmd) {
  return first_output_line(cmd);
}

bool is_part_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".json" && name.find(".tmp.") == std::string::npos;
}

int scalar_rank(const std::string& s) {
  if (s == "double") return 0;
  if (s == "mp") return 1;
  if (s == "exact") return 2;
  return 3;
}

json machine_info() {
  json m;
  utsname u{};
  if (::uname(&u) == 0) {
    m["os"] = std::string(u.sysname) + " " + u.release;
    m["arch"] = u.machine;
    m["hostname"] = u.nodename;
  }
  std::string cpu;
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  m["cpu"] = cpu;
  m["cores"] = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  return m;
}

json run_metadata(const Parts& parts, const std::string& plot_status) {
  json run;
  run["date_utc"] = utc_now();
  run["started_utc"] = parts.run_start.is_object() && parts.run_start.contains("started_utc")
                           ? parts.run_start["started_utc"]
                           : json(nullptr);
  const std::string src = FA_SOURCE_DIR;
  const std::string commit = command_line("git -C '" + src + "' rev-parse HEAD");
  json git;
  git["commit"] = commit.empty() ? json(nullptr) : json(commit);
  git["dirty"] = commit.empty() ? json(nullptr)
                                : json(!command_line("git -C '" + src +
                                                     "' status --porcelain --untracked-files=no")
                                            .empty());
  run["git"] = git;
  run["compiler"] = std::string(FA_CXX_COMPILER);
  run["build_type"] = std::string(FA_BUILD_TYPE);
  json libs;
  libs["eigen"] = std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) +
                  "." + std::to_string(EIGEN_MINOR_VERSION);
  libs["boost"] = std::to_string(BOOST_VERSION / 100000) + "." +
                  std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                  std::to_string(BOOST_VERSION % 100);
  libs["mpfr"] = std::string(MPFR_VERSION_STRING);
  libs["gmp"] = std::string(gmp_version);
  libs["nlohmann_json"] = std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                          std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                          std::to_string(NLOHMANN_JSON_VERSION_PATCH);
  const std::string rc = command_line("dpkg-query -W -f='${Version}' librapidcheck-dev");
  libs["rapidcheck"] = rc.empty() ? json(nullptr) : json("Debian " + rc);
  const std::string gp = gnuplot_version();
  libs["gnuplot"] = gp.empty() ? json(nullptr) : json(gp);
  run["libraries"] = libs;
  run["machine"] = machine_info();
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? json(v) : json(nullptr);
  };
  // What the claims ran with: from the shard manifests of run-all when there are any (a merge
  // runs elsewhere), else from this process's environment (ctest passes it on).
  run["environment"] = {{"FA_DEPTH", env("FA_DEPTH")},
                        {"FA_SEED", env("FA_SEED")},
                        {"FA_PROFILE", env("FA_PROFILE")}};
  for (const auto& m : parts.shards)
    if (m.contains("environment")) run["environment"] = m["environment"];
  run["plots"] = plot_status;
  double seconds = 0;
  for (const auto& c : parts.claims) seconds += c.value("seconds", 0.0);
  run["seconds"] = seconds;
  return run;
}

bool as_expected(const json& c) {
  const std::string v = c.value("verdict", "error");
  return c.value("expected", "holds") == "holds" ? v == "verified" : v == "refuted";
}

bool is_reconstruction(const json& c) {
  for (const char* key : {"title", "statement"})
    if (c.contains(key) && c[key].is_string() &&
        c[key].get<std::string>().find("FA*") != std::string::npos)
      return true;
  return false;
}

}  // namespace

void begin(const fs::path& dir) {
  const fs::path parts = dir / "parts";
  fs::create_directories(parts);
  std::size_t removed = 0;
  for (const auto& e : fs::directory_iterator(parts))
    if (e.is_regular_file() && e.path().extension() == ".json") removed += fs::remove(e.path());
  write_atomically(parts / "_run.json", json{{"started_utc", utc_now()}}.dump(2) + "\n");
  std::cout << "fa-report begin: cleared " << removed << " parts in " << parts.string() << "\n";
}

Parts read_parts(const fs::path& dir) {
  Parts p;
  const fs::path parts = dir / "parts";
  if (!fs::is_directory(parts)) return p;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(parts))
    if (e.is_regular_file() && is_part_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    json j;
    try {
      j = json::parse(read_text(f));
    } catch (const json::exception& e) {
      throw std::runtime_error(f.string() + ": not valid JSON: " + e.what());
    }
    const std::string name = f.filename().string();
    if (name == "_run.json")
      p.run_start = j;
    else if (name.rfind("_shard.", 0) == 0)
      p.shards.push_back(j);
    else if (name.rfind("_sweep.", 0) == 0)
      p.sweeps.push_back(j);
    else if (name.size() > 12 && name.substr(name.size() - 12) == ".pinned.json")
      p.pinned.push_back(j);
    else if (name.size() > 12 && name.substr(name.size() - 12) == ".ladder.json")
      p.ladders.push_back(j);
    else if (name.size() > 11 && name.substr(name.size() - 11) == ".proof.json")
      p.proofs.push_back(j);
    else if (name.size() > 8 && name.substr(name.size() - 8) == ".sz.json")
      p.sz.push_back(j);
    else if (name.size() > 10 && name.substr(name.size() - 10) == ".ties.json")
      p.ties = j;
    else if (name[0] != '_')
      p.claims.push_back(j);
  }
  return p;
}

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

/// The seed sweep's parts (one per FA_SEED value, fa-claims sweep) as one summary: the seeds,
/// the jobs per seed, and every job whose verdict was not the expected one. Null without parts.
json seed_sweep(std::vector<json> sweeps) {
  if (sweeps.empty()) return nullptr;
  std::sort(sweeps.begin(), sweeps.end(), [](const json& a, const json& b) {
    return std::stoull(a.value("seed", "0")) < std::stoull(b.value("seed", "0"));
  });
  json out{{"seeds_tried", sweeps.size()},
           {"jobs_per_seed", 0},
           {"depth", sweeps.front().value("depth", "1")},
           {"profile", sweeps.front().value("profile", "test")},
           {"disagreements", json::array()},
           {"unfinished", json::array()},
           {"per_seed", json::array()}};
  std::string seeds;
  std::size_t jobs = 0;
  bool all = true;
  for (const auto& w : sweeps) {
    const std::string seed = w.value("seed", "?");
    seeds += (seeds.empty() ? "" : ", ") + seed;
    jobs = std::max(jobs, w["jobs"].size());
    const bool finished = w.value("finished", false);
    if (!finished) out["unfinished"].push_back(seed);
    all = all && finished && w.value("as_expected", false);
    long good = 0;
    for (const auto& job : w["jobs"]) {
      if (job.value("as_expected", false)) {
        ++good;
        continue;
      }
      out["disagreements"].push_back({{"seed", seed},
                                      {"job", job.value("job", "")},
                                      {"verdict", job.value("verdict", job.value("error", ""))},
                                      {"counterexample", job.value("counterexample", "")},
                                      {"reproduce", job.value("reproduce", "")}});
    }
    out["per_seed"].push_back({{"seed", seed},
                               {"jobs", w["jobs"].size()},
                               {"as_expected", good},
                               {"finished", finished}});
  }
  out["seeds"] = seeds;
  out["jobs_per_seed"] = jobs;
  out["all_agreed"] = all;
  return out;
}

}  // namespace

json assemble(const Parts& parts, const json& figures, const std::string& plot_status) {
  json report;
  report["format"] = "fa-verify-claims";
  report["format_version"] = 1;
  report["run"] = run_metadata(parts, plot_status);

  std::vector<json> claims = parts.claims;
  for (auto& c : claims) {
    c["as_expected"] = as_expected(c);
    c["reconstruction"] = is_reconstruction(c);
    for (const char* key : {"proof", "strength_note", "exact_replay", "search"})
      if (!c.contains(key)) c[key] = key == std::string("strength_note") ? json("") : json(nullptr);
    add_strength(c, parts);
  }
  std::sort(claims.begin(), claims.end(), [](const json& a, const json& b) {
    const std::string ia = a.value("id", ""), ib = b.value("id", "");
    if (ia != ib) return ia < ib;
    return scalar_rank(a.value("scalar", "")) < scalar_rank(b.value("scalar", ""));
  });
  std::vector<json> ladders = parts.ladders;
  for (auto& l : ladders) l["as_expected"] = l.value("verdict", "error") == "verified";
  std::sort(ladders.begin(), ladders.end(),
            [](const json& a, const json& b) { return a.value("id", "") < b.value("id", ""); });

  // Summary: one row per claim id (claims and ladders), verdict per scalar.
  std::map<std::string, json> rows;
  for (const auto& c : claims) {
    json& r = rows[c["id"].get<std::string>()];
    if (r.is_null()) {
      r = {{"id", c["id"]},
           {"title", c.value("title", "")},
           {"source", c.value("source", "")},
           {"expected", c.value("expected", "holds")},
           {"reconstruction", c["reconstruction"]},
           {"verdicts", json::object()},
           {"as_expected", true},
           {"worst_margin", nullptr},
           {"worst_margin_scalar", nullptr},
           {"seconds", 0.0}};
    }
    r["verdicts"][c["scalar"].get<std::string>()] = c["verdict"];
    r["as_expected"] = r["as_expected"].get<bool>() && c["as_expected"].get<bool>();
    r["seconds"] = r["seconds"].get<double>() + c.value("seconds", 0.0);
    if (c["worst_margin"].is_object()) {
      const double m = c["worst_margin"]["margin"].get<double>();
      if (r["worst_margin"].is_null() || m < r["worst_margin"].get<double>()) {
        r["worst_margin"] = m;
        r["worst_margin_scalar"] = c["scalar"];
      }
    }
  }
  for (const auto& l : ladders) {
    json& r = rows[l["id"].get<std::string>()];
    if (r.is_null()) {
      r = {{"id", l["id"]},          {"title", ""},           {"source", ""},
           {"expected", "holds"},    {"reconstruction", false}, {"verdicts", json::object()},
           {"as_expected", true},    {"worst_margin", nullptr}, {"worst_margin_scalar", nullptr},
           {"seconds", 0.0}};
    }
    r["verdicts"]["ladder"] = l["verdict"];
    r["as_expected"] = r["as_expected"].get<bool>() && l["as_expected"].get<bool>();
  }
  // Claims with a proof or Schwartz-Zippel part but no run in this report still get a row.
  for (const auto* list : {&parts.proofs, &parts.sz})
    for (const auto& p : *list) {
      json& r = rows[p.value("id", "?")];
      if (r.is_null())
        r = {{"id", p["id"]},
             {"title", p.value("title", "")},
             {"source", ""},
             {"expected", "holds"},
             {"reconstruction", false},
             {"verdicts", json::object()},
             {"as_expected", true},
             {"worst_margin", nullptr},
             {"worst_margin_scalar", nullptr},
             {"seconds", 0.0}};
      const bool ok = p.value("verdict", "") == "proved";
      r["verdicts"][p.value("kind", "") == "symbolic" ? "symbolic" : "schwartz_zippel"] =
          ok ? "proved" : p.value("verdict", "error");
      r["as_expected"] = r["as_expected"].get<bool>() && ok;
    }
  std::vector<json> pinned = parts.pinned;
  for (const auto& p : pinned) {
    const auto row = rows.find(p.value("id", "?"));
    if (row == rows.end()) continue;  // pinned cases of a claim whose runs are not in this report
    json& r = row->second;
    r["verdicts"]["pinned"] = p.value("verdict", "error");
    r["as_expected"] = r["as_expected"].get<bool>() && p.value("as_expected", false);
  }
  json summary = json::array();
  for (auto& [id, r] : rows) {
    add_summary_strength(r, claims, parts);
    summary.push_back(r);
  }

  int results = 0, good = 0, refuted_conjectures = 0;
  for (const auto& c : claims) {
    ++results;
    good += c["as_expected"].get<bool>();
    refuted_conjectures += c.value("expected", "") == "refuted" && c.value("verdict", "") == "refuted";
  }
  for (const auto& l : ladders) ++results, good += l["as_expected"].get<bool>();
  for (const auto* list : {&parts.proofs, &parts.sz})
    for (const auto& p : *list) ++results, good += p.value("verdict", "") == "proved";
  if (parts.ties.is_object()) ++results, good += parts.ties.value("verdict", "") == "proved";
  for (const auto& p : pinned) ++results, good += p.value("as_expected", false);
  for (const auto& w : parts.sweeps) ++results, good += w.value("as_expected", false);
  report["totals"] = {{"results", results},
                      {"as_expected", good},
                      {"not_as_expected", results - good},
                      {"refuted_conjectures", refuted_conjectures}};
  report["summary"] = summary;
  report["claims"] = claims;
  report["ladders"] = ladders;
  std::vector<json> proofs = parts.proofs, sz = parts.sz;
  auto by_id = [](const json& a, const json& b) { return a.value("id", "") < b.value("id", ""); };
  std::sort(proofs.begin(), proofs.end(), by_id);
  std::sort(sz.begin(), sz.end(), by_id);
  report["proofs"] = {{"symbolic", proofs},
                      {"schwartz_zippel", sz},
                      {"ties", parts.ties.is_object() ? parts.ties : json(nullptr)}};
  std::sort(pinned.begin(), pinned.end(),
            [](const json& a, const json& b) { return a.value("id", "") < b.value("id", ""); });
  report["pinned"] = pinned;
  report["seed_sweep"] = seed_sweep(parts.sweeps);
  report["figures"] = figures;
  return report;
}

json strip_volatile(json report) {
  std::function<void(json&)> strip = [&](json& j) {
    if (j.is_object()) {
      j.erase("seconds");
      for (auto& [k, v] : j.items()) strip(v);
    } else if (j.is_array()) {
      for (auto& v : j) strip(v);
    }
  };
  strip(report);
  if (report.contains("run")) {
    report["run"].erase("date_utc");
    report["run"].erase("started_utc");
  }
  return report;
}

int write_report(const fs::path& dir, bool plots, bool quiet) {
  const Parts parts = read_parts(dir);
  json report = assemble(parts, compute_figures(), "pending");
  std::string status;
  const std::vector<Plot> drawn = draw_plots(report, dir, status, plots);
  report["run"]["plots"] = status;

  const json schema = load_schema(default_schema_path());
  const auto problems = validate(report, schema);
  if (!problems.empty()) {
    std::cerr << "fa-report: the assembled claims.json does not match its schema ("
              << default_schema_path().string() << "):\n";
    for (const auto& p : problems) std::cerr << "  " << p << "\n";
    return 3;
  }
  write_atomically(dir / "claims.json", report.dump(2) + "\n");
  // The kill matrix of the mutation tests (tests/mutants), when they have run: shown, not part
  // of claims.json (it describes the suite's own power, not the claims).
  auto optional_json = [&](const char* name) {
    json j = nullptr;
    if (fs::exists(dir / name)) {
      try {
        j = json::parse(read_text(dir / name));
      } catch (const std::exception& e) {
        std::cerr << "fa-report: ignoring unreadable " << name << ": " << e.what() << "\n";
      }
    }
    return j;
  };
  const json mutants = optional_json("mutants.json");
  // The regime map (fa-map's regimes.json), when it has run: its own section and heatmaps.
  const json regimes = optional_json("regimes.json");
  const std::vector<Plot> regime_plots = draw_regime_plots(regimes, dir, plots);
  write_atomically(dir / "claims.md", render_markdown(report, drawn, mutants, regimes) +
                                          regimes_markdown(regimes, regime_plots));
  std::string page = render_html(report, drawn, mutants, regimes);
  const std::string regime_section = regimes_html(regimes, regime_plots);
  if (const auto at = page.rfind("<h2>Run</h2>");
      !regime_section.empty() && at != std::string::npos)
    page.insert(at, regime_section);
  write_atomically(dir / "index.html", page);
  if (!quiet) {
    const json& t = report["totals"];
    std::cout << "fa-report: " << t["results"] << " results (" << t["as_expected"]
              << " as expected, " << t["not_as_expected"] << " not) from "
              << parts.claims.size() + parts.ladders.size() << " parts; plots: " << status
              << "\n  " << (dir / "index.html").string() << "\n  " << (dir / "claims.md").string()
              << "\n  " << (dir / "claims.json").string() << "\n";
  }
  return 0;
}

int merge(const std::vector<fs::path>& sources, const fs::path& out, bool allow_partial,
          bool plots) {
  // Collect first, write after: a conflict leaves <out> untouched.
  std::map<std::string, std::pair<json, fs::path>> files;
  std::vector<json> manifests;
  for (const auto& src : sources) {
    const fs::path parts = fs::is_directory(src / "parts") ? src / "parts" : src;
    if (!fs::is_directory(parts)) throw std::runtime_error(src.string() + ": no such directory");
    std::error_code ec;
    if (fs::exists(out / "parts") && fs::equivalent(parts, out / "parts", ec))
      throw std::runtime_error(src.string() + " is the output's own parts directory");
    for (const auto& e : fs::directory_iterator(parts)) {
      if (!e.is_regular_file() || !is_part_file(e.path())) continue;
      const std::string name = e.path().filename().string();
      if (name == "_run.json") continue;
      json j = json::parse(read_text(e.path()));
      if (name.rfind("_shard.", 0) == 0) manifests.push_back(j);
      auto it = files.find(name);
      if (it == files.end()) {
        files.emplace(name, std::make_pair(j, e.path()));
      } else if (strip_volatile(it->second.first) != strip_volatile(j)) {
        throw std::runtime_error("conflicting parts: " + it->second.second.string() + " and " +
                                 e.path().string() + " differ (shards of different runs?)");
      }
    }
  }
  // Shard manifests: all n shards of one split must be there, each once.
  std::set<int> counts, present;
  for (const auto& m : manifests) counts.insert(m["of"].get<int>()), present.insert(m["shard"].get<int>());
  std::string missing;
  for (const auto& m : manifests)
    if (m.value("environment", json()) != manifests.front().value("environment", json()))
      throw std::runtime_error("shards ran with different FA_DEPTH / FA_SEED");
  if (counts.size() > 1) {
    missing = "shards of different splits (n differs)";
  } else if (counts.size() == 1) {
    const int n = *counts.begin();
    for (int i = 0; i < n; ++i)
      if (!present.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
    if (!missing.empty()) missing = "missing shards " + missing + " of " + std::to_string(n);
  }
  if (!missing.empty()) {
    std::cerr << "fa-report merge: " << missing
              << (allow_partial ? " (--allow-partial: merging what there is)" : "") << "\n";
    if (!allow_partial) return 1;
  }
  const fs::path out_parts = out / "parts";
  fs::create_directories(out_parts);
  for (const auto& e : fs::directory_iterator(out_parts))
    if (e.is_regular_file() && e.path().extension() == ".json") fs::remove(e.path());
  for (const auto& [name, jf] : files) write_atomically(out_parts / name, jf.first.dump(2) + "\n");
  std::cout << "fa-report merge: " << files.size() << " parts from " << sources.size()
            << " directories";
  if (!counts.empty()) std::cout << " (" << present.size() << " of " << *counts.begin() << " shards)";
  std::cout << "\n";
  return write_report(out, plots, false);
}

}  // namespace fa::report
