#include "harness/stages/exit_status.h"

#include <cstring>
#include <fmt/format.h>
#include <sys/wait.h>

namespace tmfault {
namespace {

/// Exit codes with a known cause in Flink or the JVM (flink-runtime-notes.md §2, §5).
std::string_view exit_code_meaning(int code) {
  switch (code) {
    case 0: return "clean exit";
    case 1: return "Flink fatal error or uncaught exception";
    case 3: return "-XX:+ExitOnOutOfMemoryError";
    case 239: return "Flink FatalExitExceptionHandler or shutdown safeguard";
    case 255: return "taskmanager.jvm-exit-on-oom halt";
    default: return "";
  }
}

}  // namespace

ExitStatus decode_wait_status(int raw) {
  if (WIFSIGNALED(raw)) return {true, WTERMSIG(raw)};
  if (WIFEXITED(raw)) return {false, WEXITSTATUS(raw)};
  return {false, -1};
}

std::string describe_exit(const ExitStatus& s) {
  if (s.signaled) {
    const char* abbrev = sigabbrev_np(s.code);
    return fmt::format("killed by SIG{} ({})", abbrev ? abbrev : "?", s.shell_code());
  }
  std::string_view meaning = exit_code_meaning(s.code);
  if (meaning.empty()) return fmt::format("exited {}", s.code);
  return fmt::format("exited {} ({})", s.code, meaning);
}

}  // namespace tmfault
