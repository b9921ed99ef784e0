#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/scenario.h"

using namespace tmfault;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string diagnostics_text(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format_diagnostic(d) + "\n";
  return out;
}

constexpr const char* kGood = R"(
[scenario]
id = "heap-space"
doc = "mem_trouble.md#outofmemoryerror-java-heap-space"
title = "OutOfMemoryError: Java heap space"
workload = "heap"
workload_args = { retain = "300m", hold = 2 }
timeout = "60s"

[taskmanager]
"taskmanager.memory.process.size" = "1g"
"taskmanager.memory.network.fraction" = 0.1

[expect]
symptom = "oom-heap"

[[remedy]]
name = "increase total memory"
set = { "taskmanager.memory.process.size" = "2g" }

[[remedy]]
name = "increase framework heap memory"
set = { "taskmanager.memory.framework.heap.size" = "512m" }
expect = "oom-heap"
why = "at a fixed process size the JVM heap does not grow"
)";

}  // namespace

TEST_CASE("a good scenario loads with every field") {
  LoadResult r = parse_scenario(kGood, "good.toml");
  INFO(diagnostics_text(r));
  REQUIRE(r.scenarios.size() == 1);
  const Scenario& s = r.scenarios[0];
  CHECK(s.id == "heap-space");
  CHECK(s.timeout.count() == 60'000);
  CHECK(s.workload_args == FlinkOptions{{"retain", "300m"}, {"hold", "2"}});
  CHECK(s.taskmanager[1].second == "0.1");
  CHECK(s.expect == Symptom::oom_heap);
  REQUIRE(s.remedies.size() == 2);
  CHECK(s.remedies[1].expect == Symptom::oom_heap);
  CHECK(s.remedies[0].pos.line == 17);
}

TEST_CASE("bad scenarios: every problem reported at once, exactly as in tests/data/bad/*.expected") {
  int files = 0;
  for (const auto& e : fs::directory_iterator(TMFAULT_TEST_DATA "/bad")) {
    if (e.path().extension() != ".toml") continue;
    ++files;
    fs::path rel = fs::path("bad") / e.path().filename();
    LoadResult r = parse_scenario(slurp(e.path()), rel);
    fs::path expected = e.path();
    expected.replace_extension(".expected");
    INFO(e.path().string());
    CHECK(r.scenarios.empty());
    CHECK(diagnostics_text(r) == slurp(expected));
  }
  CHECK(files >= 5);
}

TEST_CASE("the shipped scenarios all load cleanly") {
  LoadResult r = load_scenarios({fs::path(TMFAULT_SOURCE_DIR) / "scenarios"});
  INFO(diagnostics_text(r));
  CHECK(r.diagnostics.empty());
  CHECK(!r.scenarios.empty());
}

TEST_CASE("duplicate ids across files are errors") {
  fs::path dir = fs::temp_directory_path() / "tmfault-dup-test";
  fs::create_directories(dir);
  std::ofstream(dir / "a.toml") << kGood;
  std::ofstream(dir / "b.toml") << kGood;
  LoadResult r = load_scenarios({dir});
  fs::remove_all(dir);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].message.find("duplicate scenario id 'heap-space'") == 0);
}

TEST_CASE("slugs are path- and cgroup-safe") {
  CHECK(slugify("increase task heap memory") == "increase-task-heap-memory");
  CHECK(slugify("../../etc/passwd") == "etc-passwd");
  CHECK(slugify("  ") == "remedy");
  CHECK(slugify(std::string(200, 'a')).size() == 64);
}

TEST_CASE("misspelt Flink option keys are warnings with a suggestion, values are not checked") {
  LoadResult r = parse_scenario(R"(
[scenario]
id = "s"
doc = "d"
title = "t"
workload = "heap"

[taskmanager]
"taskmanager.memory.proces.size" = "1g"
"taskmanager.memory.managed.fraction" = "1.5"

[expect]
symptom = "illegal-config"

[[remedy]]
name = "fix"
set = { "taskmanager.memory.managed.fractoin" = "0.4" }
)", "k.toml");
  REQUIRE(r.scenarios.size() == 1);
  std::set<std::string> known{"taskmanager.memory.process.size", "taskmanager.memory.managed.fraction"};
  auto ds = check_option_keys(r.scenarios[0], known, "1.20.5");
  REQUIRE(ds.size() == 2);
  CHECK(format_diagnostic(ds[0]) ==
        "k.toml:9:1: warning: 'taskmanager.memory.proces.size' is not an option of Flink 1.20.5; did "
        "you mean 'taskmanager.memory.process.size'? (Flink ignores unknown keys)");
  CHECK(ds[1].pos.line == 17);
  CHECK(check_option_keys(r.scenarios[0], {}, "1.20.5").empty());  // no key list: no warnings
}
