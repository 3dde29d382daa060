// The report directory and its parts (reports/parts.hpp): begin (clear the parts), read them.
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

fs::path default_report_dir() {
  return parts::report_dir(FA_DEFAULT_REPORT_DIR);
}

void write_atomically(const fs::path& path, const std::string& text) {
  write_file_atomically(path, text);
}

std::string read_text(const fs::path& path) {
  return read_whole_file(path);
}

void begin(const fs::path& dir) {
  const fs::path parts = parts::parts_dir(dir);
  fs::create_directories(parts);
  std::size_t removed = 0;
  for (const auto& e : fs::directory_iterator(parts))
    if (e.is_regular_file() && e.path().extension() == ".json") removed += fs::remove(e.path());
  write_atomically(parts / parts::kRunStartFile, json{{"started_utc", utc_now()}}.dump(2) + "\n");
  std::cout << "fa-report begin: cleared " << removed << " parts in " << parts.string() << "\n";
}

Parts read_parts(const fs::path& dir) {
  Parts p;
  const fs::path parts = parts::parts_dir(dir);
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
    switch (parts::kind_of(f.filename().string())) {
      case parts::Kind::run_start:
        p.run_start = j;
        break;
      case parts::Kind::shard:
        p.shards.push_back(j);
        break;
      case parts::Kind::sweep:
        p.sweeps.push_back(j);
        break;
      case parts::Kind::pinned:
        p.pinned.push_back(j);
        break;
      case parts::Kind::ladder:
        p.ladders.push_back(j);
        break;
      case parts::Kind::proof:
        p.proofs.push_back(j);
        break;
      case parts::Kind::sz:
        p.sz.push_back(j);
        break;
      case parts::Kind::ties:
        p.ties = j;
        break;
      case parts::Kind::claim:
        p.claims.push_back(j);
        break;
      case parts::Kind::other:
        break;
    }
  }
  return p;
}

}  // namespace fa::report
