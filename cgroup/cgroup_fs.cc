#include "cgroup/cgroup_fs.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_parse.h"

namespace tmfault::cgroup::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDestroyTimeout = std::chrono::seconds(5);
constexpr auto kDestroyPoll = std::chrono::milliseconds(10);

// RAII for a raw fd: cgroupfs errors come from open/read/write, and their errno is the message.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int open_in(const fs::path& dir, std::string_view name, int flags) {
  const auto path = dir / name;
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return fd;
}

void destroy_until(const fs::path& dir, Clock::time_point deadline) {
  for (const auto& sub : child_dirs(dir)) destroy_until(sub, deadline);
  for (;;) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    signal_members(dir, SIGKILL);
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    const int err = errno;
    if (err != EBUSY || Clock::now() > deadline) throw_in("remove", dir.filename().string(), dir.parent_path(), err);
    std::this_thread::sleep_for(kDestroyPoll);
  }
}

}  // namespace

std::string hint_for(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS: return "run as root, or pass --cgroup-parent DIR with a delegated cgroup you own";
    case ENOENT:
      return "the memory controller may not be enabled for this cgroup; "
             "pass --cgroup-parent DIR with a memory cgroup you own";
    case EBUSY: return "the cgroup still has members or child cgroups";
    default: return "check the cgroup filesystem; dmesg may say more";
  }
}

void throw_in(std::string_view verb, std::string_view name, const fs::path& dir, int err, std::string hint) {
  throw CgroupError("cannot " + std::string(verb) + " \"" + std::string(name) + "\" in \"" + dir.string() +
                        "\": " + std::system_category().message(err),
                    hint.empty() ? hint_for(err) : std::move(hint));
}

std::string read_file(const fs::path& dir, std::string_view name) {
  Fd f{open_in(dir, name, O_RDONLY)};
  if (f.fd < 0) throw_in("read", name, dir, errno);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_in("read", name, dir, errno);
    out.append(buf, static_cast<std::size_t>(n));
  }
}

int try_write_file(const fs::path& dir, std::string_view name, std::string_view value) {
  Fd f{open_in(dir, name, O_WRONLY)};
  if (f.fd < 0) return errno;
  ssize_t n;
  do n = ::write(f.fd, value.data(), value.size());
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno;
  return static_cast<std::size_t>(n) == value.size() ? 0 : EIO;
}

void write_file(const fs::path& dir, std::string_view name, std::string_view value) {
  if (const int err = try_write_file(dir, name, value); err != 0) throw_in("write", name, dir, err);
}

bool file_exists(const fs::path& dir, std::string_view name) { return ::access((dir / name).c_str(), F_OK) == 0; }

std::vector<pid_t> read_pids(const fs::path& dir) { return parse_pid_list(read_file(dir, "cgroup.procs")); }

int try_join(const fs::path& dir) {
  const std::string procs = (dir / "cgroup.procs").string();  // no allocation after fork()
  const pid_t pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    char buf[16];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ::getpid());
    const int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::write(fd, buf, static_cast<std::size_t>(end - buf)) == end - buf;
    ::_exit(ok ? 0 : errno);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

std::vector<fs::path> child_dirs(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) out.push_back(it->path());
  return out;
}

void destroy_tree(const fs::path& dir) { destroy_until(dir, Clock::now() + kDestroyTimeout); }

void signal_members(const fs::path& dir, int signo) {
  // v2 (Linux 5.14+) kills the whole cgroup atomically; the pid loop below can race with forks.
  if (signo == SIGKILL && file_exists(dir, "cgroup.kill")) write_file(dir, "cgroup.kill", "1");
  for (const pid_t pid : read_pids(dir)) {
    if (::kill(pid, signo) == 0 || errno == ESRCH) continue;
    throw_in("signal members of", dir.filename().string(), dir.parent_path(), errno);
  }
}

}  // namespace tmfault::cgroup::detail
