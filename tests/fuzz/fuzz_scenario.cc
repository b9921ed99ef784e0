// libFuzzer target: parse_scenario on arbitrary bytes. toml++ is compiled in header-only, so
// the TOML parser is instrumented too.
#include "tests/fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  return tmfault::fuzz::fuzz_one(data, size, tmfault::fuzz::check_scenario);
}
