// libFuzzer target: parse_bash_java_utils, illegal_config_message and classify_line per line.
#include "tests/fuzz/checks.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  return tmfault::fuzz::fuzz_one(data, size, tmfault::fuzz::check_bash_java_utils);
}
