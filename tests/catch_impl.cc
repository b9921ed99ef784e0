// Catch2's implementation, compiled once for every test program (it takes ~25 CPU-s to compile
// and never changes). Each program has its own main(), tests/catch_main.cc or one of its own,
// which calls run_catch.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/catch_run.h"

int tmfault::testing::run_catch(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
