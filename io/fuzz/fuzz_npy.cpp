// libFuzzer harness for the .npy reader (see fuzz_reader.hpp).
#include "io/fuzz/fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fa_fuzz::check(fa::io::Format::npy, &fa::io::parse_npy, data, size);
}
