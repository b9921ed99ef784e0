#pragma once

namespace tmfault {

/// Exit codes: 0 all passed; 1 some verdict failed; 2 bad usage or bad scenario;
/// 3 harness or environment error; 128+signal when interrupted.
int run_cli(int argc, char** argv);

}  // namespace tmfault
