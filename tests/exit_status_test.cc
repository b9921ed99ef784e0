#include <catch2/catch.hpp>
#include <csignal>

#include "harness/stages/exit_status.h"

using namespace tmfault;

TEST_CASE("wait statuses decode to exit codes and signals") {
  ExitStatus killed = decode_wait_status(SIGKILL);  // as waitpid reports a SIGKILLed child
  CHECK(killed.signaled);
  CHECK(killed.code == 9);
  CHECK(killed.shell_code() == 137);
  CHECK(describe_exit(killed) == "killed by SIGKILL (137)");
  ExitStatus halted = decode_wait_status(255 << 8);
  CHECK_FALSE(halted.signaled);
  CHECK(halted.code == 255);
  CHECK(describe_exit(halted) == "exited 255 (taskmanager.jvm-exit-on-oom halt)");
  CHECK(describe_exit(decode_wait_status(3 << 8)) == "exited 3 (-XX:+ExitOnOutOfMemoryError)");
  CHECK(describe_exit(decode_wait_status(42 << 8)) == "exited 42");
}
