#pragma once
// Pure text handling for cgroup files and tmfault cgroup names: no I/O, no kernel, so every
// rule here is unit-tested without root.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "cgroup/cgroup.h"

namespace tmfault::cgroup {

/// One line of /proc/<pid>/cgroup: `<hierarchy-id>:<controller,list>:<path>`.
struct ProcCgroupEntry {
  int hierarchy_id = 0;                  ///< 0 for the v2 unified hierarchy
  std::vector<std::string> controllers;  ///< empty for v2; `name=systemd` kept verbatim
  std::string path;                      ///< absolute within the hierarchy, e.g. `/a/b`
};

/// Parses /proc/self/cgroup text; malformed lines are skipped.
std::vector<ProcCgroupEntry> parse_proc_cgroup(std::string_view text);

/// The v1 entry whose controller list contains `memory`, if any.
std::optional<ProcCgroupEntry> find_v1_memory(const std::vector<ProcCgroupEntry>& entries);

/// The v2 unified entry (`0::<path>`), if any.
std::optional<ProcCgroupEntry> find_unified(const std::vector<ProcCgroupEntry>& entries);

/// Value of `key` in a flat keyed file (`<key> <u64>` per line): memory.oom_control,
/// memory.events, memory.stat. nullopt when the key is absent or its value is not a number.
std::optional<std::uint64_t> parse_keyed_value(std::string_view text, std::string_view key);

/// A single unsigned number with optional trailing whitespace (memory.current and friends).
/// `max` (v2 for unlimited) yields UINT64_MAX. nullopt when malformed.
std::optional<std::uint64_t> parse_u64(std::string_view text);

/// memory.events / memory.events.local text (v2): max, oom, oom_kill, oom_group_kill; a key
/// that is absent (an older kernel) stays 0.
MemoryEvents parse_memory_events(std::string_view text);

/// Bytes of a /proc/meminfo line given in kB (`key` with its colon, e.g. "MemAvailable:").
std::optional<std::uint64_t> parse_meminfo_bytes(std::string_view meminfo, std::string_view key);

/// Bytes of swap: /proc/meminfo's `SwapTotal:` (kB), or, when that is 0 or absent, the sum of
/// the Size column (KiB) of the devices in /proc/swaps (their header line is skipped).
std::uint64_t parse_swap_total(std::string_view meminfo, std::string_view proc_swaps);

/// The refusal of swap the cgroups beneath `dir` cannot limit (swap present, not limited):
/// nullopt when there is no swap or it is limited.
std::optional<CgroupError> swap_refusal(const SwapState& swap, Version v, const std::string& dir);

/// True when `peak` reached 99% of `limit` (v1's evidence that a limit was hit: the kernel
/// keeps no OOM counter there, and memory.failcnt stays 0 on some kernels). False without limit.
bool near_limit(std::uint64_t peak, std::optional<std::uint64_t> limit);

/// What stats() gathers to tell who caused a cgroup's OOM kills.
struct OomEvidence {
  /// A cgroup above this one: did its own limit run out since this one was created?
  struct Ancestor {
    std::string dir;
    std::uint64_t limit_hits = 0;  ///< since create(): v2 its memory.events.local `oom`,
                                   ///< v1 its memory.failcnt
    std::uint64_t peak_bytes = 0;  ///< v1 memory.max_usage_in_bytes (0 on v2)
    std::optional<std::uint64_t> limit_bytes;  ///< v1 memory.limit_in_bytes; nullopt: none
  };
  Version version = Version::v2;
  MemoryEvents events;                       ///< this cgroup's own
  std::uint64_t peak_bytes = 0;              ///< this cgroup's peak
  std::optional<std::uint64_t> limit_bytes;  ///< this cgroup's limit; nullopt: none
  std::vector<Ancestor> ancestors;           ///< the parent first
  std::uint64_t global_oom_kills = 0;  ///< /proc/vmstat oom_kill since create(): every OOM
                                       ///< kill of the machine, a cgroup's limit or not
};

/// Who caused the OOM kills of a cgroup's members.
struct OomAttribution {
  std::uint64_t own_limit_kills = 0;  ///< MemoryStats::own_limit_oom_kills
  std::string foreign;  ///< MemoryStats::foreign_oom_kill
};

/// A kill is the cgroup's own when its own limit ran out: v2 `oom` > 0 (the kernel counts the
/// kill on the victim's cgroup whichever limit ran out, so oom_kill alone proves nothing);
/// v1 failcnt > 0 or the peak near the limit. Otherwise the kills are foreign, with evidence.
OomAttribution attribute_oom_kills(const OomEvidence& e);

/// Pids from cgroup.procs text (one per line); malformed lines are skipped.
std::vector<pid_t> parse_pid_list(std::string_view text);

/// True when the space-separated `list` (cgroup.controllers, cgroup.subtree_control) holds `word`.
bool has_word(std::string_view list, std::string_view word);

/// Label as it may appear in a cgroup name: bytes outside [A-Za-z0-9_-] become `_`, cut to 40.
std::string sanitize_label(std::string_view label);

/// `tmfault-<pid>-<n>` plus `-<sanitized label>` when the label is not empty.
std::string cgroup_name(pid_t pid, std::uint64_t n, std::string_view label);

/// The owner pid of a `tmfault-<digits>-<anything non-empty>` name; nullopt for any other name,
/// for pid 0 and for pids that do not fit pid_t (so kill(pid, 0) is never called on a group).
std::optional<pid_t> owner_pid(std::string_view name);

}  // namespace tmfault::cgroup
