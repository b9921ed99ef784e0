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
#include <utility>
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

/// The host's swap, as it bears on a container limit: swap the cgroup cannot cap would let a
/// TaskManager swap instead of being killed, so discover() refuses it.
struct SwapState {
  std::uint64_t total_bytes = 0;  ///< SwapTotal of /proc/meminfo (or /proc/swaps); 0: no swap
  bool limited = false;  ///< every cgroup made gets swap limit 0 (v1 memory.memsw.limit_in_bytes
                         ///< = the limit, v2 memory.swap.max = 0): the files exist here
};

/// Where this process may create memory cgroups.
struct Hierarchy {
  Version version = Version::v1;
  std::filesystem::path parent;  ///< directory beneath which children are made
  SwapState swap;                ///< as found by discover()
};

/// Finds the memory controller and this process's own memory cgroup (from /proc/self/cgroup),
/// or uses `parent_override` (--cgroup-parent). Checks that a child can be created there and
/// that a process of ours can join it (creates a probe child, moves a forked child into it,
/// removes it). Throws CgroupError with a hint when cgroups are not usable: no memory controller
/// (not in cgroup.controllers, or not enabled in the parent's cgroup.subtree_control), a cgroup
/// not delegated to this user, or swap on the host that the cgroup cannot limit.
/// On v2 it may move this process into a leaf `<own>/tmfault-<pid>-supervisor` and enable
/// +memory in subtree_control ("no internal processes" rule).
Hierarchy discover(const std::optional<std::filesystem::path>& parent_override = std::nullopt);

/// One cgroup's own memory events (not its descendants').
struct MemoryEvents {
  std::uint64_t max = 0;  ///< usage was about to exceed the limit (v2 `max`; v1 memory.failcnt)
  std::uint64_t oom = 0;  ///< the limit ran out and an allocation was about to fail, so the OOM
                          ///< killer ran for this cgroup (v2 `oom`; v1: 0, the kernel has none)
  std::uint64_t oom_kill = 0;  ///< members killed by ANY OOM killer: this cgroup's limit, an
                               ///< ancestor's, or the whole machine's (v1 memory.oom_control)
  std::uint64_t oom_group_kill = 0;  ///< v2 `oom_group_kill` (memory.oom.group); v1: 0
};

struct MemoryStats {
  std::uint64_t usage_bytes = 0;  ///< v1 memory.usage_in_bytes, v2 memory.current
  std::uint64_t peak_bytes = 0;  ///< v1 memory.max_usage_in_bytes, v2 memory.peak (0 if absent)
  std::uint64_t oom_kills = 0;  ///< = events.oom_kill: every OOM kill of a member, any cause
  MemoryEvents events;  ///< v2 memory.events.local; v1 memory.failcnt + oom_control
  /// The kills this cgroup's own limit caused: a "container killed" is this > 0. v2: oom_kill
  /// when `oom` > 0; v1: oom_kill when failcnt > 0 or the peak reached 99% of the limit.
  std::uint64_t own_limit_oom_kills = 0;
  /// Non-empty when members were OOM-killed but not by this cgroup's limit (a harness error):
  /// the counters that show it, then the cause: an ancestor whose limit ran out since create()
  /// (with its counter), else the machine (a global OOM, with /proc/vmstat's oom_kill count).
  std::string foreign_oom_kill;
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

  /// Reads the counters and attributes OOM kills (own limit or elsewhere); throws CgroupError.
  MemoryStats stats() const;
  std::uint64_t usage_bytes() const;  ///< cheap single read (for sampling)
  std::vector<pid_t> pids() const;  ///< members (cgroup.procs)
  void signal_all(int signo) const;  ///< kill(2) every member; ignores ESRCH
  /// SIGKILL every member, wait (bounded, ~5 s) until empty, rmdir. Idempotent.
  void remove();

 private:
  MemCgroup(Hierarchy h, std::filesystem::path dir, std::optional<std::uint64_t> limit);
  Hierarchy hierarchy_;
  std::filesystem::path dir_;
  std::optional<std::uint64_t> limit_bytes_;
  bool removed_ = false;
  /// The OOM counters outside this cgroup at create(), so stats() can name what changed since.
  std::vector<std::pair<std::filesystem::path, MemoryEvents>> ancestors_at_start_;
  std::uint64_t global_oom_kills_at_start_ = 0;
};

/// Removes `tmfault-<pid>-*` children of h.parent whose owner pid no longer exists (their
/// members are killed first). Never touches anything else. Returns the number removed.
int sweep_stale(const Hierarchy& h);

/// Kills the members of every MemCgroup alive in this process (for SIGINT/SIGTERM handling:
/// call from a normal thread, not a signal handler). Cgroups stay until their owners remove them.
void kill_all_live();

}  // namespace tmfault::cgroup
