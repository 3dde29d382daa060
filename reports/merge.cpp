// Merging the part directories of a sharded run into one report (fa-report merge).
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

int merge(const std::vector<fs::path>& sources, const fs::path& out, bool allow_partial,
          bool plots) {
  // Collect first, write after: a conflict leaves <out> untouched.
  std::map<std::string, std::pair<json, fs::path>> files;
  std::vector<json> manifests;
  for (const auto& src : sources) {
    const fs::path parts = fs::is_directory(parts::parts_dir(src)) ? parts::parts_dir(src) : src;
    if (!fs::is_directory(parts)) throw std::runtime_error(src.string() + ": no such directory");
    std::error_code ec;
    if (fs::exists(parts::parts_dir(out)) && fs::equivalent(parts, parts::parts_dir(out), ec))
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
  for (const auto& m : manifests)
    counts.insert(m["of"].get<int>()), present.insert(m["shard"].get<int>());
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
  const fs::path out_parts = parts::parts_dir(out);
  fs::create_directories(out_parts);
  for (const auto& e : fs::directory_iterator(out_parts))
    if (e.is_regular_file() && e.path().extension() == ".json") fs::remove(e.path());
  for (const auto& [name, jf] : files) write_atomically(out_parts / name, jf.first.dump(2) + "\n");
  std::cout << "fa-report merge: " << files.size() << " parts from " << sources.size()
            << " directories";
  if (!counts.empty())
    std::cout << " (" << present.size() << " of " << *counts.begin() << " shards)";
  std::cout << "\n";
  return write_report(out, plots, false);
}

}  // namespace fa::report
