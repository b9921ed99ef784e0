// libFuzzer target: check --conf: parse_user_conf and the --workload specs.
// A broken contract (tests/fuzz/checks.h) aborts like a crash, so libFuzzer saves the input.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string broken = tmfault::fuzz::check_user_conf(input);
  if (!broken.empty()) {
    std::fprintf(stderr, "contract broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
