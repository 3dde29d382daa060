// libFuzzer harness for the .csv reader (see fuzz_reader.hpp).
#include "io/fuzz/fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fa_fuzz::check(fa::io::Format::csv, &fa::io::parse_csv, data, size);
}
