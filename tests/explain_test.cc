#include <catch2/catch.hpp>

#include "reports/reports.h"

using namespace tmfault;

TEST_CASE("explain shows each remedy beside its faulty run, and Flink's refusals") {
  MemoryBreakdown faulty;
  faulty.framework_heap = 128ULL << 20;
  faulty.task_heap = 26ULL << 20;
  faulty.network = 64ULL << 20;
  faulty.jvm_args = {"-Xmx161061270"};
  MemoryBreakdown bigger = faulty;
  bigger.task_heap = 538ULL << 20;
  ExplainedVariant f{{}, faulty, {}};
  f.plan.scenario_id = "heap-space";
  f.plan.variant = "faulty";
  f.plan.kind = VariantKind::faulty;
  ExplainedVariant r{{}, bigger, {}};
  r.plan.scenario_id = "heap-space";
  r.plan.variant = "increase-total-memory";
  r.plan.kind = VariantKind::remedy;
  r.plan.changed = {{"taskmanager.memory.process.size", "2g"}};
  ExplainedVariant bad{{}, std::nullopt, "Sum of configured ... exceed"};
  bad.plan.scenario_id = "heap-space";
  bad.plan.variant = "too-much";
  bad.plan.kind = VariantKind::remedy;
  std::string text = reports::explain_text({f, r, bad});
  CHECK(text.find("    task heap                      26m      538m     +512m\n") != std::string::npos);
  CHECK(text.find("    = JVM heap (-Xmx)             154m      666m     +512m\n") != std::string::npos);
  CHECK(text.find("    network buffers (32k)         2048      2048\n") != std::string::npos);
  CHECK(text.find("changes taskmanager.memory.process.size = 2g") != std::string::npos);
  CHECK(text.find("Flink refuses this configuration: Sum of configured ... exceed") != std::string::npos);
}
