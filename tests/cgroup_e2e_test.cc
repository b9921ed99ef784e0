// Real memory cgroups beneath this process's own (or TMFAULT_CGROUP_PARENT). Exits 77 (ctest:
// skipped) with the reason when cgroups are not writable here, 1 instead with
// TMFAULT_REQUIRE_E2E=1; never passes silently.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/process.h"
#include "tests/catch_run.h"
#include "tests/skip.h"

using namespace tmfault::cgroup;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
const fs::path kChild = TMFAULT_TEST_CHILD;
Hierarchy g_hierarchy;

struct Lines {
  std::mutex mu;
  std::vector<std::string> out;
  LineSink sink() {
    return [this](std::string_view l) {
      std::lock_guard lock(mu);
      out.emplace_back(l);
    };
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return out;
  }
};

std::unique_ptr<Process> start_in(const MemCgroup& cg, const fs::path& exe, std::vector<std::string> args, Lines& out) {
  return Process::start({exe, std::move(args), {{"LANG", "C"}}, "/", cg.procs_file()}, out.sink(), {});
}

int wait_status(Process& p, std::chrono::milliseconds timeout = 30s) {
  const auto st = p.wait_for(timeout);
  REQUIRE(st);
  return *st;
}

bool is_sigkill(int st) { return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL; }

std::string read_all(const fs::path& p) {
  std::string s;
  if (FILE* f = std::fopen(p.c_str(), "re")) {
    char buf[256];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
    std::fclose(f);
  }
  return s;
}

// Our own leftovers (a failed test must not leak cgroups): tmfault-<ourpid>-*.
std::vector<fs::path> own_leftovers() {
  const std::string prefix = "tmfault-" + std::to_string(::getpid()) + "-";
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(g_hierarchy.parent))
    if (e.is_directory() && e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("a child allocating past the limit is OOM-killed by the kernel", "[e2e][oom]") {
  const std::uint64_t limit = 64 * kMiB;
  auto cg = MemCgroup::create(g_hierarchy, "oom", limit);
  Lines out;
  auto p = start_in(*cg, kChild, {"hog", "512"}, out);
  const int st = wait_status(*p);
  CHECK(is_sigkill(st));
  const MemoryStats s = cg->stats();
  CHECK(s.oom_kills >= 1);
  CHECK(s.events.oom_kill == s.oom_kills);
  CHECK(s.own_limit_oom_kills == s.oom_kills);
  CHECK(s.foreign_oom_kill == "");
  if (g_hierarchy.version == Version::v2) CHECK(s.events.oom >= 1);
  CHECK(s.peak_bytes >= limit * 9 / 10);
  CHECK(s.peak_bytes <= limit);
  cg->remove();
  CHECK_FALSE(fs::exists(cg->dir()));
}

TEST_CASE("the limit is written, with memsw on v1", "[e2e]") {
  auto cg = MemCgroup::create(g_hierarchy, "limit", 64 * kMiB);
  CHECK(cg->limit_bytes() == 64 * kMiB);
  if (g_hierarchy.version == Version::v1) {
    CHECK(read_all(cg->dir() / "memory.limit_in_bytes") == "67108864\n");
    if (fs::exists(cg->dir() / "memory.memsw.limit_in_bytes"))
      CHECK(read_all(cg->dir() / "memory.memsw.limit_in_bytes") == "67108864\n");
  } else {
    CHECK(read_all(cg->dir() / "memory.max") == "67108864\n");
  }
  auto unlimited = MemCgroup::create(g_hierarchy, "", std::nullopt);
  CHECK(unlimited->dir().filename().string().find("--") == std::string::npos);
  const MemoryStats s = unlimited->stats();
  CHECK(s.oom_kills == 0);
  CHECK(s.own_limit_oom_kills == 0);
  CHECK(s.foreign_oom_kill == "");
  CHECK(s.usage_bytes < 4 * kMiB);
  CHECK(unlimited->usage_bytes() == s.usage_bytes);
  CHECK(unlimited->pids().empty());
}

TEST_CASE("names carry pid, counter and the sanitised label", "[e2e]") {
  auto cg = MemCgroup::create(g_hierarchy, "heap space/tm", std::nullopt);
  const std::string name = cg->dir().filename().string();
  CHECK(name.starts_with("tmfault-" + std::to_string(::getpid()) + "-"));
  CHECK(name.ends_with("-heap_space_tm"));
  CHECK(cg->dir().parent_path() == g_hierarchy.parent);
  CHECK(cg->procs_file() == cg->dir() / "cgroup.procs");
}

TEST_CASE("the child is in the cgroup before it execs", "[e2e]") {
  auto cg = MemCgroup::create(g_hierarchy, "attach", 64 * kMiB);
  Lines out;
  auto p = start_in(*cg, "/bin/cat", {"/proc/self/cgroup"}, out);
  CHECK(wait_status(*p) == 0);
  const std::string leaf = "/" + cg->dir().filename().string();
  bool found = false;
  for (const auto& line : out.get()) {
    const bool memory_line = g_hierarchy.version == Version::v1 ? line.find(":memory:") != std::string::npos
                                                                : line.starts_with("0::");
    if (memory_line) {
      INFO(line);
      CHECK(line.ends_with(leaf));
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("a JVM sees the cgroup's limit as its container memory", "[e2e][jvm]") {
  const fs::path java = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
  if (!fs::exists(java)) TMFAULT_SKIP("no JDK 17 at " << java);
  auto cg = MemCgroup::create(g_hierarchy, "jvm", 256 * kMiB);
  Lines out;
  auto p = Process::start({java, {"-XshowSettings:system", "-version"}, {}, "/", cg->procs_file()}, out.sink(),
                          out.sink());
  CHECK(wait_status(*p) == 0);
  const auto lines = out.get();
  CHECK(std::any_of(lines.begin(), lines.end(),
                    [](const std::string& l) { return l.find("Memory Limit: 256.00M") != std::string::npos; }));
}

TEST_CASE("remove() kills the members and leaves no directory", "[e2e]") {
  auto cg = MemCgroup::create(g_hierarchy, "remove", std::nullopt);
  Lines out;
  auto p = start_in(*cg, kChild, {"spawn", "3"}, out);
  for (int i = 0; i < 500 && cg->pids().size() < 4; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(cg->pids().size() == 4);
  const fs::path dir = cg->dir();
  cg->remove();
  CHECK_FALSE(fs::exists(dir));
  CHECK(is_sigkill(wait_status(*p)));
  CHECK_NOTHROW(cg->remove());  // idempotent
}

TEST_CASE("the destructor removes the cgroup", "[e2e]") {
  fs::path dir;
  {
    auto cg = MemCgroup::create(g_hierarchy, "dtor", std::nullopt);
    dir = cg->dir();
    REQUIRE(fs::exists(dir));
  }
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("kill_all_live kills the members of every live cgroup, keeps the cgroups", "[e2e]") {
  auto a = MemCgroup::create(g_hierarchy, "live-a", std::nullopt);
  auto b = MemCgroup::create(g_hierarchy, "live-b", std::nullopt);
  Lines out_a, out_b;
  auto pa = start_in(*a, kChild, {"spawn", "2"}, out_a);
  auto pb = start_in(*b, kChild, {"sleep", "60000"}, out_b);
  for (int i = 0; i < 500 && a->pids().size() < 3; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(a->pids().size() == 3);
  REQUIRE(b->pids().size() == 1);
  kill_all_live();
  CHECK(is_sigkill(wait_status(*pa, 5s)));
  CHECK(is_sigkill(wait_status(*pb, 5s)));
  for (int i = 0; i < 500 && !a->pids().empty(); ++i) std::this_thread::sleep_for(10ms);
  CHECK(a->pids().empty());
  CHECK(fs::exists(a->dir()));
  CHECK(fs::exists(b->dir()));
}

TEST_CASE("sweep_stale removes only tmfault-<dead pid>-* cgroups", "[e2e][sweep]") {
  const fs::path parent = g_hierarchy.parent;
  const std::string me = std::to_string(::getpid());
  const fs::path stale = parent / "tmfault-999999999-1";
  const fs::path stale_busy = parent / "tmfault-999999998-2-busy";
  const fs::path own = parent / ("tmfault-" + me + "-sweeptest");
  const fs::path other = parent / ("other-" + me + "-sweeptest");
  for (const auto& d : {stale, stale_busy, own, other}) REQUIRE(::mkdir(d.c_str(), 0755) == 0);
  Lines out;
  auto member = Process::start({kChild, {"sleep", "60000"}, {}, "/", stale_busy / "cgroup.procs"}, out.sink(), {});
  CHECK(sweep_stale(g_hierarchy) == 2);
  CHECK_FALSE(fs::exists(stale));
  CHECK_FALSE(fs::exists(stale_busy));
  CHECK(is_sigkill(wait_status(*member, 5s)));
  CHECK(fs::exists(own));
  CHECK(fs::exists(other));
  CHECK(sweep_stale(g_hierarchy) == 0);
  CHECK(::rmdir(own.c_str()) == 0);
  CHECK(::rmdir(other.c_str()) == 0);
}

TEST_CASE("a kill by an ancestor's limit is not the cgroup's own", "[e2e][oom]") {
  auto outer = MemCgroup::create(g_hierarchy, "outer", 64 * kMiB);
  const Hierarchy inside = discover(outer->dir());  // v2: enables +memory in outer
  auto cg = MemCgroup::create(inside, "inner", std::nullopt);
  Lines out;
  auto p = start_in(*cg, kChild, {"hog", "512"}, out);
  CHECK(is_sigkill(wait_status(*p)));
  const MemoryStats s = cg->stats();
  INFO(s.foreign_oom_kill);
  CHECK(s.oom_kills >= 1);
  CHECK(s.own_limit_oom_kills == 0);
  if (g_hierarchy.version == Version::v2) CHECK(s.events.oom == 0);
  CHECK(s.foreign_oom_kill.find("the limit of \"" + outer->dir().string() + "\" ran out") != std::string::npos);
  CHECK(s.foreign_oom_kill.find("global OOM") == std::string::npos);
  const MemoryStats o = outer->stats();  // the outer's own limit killed a member of its subtree
  CHECK(o.own_limit_oom_kills == 0);     // ... but not one of its own members
  cg->remove();
}

TEST_CASE("discover rejects a cgroup without the memory controller", "[e2e][errors]") {
  if (g_hierarchy.version == Version::v1) {
    // a v1 hierarchy of another controller, e.g. /sys/fs/cgroup/pids/<own path>
    const fs::path pids = "/sys/fs/cgroup/pids";
    if (!fs::exists(pids / "cgroup.procs")) TMFAULT_SKIP("no v1 pids hierarchy at " << pids);
    try {
      discover(pids);
      FAIL("discover did not throw");
    } catch (const CgroupError& e) {
      CHECK(std::string(e.what()) ==
            "cannot use \"/sys/fs/cgroup/pids\": not a memory cgroup (no \"memory.limit_in_bytes\")");
    }
    return;
  }
  // v2: a child of a cgroup whose subtree_control does not enable memory
  auto outer = MemCgroup::create(g_hierarchy, "nomem", std::nullopt);
  const fs::path inner = outer->dir() / "inner";
  REQUIRE(::mkdir(inner.c_str(), 0755) == 0);
  try {
    discover(inner);
    FAIL("discover did not throw");
  } catch (const CgroupError& e) {
    CHECK(std::string(e.what()) == "the \"memory\" controller is not available in \"" + inner.string() + "\"");
    CHECK(e.hint().starts_with("its parents must enable it for their children: echo +memory > \"" +
                               (outer->dir() / "cgroup.subtree_control").string() + "\" (as"));
  }
}

TEST_CASE("discover records the swap state", "[e2e][swap]") {
  const Hierarchy h = discover(g_hierarchy.parent);
  // discover() refuses swap it cannot limit, so here swap is absent or limited
  CHECK((h.swap.total_bytes == 0 || h.swap.limited));
  const char* file = h.version == Version::v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
  auto cg = MemCgroup::create(h, "swap", 64 * kMiB);
  CHECK(h.swap.limited == fs::exists(cg->dir() / file));
}

TEST_CASE("discover with the own parent as --cgroup-parent agrees", "[e2e]") {
  const Hierarchy h = discover(g_hierarchy.parent);
  CHECK(h.version == g_hierarchy.version);
  CHECK(h.parent == g_hierarchy.parent);
}

int main(int argc, char* argv[]) {
  try {
    const char* parent = std::getenv("TMFAULT_CGROUP_PARENT");
    g_hierarchy = parent ? discover(fs::path(parent)) : discover();
  } catch (const CgroupError& e) {
    const int rc = tmfault::testing::skip_exit_code(std::string("cgroups are not writable here: ") + e.what());
    std::printf("hint: %s\n", e.hint().c_str());
    return rc;
  }
  std::printf("cgroup %s parent: %s\n", g_hierarchy.version == Version::v1 ? "v1" : "v2", g_hierarchy.parent.c_str());
  const int failed = tmfault::testing::run_catch(argc, argv);
  const auto leftovers = own_leftovers();
  for (const auto& d : leftovers) {
    std::printf("error: leftover cgroup \"%s\"\n", d.c_str());
    ::rmdir(d.c_str());
  }
  return failed != 0 || !leftovers.empty() ? 1 : 0;
}
