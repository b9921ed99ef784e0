// Environment faults injected into real tmfault runs: the harness never leaks, never hangs and
// never lies (errors are errors, exit 3). Exits 77 (skipped) when cgroups are not usable.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "cgroup/cgroup.h"
#include "cgroup/os.h"
#include "cgroup/process.h"
#include "harness/app/scenario_files.h"
#include "harness/flink/dist.h"
#include "harness/flink/real_cluster.h"
#include "harness/flink/runner.h"
#include "harness/stages/check.h"
#include "harness/stages/exit_status.h"
#include "harness/stages/plan.h"
#include "harness/stages/scenario.h"
#include "tests/e2e_support.h"

using namespace tmfault;
using namespace tmfault::testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

cgroup::Hierarchy g_cgroups;
const fs::path kRoot = TMFAULT_SOURCE_DIR;
const fs::path kData = kRoot / "tests/data/scenarios";

}  // namespace

TEST_CASE("the JobManager dying mid-run is that variant's error verdict; the suite goes on; exit 3") {
  fs::path out = temp_out("faults-jm-dies");
  Tmfault t({"run", "--no-color", "-j", "1", "--out", out.string(), "--only", "heap-space/faulty", "--only",
             "heap-space/increase-total-memory", (kRoot / "scenarios/heap-space.toml").string()});
  REQUIRE(wait_until([&] { return cgroups_of(g_cgroups, t.p->pid(), "-tm").size() == 1; }, 60s));
  fs::path jm = cgroups_of(g_cgroups, t.p->pid(), "-jm").at(0);
  std::ifstream procs(jm / "cgroup.procs");
  for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
  int code = t.wait();
  INFO(t.text());
  CHECK(code == 3);  // an error and no failure
  CHECK(t.text().find("ERROR") != std::string::npos);
  CHECK(t.text().find("the JobManager (not under test) killed by SIGKILL") != std::string::npos);
  CHECK(t.text().find("PASS  heap-space/increase-total-memory") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
  CHECK(processes_mentioning(out.string()).empty());
  fs::remove_all(out);
}

TEST_CASE("a run that hangs times out: thread dumps, SIGTERM, kill; error verdict, exit 3") {
  fs::path out = temp_out("faults-hang");
  Tmfault t({"run", "--no-color", "--out", out.string(), (kData / "hangs.toml").string()});
  int code = t.wait();
  INFO(t.text());
  CHECK(code == 3);
  CHECK(t.text().find("no outcome within 25s") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
  std::ifstream tm_log(out / "latest/hangs/faulty/tm.log");
  std::string log((std::istreambuf_iterator<char>(tm_log)), {});
  CHECK(log.find("Full thread dump") != std::string::npos);  // where it hung, for the reader
  fs::remove_all(out);
}

TEST_CASE("SIGINT or SIGTERM mid-run: exit 128+signal within 2 s, results so far written, nothing left") {
  int signo = GENERATE(SIGINT, SIGTERM);
  // "-jm": the JM is starting and BashJavaUtils derives the TM's memory; "-tm": the TM runs.
  std::string moment = GENERATE(as<std::string>(), "-jm", "-tm");
  fs::path out = temp_out(fmt::format("faults-signal-{}", signo));
  Tmfault t({"run", "--no-color", "--out", out.string(), (kData / "hangs.toml").string()});
  REQUIRE(wait_until([&] { return cgroups_of(g_cgroups, t.p->pid(), moment).size() == 1; }, 60s));
  REQUIRE_FALSE(processes_mentioning(out.string()).empty());  // the check below can see them
  auto sent = std::chrono::steady_clock::now();
  t.p->signal(signo);
  int code = t.wait(10s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
  INFO(t.text());
  CHECK(code == 128 + signo);
  CHECK(took.count() < 2000);
  std::cout << fmt::format("signal {} once a {} cgroup exists: tmfault exited {} after {} ms\n", signo, moment, code,
                           took.count());
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
  CHECK(processes_mentioning(out.string()).empty());  // JM, TM, BashJavaUtils: all gone
  std::ifstream results(out / "latest/results.json");
  std::string json((std::istreambuf_iterator<char>(results)), {});
  CHECK(json.find("\"interrupted\": true") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("two tmfault processes at once do not interfere") {
  fs::path a = temp_out("faults-twin-a"), b = temp_out("faults-twin-b");
  Tmfault t1({"run", "--no-color", "--out", a.string(), (kData / "quick-illegal.toml").string()});
  Tmfault t2({"run", "--no-color", "--out", b.string(), (kData / "quick-illegal.toml").string()});
  CHECK(t1.wait() == 0);
  CHECK(t2.wait() == 0);
  CHECK(cgroups_of(g_cgroups, t1.p->pid()).empty());
  CHECK(cgroups_of(g_cgroups, t2.p->pid()).empty());
  fs::remove_all(a), fs::remove_all(b);
}

TEST_CASE("stale cgroups of a killed run are swept, nobody else's") {
  fs::path stale = g_cgroups.parent / "tmfault-999999999-1-stale";
  fs::path live = g_cgroups.parent / fmt::format("tmfault-{}-77-mine", ::getpid());
  fs::create_directory(stale);
  fs::create_directory(live);
  fs::path out = temp_out("faults-sweep");
  Tmfault t({"run", "--no-color", "--out", out.string(), (kData / "quick-illegal.toml").string()});
  CHECK(t.wait() == 0);
  INFO(t.text());
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));  // its owner (this test) is alive
  CHECK(t.text().find("removed 1 stale cgroup") != std::string::npos);
  fs::remove(live);
  fs::remove_all(out);
}

TEST_CASE("environment errors say what is wrong and how to fix it, exit 3") {
  fs::path scenario = kData / "quick-illegal.toml";
  SECTION("no java") {
    auto env = Tmfault::base_env();
    env.erase("JAVA_HOME");
    env["PATH"] = "/nonexistent";
    Tmfault t({"run", scenario.string()}, env);
    CHECK(t.wait() == 3);
    CHECK(t.text().find("java not found") != std::string::npos);
    CHECK(t.text().find("hint: ") != std::string::npos);
  }
  SECTION("Flink version not set up") {
    Tmfault t({"run", "--flink-version", "9.9.9", scenario.string()});
    CHECK(t.wait() == 3);
    CHECK(t.text().find("Flink 9.9.9 lib/ not found") != std::string::npos);
    CHECK(t.text().find("ci/setup --flink-version 9.9.9") != std::string::npos);
  }
  SECTION("cgroups not writable there") {
    Tmfault t({"run", "--cgroup-parent", "/tmp", scenario.string()});
    CHECK(t.wait() == 3);
    CHECK(t.text().find("hint: ") != std::string::npos);
  }
  SECTION("a Flink home without Flink's classes: BashJavaUtils cannot run -> error, not a verdict") {
    fs::path home = temp_out("faults-empty-flink-home");
    fs::create_directories(home / "lib");
    fs::copy_file(kRoot / "workloads/target/tmfault-workloads.jar", home / "lib/not-flink.jar");
    Tmfault t({"run", "--no-color", "--flink-home", home.string(), "--out", (home / "out").string(),
               scenario.string()});
    CHECK(t.wait() == 3);
    INFO(t.text());
    CHECK(t.text().find("ERROR quick-illegal/faulty") != std::string::npos);
    CHECK(t.text().find("BashJavaUtils could not run (see derive.log): Error: Could not find or load main class") !=
          std::string::npos);
    fs::remove_all(home);
  }
  SECTION("output directory not writable") {
    Tmfault t({"run", "--out", "/etc/hostname/out", scenario.string()});
    CHECK(t.wait() == 3);
    CHECK(t.text().find("cannot create the output directory '/etc/hostname/out'") != std::string::npos);
  }
}

/// A loopback port held bound and listening, as another program on the machine would.
struct HeldPort {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  HeldPort() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~HeldPort() { ::close(fd); }
};

namespace {

/// The faulty run of `scenario`, its JobManager's RPC port first picked where `held` listens.
Observation run_with_port_taken(const std::string& scenario, const HeldPort& held, int& picks, const fs::path& dir) {
  FlinkDist dist = locate_dist({kRoot, std::nullopt, std::nullopt});
  LoadResult loaded = load_scenarios({kRoot / "scenarios" / scenario});
  VariantPlan plan = plan_scenario(loaded.scenarios.at(0)).at(0);
  REQUIRE(plan.variant == "faulty");
  RunContext ctx;
  ctx.dist = &dist, ctx.dir = dir;
  ctx.make_cluster = real_clusters(dist, g_cgroups, nullptr, nullptr,
                                   [&] { return picks++ == 0 ? held.port : os::free_loopback_port(); });
  Observation o = run_variant(plan, ctx);
  Verdict v = check(plan, o);
  INFO(o.harness_error << " / " << v.reason);
  CHECK(v.outcome == Outcome::pass);
  return o;
}

}  // namespace

TEST_CASE("a lane's session JobManager whose RPC port was taken: started again on a new port, true verdict") {
  HeldPort held;
  fs::path out = temp_out("faults-session-port-taken"), dir = out / "heap-space" / "faulty";
  fs::create_directories(dir);
  int picks = 0;
  Observation o = run_with_port_taken("heap-space.toml", held, picks, dir);
  CHECK(picks == 2);
  REQUIRE(o.notes.size() == 2);
  CHECK(o.notes[0] == fmt::format("session JobManager: port {} was taken by another process; tried again", held.port));
  CHECK(o.ports["jobmanager.rpc.port"] != std::to_string(held.port));
  std::ifstream first(out / "lanes" / "0" / "jm-1.log");
  std::string log((std::istreambuf_iterator<char>(first)), {});
  CHECK(log.find("BindException: Could not start actor system on any port") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, ::getpid()).empty());
  fs::remove_all(out);
}

TEST_CASE("a JobManager subject's RPC port taken before it binds: tried again on a new port, true verdict") {
  HeldPort held;
  fs::path dir = temp_out("faults-port-taken");
  fs::create_directories(dir);
  int picks = 0;
  Observation o = run_with_port_taken("jm-heap-space.toml", held, picks, dir);
  CHECK(picks == 2);
  REQUIRE(o.notes.size() == 1);
  CHECK(o.notes[0].find(fmt::format("jobmanager.rpc.port {} was taken", held.port)) != std::string::npos);
  CHECK(o.ports["jobmanager.rpc.port"] != std::to_string(held.port));
  std::ifstream first(dir / "jm.port-taken-1.log");
  std::string log((std::istreambuf_iterator<char>(first)), {});
  CHECK(log.find("BindException: Could not start actor system on any port") != std::string::npos);
  CHECK(cgroups_of(g_cgroups, ::getpid()).empty());
  fs::remove_all(dir);
}

TEST_CASE("the disk under --out fills up: a clear error, exit 3, earlier results and latest kept") {
  fs::path out = temp_out("faults-disk-full");
  fs::create_directories(out);
  if (::mount("tmpfs", out.c_str(), "tmpfs", 0, "size=1m") != 0) {
    TMFAULT_SKIP("cannot mount a small tmpfs to fill (" << std::strerror(errno) << ")");
  }
  struct Unmount {
    fs::path p;
    ~Unmount() {
      ::umount2(p.c_str(), MNT_DETACH);
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } unmount{out};
  // An earlier run, and `latest` pointing at it.
  fs::create_directory(out / "20250101T000000Z");
  std::ofstream(out / "20250101T000000Z/results.json") << "{\"earlier\": true}\n";
  fs::create_directory_symlink("20250101T000000Z", out / "latest");
  // Fill all but a little: full at once, at the jar copy, or while the JVMs write their logs.
  auto [room_kib, scenario, only] = GENERATE(
      table<std::size_t, std::string, std::string>({{16, "tests/data/scenarios/quick-illegal.toml", "quick-illegal"},
                                                    {64, "tests/data/scenarios/quick-illegal.toml", "quick-illegal"},
                                                    {200, "scenarios/heap-space.toml", "heap-space/faulty"}}));
  struct statvfs st {};
  REQUIRE(::statvfs(out.c_str(), &st) == 0);
  std::string filler(st.f_bavail * st.f_frsize - room_kib * 1024, 'x');
  std::ofstream(out / "filler") << filler;

  Tmfault t({"run", "--no-color", "--out", out.string(), "--only", only, (kRoot / scenario).string()});
  int code = t.wait();
  INFO(t.text());
  CHECK(code == 3);
  CHECK(t.text().find("No space left on device") != std::string::npos);
  CHECK(t.text().find("hint: ") != std::string::npos);
  CHECK(fs::read_symlink(out / "latest") == "20250101T000000Z");
  std::ifstream earlier(out / "20250101T000000Z/results.json");
  CHECK(std::string((std::istreambuf_iterator<char>(earlier)), {}) == "{\"earlier\": true}\n");
  CHECK(cgroups_of(g_cgroups, t.p->pid()).empty());
}

int main(int argc, char** argv) { return run_e2e_tests(argc, argv, g_cgroups); }
