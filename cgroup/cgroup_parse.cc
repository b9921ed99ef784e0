#include "cgroup/cgroup_parse.h"

#include <charconv>
#include <climits>
#include <limits>

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
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-';
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
