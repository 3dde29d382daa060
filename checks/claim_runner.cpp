// fa-claims: runs the registered claims (theorems/*.cpp), one (claim, scalar) at a time, prints a
// verdict that explains itself, writes a report fragment, and generates the ctest registrations.
#include "checks/claim_runner.hpp"

#include "checks/claim.hpp"
#include "checks/schwartz_zippel.hpp"
#include "core/atomic_file.hpp"
#include "core/shell_quote.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace fa {

std::vector<RegisteredClaim>& claim_registry() {
  static std::vector<RegisteredClaim> registry;
  return registry;
}

const RegisteredClaim* find_claim(const std::string& id) {
  for (const auto& c : claim_registry())
    if (c.spec.id == id) return &c;
  return nullptr;
}

std::string self_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("fa-claims") : p.string();
}

std::filesystem::path report_dir() {
  if (const char* env = std::getenv("FA_REPORT_DIR")) return env;
  return FA_DEFAULT_REPORT_DIR;
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  write_file_atomically(path, text);
}

std::string test_name(const ClaimSpec& spec, const std::string& scalar) {
  return spec.id + " " + spec.title + " (" + scalar + ")";
}

std::string reproduce_command(const ClaimSpec& spec, const std::string& scalar, const RunResult& r,
                              const std::string& falsifier) {
  std::string cmd = self_path() + " run " + spec.id + " --scalar " + scalar;
  if (!falsifier.empty()) cmd += " --falsifier " + falsifier;
  cmd += " --seed " + std::to_string(r.seed);
  if (!r.reproduce.empty()) cmd += " --reproduce " + shell_quote(r.reproduce);
  return cmd;
}

nlohmann::json fragment_json(const ClaimSpec& spec, const std::string& scalar, const RunResult& r,
                             const std::string& reproduce) {
  nlohmann::json j;
  j["id"] = spec.id;
  j["title"] = spec.title;
  j["source"] = source_name(spec.source);
  j["statement"] = spec.statement;
  j["hypotheses"] = spec.hypotheses;
  j["recipe"] = spec.recipe;
  j["scalar"] = scalar;
  j["precision_bits"] = scalar == "double" ? 53 : scalar == "mp" ? precision_bits<Mp>() : 0;
  j["verdict"] = r.verdict;
  j["expected"] = spec.expected_to_hold() ? "holds" : "refuted";
  j["cases"] = r.cases;
  j["seed"] = std::to_string(r.seed);
  j["seconds"] = r.seconds;
  nlohmann::json wm;
  if (std::isfinite(r.record.worst.margin)) {
    wm["margin"] = r.record.worst.margin;
    wm["quantity"] = r.record.worst.quantity;
    wm["bound"] = r.record.worst.bound;
    wm["what"] = r.record.worst.what;
    wm["recipe"] = r.record.worst.recipe;
  }
  j["worst_margin"] = wm.is_null() ? nlohmann::json(nullptr) : wm;
  j["counterexample"] = r.property_failed && !r.record.last_failure.is_null()
                            ? r.record.last_failure
                            : nlohmann::json(nullptr);
  j["reproduce"] = reproduce;
  j["message"] = r.message;
  j["extra"] = r.record.extra;
  j["region"] = r.record.region.to_json();
  nlohmann::json fals = nlohmann::json::array();
  for (const auto& f : spec.falsifiers)
    fals.push_back({{"name", f.name}, {"description", f.description}});
  j["falsifiers"] = fals;
  j["proof"] = spec.proof.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.proof);
  j["strength_note"] = spec.strength_note;
  j["exact_replay"] = r.exact_replay;
  return j;
}

bool verdict_as_expected(const ClaimSpec& spec, const RunResult& r, bool falsifier) {
  const bool refuted = r.verdict == "refuted";
  if (r.verdict == "error") return false;
  const bool should_be_refuted = spec.expected_to_hold() == falsifier;
  if (should_be_refuted) return refuted;
  return spec.expected_to_hold() ? r.verdict == "verified" : r.verdict == "inconclusive";
}

/// The exact replay of a refuted conjecture's minimal counterexample (ClaimSpec::replay_exactly),
/// as report data; an exception in the replay is reported, not fatal.
nlohmann::json replay_counterexample(const ClaimSpec& spec, const nlohmann::json& counterexample) {
  ExactReplay e;
  try {
    e = spec.replay_exactly(counterexample);
  } catch (const std::exception& ex) {
    e.status = "not certified";
    e.detail = std::string("the exact replay failed: ") + ex.what();
  }
  return {
      {"status", e.status}, {"detail", e.detail}, {"exact_counterexample", e.exact_counterexample}};
}

void print_result(std::ostream& os, const ClaimSpec& spec, const std::string& scalar,
                  const RunResult& r, const std::string& falsifier, const std::string& reproduce,
                  bool ok) {
  os << "claim " << spec.id << " [" << scalar << "] " << spec.title << "\n";
  os << "  source: " << source_name(spec.source)
     << (spec.expected_to_hold() ? "" : " (a conjecture: the suite must refute it)") << "\n";
  if (!falsifier.empty()) {
    for (const auto& f : spec.falsifiers)
      if (f.name == falsifier) os << "  FALSIFIER " << f.name << ": " << f.description << "\n";
    os << "  (the check must "
       << (spec.expected_to_hold() ? "fail (refuted)" : "find no counterexample") << ")\n";
  }
  os << "  verdict: " << r.verdict << " after " << r.cases << " cases in " << r.seconds
     << " s (seed " << r.seed << ")\n";
  if (std::isfinite(r.record.worst.margin)) {
    os << "  worst margin: " << r.record.worst.margin << " on " << r.record.worst.what << ": "
       << r.record.worst.quantity << " vs bound " << r.record.worst.bound << "\n    at "
       << r.record.worst.recipe << "\n";
  }
  if (r.property_failed) {
    os << (spec.expected_to_hold() ? "  COUNTEREXAMPLE (minimal after shrinking):\n"
                                   : "  minimal counterexample (refutes the conjecture):\n");
    std::istringstream lines(r.message);
    for (std::string line; std::getline(lines, line);) os << "    " << line << "\n";
    os << "  reproduce: " << reproduce << "\n";
    if (r.exact_replay.is_object())
      os << "  exact replay: " << r.exact_replay["status"].get<std::string>() << ": "
         << r.exact_replay["detail"].get<std::string>() << "\n";
  } else if (!r.message.empty() && r.verdict != "verified") {
    os << "  " << r.message << "\n";
  }
  os << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
}

int run_claim(const std::string& id, const std::string& scalar, const std::string& falsifier,
              std::optional<std::uint64_t> seed, int cases, const std::string& reproduce,
              bool write_report, const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim) {
    std::cerr << "fa-claims: no claim '" << id << "' (try: fa-claims list)\n";
    return 2;
  }
  const ClaimSpec& spec = claim->spec;
  RunRequest req;
  req.seed = seed;
  req.cases = cases;
  req.reproduce = reproduce;
  if (!falsifier.empty()) {
    for (std::size_t i = 0; i < spec.falsifiers.size(); ++i)
      if (spec.falsifiers[i].name == falsifier) req.variant = static_cast<int>(i) + 1;
    if (req.variant == 0) {
      std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
      return 2;
    }
  }
  for (const auto& [name, runner] : claim->scalars) {
    if (name != scalar) continue;
    const bool writes = write_report && req.variant == 0 && !req.fixed_recipe;
    const auto part = report_dir() / "parts" / (spec.id + "." + scalar + ".json");
    if (writes) {
      // A placeholder first: a run that crashes or is killed (ctest timeout) shows in the
      // report as an error instead of silently missing.
      RunResult unfinished;
      unfinished.verdict = "error";
      unfinished.message = "started but did not finish (crashed or killed, e.g. by a timeout)";
      write_atomically(part, fragment_json(spec, scalar, unfinished, "").dump(2) + "\n");
    }
    RunResult r = runner(spec, req);
    if (req.variant == 0 && spec.replay_exactly && r.property_failed &&
        r.record.last_failure.is_object() && r.record.last_failure.contains("matrices"))
      r.exact_replay = replay_counterexample(spec, r.record.last_failure);
    bool ok = verdict_as_expected(spec, r, req.variant > 0);
    // A claim must draw its region, not mostly throw draws away (issue 11): more discarded than
    // kept cases (preconditions) is a failure of the claim's generator.
    const RegionSeen& region = r.record.region;
    if (req.variant == 0 && region.discards > region.cases && r.verdict != "refuted") {
      std::cout << "  DISCARDS: " << region.discards << " of " << region.cases + region.discards
                << " draws failed a precondition (more than half): the generator must draw the "
                   "region better\n";
      ok = false;
    }
    const std::string repro = reproduce_command(spec, scalar, r, falsifier);
    print_result(std::cout, spec, scalar, r, falsifier, repro, ok);
    if (writes) write_atomically(part, fragment_json(spec, scalar, r, repro).dump(2) + "\n");
    if (!json_out.empty()) {
      nlohmann::json j = fragment_json(spec, scalar, r, repro);
      j["as_expected"] = ok;
      write_atomically(json_out, j.dump(2) + "\n");
    }
    return ok ? 0 : 1;
  }
  std::cerr << "fa-claims: claim " << id << " does not run in scalar '" << scalar << "'\n";
  return 2;
}

bool LadderResult::rungs_within_bounds() const {
  if (rungs.empty()) return false;
  for (const auto& g : rungs)
    if (!g.within_bound()) return false;
  return true;
}

bool LadderResult::slope_exact_like() const {
  return slope >= kLadderSlopeMin && slope <= kLadderSlopeMax;
}

/// Precision ladder: the same fixed instance at 53 (double), 114, 201 and 400 bits (MPFR; the
/// bit counts Boost's decimal-digit precision gives). Each rung is the claim's own check at that
/// precision, so it must meet the claim's own bounds (k eps scale, k as justified in the claim,
/// eps of the rung); then log10(residual) is fitted against log10(eps): an exact identity's
/// residual falls with eps (slope ~1), an approximate one's does not (~0).
LadderResult precision_ladder(const RegisteredClaim& claim, int variant,
                              const DynamicsSet& dynamics) {
  LadderResult out;
  RunRequest req;
  req.variant = variant;
  req.dynamics = dynamics;
  req.fixed_recipe = &claim.spec.ladder_recipe;
  const ClaimRunner* d = nullptr;
  const ClaimRunner* v = nullptr;
  for (const auto& [name, runner] : claim.scalars) {
    if (name == "double") d = &runner;
    if (name == "mpfr") v = &runner;
  }
  if (!d || !v) throw std::runtime_error("claim " + claim.spec.id + " has no precision ladder");
  auto rung = [&](int bits, const ClaimRunner& runner, double eps) {
    RunResult r = runner(claim.spec, req);
    LadderRung g;
    g.bits = bits;
    g.eps = eps;
    g.residual = r.record.max_identity_residual;
    g.verdict = r.verdict;
    g.bound_ratio = r.record.max_identity_bound_ratio;
    g.identity_checks = r.record.identity_checks;
    if (!g.within_bound())
      g.message = g.identity_checks == 0 ? "no identity was checked (case discarded?) " + r.message
                                         : r.message;
    out.rungs.push_back(g);
  };
  rung(53, *d, std::ldexp(1.0, -52));
  for (int bits : {113, 200, 400}) {
    const int got = set_mpvar_bits(bits);
    rung(got, *v, std::ldexp(1.0, 1 - got));
  }
  // Least squares on (log10 eps, log10 residual); a residual of exactly 0 (operations that
  // happen to round exactly) is floored at eps: it is at most the rounding level, as an exact
  // identity's residual must be.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(out.rungs.size());
  for (const auto& g : out.rungs) {
    const double x = std::log10(g.eps);
    const double y = std::log10(g.residual > 0 ? g.residual : g.eps);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  out.slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return out;
}

std::string ladder_failure_text(const LadderResult& lad) {
  std::ostringstream os;
  for (const auto& g : lad.rungs)
    if (!g.within_bound())
      os << g.bits << "-bit rung out of its own bound (residual/bound " << g.bound_ratio
         << "): " << g.message << "\n";
  if (!lad.slope_exact_like())
    os << "slope " << lad.slope << " outside [" << kLadderSlopeMin << ", " << kLadderSlopeMax
       << "]\n";
  return os.str();
}

void print_ladder(std::ostream& os, const LadderResult& lad) {
  for (const auto& g : lad.rungs)
    os << "  " << g.bits << " bits  eps=" << g.eps << "  relative residual=" << g.residual
       << "  residual/bound=" << g.bound_ratio << " (" << g.identity_checks << " checks)"
       << (g.within_bound() ? "  within its bound" : "  OUT OF ITS BOUND") << "\n";
  os << "  every rung within its own bound (k eps scale at that precision): "
     << (lad.rungs_within_bounds() ? "yes" : "NO") << "\n";
  os << "  slope of log residual vs log eps: " << lad.slope
     << " (exact identity: ~1, approximate: ~0; required in [" << kLadderSlopeMin << ", "
     << kLadderSlopeMax << "])\n";
  if (!lad.exact_like()) {
    std::istringstream lines(ladder_failure_text(lad));
    for (std::string line; std::getline(lines, line);) os << "  " << line << "\n";
  }
}

int run_ladder(const std::string& id, const std::string& falsifier, bool write_report,
               const std::string& json_out) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || !claim->spec.ladder) {
    std::cerr << "fa-claims: no claim '" << id << "' with a precision ladder\n";
    return 2;
  }
  int variant = 0;
  for (std::size_t i = 0; i < claim->spec.falsifiers.size(); ++i)
    if (claim->spec.falsifiers[i].name == falsifier) variant = static_cast<int>(i) + 1;
  if (!falsifier.empty() && variant == 0) {
    std::cerr << "fa-claims: claim " << id << " has no falsifier '" << falsifier << "'\n";
    return 2;
  }
  const auto part = report_dir() / "parts" / (id + ".ladder.json");
  if (write_report && variant == 0) {
    nlohmann::json j{{"id", id},
                     {"slope", nullptr},
                     {"recipe", claim->spec.ladder_recipe.describe()},
                     {"verdict", "error"},
                     {"rungs", nlohmann::json::array()},
                     {"message", "started but did not finish (crashed or killed)"}};
    write_atomically(part, j.dump(2) + "\n");
  }
  const LadderResult lad = precision_ladder(*claim, variant);
  const bool exact_like = lad.exact_like();
  const bool ok = variant == 0 ? exact_like : !exact_like;
  std::cout << "precision ladder " << id << " " << claim->spec.title
            << (variant ? " with falsifier " + falsifier : std::string()) << "\n";
  print_ladder(std::cout, lad);
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if ((write_report && variant == 0) || !json_out.empty()) {
    nlohmann::json j;
    j["id"] = id;
    j["slope"] = lad.slope;
    j["recipe"] = claim->spec.ladder_recipe.describe();
    j["verdict"] = exact_like ? "verified" : "refuted";
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& g : lad.rungs)
      rungs.push_back({{"bits", g.bits},
                       {"eps", g.eps},
                       {"residual", g.residual},
                       {"bound_ratio", std::isfinite(g.bound_ratio) ? nlohmann::json(g.bound_ratio)
                                                                    : nlohmann::json(nullptr)},
                       {"within_bound", g.within_bound()}});
    j["rungs"] = rungs;
    j["rungs_within_bounds"] = lad.rungs_within_bounds();
    j["slope_exact_like"] = lad.slope_exact_like();
    if (!exact_like) j["message"] = ladder_failure_text(lad);
    if (write_report && variant == 0) write_atomically(part, j.dump(2) + "\n");
    if (!json_out.empty()) {
      j["falsifier"] = falsifier;
      j["as_expected"] = ok;
      write_atomically(json_out, j.dump(2) + "\n");
    }
  }
  return ok ? 0 : 1;
}

/// `fa-claims proof ID`: runs the claim's symbolic proof (theorems/proofs/<ID>.py) with Debian's
/// Python and SymPy, shows its output, and writes report/parts/<ID>.proof.json from its result.
int run_proof(const std::string& id, bool write_report) {
  const RegisteredClaim* claim = find_claim(id);
  if (!claim || claim->spec.proof.empty()) {
    std::cerr << "fa-claims: no claim '" << id << "' with a symbolic proof\n";
    return 2;
  }
  const std::filesystem::path script = std::filesystem::path(FA_SOURCE_DIR) / claim->spec.proof;
  const auto part = report_dir() / "parts" / (id + ".proof.json");
  auto failed = [&](const std::string& why) {
    nlohmann::json j{{"id", id},           {"kind", "symbolic"},
                     {"verdict", "error"}, {"script", claim->spec.proof},
                     {"message", why},     {"seconds", 0}};
    return j;
  };
  if (write_report) write_atomically(part, failed("started but did not finish").dump(2) + "\n");
  const auto result = std::filesystem::temp_directory_path() /
                      ("fa-proof-" + id + "-" + std::to_string(::getpid()) + ".json");
  const std::string cmd = shell_quote(FA_PYTHON3) + " " + shell_quote(script.string()) +
                          " --claim " + shell_quote(id) + " --json " + shell_quote(result.string());
  std::cout << std::flush;
  const int status = std::system(cmd.c_str());
  nlohmann::json j;
  std::string problem;
  if (status != 0 && !std::filesystem::exists(result)) {
    problem =
        "the proof script did not run to its verdict (exit status " + std::to_string(status) +
        "): is Debian's python3-sympy installed (scripts/setup.sh installs it)? command: " + cmd;
  } else {
    try {
      std::ifstream in(result);
      j = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      problem = std::string("unreadable proof result: ") + e.what();
    }
  }
  std::error_code ec;
  std::filesystem::remove(result, ec);
  if (problem.empty() && j.value("id", "") != id)
    problem =
        "the script " + claim->spec.proof + " proves claim '" + j.value("id", "?") + "', not " + id;
  if (!problem.empty()) {
    std::cout << "claim " << id << ": symbolic proof: ERROR: " << problem
              << "\n  RESULT: NOT AS EXPECTED\n";
    if (write_report) write_atomically(part, failed(problem).dump(2) + "\n");
    return 1;
  }
  const bool ok = j.value("verdict", "") == "proved" && status == 0;
  std::cout << (ok ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  if (write_report) write_atomically(part, j.dump(2) + "\n");
  return ok ? 0 : 1;
}

/// The proofs and the claims name each other: every script in theorems/proofs (but the shared
/// modules common.py and deep.py) belongs to exactly one claim whose ClaimSpec::proof names it, and
/// every named script exists and declares that claim (CLAIM = "<ID>").
int check_proof_index() {
  int problems = 0;
  const std::filesystem::path dir = std::filesystem::path(FA_SOURCE_DIR) / "theorems" / "proofs";
  std::map<std::string, std::string> named;  // script -> claim
  for (const auto& c : claim_registry()) {
    if (c.spec.proof.empty()) continue;
    const std::filesystem::path p = std::filesystem::path(FA_SOURCE_DIR) / c.spec.proof;
    if (named.count(c.spec.proof)) {
      std::cout << "  " << c.spec.proof << " is named by two claims\n";
      ++problems;
    }
    named[c.spec.proof] = c.spec.id;
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cout << "  claim " << c.spec.id << " names " << c.spec.proof
                << ", which does not exist\n";
      ++problems;
    } else if (text.str().find("CLAIM = \"" + c.spec.id + "\"") == std::string::npos) {
      std::cout << "  " << c.spec.proof << " does not declare CLAIM = \"" << c.spec.id << "\"\n";
      ++problems;
    } else {
      std::cout << "  " << c.spec.id << " <-> " << c.spec.proof << "\n";
    }
  }
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".py" || name == "common.py" || name == "deep.py") continue;
    if (!named.count("theorems/proofs/" + name)) {
      std::cout << "  theorems/proofs/" << name << " is named by no claim (ClaimSpec::proof)\n";
      ++problems;
    }
  }
  std::cout << (problems == 0 ? "  RESULT: as expected\n" : "  RESULT: NOT AS EXPECTED\n");
  return problems == 0 ? 0 : 1;
}

std::vector<ClaimJob> claim_jobs() {
  std::vector<const RegisteredClaim*> claims;
  for (const auto& c : claim_registry()) claims.push_back(&c);
  std::sort(claims.begin(), claims.end(), [](const RegisteredClaim* a, const RegisteredClaim* b) {
    return a->spec.id < b->spec.id;
  });
  std::vector<ClaimJob> jobs;
  for (const RegisteredClaim* c : claims) {
    for (const char* scalar : {"double", "mp", "exact"})
      for (const auto& [name, runner] : c->scalars)
        if (name == scalar) jobs.push_back({c->spec.id, scalar, c->spec.slow});
    if (c->spec.ladder) jobs.push_back({c->spec.id, "ladder", false});
    if (!c->spec.proof.empty()) jobs.push_back({c->spec.id, "proof", false});
    if (c->spec.polynomial) jobs.push_back({c->spec.id, "sz", false});
  }
  jobs.push_back({"implementation", "ties", false});
  return jobs;
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("shard '" + text + "': " + why +
                                 " (expected i/n with 0 <= i < n)");
  };
  if (slash == std::string::npos) throw bad("no '/'");
  Shard s;
  try {
    std::size_t used = 0;
    s.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw bad("i is not a number");
    const std::string n = text.substr(slash + 1);
    s.count = std::stoi(n, &used);
    if (used != n.size()) throw bad("n is not a number");
  } catch (const std::logic_error&) {
    throw bad("not numbers");
  }
  if (s.count < 1) throw bad("n must be >= 1");
  if (s.index < 0 || s.index >= s.count) throw bad("i out of range");
  return s;
}

int run_all(const RunAllOptions& opt) {
  const std::vector<ClaimJob> jobs = claim_jobs();
  auto wanted = [&](const ClaimJob& j) {
    auto in = [](const std::vector<std::string>& v, const std::string& x) {
      return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
    };
    return in(opt.ids, j.id) && in(opt.scalars, j.scalar) && !(opt.quick_only && j.slow);
  };
  for (const auto& id : opt.ids)
    if (!find_claim(id) && id != "implementation")
      throw std::invalid_argument("no claim '" + id + "' (try: fa-claims list)");
  nlohmann::json ran = nlohmann::json::array();
  int failures = 0, count = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const ClaimJob& job = jobs[j];
    if (static_cast<int>(j % static_cast<std::size_t>(opt.shard.count)) != opt.shard.index)
      continue;
    if (!wanted(job)) continue;
    ++count;
    if (opt.dry_run) {
      std::cout << j << "\t" << job.name() << "\n";
      continue;
    }
    int rc = 0;
    try {
      if (job.scalar == "ladder")
        rc = run_ladder(job.id, "", true);
      else if (job.scalar == "proof")
        rc = run_proof(job.id, true);
      else if (job.scalar == "sz")
        rc = run_schwartz_zippel(job.id, "", std::nullopt, 0, true);
      else if (job.scalar == "ties")
        rc = run_ties(std::nullopt, true);
      else
        rc = run_claim(job.id, job.scalar, "", std::nullopt, 0, "", true);
    } catch (const std::exception& e) {
      std::cerr << "fa-claims: " << job.name() << ": error: " << e.what() << "\n";
      rc = 3;
    }
    if (rc != 0) ++failures;
    ran.push_back({{"job", j}, {"name", job.name()}, {"exit", rc}});
  }
  if (opt.dry_run) return 0;
  nlohmann::json manifest{
      {"shard", opt.shard.index},
      {"of", opt.shard.count},
      {"jobs_total", jobs.size()},
      {"environment",
       {{"FA_DEPTH", std::getenv("FA_DEPTH") ? nlohmann::json(std::getenv("FA_DEPTH"))
                                             : nlohmann::json(nullptr)},
        {"FA_SEED",
         std::getenv("FA_SEED") ? nlohmann::json(std::getenv("FA_SEED")) : nlohmann::json(nullptr)},
        {"FA_PROFILE", std::getenv("FA_PROFILE") ? nlohmann::json(std::getenv("FA_PROFILE"))
                                                 : nlohmann::json(nullptr)}}},
      {"ran", ran}};
  write_atomically(report_dir() / "parts" /
                       ("_shard." + std::to_string(opt.shard.index) + "-of-" +
                        std::to_string(opt.shard.count) + ".json"),
                   manifest.dump(2) + "\n");
  std::cout << "run-all: shard " << opt.shard.index << "/" << opt.shard.count << ": " << count
            << " jobs, " << (count - failures) << " as expected, " << failures << " not; parts in "
            << (report_dir() / "parts").string() << "\n";
  return failures == 0 ? 0 : 1;
}

std::string cmake_quote(const std::string& s) {
  std::string out = "[==[";
  out += s;
  return out + "]==]";
}

/// Writes the ctest registrations (like catch_discover_tests does for Catch binaries): one test
/// per claim and scalar, one per falsifier, one per precision ladder, each with its labels.
void write_ctest_include(const std::string& file, const std::string& binary) {
  std::ostringstream os;
  auto add = [&](const std::string& name, const std::string& args, const std::string& labels,
                 bool report) {
    os << "add_test(" << cmake_quote(name) << " " << cmake_quote(binary) << " " << args << ")\n";
    os << "set_tests_properties(" << cmake_quote(name) << " PROPERTIES LABELS "
       << cmake_quote(labels);
    if (report) os << " FIXTURES_REQUIRED claims_report";
    os << ")\n";
  };
  for (const auto& c : claim_registry()) {
    const auto& s = c.spec;
    const std::string source = s.source == Source::paper_abstract ? "source:paper"
                               : s.source == Source::derived      ? "source:derived"
                                                                  : "source:conjecture";
    const std::string speed = s.slow ? "speed:slow" : "speed:quick;quick";
    for (const auto& [scalar, runner] : c.scalars) {
      if (scalar == "mpfr") continue;  // MPFR runs only on the ladder
      add(test_name(s, scalar), "run " + s.id + " --scalar " + scalar,
          "claim;" + source + ";scalar:" + scalar + ";" + speed, true);
    }
    if (s.ladder)
      add(s.id + " " + s.title + " (precision ladder)", "ladder " + s.id,
          "claim;ladder;" + source + ";scalar:mpfr;speed:quick;quick", true);
    for (const auto& f : s.falsifiers) {
      add(s.id + " check fails on falsifier " + f.name + " (double)",
          "run " + s.id + " --scalar double --falsifier " + f.name + " --no-report",
          "falsifier;" + source + ";scalar:double", false);
    }
    // The proof tier (label proof): the symbolic proof, the Schwartz-Zippel check of the
    // implementation and its falsifiers.
    if (!s.proof.empty())
      add(s.id + " " + s.title + " (symbolic proof, every shape)", "proof " + s.id,
          "proof;claim;symbolic;" + source + ";speed:quick;quick", true);
    if (s.polynomial) {
      add(s.id + " " + s.title +
              (s.polynomial->evaluate_deep
                   ? " (Schwartz-Zippel, all deep shapes L <= 5, widths <= 3)"
                   : " (Schwartz-Zippel, all shapes n, m <= 4)"),
          "sz " + s.id, "proof;claim;schwartz-zippel;" + source + ";speed:quick;quick", true);
      for (const auto& f : s.polynomial->falsifiers)
        add(s.id + " Schwartz-Zippel fails on falsifier " + f, "sz " + s.id + " --falsifier " + f,
            "proof;falsifier;schwartz-zippel;" + source, false);
    }
  }
  add("proof tier: double and MPFR steps are tied to the proved Rational step", "ties",
      "proof;claim;schwartz-zippel;speed:quick;quick", true);
  add("proof tier: every symbolic proof and its claim name each other", "proof-index",
      "proof;quick", false);
  write_atomically(file, os.str());
}

}  // namespace fa
