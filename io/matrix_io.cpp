// Readers and writers of io/matrix_io.hpp. Standard library only (see the header).
#include "io/matrix_io.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace fa::io {

namespace {

[[noreturn]] void fail(const std::string& msg) { throw MatrixIoError(msg); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Shows a field in a message: printable, quoted, shortened.
std::string show(std::string_view s) {
  std::string out = "'";
  const std::size_t limit = 40;
  for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 32 && c < 127) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > limit) out += "...";
  return out + "'";
}

std::string place(const std::string& name, std::size_t line) {
  return name + ":" + std::to_string(line) + ": ";
}

/// Splits data into lines (LF or CRLF), numbering from 1.
class Lines {
 public:
  Lines(std::string_view data, const std::string& name) : data_(data), name_(name) {}
  bool next(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    std::size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) end = data_.size();
    line = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++number_;
    if (line.size() > max_line_bytes)
      fail(place(name_, number_) + "line is longer than " + std::to_string(max_line_bytes) +
           " bytes");
    if (line.find('\0') != std::string_view::npos)
      fail(place(name_, number_) + "contains a NUL byte (binary data in a text file?)");
    return true;
  }
  std::size_t number() const { return number_; }

 private:
  std::string_view data_;
  const std::string& name_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

/// Parses one number field; `where` prefixes error messages. Returns the trimmed text in `text`.
double parse_number(std::string_view field, const std::string& where, std::string_view& text) {
  std::string_view s = trim(field);
  if (s.empty()) fail(where + "empty field (expected a number)");
  std::string_view digits = s;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+')
    digits.remove_prefix(1);
  double value = 0;
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::invalid_argument || (ec == std::errc() && ptr != last) ||
      (ec == std::errc::result_out_of_range && ptr != last))
    fail(where + show(s) + " is not a number");
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow. Underflow (subnormal or below) is a representable value: take
    // strtod's correctly rounded result; overflow is refused.
    const std::string copy(digits);
    errno = 0;
    value = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(value)) fail(where + show(s) + " is out of the range of double");
  }
  if (std::isnan(value)) fail(where + "NaN entries are not allowed (" + show(s) + ")");
  if (std::isinf(value)) fail(where + "Inf entries are not allowed (" + show(s) + ")");
  text = digits;
  return value;
}

std::int64_t parse_count(std::string_view token, const std::string& where, const char* what) {
  std::string_view s = trim(token);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec == std::errc::invalid_argument || ptr != s.data() + s.size())
    fail(where + std::string(what) + " " + show(s) + " is not a whole number");
  if (ec == std::errc::result_out_of_range)
    fail(where + std::string(what) + " " + show(s) + " is absurdly large");
  return v;
}

void check_size(std::int64_t rows, std::int64_t cols, std::int64_t limit, const std::string& where) {
  if (rows < 0 || cols < 0)
    fail(where + "negative size " + std::to_string(rows) + "x" + std::to_string(cols));
  if (rows == 0 || cols == 0)
    fail(where + "matrix is empty (" + std::to_string(rows) + "x" + std::to_string(cols) + ")");
  if (cols > limit / rows)
    fail(where + "size " + std::to_string(rows) + "x" + std::to_string(cols) + " is more than " +
         std::to_string(limit) + " entries; refused before allocating");
}

std::vector<std::string_view> split_whitespace(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string entry_name(std::int64_t i, std::int64_t j) {
  return "entry (row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1) + ")";
}

}  // namespace

std::string format_name(Format f) {
  switch (f) {
    case Format::csv: return "csv";
    case Format::mtx: return "mtx";
    case Format::npy: return "npy";
  }
  return "?";
}

std::string extension(Format f) { return "." + format_name(f); }

Format parse_format(const std::string& name) {
  const std::string s = lower(name);
  if (s == "csv") return Format::csv;
  if (s == "mtx") return Format::mtx;
  if (s == "npy") return Format::npy;
  fail("unknown matrix format '" + name + "' (expected csv, mtx or npy)");
}

Format format_of_path(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".csv") return Format::csv;
  if (ext == ".mtx") return Format::mtx;
  if (ext == ".npy") return Format::npy;
  fail(path + ": unknown file extension '" + ext +
       "' (expected .csv, .mtx or .npy; the extension chooses the format)");
}

// ---- CSV --------------------------------------------------------------------------------------

RawMatrix parse_csv(std::string_view data, const std::string& name, const ReadOptions& opt) {
  if (data.empty()) fail(name + ": file is empty");
  Lines lines(data, name);
  std::string_view line;
  std::vector<double> row_major;
  std::vector<std::string> row_major_text;
  std::int64_t rows = 0, cols = 0;
  std::size_t first_line = 0;
  while (lines.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    std::int64_t fields = 1 + std::count(t.begin(), t.end(), ',');
    if (rows == 0) {
      cols = fields;
      first_line = lines.number();
    } else if (fields != cols) {
      fail(place(name, lines.number()) + "ragged rows: this row has " + std::to_string(fields) +
           " fields, the first row (line " + std::to_string(first_line) + ") has " +
           std::to_string(cols));
    }
    if (rows + 1 > opt.max_entries / cols)
      fail(place(name, lines.number()) + "more than " + std::to_string(opt.max_entries) +
           " entries; refused");
    ++rows;
    std::size_t start = 0;
    for (std::int64_t f = 0; f < fields; ++f) {
      std::size_t end = t.find(',', start);
      if (end == std::string_view::npos) end = t.size();
      std::string_view text;
      const double v = parse_number(
          t.substr(start, end - start),
          place(name, lines.number()) + "field " + std::to_string(f + 1) + ": ", text);
      row_major.push_back(v);
      if (opt.keep_text) row_major_text.emplace_back(text);
      start = end + 1;
    }
  }
  if (rows == 0) fail(name + ": no data rows (only comments or blank lines)");
  RawMatrix out;
  out.rows = rows;
  out.cols = cols;
  out.values.resize(row_major.size());
  if (opt.keep_text) out.text.resize(row_major.size());
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) {
      const auto src = static_cast<std::size_t>(i * cols + j);
      const auto dst = static_cast<std::size_t>(j * rows + i);
      out.values[dst] = row_major[src];
      if (opt.keep_text) out.text[dst] = std::move(row_major_text[src]);
    }
  return out;
}

// ---- Matrix Market ----------------------------------------------------------------------------

RawMatrix parse_mtx(std::string_view data, const std::string& name, const ReadOptions& opt) {
  if (data.empty()) fail(name + ": file is empty");
  Lines lines(data, name);
  std::string_view line;
  lines.next(line);
  const auto banner = split_whitespace(line);
  const std::string expected =
      " (expected '%%MatrixMarket matrix array|coordinate real general')";
  if (banner.empty() || lower(std::string(banner[0])) != "%%matrixmarket")
    fail(place(name, 1) + "wrong header: not a Matrix Market file" + expected);
  if (banner.size() != 5)
    fail(place(name, 1) + "wrong header: " + std::to_string(banner.size()) + " words" + expected);
  const std::string object = lower(std::string(banner[1])), layout = lower(std::string(banner[2])),
                    field = lower(std::string(banner[3])), symmetry = lower(std::string(banner[4]));
  if (object != "matrix") fail(place(name, 1) + "wrong header: object '" + object + "'" + expected);
  if (layout != "array" && layout != "coordinate")
    fail(place(name, 1) + "wrong header: format '" + layout + "'" + expected);
  if (field != "real" && field != "double" && field != "integer")
    fail(place(name, 1) + "unsupported field '" + field + "' (only real, double or integer)");
  if (symmetry != "general" && symmetry != "symmetric" && symmetry != "skew-symmetric")
    fail(place(name, 1) + "unsupported symmetry '" + symmetry +
         "' (only general, symmetric or skew-symmetric)");
  const bool coordinate = layout == "coordinate";
  const bool symmetric = symmetry == "symmetric", skew = symmetry == "skew-symmetric";

  // Size line: first line that is neither a comment nor blank.
  std::vector<std::string_view> size_tokens;
  while (lines.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '%') continue;
    size_tokens = split_whitespace(t);
    break;
  }
  if (size_tokens.empty()) fail(name + ": no size line after the header (truncated file?)");
  const std::string size_where = place(name, lines.number());
  const std::size_t want = coordinate ? 3 : 2;
  if (size_tokens.size() != want)
    fail(size_where + "size line has " + std::to_string(size_tokens.size()) +
         " number(s), expected " + (coordinate ? "'rows cols nonzeros'" : "'rows cols'"));
  const std::int64_t rows = parse_count(size_tokens[0], size_where, "row count");
  const std::int64_t cols = parse_count(size_tokens[1], size_where, "column count");
  check_size(rows, cols, opt.max_entries, size_where);
  if ((symmetric || skew) && rows != cols)
    fail(size_where + symmetry + " matrix must be square, got " + std::to_string(rows) + "x" +
         std::to_string(cols));
  const std::int64_t total = rows * cols;
  // Entries stored in the file.
  std::int64_t stored = total;
  if (symmetric) stored = rows * (rows + 1) / 2;
  if (skew) stored = rows * (rows - 1) / 2;
  if (coordinate) {
    const std::int64_t nnz = parse_count(size_tokens[2], size_where, "nonzero count");
    if (nnz < 0 || nnz > stored)
      fail(size_where + "nonzero count " + std::to_string(nnz) + " is impossible for a " +
           std::to_string(rows) + "x" + std::to_string(cols) + " " + symmetry + " matrix");
    stored = nnz;
  }

  RawMatrix out;
  out.rows = rows;
  out.cols = cols;
  out.values.assign(static_cast<std::size_t>(total), 0.0);
  if (opt.keep_text) out.text.assign(static_cast<std::size_t>(total), "0");
  auto set = [&](std::int64_t i, std::int64_t j, double v, std::string_view text) {
    const auto k = static_cast<std::size_t>(j * rows + i);
    out.values[k] = v;
    if (opt.keep_text) out.text[k] = std::string(text);
    if (i != j && (symmetric || skew)) {
      const auto kt = static_cast<std::size_t>(i * rows + j);
      out.values[kt] = skew ? -v : v;
      if (opt.keep_text) {
        std::string mirrored(text);
        if (skew) mirrored = (!mirrored.empty() && mirrored[0] == '-') ? mirrored.substr(1)
                                                                        : "-" + mirrored;
        out.text[kt] = mirrored;
      }
    }
  };

  std::vector<bool> seen;
  if (coordinate) seen.assign(static_cast<std::size_t>(total), false);
  std::int64_t count = 0;
  // Array layout walks the stored entries column by column.
  std::int64_t ai = 0, aj = 0;
  if (!coordinate && skew) ai = 1;
  while (lines.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '%') continue;
    const std::string where = place(name, lines.number());
    if (count >= stored)
      fail(where + "extra data after the " + std::to_string(stored) + " entries the size line " +
           "announces");
    const auto tokens = split_whitespace(t);
    std::string_view text;
    if (coordinate) {
      if (tokens.size() != 3)
        fail(where + "expected 'row column value', got " + std::to_string(tokens.size()) +
             " fields");
      const std::int64_t i = parse_count(tokens[0], where, "row index");
      const std::int64_t j = parse_count(tokens[1], where, "column index");
      if (i < 1 || i > rows || j < 1 || j > cols)
        fail(where + "index (" + std::to_string(i) + ", " + std::to_string(j) +
             ") outside the " + std::to_string(rows) + "x" + std::to_string(cols) +
             " matrix (indices are 1-based)");
      if ((symmetric && i < j) || (skew && i <= j))
        fail(where + "index (" + std::to_string(i) + ", " + std::to_string(j) + ") is not in the " +
             (skew ? "strict " : "") + "lower triangle, as a " + symmetry + " file must store");
      const auto k = static_cast<std::size_t>((j - 1) * rows + (i - 1));
      if (seen[k])
        fail(where + "duplicate " + entry_name(i - 1, j - 1));
      seen[k] = true;
      const double v = parse_number(tokens[2], where + "value: ", text);
      set(i - 1, j - 1, v, text);
    } else {
      if (tokens.size() != 1)
        fail(where + "expected one value per line in array format, got " +
             std::to_string(tokens.size()));
      const double v = parse_number(tokens[0], where + entry_name(ai, aj) + ": ", text);
      set(ai, aj, v, text);
      ++ai;
      if (ai == rows) {
        ++aj;
        ai = symmetric ? aj : skew ? aj + 1 : 0;
      }
    }
    ++count;
  }
  if (count < stored)
    fail(name + ": file ends after " + std::to_string(count) + " of the " +
         std::to_string(stored) + " entries the size line announces (truncated?)");
  return out;
}

// ---- NumPy .npy -------------------------------------------------------------------------------

namespace {

/// The header dictionary of a .npy file: {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  bool has_descr = false, has_order = false, has_shape = false;
};

class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view s, const std::string& name) : s_(s), name_(name) {}

  NpyHeader parse() {
    NpyHeader h;
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        h.descr = string_literal();
        h.has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        h.has_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        h.has_shape = true;
      } else {
        bad("unknown key " + show(key));
      }
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      break;
    }
    skip();
    if (pos_ != s_.size()) bad("unexpected text after the dictionary");
    if (!h.has_descr || !h.has_order || !h.has_shape)
      bad("missing key (need 'descr', 'fortran_order' and 'shape')");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) {
    fail(name_ + ": wrong .npy header at byte " + std::to_string(pos_) + " of the header: " +
         what);
  }
  void skip() {
    while (pos_ < s_.size() && (is_space(s_[pos_]) || s_[pos_] == '\n')) ++pos_;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void expect(char c) {
    skip();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip();
    const char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted string");
    const std::size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    bad("expected True or False");
  }
  std::vector<std::int64_t> tuple() {
    expect('(');
    std::vector<std::int64_t> dims;
    while (true) {
      skip();
      if (peek() == ')') {
        ++pos_;
        return dims;
      }
      std::size_t end = pos_;
      while (end < s_.size() && s_[end] >= '0' && s_[end] <= '9') ++end;
      if (end == pos_) bad("expected a dimension");
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(s_.data() + pos_, s_.data() + end, v);
      if (ec != std::errc() || ptr != s_.data() + end) bad("dimension is absurdly large");
      dims.push_back(v);
      if (dims.size() > 32) bad("too many dimensions");
      pos_ = end;
      skip();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        bad("expected ',' or ')' in the shape");
      }
    }
  }

  std::string_view s_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

std::uint64_t read_le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool host_little_endian() {
  const std::uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

}  // namespace

RawMatrix parse_npy(std::string_view data, const std::string& name, const ReadOptions& opt) {
  if (data.empty()) fail(name + ": file is empty");
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  static const char magic[] = "\x93NUMPY";
  if (data.size() < 6 || std::memcmp(bytes, magic, 6) != 0)
    fail(name + ": wrong header: not a .npy file (the first bytes are not \\x93NUMPY)");
  if (data.size() < 10) fail(name + ": truncated .npy file: " + std::to_string(data.size()) +
                             " bytes, shorter than the fixed header");
  const int major = bytes[6], minor = bytes[7];
  std::size_t len_bytes = 0;
  if (major == 1) {
    len_bytes = 2;
  } else if (major == 2 || major == 3) {
    len_bytes = 4;
  } else {
    fail(name + ": unsupported .npy format version " + std::to_string(major) + "." +
         std::to_string(minor) + " (1.0, 2.0 and 3.0 are read)");
  }
  if (data.size() < 8 + len_bytes) fail(name + ": truncated .npy file inside the header length");
  const std::uint64_t header_len = read_le(bytes + 8, static_cast<int>(len_bytes));
  const std::size_t header_start = 8 + len_bytes;
  if (header_len > data.size() - header_start)
    fail(name + ": truncated .npy file: the header announces " + std::to_string(header_len) +
         " bytes, only " + std::to_string(data.size() - header_start) + " follow");
  const std::string_view header_text = data.substr(header_start, header_len);
  const NpyHeader h = NpyHeaderParser(header_text, name).parse();

  bool big_endian;
  if (h.descr == "<f8") {
    big_endian = false;
  } else if (h.descr == ">f8") {
    big_endian = true;
  } else {
    fail(name + ": dtype " + show(h.descr) +
         " is not supported (need float64, '<f8'; convert with a.astype(np.float64))");
  }
  std::int64_t rows = 0, cols = 0;
  if (h.shape.size() == 1) {
    rows = h.shape[0];
    cols = 1;
  } else if (h.shape.size() == 2) {
    rows = h.shape[0];
    cols = h.shape[1];
  } else {
    fail(name + ": array has " + std::to_string(h.shape.size()) +
         " dimensions; a matrix needs 2 (or 1, read as a column)");
  }
  check_size(rows, cols, opt.max_entries, name + ": shape: ");
  const std::size_t data_start = header_start + static_cast<std::size_t>(header_len);
  const std::uint64_t need = static_cast<std::uint64_t>(rows * cols) * 8u;
  const std::uint64_t have = data.size() - data_start;
  if (have < need)
    fail(name + ": truncated .npy file: shape " + std::to_string(rows) + "x" +
         std::to_string(cols) + " needs " + std::to_string(need) + " data bytes, found " +
         std::to_string(have));
  if (have > need)
    fail(name + ": " + std::to_string(have - need) + " unexpected bytes after the " +
         std::to_string(rows) + "x" + std::to_string(cols) + " array data");

  RawMatrix out;
  out.rows = rows;
  out.cols = cols;
  out.values.resize(static_cast<std::size_t>(rows * cols));
  const bool swap = big_endian == host_little_endian();
  const unsigned char* p = bytes + data_start;
  for (std::int64_t k = 0; k < rows * cols; ++k) {
    unsigned char b[8];
    std::memcpy(b, p + 8 * k, 8);
    if (swap) std::reverse(b, b + 8);
    double v;
    std::memcpy(&v, b, 8);
    // k indexes the file's order: C order is row-major, Fortran order column-major.
    const std::int64_t i = h.fortran_order ? k % rows : k / cols;
    const std::int64_t j = h.fortran_order ? k / rows : k % cols;
    if (!std::isfinite(v))
      fail(name + ": " + entry_name(i, j) + ": " + (std::isnan(v) ? "NaN" : "Inf") +
           " entries are not allowed");
    out.values[static_cast<std::size_t>(j * rows + i)] = v;
  }
  return out;
}

// ---- files ------------------------------------------------------------------------------------

RawMatrix read_matrix(const std::string& path, const ReadOptions& opt) {
  const Format format = format_of_path(path);
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) fail(path + ": no such file");
  if (fs::is_directory(st)) fail(path + ": is a directory, not a matrix file");
  if (!fs::is_regular_file(st)) fail(path + ": not a regular file (a pipe or device?)");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) fail(path + ": cannot read its size (" + ec.message() + ")");
  if (size == 0) fail(path + ": file is empty");
  // A text entry takes at most a few dozen bytes in any sane file; 64 per entry plus 1 MiB of
  // comments is generous. A .npy file is its header plus 8 bytes per entry.
  const std::uintmax_t limit = static_cast<std::uintmax_t>(opt.max_entries) *
                                   (format == Format::npy ? 8u : 64u) +
                               (std::uintmax_t(1) << 20);
  if (size > limit)
    fail(path + ": file is " + std::to_string(size) + " bytes, too large for a matrix within " +
         "the " + std::to_string(opt.max_entries) + "-entry limit; refused before reading");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot open for reading (" + std::strerror(errno) + ")");
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size)
    fail(path + ": read only " + std::to_string(in.gcount()) + " of " + std::to_string(size) +
         " bytes");
  switch (format) {
    case Format::csv: return parse_csv(data, path, opt);
    case Format::mtx: return parse_mtx(data, path, opt);
    case Format::npy: return parse_npy(data, path, opt);
  }
  fail(path + ": unknown format");
}

std::string double_text(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

void write_csv(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<std::string>& text) {
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) {
      if (j) os << ',';
      os << text[static_cast<std::size_t>(j * rows + i)];
    }
    os << '\n';
  }
}

void write_mtx(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<std::string>& text) {
  os << "%%MatrixMarket matrix array real general\n";
  os << "% written by fa-check\n";
  os << rows << ' ' << cols << '\n';
  for (std::int64_t k = 0; k < rows * cols; ++k) os << text[static_cast<std::size_t>(k)] << '\n';
}

void write_npy(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<double>& values) {
  std::string dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (" + std::to_string(rows) +
                     ", " + std::to_string(cols) + "), }";
  // Pad with spaces so that magic (6) + version (2) + length (2) + header ends on a multiple of
  // 64 bytes, the header ending in '\n', as NumPy writes it.
  std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  os.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(dict.size());
  const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  os.write(len_bytes, 2);
  os.write(dict.data(), static_cast<std::streamsize>(dict.size()));
  const bool swap = !host_little_endian();
  for (double v : values) {
    unsigned char b[8];
    std::memcpy(b, &v, 8);
    if (swap) std::reverse(b, b + 8);
    os.write(reinterpret_cast<const char*>(b), 8);
  }
}

void write_matrix(const std::string& path, Format format, std::int64_t rows, std::int64_t cols,
                  const std::vector<double>& values, const std::vector<std::string>& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail(path + ": cannot open for writing (" + std::strerror(errno) + ")");
  if (format == Format::npy) {
    write_npy(out, rows, cols, values);
  } else {
    std::vector<std::string> own;
    const std::vector<std::string>* t = &text;
    if (text.empty()) {
      own.reserve(values.size());
      for (double v : values) own.push_back(double_text(v));
      t = &own;
    }
    if (format == Format::csv) {
      write_csv(out, rows, cols, *t);
    } else {
      write_mtx(out, rows, cols, *t);
    }
  }
  out.flush();
  if (!out) fail(path + ": write failed (" + std::strerror(errno) + ")");
}

}  // namespace fa::io
