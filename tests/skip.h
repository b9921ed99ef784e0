#pragma once
// How a test that cannot run here says so. It prints the reason and is skipped, unless
// TMFAULT_REQUIRE_E2E=1 (CI, the cgroup-v2 guest) turns every skip into a failure: a test that
// did not run must never look like one that passed.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tmfault::testing {

/// True when TMFAULT_REQUIRE_E2E=1: skipping is a failure.
inline bool skips_forbidden() {
  const char* v = std::getenv("TMFAULT_REQUIRE_E2E");
  return v && std::string(v) == "1";
}

/// For main(): prints the reason and returns 77 (ctest's SKIP_RETURN_CODE), or 1 when skips are
/// forbidden.
inline int skip_exit_code(const std::string& reason) {
  if (skips_forbidden()) {
    std::printf("error: cannot run: %s (TMFAULT_REQUIRE_E2E=1 forbids skipping)\n", reason.c_str());
    return 1;
  }
  std::printf("skipped: %s\n", reason.c_str());
  return 77;
}

}  // namespace tmfault::testing

/// Inside a Catch2 test case: ends it as skipped (a WARN with the reason), or fails it when
/// skips are forbidden. `reason` is a Catch2 message expression.
#define TMFAULT_SKIP(reason)                                                         \
  do {                                                                               \
    if (::tmfault::testing::skips_forbidden())                                       \
      FAIL("cannot run: " << reason << " (TMFAULT_REQUIRE_E2E=1 forbids skipping)"); \
    WARN("skipped: " << reason);                                                     \
    return;                                                                          \
  } while (false)
