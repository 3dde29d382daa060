// libFuzzer harness for the .mtx reader (see fuzz_reader.hpp).
#include "io/fuzz/fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fa_fuzz::check(fa::io::Format::mtx, &fa::io::parse_mtx, data, size);
}
