// libFuzzer target: parse_size, parse_duration and format_bytes.
#include "tests/fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  return tmfault::fuzz::fuzz_one(data, size, tmfault::fuzz::check_size);
}
