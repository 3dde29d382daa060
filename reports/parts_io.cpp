// The report directory and its parts (reports/parts.hpp): begin (clear the parts), read them.
#include "reports/report.hpp"
#include "reports/assemble_internal.hpp"

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

}  // namespace fa::report
