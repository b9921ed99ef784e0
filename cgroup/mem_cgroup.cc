// MemCgroup: one memory cgroup per run, plus the process-wide registry behind kill_all_live()
// and the sweep of cgroups left behind by dead harness processes.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <set>

#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_fs.h"
#include "cgroup/cgroup_parse.h"

namespace tmfault::cgroup {
namespace {

namespace fs = std::filesystem;
using detail::file_exists;
using detail::read_file;
using detail::write_file;

constexpr int kMaxNameAttempts = 1000;

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::set<const MemCgroup*>& registry() {
  static std::set<const MemCgroup*> live;
  return live;
}

// Names stay unique within this process; EEXIST can still happen when a dead process with our
// (recycled) pid left one behind, so creation skips taken numbers.
fs::path make_dir(const fs::path& parent, const std::string& label) {
  static std::atomic<std::uint64_t> counter{1};
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string name = cgroup_name(::getpid(), counter++, label);
    if (::mkdir((parent / name).c_str(), 0755) == 0) return parent / name;
    if (errno != EEXIST) detail::throw_in("create", name, parent, errno);
  }
  detail::throw_in("create", cgroup_name(::getpid(), counter, label), parent, EEXIST);
}

// v1: memsw equal to the limit means "no swap": the kernel OOM-kills instead of swapping, like a
// container. memsw must stay >= limit, so it is written second (both start unlimited).
void apply_limit(Version v, const fs::path& dir, std::uint64_t limit) {
  const std::string value = std::to_string(limit);
  if (v == Version::v1) {
    write_file(dir, "memory.limit_in_bytes", value);
    if (file_exists(dir, "memory.memsw.limit_in_bytes")) write_file(dir, "memory.memsw.limit_in_bytes", value);
    return;
  }
  write_file(dir, "memory.max", value);
  if (file_exists(dir, "memory.swap.max")) write_file(dir, "memory.swap.max", "0");
}

std::uint64_t read_u64(const fs::path& dir, std::string_view name) {
  const std::string text = read_file(dir, name);
  if (const auto v = parse_u64(text)) return *v;
  throw CgroupError("cannot parse \"" + std::string(name) + "\" in \"" + dir.string() + "\"",
                    "unexpected content \"" + text + "\"");
}

std::uint64_t read_keyed(const fs::path& dir, std::string_view name, std::string_view key) {
  if (const auto v = parse_keyed_value(read_file(dir, name), key)) return *v;
  throw CgroupError("cannot find \"" + std::string(key) + "\" in \"" + std::string(name) + "\" in \"" + dir.string() +
                        "\"",
                    "the kernel is too old (the oom_kill counter needs Linux 4.13 or newer)");
}

// v1's "no limit" is a page-aligned huge number (9223372036854771712), v2's is "max".
std::optional<std::uint64_t> read_limit(Version v, const fs::path& dir) {
  const std::uint64_t limit = read_u64(dir, v == Version::v1 ? "memory.limit_in_bytes" : "memory.max");
  if (limit >= (std::uint64_t{1} << 62)) return std::nullopt;
  return limit;
}

// This cgroup's own events (see MemoryEvents): v2 memory.events.local (Linux 5.2+; a leaf's
// memory.events says the same), v1 memory.failcnt + memory.oom_control.
MemoryEvents own_events(Version v, const fs::path& dir) {
  if (v == Version::v2)
    return parse_memory_events(read_file(dir, file_exists(dir, "memory.events.local") ? "memory.events.local"
                                                                                      : "memory.events"));
  MemoryEvents e;
  e.max = read_u64(dir, "memory.failcnt");
  e.oom_kill = read_keyed(dir, "memory.oom_control", "oom_kill");
  return e;
}

// The cgroups above `dir` that count their own events (v2: not the root, which has none).
std::vector<std::pair<fs::path, MemoryEvents>> ancestors_of(Version v, const fs::path& dir) {
  std::vector<std::pair<fs::path, MemoryEvents>> out;
  const char* counter = v == Version::v1 ? "memory.failcnt" : "memory.events";
  for (fs::path p = dir.parent_path(); p != p.parent_path() && file_exists(p, counter); p = p.parent_path()) {
    try {
      out.emplace_back(p, own_events(v, p));
    } catch (const CgroupError&) {
      break;  // not ours to read: the evidence stops here
    }
  }
  return out;
}

std::uint64_t since(std::uint64_t now, std::uint64_t start) { return now > start ? now - start : 0; }

// What became of an ancestor since `start`; read errors (it is not ours) count as nothing.
OomEvidence::Ancestor ancestor(Version v, const fs::path& dir, const MemoryEvents& start) {
  OomEvidence::Ancestor a;
  a.dir = dir.string();
  try {
    const MemoryEvents now = own_events(v, dir);
    const bool v1 = v == Version::v1;
    a.limit_hits = v1 ? since(now.max, start.max) : since(now.oom, start.oom);
    if (v1) {
      a.peak_bytes = read_u64(dir, "memory.max_usage_in_bytes");
      a.limit_bytes = read_limit(Version::v1, dir);
    }
  } catch (const CgroupError&) {
  }
  return a;
}

std::uint64_t global_oom_kills() {
  try {
    return parse_keyed_value(read_file("/proc", "vmstat"), "oom_kill").value_or(0);
  } catch (const CgroupError&) {
    return 0;
  }
}

bool pid_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

std::unique_ptr<MemCgroup> MemCgroup::create(const Hierarchy& h, const std::string& label,
                                             std::optional<std::uint64_t> limit_bytes) {
  // Owned before the limit is written, so a failing write still removes the directory.
  std::unique_ptr<MemCgroup> cg(new MemCgroup(h, make_dir(h.parent, label), limit_bytes));
  if (limit_bytes) apply_limit(h.version, cg->dir_, *limit_bytes);
  cg->ancestors_at_start_ = ancestors_of(h.version, cg->dir_);
  cg->global_oom_kills_at_start_ = global_oom_kills();
  return cg;
}

MemCgroup::MemCgroup(Hierarchy h, std::filesystem::path dir, std::optional<std::uint64_t> limit)
    : hierarchy_(std::move(h)), dir_(std::move(dir)), limit_bytes_(limit) {
  std::lock_guard lock(registry_mutex());
  registry().insert(this);
}

MemCgroup::~MemCgroup() {
  try {
    remove();
  } catch (const std::exception& e) {
    // A destructor cannot throw; the leftover is reported here and swept by a later run.
    std::fprintf(stderr, "warning: %s\n", e.what());
  }
  std::lock_guard lock(registry_mutex());
  registry().erase(this);
}

std::filesystem::path MemCgroup::procs_file() const { return dir_ / "cgroup.procs"; }

MemoryStats MemCgroup::stats() const {
  MemoryStats s;
  OomEvidence e;
  e.version = hierarchy_.version;
  e.events = own_events(hierarchy_.version, dir_);
  e.limit_bytes = read_limit(hierarchy_.version, dir_);
  if (hierarchy_.version == Version::v1) {
    s.usage_bytes = read_u64(dir_, "memory.usage_in_bytes");
    s.peak_bytes = read_u64(dir_, "memory.max_usage_in_bytes");
  } else {
    s.usage_bytes = read_u64(dir_, "memory.current");
    s.peak_bytes = file_exists(dir_, "memory.peak") ? read_u64(dir_, "memory.peak") : 0;
  }
  e.peak_bytes = s.peak_bytes;
  for (const auto& [dir, start] : ancestors_at_start_) e.ancestors.push_back(ancestor(hierarchy_.version, dir, start));
  e.global_oom_kills = since(global_oom_kills(), global_oom_kills_at_start_);
  const OomAttribution a = attribute_oom_kills(e);
  s.events = e.events;
  s.oom_kills = e.events.oom_kill;
  s.own_limit_oom_kills = a.own_limit_kills;
  s.foreign_oom_kill = a.foreign;
  return s;
}

std::uint64_t MemCgroup::usage_bytes() const {
  return read_u64(dir_, hierarchy_.version == Version::v1 ? "memory.usage_in_bytes" : "memory.current");
}

std::vector<pid_t> MemCgroup::pids() const { return detail::read_pids(dir_); }

void MemCgroup::signal_all(int signo) const { detail::signal_members(dir_, signo); }

void MemCgroup::remove() {
  if (removed_) return;
  detail::destroy_tree(dir_);
  removed_ = true;
}

int sweep_stale(const Hierarchy& h) {
  int removed = 0;
  std::exception_ptr first_error;
  for (const auto& dir : detail::child_dirs(h.parent)) {
    const auto pid = owner_pid(dir.filename().string());
    if (!pid || pid_alive(*pid)) continue;
    try {
      detail::destroy_tree(dir);
      ++removed;
    } catch (const CgroupError&) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  return removed;
}

void kill_all_live() {
  std::lock_guard lock(registry_mutex());
  for (const MemCgroup* cg : registry()) {
    try {
      cg->signal_all(SIGKILL);
    } catch (const CgroupError&) {
      // Best effort on the way out: the owner's remove() reports what is really left.
    }
  }
}

}  // namespace tmfault::cgroup
