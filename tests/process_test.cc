// Process: real children (tests/cgroup_test_child.cc), no cgroups needed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/line_buffer.h"
#include "cgroup/process.h"

using namespace tmfault::cgroup;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::filesystem::path kChild = TMFAULT_TEST_CHILD;

struct Line {
  std::string text;
  Clock::time_point at;
};

// Collects what the reader thread delivers.
struct Capture {
  std::mutex mu;
  std::vector<Line> out, err;

  LineSink sink(std::vector<Line>& into) {
    return [this, &into](std::string_view l) {
      std::lock_guard lock(mu);
      into.push_back({std::string(l), Clock::now()});
    };
  }
  std::vector<std::string> texts(const std::vector<Line>& lines) {
    std::lock_guard lock(mu);
    std::vector<std::string> t;
    for (const auto& l : lines) t.push_back(l.text);
    return t;
  }
};

LaunchSpec child_spec(std::vector<std::string> args) {
  return LaunchSpec{kChild, std::move(args), {{"LANG", "C"}}, "/", std::nullopt};
}

std::unique_ptr<Process> start(Capture& c, const LaunchSpec& spec) {
  return Process::start(spec, c.sink(c.out), c.sink(c.err));
}

int wait_status(Process& p, std::chrono::milliseconds timeout = 10s) {
  const auto st = p.wait_for(timeout);
  REQUIRE(st);
  return *st;
}

std::system_error start_error(const LaunchSpec& spec) {
  try {
    Process::start(spec, {}, {});
  } catch (const std::system_error& e) {
    return e;
  }
  FAIL("start did not throw");
  throw;  // unreachable
}

std::vector<std::string> feed_all(LineBuffer& b, std::initializer_list<std::string_view> chunks) {
  std::vector<std::string> lines;
  for (auto chunk : chunks) b.feed(chunk, [&](std::string_view l) { lines.emplace_back(l); });
  b.finish([&](std::string_view l) { lines.emplace_back(l); });
  return lines;
}

}  // namespace

TEST_CASE("LineBuffer splits chunks into lines", "[process][lines]") {
  LineBuffer b;
  SECTION("lines across chunk boundaries") {
    CHECK(feed_all(b, {"ab", "c\nde", "f\n\ng"}) == std::vector<std::string>{"abc", "def", "", "g"});
  }
  SECTION("nothing pending, nothing at finish") { CHECK(feed_all(b, {"a\n"}) == std::vector<std::string>{"a"}); }
  SECTION("a carriage return is kept") { CHECK(feed_all(b, {"a\r\n"}) == std::vector<std::string>{"a\r"}); }
}

TEST_CASE("LineBuffer cuts lines longer than its maximum into pieces", "[process][lines]") {
  LineBuffer b(4);
  CHECK(feed_all(b, {"abcdefghij\nxy", "z\n1234\n"}) == std::vector<std::string>{"abcd", "efgh", "ij", "xyz", "1234"});
}

TEST_CASE("the wait status is raw: exit codes and signals stay apart", "[process]") {
  Capture c;
  auto p = start(c, child_spec({"exit", "3"}));
  const int st = wait_status(*p);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 3);
  auto killed = start(c, child_spec({"sleep", "60000"}));
  killed->signal(SIGKILL);
  const int st2 = wait_status(*killed);
  REQUIRE(WIFSIGNALED(st2));
  CHECK(WTERMSIG(st2) == SIGKILL);
}

TEST_CASE("a line arrives when it is written, not when the child exits", "[process][lines]") {
  Capture c;
  const auto t0 = Clock::now();
  auto p = start(c, child_spec({"line-sleep", "2000"}));
  const int st = wait_status(*p);
  const auto t_exit = Clock::now();
  CHECK(WIFEXITED(st));
  std::lock_guard lock(c.mu);
  REQUIRE(c.out.size() == 2);
  CHECK(c.out[0].text == "first");
  CHECK(c.out[0].at - t0 < 1s);
  CHECK(t_exit - c.out[0].at > 1500ms);
  CHECK(c.out[1].text == "second");
}

TEST_CASE("stdout and stderr are delivered to separate sinks", "[process][lines]") {
  Capture c;
  auto p = start(c, child_spec({"split"}));
  CHECK(wait_status(*p) == 0);
  CHECK(c.texts(c.out) == std::vector<std::string>{"to-out"});
  CHECK(c.texts(c.err) == std::vector<std::string>{"to-err"});
}

TEST_CASE("the child's environment is exactly spec.env", "[process][env]") {
  Capture c;
  LaunchSpec spec{"/usr/bin/env", {}, {{"A", "1"}, {"B", "two words"}, {"EMPTY", ""}}, "/", {}};
  auto p = start(c, spec);
  CHECK(wait_status(*p) == 0);
  CHECK(c.texts(c.out) == std::vector<std::string>{"A=1", "B=two words", "EMPTY="});
  SECTION("an empty map gives an empty environment") {
    Capture e;
    spec.env.clear();
    auto q = start(e, spec);
    CHECK(wait_status(*q) == 0);
    CHECK(e.texts(e.out).empty());
  }
}

TEST_CASE("the child runs in spec.cwd", "[process]") {
  Capture c;
  LaunchSpec spec{"/bin/pwd", {}, {}, "/usr/share", {}};
  auto p = start(c, spec);
  CHECK(wait_status(*p) == 0);
  CHECK(c.texts(c.out) == std::vector<std::string>{"/usr/share"});
}

TEST_CASE("start throws a system_error naming what failed", "[process][errors]") {
  SECTION("nonexistent exe") {
    const auto e = start_error({"/nonexistent/tmfault-no-such-exe", {}, {}, "/", {}});
    CHECK(e.code().value() == ENOENT);
    CHECK(std::string(e.what()) == "cannot execute \"/nonexistent/tmfault-no-such-exe\": No such file or directory");
  }
  SECTION("not executable") {
    char path[] = "/tmp/tmfault-process-test-XXXXXX";
    const int fd = ::mkstemp(path);  // mode 0600: not executable, even for root
    REQUIRE(fd >= 0);
    ::close(fd);
    const auto e = start_error({path, {}, {}, "/", {}});
    ::unlink(path);
    CHECK(e.code().value() == EACCES);
  }
  SECTION("missing cwd") {
    auto spec = child_spec({"exit", "0"});
    spec.cwd = "/nonexistent/tmfault-cwd";
    const auto e = start_error(spec);
    CHECK(std::string(e.what()) == "cannot enter \"/nonexistent/tmfault-cwd\": No such file or directory");
  }
  SECTION("join_procs that cannot be written") {
    auto spec = child_spec({"exit", "0"});
    spec.join_procs = "/nonexistent/tmfault-cg/cgroup.procs";
    const auto e = start_error(spec);
    CHECK(e.code().value() == ENOENT);
    CHECK(std::string(e.what()) == "cannot join \"/nonexistent/tmfault-cg/cgroup.procs\": No such file or directory");
  }
  SECTION("relative exe") {
    CHECK_THROWS_AS(Process::start({"bin/true", {}, {}, "/", {}}, {}, {}), std::invalid_argument);
  }
}

TEST_CASE("full pipes on both streams do not deadlock", "[process][lines]") {
  Capture c;
  const long n = 100000;  // ~9 MB on each stream
  auto p = start(c, child_spec({"flood", std::to_string(n)}));
  CHECK(wait_status(*p, 60s) == 0);
  std::lock_guard lock(c.mu);
  REQUIRE(c.out.size() == static_cast<std::size_t>(n));
  REQUIRE(c.err.size() == static_cast<std::size_t>(n));
  CHECK(c.out.back().text.starts_with("out 99999 "));
  CHECK(c.err.back().text.starts_with("err 99999 "));
}

TEST_CASE("long lines arrive whole up to max_line_bytes, in pieces beyond", "[process][lines]") {
  const std::size_t len = GENERATE(std::size_t{200 * 1024}, std::size_t{3 * 1000 * 1000});
  Capture c;
  auto p = start(c, child_spec({"long", std::to_string(len)}));
  CHECK(wait_status(*p) == 0);
  const auto lines = c.texts(c.out);
  REQUIRE(lines.size() >= 2);
  CHECK(lines.back() == "end");
  std::size_t total = 0;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    CHECK(lines[i].size() <= max_line_bytes);
    total += lines[i].size();
  }
  CHECK(total == len);
  CHECK(lines.size() == (len + max_line_bytes - 1) / max_line_bytes + 1);
}

TEST_CASE("a final line without newline is delivered at EOF", "[process][lines]") {
  Capture c;
  auto p = start(c, child_spec({"partial"}));
  CHECK(wait_status(*p) == 0);
  CHECK(c.texts(c.out) == std::vector<std::string>{"complete", "no newline"});
}

TEST_CASE("a grandchild holding the pipes delays the status by about 1 s only", "[process]") {
  Capture c;
  const auto t0 = Clock::now();
  auto p = start(c, child_spec({"grandchild"}));
  const int st = wait_status(*p);
  const auto elapsed = Clock::now() - t0;
  CHECK(WIFEXITED(st));
  CHECK(elapsed >= 900ms);
  CHECK(elapsed < 2500ms);
  const auto lines = c.texts(c.out);
  REQUIRE(lines.size() == 1);
  const pid_t grandchild = std::stoi(lines[0].substr(lines[0].find(' ') + 1));
  REQUIRE(grandchild > 0);
  CHECK(::kill(grandchild, SIGKILL) == 0);  // the one we made, by pid
}

TEST_CASE("poll is nullopt while running and the status afterwards", "[process]") {
  Capture c;
  auto p = start(c, child_spec({"sleep", "300"}));
  CHECK_FALSE(p->poll());
  CHECK_FALSE(p->wait_for(50ms));
  const int st = wait_status(*p);
  CHECK(p->poll() == st);
  p->signal(SIGKILL);  // reaped: no-op
  CHECK(p->poll() == st);
}

TEST_CASE("the destructor kills and reaps a running child", "[process]") {
  Capture c;
  pid_t pid = 0;
  {
    auto p = start(c, child_spec({"sleep", "60000"}));
    pid = p->pid();
    CHECK(::kill(pid, 0) == 0);
  }
  errno = 0;
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);  // not even a zombie
}

TEST_CASE("the child starts with default signal state and its own process group", "[process]") {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old);
  struct sigaction ign {
  }, old_pipe{};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old_pipe);
  Capture c;
  auto state = start(c, child_spec({"sigstate"}));
  CHECK(wait_status(*state) == 0);
  auto group = start(c, child_spec({"pgid"}));
  CHECK(wait_status(*group) == 0);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  const auto lines = c.texts(c.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "term_blocked 0");
  CHECK(lines[1] == "pipe_ignored 0");
  CHECK(lines[2] == std::to_string(group->pid()) + " " + std::to_string(group->pid()));
}

TEST_CASE("the harness's own descriptors do not leak into the child", "[process]") {
  // Deliberately without O_CLOEXEC, and high, so opendir's own fd in the child cannot reuse it.
  const int low = ::open("/dev/null", O_RDONLY);
  REQUIRE(low >= 0);
  const int leaky = ::fcntl(low, F_DUPFD, 100);
  ::close(low);
  REQUIRE(leaky >= 100);
  Capture c;
  auto p = start(c, child_spec({"fds"}));
  CHECK(wait_status(*p) == 0);
  ::close(leaky);
  const auto fds = c.texts(c.out);
  CHECK(std::find(fds.begin(), fds.end(), std::to_string(leaky)) == fds.end());
  CHECK(fds.size() == 4);  // 0, 1, 2 and opendir's own
}

TEST_CASE("the child dies with the thread that started it (PR_SET_PDEATHSIG)", "[process]") {
  Capture c;
  std::unique_ptr<Process> p;
  std::thread([&] { p = start(c, child_spec({"sleep", "60000"})); }).join();
  const int st = wait_status(*p, 5s);
  REQUIRE(WIFSIGNALED(st));
  CHECK(WTERMSIG(st) == SIGKILL);
}

TEST_CASE("an exception from a sink is rethrown by wait_for and poll", "[process]") {
  auto p = Process::start(child_spec({"split"}), [](std::string_view) { throw std::runtime_error("sink failed"); }, {});
  CHECK_THROWS_WITH(p->wait_for(10s), "sink failed");
  CHECK_THROWS_WITH(p->poll(), "sink failed");
}

TEST_CASE("many children at once from several threads", "[process]") {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        Capture c;
        auto p = start(c, child_spec({"split"}));
        const auto st = p->wait_for(10s);
        if (st && *st == 0 && c.texts(c.out).size() == 1) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 40);
}
