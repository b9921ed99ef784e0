// The plain main() of a test program; Catch2 itself is in tests/catch_impl.cc.
#include "tests/catch_run.h"

int main(int argc, char* argv[]) { return tmfault::testing::run_catch(argc, argv); }
