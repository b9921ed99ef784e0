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
