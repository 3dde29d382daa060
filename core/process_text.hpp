// Text from the clock and from a shell command, for run metadata: the report's dates and commit
// (reports/assemble.cpp) and the date and commit a power measurement records (fa-claims power).
#pragma once

#include <array>
#include <cstdio>
#include <ctime>
#include <string>

namespace fa {

/// The current UTC time through strftime's `format` (e.g. "%Y-%m-%d").
inline std::string utc_text(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

/// The first line a shell command prints, or "" when it fails.
inline std::string first_output_line(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r")) {
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) out += buf.data();
    if (::pclose(p) != 0) return "";
  }
  if (auto nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  return out;
}

}  // namespace fa
