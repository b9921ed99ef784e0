#pragma once
// Pure text handling for cgroup files and tmfault cgroup names: no I/O, no kernel, so every
// rule here is unit-tested without root.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

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
