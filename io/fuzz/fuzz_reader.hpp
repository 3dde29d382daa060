// Shared body of the libFuzzer harnesses (fuzz_csv.cpp, fuzz_mtx.cpp, fuzz_npy.cpp): any input
// must either be refused with a one-line MatrixIoError that names the file, or give a well-formed
// matrix of finite entries that every writer round-trips bit for bit. Anything else (a crash, a
// sanitizer report, another exception, a hang or a huge allocation) is a finding.
#pragma once

#include "io/matrix_io.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

namespace fa_fuzz {

inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

using Parser = fa::io::RawMatrix (*)(std::string_view, const std::string&,
                                     const fa::io::ReadOptions&);

inline fa::io::RawMatrix reparse(fa::io::Format f, const std::string& data,
                                 const fa::io::ReadOptions& opt) {
  switch (f) {
    case fa::io::Format::csv: return fa::io::parse_csv(data, "again.csv", opt);
    case fa::io::Format::mtx: return fa::io::parse_mtx(data, "again.mtx", opt);
    case fa::io::Format::npy: return fa::io::parse_npy(data, "again.npy", opt);
  }
  std::abort();
}

inline int check(fa::io::Format format, Parser parse, const std::uint8_t* data, std::size_t size) {
  using namespace fa::io;
  const std::string name = "fuzz" + extension(format);
  ReadOptions opt;
  opt.keep_text = format != Format::npy;
  opt.max_entries = 1 << 16;  // keeps each input fast; the size checks are what is exercised
  RawMatrix m;
  try {
    m = parse(std::string_view(reinterpret_cast<const char*>(data), size), name, opt);
  } catch (const MatrixIoError& e) {
    const std::string msg = e.what();
    require(msg.rfind(name, 0) == 0, "error message does not start with the file name");
    require(msg.find('\n') == std::string::npos, "error message is not one line");
    require(msg.size() > name.size() + 2, "error message says nothing");
    return 0;
  }
  require(m.rows >= 1 && m.cols >= 1, "empty matrix accepted");
  require(m.rows * m.cols <= opt.max_entries, "size limit not enforced");
  require(m.values.size() == static_cast<std::size_t>(m.rows * m.cols), "values size");
  require(m.text.empty() || m.text.size() == m.values.size(), "text size");
  for (double v : m.values) require(std::isfinite(v), "non-finite entry accepted");

  // Every writer round-trips the doubles exactly.
  for (Format out : {Format::csv, Format::mtx, Format::npy}) {
    std::ostringstream os;
    std::vector<std::string> text;
    for (double v : m.values) text.push_back(double_text(v));
    if (out == Format::csv) write_csv(os, m.rows, m.cols, text);
    if (out == Format::mtx) write_mtx(os, m.rows, m.cols, text);
    if (out == Format::npy) write_npy(os, m.rows, m.cols, m.values);
    const RawMatrix back = reparse(out, os.str(), opt);
    require(back.rows == m.rows && back.cols == m.cols, "round trip changed the shape");
    require(std::memcmp(back.values.data(), m.values.data(), 8 * m.values.size()) == 0,
            "round trip changed a value");
  }
  // The kept text (what a high-precision run parses) denotes the same doubles.
  if (!m.text.empty()) {
    std::ostringstream os;
    write_csv(os, m.rows, m.cols, m.text);
    const RawMatrix back = reparse(Format::csv, os.str(), opt);
    require(std::memcmp(back.values.data(), m.values.data(), 8 * m.values.size()) == 0,
            "kept text does not denote the value read");
  }
  return 0;
}

}  // namespace fa_fuzz
