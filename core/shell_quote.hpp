// One word for a POSIX shell: the reproduce commands printed by fa-claims and fa-mutants and the
// gnuplot calls of the report pass user-visible strings (RapidCheck's reproduce strings, file
// paths) through it.
#pragma once

#include <string>

namespace fa {

/// s in single quotes, each ' written as '\'' (close, escaped quote, reopen).
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace fa
