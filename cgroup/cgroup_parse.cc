#include "cgroup/cgroup_parse.h"

#include <charconv>
#include <climits>
#include <limits>
#include <utility>

namespace tmfault::cgroup {
namespace {

constexpr std::string_view kPrefix = "tmfault-";
constexpr std::size_t kMaxLabel = 40;

// Calls fn(line) for every line of text (without the '\n').
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    fn(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

template <class Int>
std::optional<Int> to_int(std::string_view s) {
  Int v{};
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc{} || p != end) return std::nullopt;
  return v;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  for (auto pos = s.find(','); !s.empty(); pos = s.find(',')) {
    out.emplace_back(s.substr(0, pos));
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return out;
}

// The whitespace-separated fields of a line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (line = trim(line); !line.empty(); line = trim(line)) {
    const auto end = std::min(line.size(), line.find_first_of(" \t"));
    out.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
  return out;
}

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

std::string plural(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// Why the kills were not the cgroup's own: its counters, then the cause found above it.
std::string foreign_evidence(const OomEvidence& e) {
  const bool v2 = e.version == Version::v2;
  std::string s = plural(e.events.oom_kill, "OOM kill") + " of members (" +
                  (v2 ? "memory.events.local" : "memory.oom_control") + " oom_kill " +
                  std::to_string(e.events.oom_kill) + ") while ";
  if (v2) s += "this cgroup's own limit never ran out (oom 0, max " + std::to_string(e.events.max) + ")";
  else
    s += "this cgroup's usage never reached its limit (peak " + mib(e.peak_bytes) +
         (e.limit_bytes ? " of " + mib(*e.limit_bytes) : std::string(", no limit")) + ", failcnt " +
         std::to_string(e.events.max) + ")";
  bool found = false;
  for (const auto& a : e.ancestors) {
    const bool hit = a.limit_hits > 0 || (!v2 && near_limit(a.peak_bytes, a.limit_bytes));
    if (!hit) continue;
    s += "; the limit of \"" + a.dir + "\" ran out (" +
         (v2                 ? "memory.events.local oom +" + std::to_string(a.limit_hits)
          : a.limit_hits > 0 ? "memory.failcnt +" + std::to_string(a.limit_hits)
                             : "peak " + mib(a.peak_bytes) + " of " + mib(*a.limit_bytes)) +
         ")";
    found = true;
  }
  // A member dies by its own cgroup's limit, an ancestor's, or the machine's (vmstat counts all).
  if (found) return s;
  if (e.global_oom_kills == 0)
    return s + "; no ancestor's limit was seen to run out and /proc/vmstat counted no OOM kill "
               "(see dmesg)";
  return s +
         "; no ancestor's limit was seen to run out, so the machine ran out of memory (a "
         "global OOM: /proc/vmstat oom_kill +" +
         std::to_string(e.global_oom_kills) + ")";
}

std::optional<ProcCgroupEntry> parse_proc_cgroup_line(std::string_view line) {
  const auto c1 = line.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  const auto id = to_int<int>(line.substr(0, c1));
  const auto path = line.substr(c2 + 1);
  if (!id || path.empty() || path.front() != '/') return std::nullopt;
  return ProcCgroupEntry{*id, split_commas(line.substr(c1 + 1, c2 - c1 - 1)), std::string(path)};
}

}  // namespace

std::vector<ProcCgroupEntry> parse_proc_cgroup(std::string_view text) {
  std::vector<ProcCgroupEntry> out;
  for_each_line(text, [&](std::string_view line) {
    if (auto e = parse_proc_cgroup_line(line)) out.push_back(std::move(*e));
  });
  return out;
}

std::optional<ProcCgroupEntry> find_v1_memory(const std::vector<ProcCgroupEntry>& entries) {
  for (const auto& e : entries) {
    if (e.hierarchy_id == 0) continue;
    for (const auto& c : e.controllers)
      if (c == "memory") return e;
  }
  return std::nullopt;
}

std::optional<ProcCgroupEntry> find_unified(const std::vector<ProcCgroupEntry>& entries) {
  for (const auto& e : entries)
    if (e.hierarchy_id == 0 && e.controllers.empty()) return e;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_keyed_value(std::string_view text, std::string_view key) {
  std::optional<std::uint64_t> found;
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    const auto sp = line.find_first_of(" \t");
    if (found || sp == std::string_view::npos || line.substr(0, sp) != key) return;
    found = to_int<std::uint64_t>(trim(line.substr(sp)));
  });
  return found;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  text = trim(text);
  if (text == "max") return std::numeric_limits<std::uint64_t>::max();
  return to_int<std::uint64_t>(text);
}

MemoryEvents parse_memory_events(std::string_view text) {
  MemoryEvents e;
  e.max = parse_keyed_value(text, "max").value_or(0);
  e.oom = parse_keyed_value(text, "oom").value_or(0);
  e.oom_kill = parse_keyed_value(text, "oom_kill").value_or(0);
  e.oom_group_kill = parse_keyed_value(text, "oom_group_kill").value_or(0);
  return e;
}

std::optional<std::uint64_t> parse_meminfo_bytes(std::string_view meminfo, std::string_view key) {
  std::optional<std::uint64_t> kib;
  for_each_line(meminfo, [&](std::string_view line) {
    const auto f = fields(line);
    if (f.size() >= 2 && f[0] == key) kib = to_int<std::uint64_t>(f[1]);
  });
  if (!kib || *kib > std::numeric_limits<std::uint64_t>::max() / 1024) return std::nullopt;
  return *kib * 1024;
}

std::uint64_t parse_swap_total(std::string_view meminfo, std::string_view proc_swaps) {
  std::uint64_t kib = parse_meminfo_bytes(meminfo, "SwapTotal:").value_or(0) / 1024;
  if (kib == 0) {
    for_each_line(proc_swaps, [&](std::string_view line) {
      const auto f = fields(line);
      if (f.size() >= 3 && f[0] != "Filename") kib += to_int<std::uint64_t>(f[2]).value_or(0);
    });
  }
  return kib * 1024;
}

std::optional<CgroupError> swap_refusal(const SwapState& swap, Version v, const std::string& dir) {
  if (swap.total_bytes == 0 || swap.limited) return std::nullopt;
  const std::string file = v == Version::v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
  return CgroupError("cannot limit swap for the cgroups in \"" + dir + "\": the machine has " + mib(swap.total_bytes) +
                         " of swap and they have no \"" + file + "\"",
                     "a TaskManager would swap instead of being killed at its limit: turn swap "
                     "off (swapoff -a), or boot with swap accounting (no swapaccount=0)");
}

bool near_limit(std::uint64_t peak, std::optional<std::uint64_t> limit) {
  return limit && *limit > 0 && peak >= *limit - *limit / 100;
}

OomAttribution attribute_oom_kills(const OomEvidence& e) {
  if (e.events.oom_kill == 0) return {};
  const bool own_limit_ran_out = e.version == Version::v2 ? e.events.oom > 0
                                                          : e.events.max > 0 || near_limit(e.peak_bytes, e.limit_bytes);
  if (own_limit_ran_out) return {e.events.oom_kill, ""};
  return {0, foreign_evidence(e)};
}

std::vector<pid_t> parse_pid_list(std::string_view text) {
  std::vector<pid_t> out;
  for_each_line(text, [&](std::string_view line) {
    if (auto pid = to_int<pid_t>(trim(line)); pid && *pid > 0) out.push_back(*pid);
  });
  return out;
}

bool has_word(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    list = list.substr(std::min(list.size(), list.find_first_not_of(" \t\r\n")));
    const auto end = list.find_first_of(" \t\r\n");
    if (list.substr(0, end) == word && !word.empty()) return true;
    if (end == std::string_view::npos) break;
    list.remove_prefix(end);
  }
  return false;
}

std::string sanitize_label(std::string_view label) {
  std::string out(label.substr(0, kMaxLabel));
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

std::string cgroup_name(pid_t pid, std::uint64_t n, std::string_view label) {
  std::string name = std::string(kPrefix) + std::to_string(pid) + "-" + std::to_string(n);
  if (!label.empty()) name += "-" + sanitize_label(label);
  return name;
}

std::optional<pid_t> owner_pid(std::string_view name) {
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  const auto dash = name.find('-');
  if (dash == std::string_view::npos || dash + 1 == name.size()) return std::nullopt;
  const auto digits = name.substr(0, dash);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  const auto pid = to_int<pid_t>(digits);
  if (!pid || *pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace tmfault::cgroup
