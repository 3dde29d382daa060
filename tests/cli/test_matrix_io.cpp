// Unit tests of fa-check's matrix readers and writers (io/matrix_io.hpp): what each format reads,
// exact round trips of every writer, and the one-line error messages for bad files.
#include "io/matrix_convert.hpp"
#include "io/matrix_io.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

using namespace fa::io;

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const MatrixIoError& e) {
    return e.what();
  }
  return "(no error)";
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Values that stress a round trip: signed zero, subnormals, extremes, and digits that need 17.
const std::vector<double> awkward = {0.1,
                                     -0.0,
                                     1.0 / 3.0,
                                     std::numeric_limits<double>::denorm_min(),
                                     -std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::min(),
                                     2.0 / 3.0 * 1e-300,
                                     123456789.123456789,
                                     -7.0,
                                     std::nextafter(1.0, 2.0),
                                     5e-324 * 3,
                                     1e300};

std::string npy_bytes(const std::string& dict, const std::vector<double>& data, int major = 1) {
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  header.append((64 - (8 + len_bytes + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < len_bytes; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  for (double v : data) out.append(reinterpret_cast<const char*>(&v), 8);
  return out;
}

}  // namespace

TEST_CASE("CSV: comments, blanks, CRLF, spaces and signs are read, stored column-major",
          "[cli][io][quick]") {
  const RawMatrix m =
      parse_csv("# header comment\r\n1, 2 ,+3\r\n\n  # indented comment\n-4,5e-1,.25\n", "t.csv");
  REQUIRE(m.rows == 2);
  REQUIRE(m.cols == 3);
  CHECK(m.at(0, 0) == 1);
  CHECK(m.at(0, 2) == 3);
  CHECK(m.at(1, 0) == -4);
  CHECK(m.at(1, 1) == 0.5);
  CHECK(m.at(1, 2) == 0.25);
  CHECK(m.values == std::vector<double>{1, -4, 2, 0.5, 3, 0.25});
}

TEST_CASE("Matrix Market: array, coordinate, symmetric and skew-symmetric", "[cli][io][quick]") {
  const RawMatrix a = parse_mtx(
      "%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n3\n4\n5\n6\n", "a.mtx");
  CHECK(a.rows == 2);
  CHECK(a.cols == 3);
  CHECK(a.at(1, 0) == 2);
  CHECK(a.at(0, 2) == 5);
  const RawMatrix c = parse_mtx(
      "%%MatrixMarket matrix coordinate real general\n3 2 2\n3 1 -1.5\n1 2 4\n", "c.mtx");
  CHECK(c.values == std::vector<double>{0, 0, -1.5, 4, 0, 0});
  const RawMatrix s =
      parse_mtx("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n", "s.mtx");
  CHECK(s.values == std::vector<double>{1, 2, 2, 3});
  const RawMatrix k =
      parse_mtx("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 5\n", "k.mtx");
  CHECK(k.values == std::vector<double>{0, 5, -5, 0});
}

TEST_CASE("npy: C and Fortran order, both endians, 1-D, version 2 header", "[cli][io][quick]") {
  const std::vector<double> expect_col_major = {1, 4, 2, 5, 3, 6};
  const RawMatrix c = parse_npy(
      npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", {1, 2, 3, 4, 5, 6}),
      "c.npy");
  CHECK(c.rows == 2);
  CHECK(c.cols == 3);
  CHECK(c.values == expect_col_major);
  const RawMatrix f = parse_npy(
      npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", expect_col_major),
      "f.npy");
  CHECK(f.values == expect_col_major);
  // Big-endian data: byte-reversed doubles.
  std::vector<double> be = {1, 2};
  for (double& v : be) {
    unsigned char b[8];
    std::memcpy(b, &v, 8);
    std::reverse(b, b + 8);
    std::memcpy(&v, b, 8);
  }
  const RawMatrix big =
      parse_npy(npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be), "b.npy");
  CHECK(big.rows == 2);
  CHECK(big.cols == 1);
  CHECK(big.values == std::vector<double>{1, 2});
  // Version 2.0: a 4-byte header length.
  const std::string v2 =
      npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", {7, 8}, 2);
  const RawMatrix two = parse_npy(v2, "v2.npy");
  CHECK(two.values == std::vector<double>{7, 8});
}

TEST_CASE("every writer round-trips doubles bit for bit", "[cli][io][quick]") {
  const std::int64_t rows = 3, cols = 4;
  std::vector<double> values(awkward.begin(), awkward.end());
  REQUIRE(static_cast<std::int64_t>(values.size()) == rows * cols);
  std::vector<std::string> text;
  for (double v : values) text.push_back(double_text(v));
  for (Format f : {Format::csv, Format::mtx, Format::npy}) {
    std::ostringstream os;
    if (f == Format::csv) write_csv(os, rows, cols, text);
    if (f == Format::mtx) write_mtx(os, rows, cols, text);
    if (f == Format::npy) write_npy(os, rows, cols, values);
    const std::string data = os.str();
    const RawMatrix back = f == Format::csv   ? parse_csv(data, "x.csv")
                           : f == Format::mtx ? parse_mtx(data, "x.mtx")
                                              : parse_npy(data, "x.npy");
    INFO("format " << format_name(f));
    REQUIRE(back.rows == rows);
    REQUIRE(back.cols == cols);
    for (std::size_t k = 0; k < values.size(); ++k) {
      INFO("entry " << k << " = " << double_text(values[k]));
      CHECK(same_bits(back.values[k], values[k]));
    }
  }
}

TEST_CASE("the .npy writer's output is what NumPy writes: 64-byte aligned header",
          "[cli][io][quick]") {
  std::ostringstream os;
  write_npy(os, 2, 2, {1, 2, 3, 4});
  const std::string s = os.str();
  CHECK(s.substr(0, 6) == "\x93NUMPY");
  const std::size_t header_end = s.find('\n') + 1;
  CHECK(header_end % 64 == 0);
  CHECK(s.size() == header_end + 32);
  CHECK(s.find("'fortran_order': True") != std::string::npos);
}

TEST_CASE("high precision: text entries are parsed at the working precision", "[cli][io][quick]") {
  fa::set_mpvar_bits(200);
  ReadOptions ro;
  ro.keep_text = true;
  const RawMatrix m = parse_csv("0.1,0.25\n", "p.csv", ro);
  const fa::Mat<fa::MpVar> M = to_matrix<fa::MpVar>(m);
  // 0.1 at 200 bits differs from double(0.1) by about 5.6e-18; 0.25 is exact in both.
  CHECK(M(0, 0) != fa::MpVar(0.1));
  CHECK(fa::to_double(fa::MpVar(abs(M(0, 0) - fa::MpVar(0.1)))) > 1e-18);
  CHECK(M(0, 1) == fa::MpVar(0.25));
  CHECK(fa::to_text(M(0, 0)).substr(0, 30) == "0.1000000000000000000000000000");
  // Every number form the reader accepts parses in MPFR to the value double reads, when exact.
  const RawMatrix forms = parse_csv(".5,5.,-0,1E-3,+2,0.125e+1,-.25,1e-320\n", "f.csv", ro);
  const fa::Mat<fa::MpVar> F = to_matrix<fa::MpVar>(forms);
  CHECK(F(0, 0) == fa::MpVar(0.5));
  CHECK(F(0, 1) == fa::MpVar(5));
  CHECK(F(0, 2) == fa::MpVar(0));
  CHECK(fa::to_double(F(0, 3)) == 1e-3);
  CHECK(F(0, 4) == fa::MpVar(2));
  CHECK(F(0, 5) == fa::MpVar(1.25));
  CHECK(F(0, 6) == fa::MpVar(-0.25));
  CHECK(fa::to_double(F(0, 7)) == 1e-320);
  fa::set_mpvar_bits(53);
}

TEST_CASE("bad files: one line naming the file, the place and the problem", "[cli][io][quick]") {
  CHECK(message_of([] { parse_csv("1,2\n3\n", "r.csv"); }) ==
        "r.csv:2: ragged rows: this row has 1 fields, the first row (line 1) has 2");
  CHECK(message_of([] { parse_csv("1,x\n", "t.csv"); }) == "t.csv:1: field 2: 'x' is not a number");
  CHECK(message_of([] { parse_csv("1,2.5.5\n", "t.csv"); }) ==
        "t.csv:1: field 2: '2.5.5' is not a number");
  CHECK(message_of([] { parse_csv("NaN\n", "n.csv"); }) ==
        "n.csv:1: field 1: NaN entries are not allowed ('NaN')");
  CHECK(message_of([] { parse_csv("infinity\n", "n.csv"); }) ==
        "n.csv:1: field 1: Inf entries are not allowed ('infinity')");
  CHECK(message_of([] { parse_csv("", "e.csv"); }) == "e.csv: file is empty");
  CHECK(message_of([] { parse_csv(std::string("1,\0\n", 4), "z.csv"); }) ==
        "z.csv:1: contains a NUL byte (binary data in a text file?)");
  ReadOptions small;
  small.max_entries = 4;
  CHECK(message_of([&] { parse_csv("1,2\n3,4\n5,6\n", "big.csv", small); }) ==
        "big.csv:3: more than 4 entries; refused");
  CHECK(message_of([] {
          parse_mtx("%%MatrixMarket matrix array real general\n3000000000 3000000000\n", "h.mtx");
        }) == "h.mtx:2: size 3000000000x3000000000 is more than 20000000 entries; refused before "
              "allocating");
  CHECK(message_of([] {
          parse_mtx("%%MatrixMarket matrix array real general\n1 1\n1\n2\n", "x.mtx");
        }) == "x.mtx:4: extra data after the 1 entries the size line announces");
  CHECK(message_of([] {
          parse_mtx("%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", "s.mtx");
        }) == "s.mtx:3: index (1, 2) is not in the lower triangle, as a symmetric file must store");
  CHECK(message_of([] {
          parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                              {1, 2, 3}),
                    "t.npy");
        }) == "t.npy: truncated .npy file: shape 2x2 needs 32 data bytes, found 24");
  CHECK(message_of([] {
          parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                              {1, 2, 3, 4, 5}),
                    "t.npy");
        }) == "t.npy: 8 unexpected bytes after the 2x2 array data");
  CHECK(message_of([] {
          parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
                              {1, std::numeric_limits<double>::infinity()}),
                    "i.npy");
        }) == "i.npy: entry (row 1, column 2): Inf entries are not allowed");
  CHECK(message_of([] {
          parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, "
                              "99999999999), }",
                              {}),
                    "h.npy");
        }) == "h.npy: shape: size 99999999999x99999999999 is more than 20000000 entries; refused "
              "before allocating");
  CHECK(message_of([] {
          parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': maybe, 'shape': (1, 1), }", {1}),
                    "o.npy");
        }) == "o.npy: wrong .npy header at byte 34 of the header: expected True or False");
  CHECK(message_of([] { read_matrix("/nonexistent/dir/y.csv"); }) ==
        "/nonexistent/dir/y.csv: no such file");
}
