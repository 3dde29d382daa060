// A full run (fa-claims run-all): every job, or one shard of them, and its manifest.
#include "checks/claim_runner.hpp"
#include "checks/claim_runner_internal.hpp"

#include "checks/claim.hpp"
#include "checks/property.hpp"
#include "checks/schwartz_zippel.hpp"
#include "core/atomic_file.hpp"
#include "core/child_process.hpp"
#include "core/process_text.hpp"
#include "core/shell_quote.hpp"
#include "reports/parts.hpp"

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
    if (c->spec.has_ladder()) jobs.push_back({c->spec.id, "ladder", false});
    if (!c->spec.proof.empty()) jobs.push_back({c->spec.id, "proof", false});
    if (c->spec.polynomial) jobs.push_back({c->spec.id, "sz", false});
    if (!c->spec.pinned.empty()) jobs.push_back({c->spec.id, "pinned", false});
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
      else if (job.scalar == "pinned")
        rc = run_pinned(job.id, "", true);
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
  write_atomically(
      parts::parts_dir(report_dir()) / parts::shard_file(opt.shard.index, opt.shard.count),
      manifest.dump(2) + "\n");
  std::cout << "run-all: shard " << opt.shard.index << "/" << opt.shard.count << ": " << count
            << " jobs, " << (count - failures) << " as expected, " << failures << " not; parts in "
            << parts::parts_dir(report_dir()).string() << "\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace fa
