// libFuzzer target: check --conf: parse_user_conf and the --workload specs.
#include "tests/fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  return tmfault::fuzz::fuzz_one(data, size, tmfault::fuzz::check_user_conf);
}
