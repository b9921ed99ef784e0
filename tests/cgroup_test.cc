// Pure parts of the cgroup layer: no root, no writes to /sys/fs/cgroup.
#include <catch2/catch.hpp>

#include <cctype>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <limits>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_parse.h"

using namespace tmfault::cgroup;

namespace {

// /proc/self/cgroup on this machine (cgroup v1 hybrid).
constexpr const char* kHybrid =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
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
    const auto entries =
        parse_proc_cgroup("garbage\nx:memory:/a\n4:memory\n4:memory:rel\n\n2:pids:/p");
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
    CHECK(parse_keyed_value("oom_kill 18446744073709551615", "oom_kill") ==
          std::numeric_limits<std::uint64_t>::max());
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
  for (const char* name : {"tmfault-12", "tmfault-12-", "tmfault--1", "tmfault-0-1",
                           "tmfault-+1-1", "tmfault- 1-1", "tmfault-1a-1", "tmfault-99999999999-1",
                           "tmfault-2147483648-1", "other-12-3", "xtmfault-12-3", "TMFAULT-12-3",
                           "tmfault", ""}) {
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
      CHECK(std::string(e.what()) ==
            "cannot access \"/nonexistent/tmfault-test\": No such file or directory");
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

TEST_CASE("MemCgroup::create names the file and directory it could not create",
          "[cgroup][errors]") {
  const Hierarchy h{Version::v1, "/nonexistent/tmfault-parent"};
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

TEST_CASE("discover rejects a v2 cgroup without the memory controller", "[cgroup][errors][v2]") {
  // The hybrid layout here mounts cgroup2 without memory: a read-only check of the v2 path.
  const std::filesystem::path unified = "/sys/fs/cgroup/unified";
  std::ifstream in(unified / "cgroup.controllers");
  const std::string controllers((std::istreambuf_iterator<char>(in)), {});
  if (!in || has_word(controllers, "memory")) {  // never let discover() write there
    WARN("skipped: no cgroup2 mount without memory at " << unified);
    return;
  }
  try {
    discover(unified);
    FAIL("discover did not throw");
  } catch (const CgroupError& e) {
    CHECK(std::string(e.what()) ==
          "the \"memory\" controller is not available in \"/sys/fs/cgroup/unified\"");
    CHECK_FALSE(e.hint().empty());
  }
}
