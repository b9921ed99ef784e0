// Pure parts of the cgroup layer: no root, no writes to /sys/fs/cgroup.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdint>
#include <limits>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_parse.h"
#include "cgroup/os.h"

using namespace tmfault::cgroup;

namespace {

// /proc/self/cgroup on this machine (cgroup v1 hybrid).
constexpr const char* kHybrid = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
                                "4:memory:/process_api/5ff1f6b127b18a3b2f42e454150b64b7\n3:cpuset:/\n2:cpuacct:/\n"
                                "1:cpu:/\n0::/\n";

void check_message_style(const std::string& what) {
  REQUIRE_FALSE(what.empty());
  CHECK(std::islower(static_cast<unsigned char>(what.front())));
  CHECK(what.back() != '.');
}

}  // namespace

TEST_CASE("parse_proc_cgroup reads a v1 hybrid layout", "[cgroup][parse]") {
  const auto entries = parse_proc_cgroup(kHybrid);
  REQUIRE(entries.size() == 10);
  CHECK(entries[0].controllers == std::vector<std::string>{"name=systemd"});
  const auto mem = find_v1_memory(entries);
  REQUIRE(mem);
  CHECK(mem->hierarchy_id == 4);
  CHECK(mem->path == "/process_api/5ff1f6b127b18a3b2f42e454150b64b7");
  const auto unified = find_unified(entries);
  REQUIRE(unified);
  CHECK(unified->path == "/");
}

TEST_CASE("parse_proc_cgroup handles comma-joined controllers and v2-only", "[cgroup][parse]") {
  SECTION("memory joined with others") {
    const auto mem = find_v1_memory(parse_proc_cgroup("3:cpu,cpuacct:/a\n4:blkio,memory:/b/c"));
    REQUIRE(mem);
    CHECK(mem->path == "/b/c");
    CHECK(mem->controllers == std::vector<std::string>{"blkio", "memory"});
  }
  SECTION("v2 only: no v1 memory, unified path") {
    const auto entries = parse_proc_cgroup("0::/user.slice/user-1000.slice/session-2.scope\n");
    CHECK_FALSE(find_v1_memory(entries));
    REQUIRE(find_unified(entries));
    CHECK(find_unified(entries)->path == "/user.slice/user-1000.slice/session-2.scope");
  }
  SECTION("a controller named like memory is not memory") {
    CHECK_FALSE(find_v1_memory(parse_proc_cgroup("4:memoryx:/a\n5:name=memory:/b\n")));
  }
  SECTION("malformed lines are skipped") {
    const auto entries = parse_proc_cgroup("garbage\nx:memory:/a\n4:memory\n4:memory:rel\n\n2:pids:/p");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].path == "/p");
  }
  SECTION("a path may contain colons") {
    const auto mem = find_v1_memory(parse_proc_cgroup("4:memory:/a:b\n"));
    REQUIRE(mem);
    CHECK(mem->path == "/a:b");
  }
}

TEST_CASE("parse_keyed_value reads memory.oom_control and memory.events", "[cgroup][parse]") {
  const std::string oom_control = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
  CHECK(parse_keyed_value(oom_control, "oom_kill") == 3u);
  CHECK(parse_keyed_value(oom_control, "under_oom") == 0u);
  const std::string events = "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n";
  CHECK(parse_keyed_value(events, "oom") == 2u);
  CHECK(parse_keyed_value(events, "oom_kill") == 1u);
  CHECK(parse_keyed_value(events, "max") == 17u);
  SECTION("absent key, prefix of a key, bad number") {
    CHECK_FALSE(parse_keyed_value("oom_kill_disable 0\nunder_oom 0\n", "oom_kill"));
    CHECK_FALSE(parse_keyed_value("oom_kills 4\n", "oom_kill"));
    CHECK_FALSE(parse_keyed_value("oom_kill x\n", "oom_kill"));
    CHECK_FALSE(parse_keyed_value("", "oom_kill"));
  }
  SECTION("no trailing newline, large value") {
    CHECK(parse_keyed_value("oom_kill 18446744073709551615", "oom_kill") == std::numeric_limits<std::uint64_t>::max());
  }
}

TEST_CASE("parse_u64 reads single-number files", "[cgroup][parse]") {
  CHECK(parse_u64("67108864\n") == 67108864u);
  CHECK(parse_u64("9223372036854771712\n") == 9223372036854771712u);
  CHECK(parse_u64("max\n") == std::numeric_limits<std::uint64_t>::max());
  CHECK_FALSE(parse_u64(""));
  CHECK_FALSE(parse_u64("12a\n"));
  CHECK_FALSE(parse_u64("-1\n"));
}

TEST_CASE("parse_pid_list reads cgroup.procs", "[cgroup][parse]") {
  CHECK(parse_pid_list("12\n345\n") == std::vector<pid_t>{12, 345});
  CHECK(parse_pid_list("").empty());
  CHECK(parse_pid_list("0\n-3\nx\n7") == std::vector<pid_t>{7});
}

TEST_CASE("has_word matches whole words of a controller list", "[cgroup][parse]") {
  CHECK(has_word("cpuset cpu io memory hugetlb pids\n", "memory"));
  CHECK(has_word("memory", "memory"));
  CHECK_FALSE(has_word("cpu memoryx pids", "memory"));
  CHECK_FALSE(has_word("", "memory"));
  CHECK_FALSE(has_word("  \n", "memory"));
  CHECK_FALSE(has_word("memory", ""));
}

TEST_CASE("cgroup names are tmfault-<pid>-<n>[-<label>] with a safe label", "[cgroup][names]") {
  CHECK(cgroup_name(123, 4, "") == "tmfault-123-4");
  CHECK(cgroup_name(123, 4, "heap-space-tm") == "tmfault-123-4-heap-space-tm");
  CHECK(sanitize_label("heap space/tm:1") == "heap_space_tm_1");
  CHECK(sanitize_label("../../etc") == "______etc");
  CHECK(sanitize_label("Ab_9-") == "Ab_9-");
  CHECK(sanitize_label("\xc3\xa4") == "__");
  CHECK(sanitize_label(std::string(60, 'a')) == std::string(40, 'a'));
  CHECK(sanitize_label("") == "");
}

TEST_CASE("owner_pid accepts only tmfault-<digits>-<something>", "[cgroup][names]") {
  CHECK(owner_pid("tmfault-999999999-1") == 999999999);
  CHECK(owner_pid("tmfault-12-3-heap") == 12);
  CHECK(owner_pid("tmfault-12-supervisor") == 12);
  CHECK(owner_pid(cgroup_name(4242, 7, "x y")) == 4242);
  for (const char* name : {"tmfault-12", "tmfault-12-", "tmfault--1", "tmfault-0-1", "tmfault-+1-1", "tmfault- 1-1",
                           "tmfault-1a-1", "tmfault-99999999999-1", "tmfault-2147483648-1", "other-12-3",
                           "xtmfault-12-3", "TMFAULT-12-3", "tmfault", ""}) {
    INFO(name);
    CHECK_FALSE(owner_pid(name));
  }
}

TEST_CASE("discover explains an unusable --cgroup-parent", "[cgroup][errors]") {
  SECTION("missing directory") {
    try {
      discover(std::filesystem::path("/nonexistent/tmfault-test"));
      FAIL("discover did not throw");
    } catch (const CgroupError& e) {
      CHECK(std::string(e.what()) == "cannot access \"/nonexistent/tmfault-test\": No such file or directory");
      check_message_style(e.what());
      CHECK_FALSE(e.hint().empty());
    }
  }
  SECTION("not a cgroup filesystem") {
    try {
      discover(std::filesystem::path("/proc"));
      FAIL("discover did not throw");
    } catch (const CgroupError& e) {
      CHECK(std::string(e.what()) == "cannot use \"/proc\": not on a cgroup filesystem");
      check_message_style(e.what());
      CHECK_FALSE(e.hint().empty());
    }
  }
}

TEST_CASE("MemCgroup::create names the file and directory it could not create", "[cgroup][errors]") {
  const Hierarchy h{Version::v1, "/nonexistent/tmfault-parent", {}};
  try {
    MemCgroup::create(h, "x", std::nullopt);
    FAIL("create did not throw");
  } catch (const CgroupError& e) {
    const std::string what = e.what();
    CHECK(what.starts_with("cannot create \"tmfault-"));
    CHECK(what.ends_with("-x\" in \"/nonexistent/tmfault-parent\": No such file or directory"));
    check_message_style(what);
  }
}

TEST_CASE("parse_memory_events reads memory.events(.local)", "[cgroup][parse]") {
  const MemoryEvents e = parse_memory_events("low 0\nhigh 4\nmax 17\noom 2\noom_kill 1\noom_group_kill 3\n");
  CHECK(e.max == 17);
  CHECK(e.oom == 2);
  CHECK(e.oom_kill == 1);
  CHECK(e.oom_group_kill == 3);
  SECTION("a kernel before oom_group_kill (5.x): the absent key stays 0") {
    const MemoryEvents old = parse_memory_events("low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
    CHECK(old.oom_kill == 1);
    CHECK(old.oom_group_kill == 0);
  }
  SECTION("empty text: all 0") {
    const MemoryEvents none = parse_memory_events("");
    CHECK(none.max + none.oom + none.oom_kill + none.oom_group_kill == 0);
  }
}

TEST_CASE("parse_swap_total reads /proc/meminfo, else /proc/swaps", "[cgroup][parse][swap]") {
  const std::string header = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
  CHECK(parse_swap_total("MemTotal: 100 kB\nSwapTotal:       2097148 kB\nSwapFree: 1 kB\n", header) ==
        2097148ull * 1024);
  CHECK(parse_swap_total("SwapTotal:       0 kB\n", header) == 0);
  CHECK(parse_swap_total("SwapTotal:       0 kB\n",
                         header + "/dev/ubdb                               partition\t65532\t\t0\t\t-2\n"
                                  "/swap\\040file file\t1024\t0\t-3\n") == (65532ull + 1024) * 1024);
  CHECK(parse_swap_total("", "") == 0);
  CHECK(parse_swap_total("SwapTotal: x kB\n", header) == 0);
}

TEST_CASE("parse_meminfo_bytes reads one kB line of /proc/meminfo", "[cgroup][parse]") {
  const std::string meminfo = "MemTotal:       24596112 kB\nMemAvailable:   20111880 kB\n";
  CHECK(parse_meminfo_bytes(meminfo, "MemAvailable:") == 20111880ull * 1024);
  CHECK_FALSE(parse_meminfo_bytes(meminfo, "MemAvail:"));
  CHECK_FALSE(parse_meminfo_bytes("MemAvailable: lots kB\n", "MemAvailable:"));
  CHECK_FALSE(parse_meminfo_bytes("MemAvailable: 99999999999999999999 kB\n", "MemAvailable:"));
}

TEST_CASE("swap_refusal refuses swap the cgroups cannot limit", "[cgroup][swap]") {
  CHECK_FALSE(swap_refusal(SwapState{0, false}, Version::v2, "/sys/fs/cgroup"));
  CHECK_FALSE(swap_refusal(SwapState{1 << 30, true}, Version::v2, "/sys/fs/cgroup"));
  const auto v2 = swap_refusal(SwapState{64 << 20, false}, Version::v2, "/sys/fs/cgroup/x");
  REQUIRE(v2);
  CHECK(std::string(v2->what()) ==
        "cannot limit swap for the cgroups in \"/sys/fs/cgroup/x\": the machine has 64 MiB of "
        "swap and they have no \"memory.swap.max\"");
  CHECK(v2->hint().find("swapoff -a") != std::string::npos);
  check_message_style(v2->what());
  const auto v1 = swap_refusal(SwapState{1 << 30, false}, Version::v1, "/m");
  REQUIRE(v1);
  CHECK(std::string(v1->what())
            .ends_with("1024 MiB of swap and they have no "
                       "\"memory.memsw.limit_in_bytes\""));
}

TEST_CASE("near_limit: within 1% of a limit", "[cgroup][oom]") {
  CHECK(near_limit(100, 100));
  CHECK(near_limit(99, 100));
  CHECK_FALSE(near_limit(98, 100));
  CHECK(near_limit(67108864, 67108864));
  CHECK_FALSE(near_limit(512 << 20, 1300ull << 20));
  CHECK_FALSE(near_limit(1ull << 40, std::nullopt));
  CHECK_FALSE(near_limit(0, 0));
}

namespace {

OomEvidence killed(Version v, MemoryEvents events, std::uint64_t peak_mib, std::optional<std::uint64_t> limit_mib) {
  OomEvidence e;
  e.version = v;
  e.events = events;
  e.peak_bytes = peak_mib << 20;
  if (limit_mib) e.limit_bytes = *limit_mib << 20;
  return e;
}

}  // namespace

TEST_CASE("attribute_oom_kills on v2: own limit only when this cgroup's oom counted", "[cgroup][oom]") {
  SECTION("no kill: nothing to attribute") {
    const auto a = attribute_oom_kills(killed(Version::v2, {5, 0, 0, 0}, 64, 64));
    CHECK(a.own_limit_kills == 0);
    CHECK(a.foreign.empty());
  }
  SECTION("own limit (as measured in the v2 guest: max, oom and oom_kill in events.local)") {
    const auto a = attribute_oom_kills(killed(Version::v2, {12679, 1, 1, 0}, 1301, 1301));
    CHECK(a.own_limit_kills == 1);
    CHECK(a.foreign.empty());
  }
  SECTION("an ancestor's limit: the victim's cgroup counts oom_kill, not oom") {
    OomEvidence e = killed(Version::v2, {0, 0, 1, 0}, 60, std::nullopt);
    e.ancestors = {{"/sys/fs/cgroup/a/b", 0, 0, {}}, {"/sys/fs/cgroup/a", 2, 0, {}}};
    const auto a = attribute_oom_kills(e);
    CHECK(a.own_limit_kills == 0);
    CHECK(a.foreign == "1 OOM kill of members (memory.events.local oom_kill 1) while this cgroup's own limit "
                       "never ran out (oom 0, max 0); the limit of \"/sys/fs/cgroup/a\" ran out "
                       "(memory.events.local oom +2)");
  }
  SECTION("a global OOM") {
    OomEvidence e = killed(Version::v2, {3, 0, 2, 0}, 100, 1024);
    e.global_oom_kills = 2;
    const auto a = attribute_oom_kills(e);
    CHECK(a.own_limit_kills == 0);
    CHECK(a.foreign.starts_with("2 OOM kills of members (memory.events.local oom_kill 2) while "
                                "this cgroup's own limit never ran out (oom 0, max 3)"));
    CHECK(a.foreign.ends_with("; no ancestor's limit was seen to run out, so the machine ran "
                              "out of memory (a global OOM: /proc/vmstat oom_kill +2)"));
  }
  SECTION("an ancestor's limit explains the kill that /proc/vmstat counts too") {
    OomEvidence e = killed(Version::v2, {0, 0, 1, 0}, 60, std::nullopt);
    e.ancestors = {{"/sys/fs/cgroup/a", 1, 0, {}}};
    e.global_oom_kills = 1;
    CHECK(attribute_oom_kills(e).foreign.ends_with("the limit of \"/sys/fs/cgroup/a\" ran out "
                                                   "(memory.events.local oom +1)"));
  }
  SECTION("no cause found") {
    const auto a = attribute_oom_kills(killed(Version::v2, {0, 0, 1, 0}, 10, 64));
    CHECK(a.foreign.ends_with("; no ancestor's limit was seen to run out and /proc/vmstat "
                              "counted no OOM kill (see dmesg)"));
  }
}

TEST_CASE("attribute_oom_kills on v1: own limit when failcnt or the peak says it was hit", "[cgroup][oom]") {
  SECTION("peak at the limit, failcnt 0 (Linux 6.18 with memsw: measured on this host)") {
    const auto a = attribute_oom_kills(killed(Version::v1, {0, 0, 1, 0}, 64, 64));
    CHECK(a.own_limit_kills == 1);
    CHECK(a.foreign.empty());
  }
  SECTION("failcnt counted") {
    CHECK(attribute_oom_kills(killed(Version::v1, {7, 0, 2, 0}, 10, 64)).own_limit_kills == 2);
  }
  SECTION("a parent's limit: the peak stayed far below this cgroup's own (or none)") {
    OomEvidence e = killed(Version::v1, {0, 0, 1, 0}, 64, std::nullopt);
    e.ancestors = {{"/sys/fs/cgroup/memory/p", 0, 64 << 20, 64 << 20}};
    const auto a = attribute_oom_kills(e);
    CHECK(a.own_limit_kills == 0);
    CHECK(a.foreign == "1 OOM kill of members (memory.oom_control oom_kill 1) while this cgroup's usage never "
                       "reached its limit (peak 64 MiB, no limit, failcnt 0); the limit of "
                       "\"/sys/fs/cgroup/memory/p\" ran out (peak 64 MiB of 64 MiB)");
  }
  SECTION("a parent's failcnt") {
    OomEvidence e = killed(Version::v1, {0, 0, 1, 0}, 30, 1024);
    e.ancestors = {{"/m/p", 4, 30 << 20, 1ull << 30}};
    CHECK(attribute_oom_kills(e).foreign.ends_with("the limit of \"/m/p\" ran out "
                                                   "(memory.failcnt +4)"));
  }
}

TEST_CASE("a file lock has one holder at a time and is free again once its holder is gone") {
  namespace fs = std::filesystem;
  fs::path p = fs::temp_directory_path() / ("tmfault-lock-test-" + std::to_string(tmfault::os::process_id()));
  fs::remove(p);
  {
    std::optional<tmfault::os::FileLock> first = tmfault::os::FileLock::try_take(p);
    REQUIRE(first);
    CHECK_FALSE(tmfault::os::FileLock::try_take(p));  // held, also within one process
    tmfault::os::FileLock moved = std::move(*first);
    first.reset();  // the moved-from one releases nothing
    CHECK_FALSE(tmfault::os::FileLock::try_take(p));
  }
  CHECK(tmfault::os::FileLock::try_take(p));
  CHECK_FALSE(tmfault::os::FileLock::try_take(fs::path("/nonexistent-dir/lock")));
  fs::remove(p);
}
