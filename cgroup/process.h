#pragma once
// Child processes: started with argv only (never a shell), placed in a cgroup before exec,
// stdout/stderr delivered line by line as they are written.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace tmfault::cgroup {

struct LaunchSpec {
  std::filesystem::path exe;                       ///< absolute path, no PATH lookup
  std::vector<std::string> args;                   ///< argv[1..]
  std::map<std::string, std::string> env;          ///< the COMPLETE environment of the child
  std::filesystem::path cwd;                       ///< working directory (must exist)
  std::optional<std::filesystem::path> join_procs; ///< write own pid here before exec (cgroup.procs)
};

/// Called from a reader thread with one line (without the trailing newline; a final
/// unterminated line is delivered at EOF). Must be thread-safe with respect to the caller.
/// A line longer than max_line_bytes (1 MiB, cgroup/line_buffer.h) arrives in pieces of that
/// size. If a sink throws, delivery stops and poll()/wait_for() rethrow once the child is done.
using LineSink = std::function<void(std::string_view line)>;

/// A running child. The destructor SIGKILLs it and its process group if still running, and
/// reaps it.
class Process {
 public:
  /// Forks, joins `join_procs` (async-signal-safe write of getpid()) and execs. If joining or
  /// exec fails the constructor throws std::system_error naming the file and errno.
  /// The child starts in its own process group with default signal dispositions and an empty
  /// signal mask, stdin on /dev/null, and PR_SET_PDEATHSIG(SIGKILL): it is killed when the
  /// THREAD that called start() exits (Linux ties pdeathsig to the thread), so call start()
  /// from a thread that outlives the child. `exe` must be absolute (std::invalid_argument).
  static std::unique_ptr<Process> start(const LaunchSpec& spec, LineSink out, LineSink err);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const;
  /// Raw wait status (as waitpid gives it) once the child has exited and both pipes hit EOF
  /// (at most ~1 s after the exit: a grandchild holding the pipes is cut off then);
  /// nullopt while running. Never blocks.
  std::optional<int> poll();
  /// Waits up to `timeout`; returns the raw wait status or nullopt on timeout.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  void signal(int signo);  ///< kill(2); no-op once reaped
  /// The CPU time (user + system) the child used, once it has been reaped (its own threads; a
  /// grandchild it did not wait for is not counted).
  std::optional<std::chrono::microseconds> cpu_time();

 private:
  struct Impl;
  explicit Process(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmfault::cgroup
