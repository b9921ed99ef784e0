#pragma once
// Catch2's session, for a test program's main() (Catch2 itself is compiled in tests/catch_impl.cc).

namespace tmfault::testing {

/// Runs the test cases the command line selects; returns main()'s exit code.
int run_catch(int argc, char* argv[]);

}  // namespace tmfault::testing
