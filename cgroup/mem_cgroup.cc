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
    if (file_exists(dir, "memory.memsw.limit_in_bytes"))
      write_file(dir, "memory.memsw.limit_in_bytes", value);
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
  throw CgroupError("cannot find \"" + std::string(key) + "\" in \"" + std::string(name) +
                        "\" in \"" + dir.string() + "\"",
                    "the kernel is too old (the oom_kill counter needs Linux 4.13 or newer)");
}

bool pid_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

std::unique_ptr<MemCgroup> MemCgroup::create(const Hierarchy& h, const std::string& label,
                                             std::optional<std::uint64_t> limit_bytes) {
  // Owned before the limit is written, so a failing write still removes the directory.
  std::unique_ptr<MemCgroup> cg(new MemCgroup(h, make_dir(h.parent, label), limit_bytes));
  if (limit_bytes) apply_limit(h.version, cg->dir_, *limit_bytes);
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
  if (hierarchy_.version == Version::v1) {
    s.usage_bytes = read_u64(dir_, "memory.usage_in_bytes");
    s.peak_bytes = read_u64(dir_, "memory.max_usage_in_bytes");
    s.oom_kills = read_keyed(dir_, "memory.oom_control", "oom_kill");
  } else {
    s.usage_bytes = read_u64(dir_, "memory.current");
    s.peak_bytes = file_exists(dir_, "memory.peak") ? read_u64(dir_, "memory.peak") : 0;
    s.oom_kills = read_keyed(dir_, "memory.events", "oom_kill");
  }
  return s;
}

std::uint64_t MemCgroup::usage_bytes() const {
  return read_u64(dir_, hierarchy_.version == Version::v1 ? "memory.usage_in_bytes"
                                                          : "memory.current");
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
