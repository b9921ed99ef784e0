// `tmfault check --conf`: a user's config.yaml -> the scenarios that must come out healthy.
#include <catch2/catch.hpp>

#include <set>

#include "harness/stages/user_conf.h"

using namespace tmfault;

namespace {

std::string arg(const Scenario& sc, const std::string& key) {
  for (const auto& [k, v] : sc.workload_args)
    if (k == key) return v;
  return "(absent)";
}

}  // namespace

TEST_CASE("user config: nested and flat keys read as Flink reads them; only memory options kept") {
  UserConf c = parse_user_conf("jobmanager:\n  rpc:\n    address: jm.example.org\n    port: 6123\n"
                               "taskmanager:\n  numberOfTaskSlots: 4\n  memory:\n    process:\n      size: 1728m\n"
                               "taskmanager.memory.managed.fraction: 0.2\n"
                               "state.backend.rocksdb.memory.managed: true\n"
                               "env.java.opts.all: [-Da=1, -Db=2]\n",
                               "conf/config.yaml");
  CHECK(c.memory == FlinkOptions{{"taskmanager.numberOfTaskSlots", "4"},
                                 {"taskmanager.memory.process.size", "1728m"},
                                 {"taskmanager.memory.managed.fraction", "0.2"},
                                 {"state.backend.rocksdb.memory.managed", "true"}});
  CHECK(c.ignored == std::vector<std::string>{"jobmanager.rpc.address", "jobmanager.rpc.port", "env.java.opts.all"});
}

namespace {
/// Every diagnostic of parsing `yaml`, as printed.
std::vector<std::string> problems(std::string_view yaml) {
  std::vector<std::string> out;
  for (const Diagnostic& d : parse_user_conf(yaml, "c.yaml").diagnostics) out.push_back(format_diagnostic(d));
  return out;
}
}  // namespace

TEST_CASE("user config: not YAML, or not a map, is an error naming file:line:col, collected") {
  REQUIRE(problems("a: [1\n").size() == 1);
  CHECK(problems("a: [1\n")[0].starts_with("c.yaml:2:1: error: not YAML: "));
  CHECK(problems("- a\n- b\n") ==
        std::vector<std::string>{"c.yaml:1:1: error: a Flink config is a map of options, not a list"});
  CHECK(parse_user_conf("", "empty.yaml").memory.empty());
  // Found by fuzzing: a complex key ("? ...") used to escape as a yaml-cpp conversion error.
  CHECK(problems("? [a, b]\n: 1\n") ==
        std::vector<std::string>{"c.yaml:1:3: error: an option name must be plain text, not a list"});
  // every problem at once, the good keys still read
  UserConf c = parse_user_conf("? [a]\n: 1\n? {b: 1}\n: 2\ntaskmanager.memory.process.size: 1g\n", "c.yaml");
  CHECK(c.diagnostics.size() == 2);
  CHECK(c.memory == FlinkOptions{{"taskmanager.memory.process.size", "1g"}});
}

TEST_CASE("user config: misspelt keys get a did-you-mean against the version's keys, once") {
  UserConf c = parse_user_conf(
      "taskmanager.memory.proces.size: 1g\ntaskmanger.memory.managed.size: 64m\nmy.plugin.key: x\n"
      "taskmanager.memory.task.heap.size: 256m\n",
      "c.yaml");
  std::set<std::string> known{"taskmanager.memory.process.size", "taskmanager.memory.managed.size",
                              "taskmanager.memory.task.heap.size", "jobmanager.rpc.port"};
  std::vector<std::string> shown;
  for (const Diagnostic& d : check_conf_keys(c, known, "1.20.5")) shown.push_back(format_diagnostic(d));
  CHECK(shown ==
        std::vector<std::string>{
            "c.yaml:1:1: warning: 'taskmanager.memory.proces.size' is not an option of Flink 1.20.5; did "
            "you mean 'taskmanager.memory.process.size'? (Flink ignores unknown keys)",
            "c.yaml:2:1: warning: 'taskmanger.memory.managed.size' is not an option of Flink 1.20.5; did "
            "you mean 'taskmanager.memory.managed.size'? (Flink ignores unknown keys; tmfault leaves it out)"});
  CHECK(check_conf_keys(c, {}, "1.20.5").empty());  // no key list: nothing to say
}

TEST_CASE("check scenarios: every standard workload by default, each expecting a healthy run") {
  UserConf c = parse_user_conf("taskmanager.memory.process.size: 1g\ntaskmanager.numberOfTaskSlots: 3\n", "x.yaml");
  auto all = conf_check_scenarios(c, {});
  REQUIRE(all.size() == 5);
  for (const Scenario& sc : all) {
    CHECK(sc.expect == Symptom::healthy);
    CHECK(sc.options == c.memory);
    CHECK(sc.remedies.empty());
    CHECK(sc.doc == "x.yaml#" + sc.workload);
  }
  CHECK(all[0].id == "conf-heap");
  CHECK(arg(all[0], "retain") == "256m");
  CHECK(arg(all[3], "parallelism") == "3");  // the shuffle is as wide as the TM's slots
}

TEST_CASE("check scenarios: --workload NAME:key=value overrides or adds arguments; mistakes named") {
  UserConf c = parse_user_conf("taskmanager.memory.process.size: 1g\n", "x.yaml");
  auto two = conf_check_scenarios(c, {"heap:retain=600m,hold-ms=100", "heap", "network"});
  REQUIRE(two.size() == 3);
  CHECK(arg(two[0], "retain") == "600m");
  CHECK(arg(two[0], "hold-ms") == "100");
  CHECK(two[0].title == "heap --retain 600m --hold-ms 100");
  CHECK(two[1].id == "conf-heap-2");
  CHECK(arg(two[2], "parallelism") == "1");  // no slots configured: Flink's default of 1
  CHECK_THROWS_WITH(conf_check_scenarios(c, {"heapp"}), "--workload 'heapp': unknown workload 'heapp' (known: heap, "
                                                        "direct, metaspace, network, rocksdb, classloader-leak)");
  CHECK_THROWS_WITH(conf_check_scenarios(c, {"heap:retain"}),
                    "--workload 'heap:retain': 'retain' is not key=value (e.g. heap:retain=300m)");
}
