// A child for the cgroup/process tests: behaves as asked on argv, writes with write(2) so every
// line leaves the process the moment it is written (no stdio buffering).
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void put(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) std::_Exit(99);
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

void sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

long arg(char** argv, int i) { return std::strtol(argv[i], nullptr, 10); }

// Touches every page so the memory is really charged to the cgroup.
int hog(long mib) {
  std::vector<char*> keep;
  for (long i = 1; i <= mib; ++i) {
    char* p = static_cast<char*>(std::malloc(1 << 20));
    if (!p) return 2;
    std::memset(p, 0x5a, 1 << 20);
    keep.push_back(p);
    if (i % 16 == 0) put(1, "allocated " + std::to_string(i) + " MiB\n");
  }
  return 0;
}

// The first victim of a global OOM killer: oom_score_adj 1000 (raising it needs no privilege).
int victim(long mib) {
  const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY);
  if (fd < 0 || ::write(fd, "1000", 4) != 4) return 3;
  ::close(fd);
  return hog(mib);
}

int flood(long lines) {
  const std::string pad(80, 'x');
  for (long i = 0; i < lines; ++i) {
    put(1, "out " + std::to_string(i) + " " + pad + "\n");
    put(2, "err " + std::to_string(i) + " " + pad + "\n");
  }
  return 0;
}

int grandchild() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    sleep_ms(30000);  // holds stdout/stderr open after its parent exits
    std::_Exit(0);
  }
  put(1, "grandchild " + std::to_string(pid) + "\n");
  return 0;
}

int spawn(long n) {
  for (long i = 0; i < n; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      sleep_ms(60000);
      std::_Exit(0);
    }
    put(1, "spawned " + std::to_string(pid) + "\n");
  }
  put(1, "ready\n");
  sleep_ms(60000);
  return 0;
}

int list_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return 2;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') put(1, std::string(e->d_name) + "\n");
  ::closedir(d);
  return 0;
}

int sigstate() {
  sigset_t blocked;
  ::sigprocmask(SIG_BLOCK, nullptr, &blocked);
  struct sigaction pipe_action {};
  ::sigaction(SIGPIPE, nullptr, &pipe_action);
  put(1, std::string("term_blocked ") + (sigismember(&blocked, SIGTERM) ? "1" : "0") + "\n");
  put(1, std::string("pipe_ignored ") + (pipe_action.sa_handler == SIG_IGN ? "1" : "0") + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  const bool has_n = argc > 2;
  if (mode == "exit" && has_n) return static_cast<int>(arg(argv, 2));
  if (mode == "sleep" && has_n) return sleep_ms(arg(argv, 2)), 0;
  if (mode == "hog" && has_n) return hog(arg(argv, 2));
  if (mode == "victim" && has_n) return victim(arg(argv, 2));
  if (mode == "flood" && has_n) return flood(arg(argv, 2));
  if (mode == "spawn" && has_n) return spawn(arg(argv, 2));
  if (mode == "line-sleep" && has_n) {
    put(1, "first\n");
    sleep_ms(arg(argv, 2));
    return put(1, "second\n"), 0;
  }
  if (mode == "split") return put(1, "to-out\n"), put(2, "to-err\n"), 0;
  if (mode == "long" && has_n) return put(1, std::string(static_cast<std::size_t>(arg(argv, 2)), 'x') + "\nend\n"), 0;
  if (mode == "partial") return put(1, "complete\nno newline"), 0;
  if (mode == "grandchild") return grandchild();
  if (mode == "pgid") return put(1, std::to_string(::getpid()) + " " + std::to_string(::getpgrp()) + "\n"), 0;
  if (mode == "fds") return list_fds();
  if (mode == "sigstate") return sigstate();
  put(2, "usage: cgroup_test_child MODE [N]\n");
  return 64;
}
