#pragma once
// The ONLY place that touches /sys/fs/cgroup. Memory cgroups (v1 and v2) created beneath the
// harness's own cgroup, named tmfault-<pid>-<n>, removed (after killing every member) on
// destruction or on demand.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

#include "model/error.h"

namespace tmfault::cgroup {

/// An OS-level problem with cgroups: what failed, the path, the errno text, and a hint.
/// what() is `cannot <verb> <file> in <dir>: <strerror>`; hint() is a one-line suggestion.
/// An environment error (exit 3) like any other.
struct CgroupError : EnvironmentError {
  using EnvironmentError::EnvironmentError;
};

enum class Version { v1, v2 };

/// Where this process may create memory cgroups.
struct Hierarchy {
  Version version = Version::v1;
  std::filesystem::path parent;  ///< directory beneath which children are made
};

/// Finds the memory controller and this process's own memory cgroup (from /proc/self/cgroup),
/// or uses `parent_override` (--cgroup-parent). Checks that a child can be created there (creates
/// and removes a probe child). Throws CgroupError with a hint when cgroups are not usable.
/// On v2 it may move this process into a leaf `<own>/tmfault-<pid>-supervisor` and enable
/// +memory in subtree_control ("no internal processes" rule).
Hierarchy discover(const std::optional<std::filesystem::path>& parent_override = std::nullopt);

struct MemoryStats {
  std::uint64_t usage_bytes = 0;  ///< v1 memory.usage_in_bytes, v2 memory.current
  std::uint64_t peak_bytes = 0;   ///< v1 memory.max_usage_in_bytes, v2 memory.peak (0 if absent)
  std::uint64_t oom_kills = 0;    ///< v1 memory.oom_control oom_kill, v2 memory.events oom_kill
};

/// A live memory cgroup owned by this process. Destruction kills every member (SIGKILL), waits
/// until the cgroup is empty and removes the directory; it never throws.
class MemCgroup {
 public:
  /// Creates `<parent>/tmfault-<getpid()>-<n>` (n: a process-wide counter; `label` is appended
  /// after sanitising: [A-Za-z0-9_-] only, at most 40 chars) with the given limit
  /// (v1 memory.limit_in_bytes (+ memsw if present), v2 memory.max; nullopt = unlimited).
  static std::unique_ptr<MemCgroup> create(const Hierarchy& h, const std::string& label,
                                           std::optional<std::uint64_t> limit_bytes);
  ~MemCgroup();
  MemCgroup(const MemCgroup&) = delete;
  MemCgroup& operator=(const MemCgroup&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  /// The file a process writes its pid to, to join (cgroup.procs on v1 and v2).
  std::filesystem::path procs_file() const;
  std::optional<std::uint64_t> limit_bytes() const { return limit_bytes_; }

  MemoryStats stats() const;            ///< reads the counters; throws CgroupError
  std::uint64_t usage_bytes() const;    ///< cheap single read (for sampling)
  std::vector<pid_t> pids() const;      ///< members (cgroup.procs)
  void signal_all(int signo) const;     ///< kill(2) every member; ignores ESRCH
  /// SIGKILL every member, wait (bounded, ~5 s) until empty, rmdir. Idempotent.
  void remove();

 private:
  MemCgroup(Hierarchy h, std::filesystem::path dir, std::optional<std::uint64_t> limit);
  Hierarchy hierarchy_;
  std::filesystem::path dir_;
  std::optional<std::uint64_t> limit_bytes_;
  bool removed_ = false;
};

/// Removes `tmfault-<pid>-*` children of h.parent whose owner pid no longer exists (their
/// members are killed first). Never touches anything else. Returns the number removed.
int sweep_stale(const Hierarchy& h);

/// Kills the members of every MemCgroup alive in this process (for SIGINT/SIGTERM handling:
/// call from a normal thread, not a signal handler). Cgroups stay until their owners remove them.
void kill_all_live();

}  // namespace tmfault::cgroup
