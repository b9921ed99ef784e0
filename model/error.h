#pragma once
// The one error type that reaches the user: a message, a hint, and the exit code it means.
// Exit codes are named here and nowhere else.
#include <stdexcept>
#include <string>

namespace tmfault {

/// What every command exits with (README "Exit codes").
enum class ExitCode : int {
  ok = 0,           ///< every verdict passed (doc-check: no problem; bisect: a boundary found)
  failed = 1,       ///< some verdict failed
  usage = 2,        ///< bad usage, a bad scenario or input file
  environment = 3,  ///< the harness or the environment failed (java, Flink, cgroups, disk)
};

/// 128 + the signal that interrupted a command (130 for SIGINT, 143 for SIGTERM).
constexpr int interrupted_exit_code(int signo) { return 128 + signo; }

/// An error for the user: what() is one line in house style (lower-case start, values quoted),
/// hint() says what to do about it ("" when there is nothing to add).
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& what, std::string hint = {})
      : std::runtime_error(what), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const { return code_; }
  const std::string& hint() const { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

/// Bad input from the user (a flag, a file they named): exit 2.
struct UsageError : Error {
  explicit UsageError(const std::string& what, std::string hint = {}) : Error(ExitCode::usage, what, std::move(hint)) {}
};

/// The environment cannot run the suite (java, Flink, cgroups, out/): exit 3.
struct EnvironmentError : Error {
  EnvironmentError(const std::string& what, std::string hint) : Error(ExitCode::environment, what, std::move(hint)) {}
};

}  // namespace tmfault
