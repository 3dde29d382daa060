// Parts -> claims.json (assemble), and write: claims.json, claims.md, index.html from the parts.
#include "reports/assemble_internal.hpp"
#include "reports/parts.hpp"
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

/// Output of a shell command (first line), or "" if it fails.
std::string command_line(const std::string& cmd) {
  return first_output_line(cmd);
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
  git["dirty"] =
      commit.empty()
          ? json(nullptr)
          : json(!command_line("git -C '" + src + "' status --porcelain --untracked-files=no")
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

/// The summary row of a claim that has a ladder, proof or Schwartz-Zippel part but no run.
json row_without_runs(const json& id, const std::string& title) {
  return {{"id", id},
          {"title", title},
          {"source", ""},
          {"expected", "holds"},
          {"reconstruction", false},
          {"verdicts", json::object()},
          {"as_expected", true},
          {"worst_margin", nullptr},
          {"worst_margin_scalar", nullptr},
          {"seconds", 0.0}};
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
      r = row_without_runs(l["id"], "");
    }
    r["verdicts"]["ladder"] = l["verdict"];
    r["as_expected"] = r["as_expected"].get<bool>() && l["as_expected"].get<bool>();
  }
  // Claims with a proof or Schwartz-Zippel part but no run in this report still get a row.
  for (const auto* list : {&parts.proofs, &parts.sz})
    for (const auto& p : *list) {
      json& r = rows[p.value("id", "?")];
      if (r.is_null()) r = row_without_runs(p["id"], p.value("title", ""));
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
    refuted_conjectures +=
        c.value("expected", "") == "refuted" && c.value("verdict", "") == "refuted";
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
  const json mutants = optional_json(parts::kMutantsSummary);
  // The regime map (fa-map's regimes.json), when it has run: its own section and heatmaps.
  const json regimes = optional_json(parts::kRegimesFile);
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
              << parts.claims.size() + parts.ladders.size() << " parts; plots: " << status << "\n  "
              << (dir / "index.html").string() << "\n  " << (dir / "claims.md").string() << "\n  "
              << (dir / "claims.json").string() << "\n";
  }
  return 0;
}

}  // namespace fa::report
