// Discovery of the memory cgroup hierarchy this process may create children in.
//
// Library choice: libcgroup 2.0.2 is used for what it does well, finding where the memory
// controller is mounted (cgroup_init + cgroup_get_subsys_mount_point; it knows v1 mounts and the
// v2 unified mount alike). Everything else is plain file I/O on cgroupfs (cgroup_fs.cc), because
// libcgroup 2.0.2 does not translate v1/v2 setting names (memory.max must be written by hand on
// v2 anyway), its errors name no file, and cgroup_delete_cgroup migrates leftover tasks into the
// parent, i.e. the harness's own unlimited cgroup, where a runaway child would escape its limit.
// We kill the members and rmdir instead.
#include "cgroup/cgroup.h"

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>

#include <libcgroup.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup/cgroup_fs.h"
#include "cgroup/cgroup_parse.h"

namespace tmfault::cgroup {
namespace {

namespace fs = std::filesystem;
using detail::read_file;
using detail::write_file;

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

std::string libcgroup_message(int rc) {
  if (rc == ECGOTHER) return std::system_category().message(cgroup_get_last_errno());
  return cgroup_strerror(rc);
}

// libcgroup caches the mount table at cgroup_init(); once per process is what it expects.
fs::path memory_mount_point() {
  static std::once_flag once;
  static int init_rc = 0;
  std::call_once(once, [] { init_rc = cgroup_init(); });
  if (init_rc != 0)
    throw CgroupError("cannot find cgroup mounts: " + libcgroup_message(init_rc),
                      "mount the cgroup filesystem (is /sys/fs/cgroup mounted?)");
  char* mount = nullptr;
  if (const int rc = cgroup_get_subsys_mount_point("memory", &mount); rc != 0)
    throw CgroupError("cannot find the \"memory\" controller: " + libcgroup_message(rc),
                      "mount the memory controller (v1) or enable it in the unified hierarchy");
  fs::path p(mount);
  std::free(mount);
  return p;
}

Version fs_version(const fs::path& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0) {
    const int err = errno;
    throw CgroupError("cannot access " + quoted(dir) + ": " + std::system_category().message(err),
                      err == ENOENT ? "pass --cgroup-parent DIR with an existing cgroup directory "
                                      "(e.g. one beneath /sys/fs/cgroup made with mkdir)"
                                    : detail::hint_for(err));
  }
  if (st.f_type == CGROUP2_SUPER_MAGIC) return Version::v2;
  if (st.f_type == CGROUP_SUPER_MAGIC) return Version::v1;
  throw CgroupError("cannot use " + quoted(dir) + ": not on a cgroup filesystem",
                    "pass --cgroup-parent DIR with a directory beneath /sys/fs/cgroup");
}

fs::path under(const fs::path& mount, const std::string& cgroup_path) {
  const fs::path rel = fs::path(cgroup_path).relative_path();
  return rel.empty() ? mount : mount / rel;
}

void require_v1_memory(const fs::path& dir) {
  if (!detail::file_exists(dir, "memory.limit_in_bytes"))
    throw CgroupError("cannot use " + quoted(dir) + ": not a memory cgroup (no \"memory.limit_in_bytes\")",
                      "pass --cgroup-parent DIR beneath the memory controller's mount");
}

// The commands that enable memory down to `dir`: one per ancestor whose subtree_control lacks
// it, the topmost first.
std::string enable_commands(const fs::path& dir) {
  std::string cmds;
  for (fs::path p = dir.parent_path(); p != p.parent_path(); p = p.parent_path()) {
    std::string control;
    try {
      control = read_file(p, "cgroup.subtree_control");
    } catch (const CgroupError&) {
      break;  // above the cgroup root
    }
    if (has_word(control, "memory")) break;
    cmds = "echo +memory > " + quoted(p / "cgroup.subtree_control") + (cmds.empty() ? "" : "; ") + cmds;
  }
  return cmds;
}

void require_v2_memory(const fs::path& dir) {
  if (has_word(read_file(dir, "cgroup.controllers"), "memory")) return;
  throw CgroupError("the \"memory\" controller is not available in " + quoted(dir),
                    "its parents must enable it for their children: " + enable_commands(dir) +
                        " (as their owner; systemd: Delegate=yes), or pass --cgroup-parent DIR "
                        "with a cgroup that has it");
}

// The hint for EACCES/EPERM in `dir` when not root: whose it is and what delegating it means.
std::string delegation_hint(const fs::path& dir, int err, Version v = Version::v2) {
  if (::geteuid() == 0 || (err != EACCES && err != EPERM)) return detail::hint_for(err);
  const std::string me = std::to_string(::geteuid());
  struct stat st {};
  const std::string owner = ::stat(dir.c_str(), &st) == 0 ? " (it belongs to uid " + std::to_string(st.st_uid) + ")"
                                                          : "";
  return quoted(dir) + " is not delegated to uid " + me + owner + ": as root, chown " + me +
         (v == Version::v1 ? " it and its cgroup.procs and tasks"
                           : " it and its cgroup.procs, cgroup.subtree_control and "
                             "cgroup.threads (as systemd's Delegate=yes does)") +
         ", or pass --cgroup-parent DIR with a cgroup delegated to you";
}

// The hint when a process of ours cannot join a child of h.parent although we created it.
std::string join_hint(const Hierarchy& h, int err) {
  if (err != EACCES && err != EPERM && err != ENOENT) return detail::hint_for(err);
  const auto entries = parse_proc_cgroup(read_file("/proc/self", "cgroup"));
  const auto own = h.version == Version::v1 ? find_v1_memory(entries) : find_unified(entries);
  return "this process's cgroup \"" + (own ? own->path : std::string("?")) + "\" is outside " + quoted(h.parent) +
         ", and moving a process needs write access to the cgroup.procs of the lowest cgroup "
         "above both: start tmfault inside the delegated cgroup (e.g. systemd-run --user "
         "--scope -p Delegate=yes tmfault ...) and pass a cgroup beneath it";
}

Hierarchy hierarchy_at(const fs::path& dir, Version v) {
  if (v == Version::v1) require_v1_memory(dir);
  else require_v2_memory(dir);
  return Hierarchy{v, dir, {}};
}

Hierarchy own_hierarchy() {
  const auto entries = parse_proc_cgroup(read_file("/proc/self", "cgroup"));
  const fs::path mount = memory_mount_point();
  const Version v = fs_version(mount);
  const auto entry = v == Version::v1 ? find_v1_memory(entries) : find_unified(entries);
  if (!entry)
    throw CgroupError("cannot find the memory cgroup of this process in \"/proc/self/cgroup\"",
                      "pass --cgroup-parent DIR with a memory cgroup you own");
  return hierarchy_at(under(mount, entry->path), v);
}

// v2 "no internal processes": children of `dir` get the memory controller only if `dir` lists
// +memory in cgroup.subtree_control, and that write fails (EBUSY) while `dir` has members (the
// root cgroup is exempt, hence try first). If we are such a member, we move into a leaf of our
// own and retry; anyone else there is not ours to move.
void move_self_to_leaf(const fs::path& dir) {
  const fs::path leaf = dir / ("tmfault-" + std::to_string(::getpid()) + "-supervisor");
  if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) {
    const int err = errno;
    detail::throw_in("create", leaf.filename().string(), dir, err, delegation_hint(dir, err));
  }
  write_file(leaf, "cgroup.procs", std::to_string(::getpid()));
}

void enable_memory_for_children(const fs::path& dir) {
  if (has_word(read_file(dir, "cgroup.subtree_control"), "memory")) return;
  const int err = detail::try_write_file(dir, "cgroup.subtree_control", "+memory");
  if (err == 0) return;
  if (err != EBUSY) detail::throw_in("write", "cgroup.subtree_control", dir, err, delegation_hint(dir, err));
  for (const pid_t pid : detail::read_pids(dir))
    if (pid == ::getpid()) move_self_to_leaf(dir);
  if (!detail::read_pids(dir).empty())
    throw CgroupError("cannot enable \"+memory\" in \"cgroup.subtree_control\" in " + quoted(dir) +
                          ": other processes live in this cgroup",
                      "pass --cgroup-parent DIR with a delegated cgroup that has no processes");
  write_file(dir, "cgroup.subtree_control", "+memory");
}

SwapState swap_state(const fs::path& probe, Version v) {
  SwapState swap;
  swap.total_bytes = parse_swap_total(read_file("/proc", "meminfo"), read_file("/proc", "swaps"));
  swap.limited = detail::file_exists(probe, v == Version::v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max");
  return swap;
}

void remove_probe(const fs::path& probe) {
  // the joined child has exited, but its cgroup may still count it for a moment
  for (int i = 0; ::rmdir(probe.c_str()) != 0; ++i) {
    if (errno != EBUSY || i == 100) detail::throw_in("remove", probe.filename().string(), probe.parent_path(), errno);
    ::usleep(10'000);
  }
}

// Creating a child, moving a process of ours into it and removing it is the only reliable
// permission test (access(2) lies on cgroupfs under delegation and user namespaces).
void probe_parent(Hierarchy& h) {
  const std::string name = "tmfault-" + std::to_string(::getpid()) + "-probe";
  const fs::path probe = h.parent / name;
  if (::mkdir(probe.c_str(), 0755) != 0 && errno != EEXIST) {
    const int err = errno;
    throw CgroupError("cannot create " + quoted(probe) + ": " + std::system_category().message(err),
                      delegation_hint(h.parent, err, h.version));
  }
  const bool has_limit = detail::file_exists(probe, h.version == Version::v1 ? "memory.limit_in_bytes" : "memory.max");
  const int join_err = has_limit ? detail::try_join(probe) : 0;
  h.swap = swap_state(probe, h.version);
  remove_probe(probe);
  if (!has_limit)
    throw CgroupError("the \"memory\" controller is not enabled for children of " + quoted(h.parent),
                      "enable +memory in its cgroup.subtree_control, or pass --cgroup-parent");
  if (join_err != 0)
    throw CgroupError("cannot move a process into " + quoted(probe) + ": " + std::system_category().message(join_err),
                      join_hint(h, join_err));
  if (auto refusal = swap_refusal(h.swap, h.version, h.parent.string())) throw *refusal;
}

}  // namespace

Hierarchy discover(const std::optional<std::filesystem::path>& parent_override) {
  Hierarchy h = parent_override ? hierarchy_at(fs::absolute(*parent_override), fs_version(*parent_override))
                                : own_hierarchy();
  if (h.version == Version::v2) enable_memory_for_children(h.parent);
  probe_parent(h);
  return h;
}

}  // namespace tmfault::cgroup
