// Matrix files (fa-check, the Python module): CSV, Matrix Market (.mtx) and NumPy (.npy), chosen by extension.
//
//   CSV   plain numbers, comma separated, one matrix row per line, no header; lines starting with
//         '#' and blank lines are skipped. Numbers are read locale-independently (std::from_chars).
//   .mtx  Matrix Market "matrix array|coordinate real|integer|double general|symmetric";
//         coordinate entries are 1-based, missing entries are 0, duplicates are refused.
//   .npy  NumPy format 1.0/2.0/3.0, dtype float64 ('<f8' or '>f8'), C or Fortran order, 1-D
//         (read as a column) or 2-D.
//
// Every problem is a MatrixIoError whose message is one line naming the file, the place (line,
// entry or byte offset) and the problem. NaN and Inf entries are refused. Sizes are checked
// against max_entries before anything is allocated (.npy header and .mtx size line give them
// first; CSV is counted while reading).
//
// This file and matrix_io.cpp use the standard library only, so the libFuzzer harnesses
// (io/fuzz/) can be built with clang alone. Conversions to Eigen matrices of the suite's scalar
// types are in io/matrix_convert.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fa::io {

/// Largest matrix accepted (entries); equal to fa::Recipe::max_entries.
inline constexpr std::int64_t max_entries = 20'000'000;
/// Longest text line accepted (bytes).
inline constexpr std::size_t max_line_bytes = std::size_t(1) << 24;

class MatrixIoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Format { csv, mtx, npy };

std::string format_name(Format f);
/// Format from a file name's extension (.csv, .mtx, .npy; case-insensitive); throws otherwise.
Format format_of_path(const std::string& path);
/// Format from a name ("csv", "mtx", "npy"); throws otherwise.
Format parse_format(const std::string& name);
/// ".csv", ".mtx", ".npy".
std::string extension(Format f);

/// A matrix as read: column-major doubles, and for text formats (when asked) the decimal text of
/// each entry, so that a high-precision run can parse the digits the user wrote rather than
/// their rounding to double.
struct RawMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> values;     // column-major, rows * cols
  std::vector<std::string> text;  // column-major, or empty (npy, or keep_text off)
  double at(std::int64_t i, std::int64_t j) const {
    return values[static_cast<std::size_t>(j * rows + i)];
  }
};

struct ReadOptions {
  bool keep_text = false;
  std::int64_t max_entries = io::max_entries;
};

/// Parsers of a file's contents; `name` is the file name used in messages.
RawMatrix parse_csv(std::string_view data, const std::string& name, const ReadOptions& opt = {});
RawMatrix parse_mtx(std::string_view data, const std::string& name, const ReadOptions& opt = {});
RawMatrix parse_npy(std::string_view data, const std::string& name, const ReadOptions& opt = {});

/// Reads a file in the format its extension names. Refuses missing, unreadable and empty files,
/// and files too large to hold a matrix within opt.max_entries, before reading them.
RawMatrix read_matrix(const std::string& path, const ReadOptions& opt = {});

/// Writers. Text formats take the entries' text (column-major), so that high-precision values are
/// written in full; .npy takes doubles. Doubles written as text use 17 significant digits, which
/// round-trips exactly.
void write_csv(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<std::string>& text);
void write_mtx(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<std::string>& text);
void write_npy(std::ostream& os, std::int64_t rows, std::int64_t cols,
               const std::vector<double>& values);

/// Text of a double that parses back to the same bits (17 significant digits).
std::string double_text(double x);

/// Writes to `path` in `format`; for .npy `values` is used, otherwise `text` (or, when `text` is
/// empty, the doubles' round-trip text). Throws MatrixIoError if the file cannot be written.
void write_matrix(const std::string& path, Format format, std::int64_t rows, std::int64_t cols,
                  const std::vector<double>& values, const std::vector<std::string>& text = {});

}  // namespace fa::io
