#include <catch2/catch.hpp>

#include "harness/stages/plan.h"

using namespace tmfault;

TEST_CASE("the faulty run comes first, then each remedy with its changes applied") {
  Scenario sc;
  sc.id = "heap-space";
  sc.workload = "heap";
  sc.workload_args = {{"retain", "300m"}};
  sc.options = {{"taskmanager.memory.process.size", "1g"}, {"taskmanager.numberOfTaskSlots", "1"}};
  sc.expect = Symptom::oom_heap;
  Remedy total{
      "increase total memory", {{"taskmanager.memory.process.size", "2g"}}, {}, Symptom::healthy, "", {}, {}, {}, {}};
  Remedy heap{"increase task heap memory",
              {{"taskmanager.memory.task.heap.size", "512m"}, {"taskmanager.memory.managed.size", "128m"}},
              {"taskmanager.memory.process.size"},
              Symptom::healthy,
              "",
              {},
              {},
              {},
              {}};
  sc.remedies = {total, heap};
  auto plans = plan_scenario(sc);
  REQUIRE(plans.size() == 3);
  CHECK(plans[0].variant == "faulty");
  CHECK(plans[0].expect == Symptom::oom_heap);
  CHECK(plans[0].workload_class == "org.tmfault.workloads.Heap");
  CHECK(plans[0].workload_args == std::vector<std::string>{"--retain", "300m"});
  CHECK(plans[1].variant == "increase-total-memory");
  CHECK(plans[1].options[0].second == "2g");
  CHECK(plans[1].expect == Symptom::healthy);
  CHECK(plans[2].options == FlinkOptions{{"taskmanager.numberOfTaskSlots", "1"},
                                         {"taskmanager.memory.task.heap.size", "512m"},
                                         {"taskmanager.memory.managed.size", "128m"}});
  CHECK(plans[2].changed.back() == std::pair<std::string, std::string>{"taskmanager.memory.process.size", "(unset)"});
  CHECK(describe_plan(plans[2]).find("(unset)") != std::string::npos);
}

TEST_CASE("env: the scenario's variables in every variant, a remedy's over them, listed as changes") {
  Scenario sc;
  sc.id = "arenas";
  sc.workload = "rocksdb";
  sc.env = {{"MALLOC_ARENA_MAX", "512"}, {"MALLOC_TRIM_THRESHOLD_", "0"}};
  sc.expect = Symptom::container_killed;
  Remedy fewer;
  fewer.name = "fewer arenas";
  fewer.env = {{"MALLOC_ARENA_MAX", "2"}};
  sc.remedies = {fewer};
  auto plans = plan_scenario(sc);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].env == sc.env);
  CHECK(plans[0].changed.empty());
  CHECK(plans[1].env == FlinkOptions{{"MALLOC_TRIM_THRESHOLD_", "0"}, {"MALLOC_ARENA_MAX", "2"}});
  CHECK(plans[1].changed == FlinkOptions{{"env: MALLOC_ARENA_MAX", "2"}});
  CHECK(plans[1].options.empty());  // no Flink option changed
  CHECK_THAT(describe_plan(plans[1]),
             Catch::Contains("TaskManager environment (besides what Flink's scripts set):\n    "
                             "MALLOC_TRIM_THRESHOLD_=0\n    MALLOC_ARENA_MAX=2\n"));
  CHECK_THAT(describe_plan(plans[1]), Catch::Contains("env: MALLOC_ARENA_MAX = 2"));
}
