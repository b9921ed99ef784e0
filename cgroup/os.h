#pragma once
// The few plain OS calls the rest of tmfault needs (sockets, the terminal, file modes, the
// process id), so that no layer above cgroup/ calls the OS itself.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

#include <sys/types.h>

namespace tmfault::os {

/// A loopback TCP port the OS says is free right now (bound to port 0, then closed).
/// Throws std::system_error when no socket can be opened or bound.
int free_loopback_port();

/// True when standard output is a terminal.
bool stdout_is_terminal();

/// Columns of the terminal on standard output, if it is one and says.
std::optional<std::size_t> terminal_columns();

/// True when `p` names a file this process may execute.
bool is_executable(const std::filesystem::path& p);

/// This process's id.
pid_t process_id();

/// An exclusive lock on a file (flock), held until this is destroyed or the process dies, so a
/// crashed holder never leaves it taken.
class FileLock {
 public:
  /// The lock on `p` (created if missing) when no one else holds it; nullopt when someone does
  /// or the file cannot be opened. Two holders in one process exclude each other too.
  static std::optional<FileLock> try_take(const std::filesystem::path& p);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Cores this process may run on (its affinity mask), at least 1.
unsigned usable_cores();

/// Memory the kernel says can be had without swapping (/proc/meminfo MemAvailable), if it says.
std::optional<std::uint64_t> memory_available_bytes();

}  // namespace tmfault::os
