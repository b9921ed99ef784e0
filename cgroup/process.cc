// Process: Boost.Process v1 forks and execs; a ChildSetup handler does the pre-exec work in the
// child (only async-signal-safe calls: the harness is multi-threaded when it spawns), and one
// reader thread per child poll()s both pipes plus a pidfd, delivering lines as they are written
// and reaping the child. We reap ourselves (the bp::child is detached) because Boost 1.74's
// terminate() loses the wait status and its asio SIGCHLD service is process-global.
//
// Process group: the child gets its own (setpgid(0, 0)), so a terminal's Ctrl-C reaches only
// the harness, which then stops runs in order (cgroup kill, reports), and the destructor can
// kill the child's whole group. PR_SET_PDEATHSIG(SIGKILL) covers a harness that dies abruptly.
#include "cgroup/process.h"

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/line_buffer.h"

namespace tmfault::cgroup {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

constexpr auto kEofGrace = std::chrono::seconds(1);  // after reaping, for grandchildren's pipes
constexpr int kNoPidfdTickMs = 20;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kChildFailExit = 126;

// Which pre-exec step failed travels to the parent in the error code's upper bits: Boost's error
// pipe carries only the code's value, and building a message in the child would allocate.
enum Stage : int { kExecStage = 0, kJoinStage = 1, kChdirStage = 2, kSetupStage = 3 };
constexpr int kStageShift = 16;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what) { throw std::system_error(errno, std::system_category(), what); }

// Our fds stay above 0..2, so dup2 onto stdio in the child can never clobber one another.
UniqueFd above_stdio(int fd, const char* what) {
  if (fd < 0) throw_errno(what);
  if (fd > 2) return UniqueFd(fd);
  UniqueFd low(fd);
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (moved < 0) throw_errno(what);
  return UniqueFd(moved);
}

struct Pipe {
  UniqueFd read_end, write_end;
};

// O_CLOEXEC on both ends (no leaks into concurrently spawned children); O_NONBLOCK only on our
// read end: the child's stdout must stay blocking.
Pipe make_pipe() {
  int p[2];
  constexpr const char* what = "cannot create a pipe for the child";
  if (::pipe2(p, O_CLOEXEC) != 0) throw_errno(what);
  UniqueFd read_end(p[0]), write_end(p[1]);
  Pipe out{above_stdio(read_end.release(), what), above_stdio(write_end.release(), what)};
  if (::fcntl(out.read_end.get(), F_SETFL, O_NONBLOCK) != 0) throw_errno(what);
  return out;
}

// "K=V" strings and the null-terminated pointer array execve wants, built in the parent.
struct EnvBlock {
  explicit EnvBlock(const std::map<std::string, std::string>& env) {
    for (const auto& [k, v] : env) strings.push_back(k + "=" + v);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

// Child side (between fork and exec): async-signal-safe calls only.
bool join_cgroup(const char* procs) {
  const int fd = ::open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, ::getpid()).ptr;
  const ssize_t n = ::write(fd, buf, static_cast<std::size_t>(end - buf));
  const int err = n < 0 ? errno : EIO;
  ::close(fd);
  errno = err;
  return n == end - buf;
}

bool move_fd(int from, int to) {
  if (from == to) return ::fcntl(to, F_SETFD, 0) == 0;
  return ::dup2(from, to) == to;
}

// Ignored signals and the blocked mask survive exec; the child must start with defaults.
void reset_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);  // EINVAL for KILL/STOP: fine
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

struct ChildSetup : bp::extend::handler {
  char** envp = nullptr;
  const char* join_procs = nullptr;  // null: stay in the parent's cgroup
  const char* cwd = nullptr;         // null: inherit
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
  pid_t parent = -1;

  template <class Executor>
  void on_setup(Executor& exec) const {
    exec.env = envp;  // the complete environment, not a diff against ours
  }

  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (exec.pid > 0) ::waitpid(exec.pid, nullptr, 0);  // the failed child has _exit'ed
  }

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(exec, kSetupStage);
    if (::getppid() != parent) ::_exit(kChildFailExit);  // harness died before prctl
    reset_signals();
    if (::setpgid(0, 0) != 0) fail(exec, kSetupStage);
    if (join_procs && !join_cgroup(join_procs)) fail(exec, kJoinStage);
    if (cwd && ::chdir(cwd) != 0) fail(exec, kChdirStage);
    if (!move_fd(stdin_fd, 0) || !move_fd(stdout_fd, 1) || !move_fd(stderr_fd, 2)) fail(exec, kSetupStage);
    // Best effort (Linux 5.11+): fds leaked by other threads without O_CLOEXEC close at exec.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  }

  // set_error only writes Boost's error pipe; the executor would execve anyway, hence _exit.
  template <class Executor>
  [[noreturn]] static void fail(Executor& exec, Stage stage) {
    exec.set_error(std::error_code((stage << kStageShift) | errno, std::system_category()), "tmfault child setup");
    ::_exit(kChildFailExit);
  }
};

std::system_error spawn_error(const LaunchSpec& spec, const std::error_code& ec) {
  const int err = ec.value() & ((1 << kStageShift) - 1);
  std::string what;
  switch (ec.value() >> kStageShift) {
    case kJoinStage: what = "cannot join \"" + spec.join_procs->string() + "\""; break;
    case kChdirStage: what = "cannot enter \"" + spec.cwd.string() + "\""; break;
    case kSetupStage: what = "cannot set up the child for \"" + spec.exe.string() + "\""; break;
    default: what = "cannot execute \"" + spec.exe.string() + "\"";
  }
  return std::system_error(err, std::system_category(), what);
}

// Serialises spawns: Boost's error pipe gets FD_CLOEXEC only after pipe(2), so a concurrent
// fork could otherwise inherit its write end and stall the other start() until it exits.
std::mutex& spawn_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

struct Process::Impl {
  pid_t pid = -1;
  UniqueFd pidfd;
  struct Stream {
    UniqueFd fd;
    LineSink sink;
    LineBuffer buffer;
  } streams[2];

  std::mutex mu;
  std::condition_variable cv;
  bool reaped = false;  // written by the reader thread under mu
  bool done = false;
  int status = 0;
  std::chrono::microseconds cpu{0};  // user + system time of the child, once reaped
  std::exception_ptr error;
  std::thread reader;

  void run();
  bool wait_ready(const std::optional<Clock::time_point>& eof_deadline);
  bool all_eof() const { return streams[0].fd.get() < 0 && streams[1].fd.get() < 0; }
  void read_some(Stream& s);
  void deliver(Stream& s, std::string_view line);
  void try_reap();
  void fail(std::exception_ptr e);
  std::optional<int> result();
};

// Blocks until a pipe or the pidfd is ready; false once the post-exit grace is over.
bool Process::Impl::wait_ready(const std::optional<Clock::time_point>& eof_deadline) {
  pollfd fds[3];
  nfds_t n = 0;
  for (auto& s : streams)
    if (s.fd.get() >= 0) fds[n++] = {s.fd.get(), POLLIN, 0};
  const bool watch_pid = !reaped && pidfd.get() >= 0;
  if (watch_pid) fds[n++] = {pidfd.get(), POLLIN, 0};
  int timeout = watch_pid ? -1 : kNoPidfdTickMs;
  if (eof_deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*eof_deadline - Clock::now());
    if (left.count() <= 0) return false;
    timeout = static_cast<int>(left.count());
  }
  if (::poll(fds, n, timeout) < 0 && errno != EINTR) {
    fail(std::make_exception_ptr(std::system_error(errno, std::system_category(), "poll")));
    return false;
  }
  return true;
}

void Process::Impl::run() {
  std::optional<Clock::time_point> eof_deadline;
  while (!(reaped && all_eof()) && wait_ready(eof_deadline)) {
    for (auto& s : streams)
      if (s.fd.get() >= 0) read_some(s);
    if (!reaped) try_reap();
    if (reaped && !eof_deadline) eof_deadline = Clock::now() + kEofGrace;
  }
  for (auto& s : streams) {
    s.buffer.finish([&](std::string_view line) { deliver(s, line); });
    s.fd.reset();
  }
  std::lock_guard lock(mu);
  done = true;
  cv.notify_all();
}

void Process::Impl::read_some(Stream& s) {
  char buf[kReadChunk];
  const ssize_t n = ::read(s.fd.get(), buf, sizeof buf);
  if (n > 0) {
    s.buffer.feed({buf, static_cast<std::size_t>(n)}, [&](std::string_view l) { deliver(s, l); });
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    s.buffer.finish([&](std::string_view l) { deliver(s, l); });
    s.fd.reset();
  }
}

void Process::Impl::deliver(Stream& s, std::string_view line) {
  if (error || !s.sink) return;
  try {
    s.sink(line);
  } catch (...) {
    fail(std::current_exception());
  }
}

void Process::Impl::try_reap() {
  std::lock_guard lock(mu);
  rusage ru{};
  const pid_t r = ::wait4(pid, &status, WNOHANG, &ru);
  if (r == pid) {
    reaped = true;
    auto us = [](const timeval& t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
    cpu = us(ru.ru_utime) + us(ru.ru_stime);
  }
  if (r < 0 && errno != EINTR) {
    reaped = true;  // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN?): status unknown
    error = std::make_exception_ptr(std::system_error(errno, std::system_category(), "cannot wait for the child"));
  }
}

void Process::Impl::fail(std::exception_ptr e) {
  std::lock_guard lock(mu);
  if (!error) error = std::move(e);
}

std::optional<int> Process::Impl::result() {
  if (!done) return std::nullopt;
  if (error) std::rethrow_exception(error);
  return status;
}

std::unique_ptr<Process> Process::start(const LaunchSpec& spec, LineSink out, LineSink err) {
  if (!spec.exe.is_absolute()) throw std::invalid_argument("exe \"" + spec.exe.string() + "\" is not an absolute path");
  Pipe out_pipe = make_pipe(), err_pipe = make_pipe();
  UniqueFd null = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC), "cannot open \"/dev/null\"");
  EnvBlock env(spec.env);
  const std::string join = spec.join_procs ? spec.join_procs->string() : std::string();
  const std::string cwd = spec.cwd.string();
  ChildSetup setup;
  setup.envp = env.pointers.data();
  setup.join_procs = spec.join_procs ? join.c_str() : nullptr;
  setup.cwd = cwd.empty() ? nullptr : cwd.c_str();
  setup.stdin_fd = null.get();
  setup.stdout_fd = out_pipe.write_end.get();
  setup.stderr_fd = err_pipe.write_end.get();
  setup.parent = ::getpid();

  auto impl = std::make_unique<Impl>();
  {
    std::error_code ec;
    std::lock_guard lock(spawn_mutex());
    bp::child child(bp::exe = spec.exe.string(), bp::args = spec.args, setup, ec);
    if (ec) throw spawn_error(spec, ec);
    impl->pid = child.id();
    child.detach();
  }
  impl->pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, impl->pid, 0)));
  impl->streams[0].fd = std::move(out_pipe.read_end);
  impl->streams[0].sink = std::move(out);
  impl->streams[1].fd = std::move(err_pipe.read_end);
  impl->streams[1].sink = std::move(err);
  try {
    impl->reader = std::thread(&Impl::run, impl.get());
  } catch (...) {
    ::kill(impl->pid, SIGKILL);
    ::waitpid(impl->pid, nullptr, 0);
    throw;
  }
  return std::unique_ptr<Process>(new Process(std::move(impl)));
}

Process::Process(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Process::~Process() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->reaped) {
      ::kill(-impl_->pid, SIGKILL);  // its process group: grandchildren holding the pipes too
      ::kill(impl_->pid, SIGKILL);   // in case it left its group
    }
  }
  if (impl_->reader.joinable()) impl_->reader.join();
}

pid_t Process::pid() const { return impl_->pid; }

std::optional<int> Process::poll() {
  std::lock_guard lock(impl_->mu);
  return impl_->result();
}

std::optional<int> Process::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [&] { return impl_->done; });
  return impl_->result();
}

std::optional<std::chrono::microseconds> Process::cpu_time() {
  std::lock_guard lock(impl_->mu);
  if (!impl_->reaped) return std::nullopt;
  return impl_->cpu;
}

void Process::signal(int signo) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->reaped) ::kill(impl_->pid, signo);
}

}  // namespace tmfault::cgroup
