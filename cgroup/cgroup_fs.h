#pragma once
// Internal: the few file operations on cgroupfs, with errors as CgroupError in house style
// (`cannot write "memory.max" in "/sys/fs/cgroup/x": Permission denied` plus a hint).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace tmfault::cgroup::detail {

namespace fs = std::filesystem;

/// The hint attached to an errno from a cgroup file operation.
std::string hint_for(int err);

/// Throws CgroupError `cannot <verb> "<name>" in "<dir>": <strerror(err)>` with `hint`, or
/// hint_for(err) when `hint` is empty.
[[noreturn]] void throw_in(std::string_view verb, std::string_view name, const fs::path& dir, int err,
                           std::string hint = {});

/// The whole content of dir/name; throws CgroupError (verb `read`).
std::string read_file(const fs::path& dir, std::string_view name);

/// Writes `value` to dir/name with one write(2); 0 or the errno.
int try_write_file(const fs::path& dir, std::string_view name, std::string_view value);

/// Writes `value` to dir/name with one write(2); throws CgroupError (verb `write`).
void write_file(const fs::path& dir, std::string_view name, std::string_view value);

/// True when dir/name exists (a control file present on this kernel/controller set).
bool file_exists(const fs::path& dir, std::string_view name);

/// Members of the cgroup at dir (cgroup.procs); throws CgroupError.
std::vector<pid_t> read_pids(const fs::path& dir);

/// Forks a child that writes its own pid to dir/cgroup.procs and exits, as a launched process
/// joins its cgroup (Process::start): 0 when it could, else the errno of the open or write.
int try_join(const fs::path& dir);

/// Subdirectories (child cgroups) of dir; none when dir cannot be listed.
std::vector<fs::path> child_dirs(const fs::path& dir);

/// SIGKILLs every member of dir and of its child cgroups, waits (until ~5 s) until they are
/// gone and removes the directories bottom-up. Throws CgroupError when that fails.
void destroy_tree(const fs::path& dir);

/// kill(pid, signo) for every member of dir; ESRCH ignored. Throws CgroupError otherwise.
void signal_members(const fs::path& dir, int signo);

}  // namespace tmfault::cgroup::detail
