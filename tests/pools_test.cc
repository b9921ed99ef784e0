#include <catch2/catch.hpp>

#include "harness/stages/pools.h"

using namespace tmfault;

TEST_CASE("Flink's metrics become one pool sample; what is absent or not a number stays absent") {
  PoolSample s = pool_sample({{"Status.JVM.Memory.Heap.Used", "1183456720"},
                              {"Status.JVM.Memory.Heap.Max", "1183842304"},
                              {"Status.JVM.Memory.Direct.MemoryUsed", "134217729"},
                              {"Status.JVM.Memory.Direct.TotalCapacity", "134217728"},
                              {"Status.JVM.Memory.Metaspace.Used", "9.6E7"},
                              {"Status.Flink.Memory.Managed.Used", "NaN"},
                              {"Status.JVM.GarbageCollector.G1_Young_Generation.Count", "40"},
                              {"Status.JVM.GarbageCollector.G1_Old_Generation.Count", "2"},
                              {"Status.JVM.GarbageCollector.G1_Young_Generation.Time", "900"},
                              {"Status.JVM.GarbageCollector.G1_Old_Generation.Time", "1100"}},
                             Millis(4200));
  CHECK(s.at == Millis(4200));
  CHECK(s.heap_used == 1183456720u);
  CHECK(s.heap_max == 1183842304u);
  CHECK(s.direct_used == 134217729u);
  CHECK(s.metaspace_used == 96000000u);
  CHECK_FALSE(s.managed_used);
  CHECK_FALSE(s.metaspace_max);
  CHECK(s.gc_count == 42u);
  CHECK(s.gc_time_ms == 2000u);
}

TEST_CASE("the 'All' collector, where Flink reports it, is the sum: not added again") {
  PoolSample s = pool_sample({{"Status.JVM.GarbageCollector.All.Count", "7"},
                              {"Status.JVM.GarbageCollector.Copy.Count", "5"},
                              {"Status.JVM.GarbageCollector.MarkSweepCompact.Count", "2"}},
                             Millis(0));
  CHECK(s.gc_count == 7u);
}

TEST_CASE("a JobManager is asked for its JVM pools, a TaskManager for Flink's too; every collector") {
  std::vector<std::string> available{"Status.JVM.GarbageCollector.Copy.Count", "Status.JVM.GarbageCollector.Copy.Time",
                                     "Status.JVM.CPU.Load"};
  auto jm = pool_metric_names(Role::jobmanager, available);
  auto tm = pool_metric_names(Role::taskmanager, available);
  CHECK(std::find(jm.begin(), jm.end(), "Status.Flink.Memory.Managed.Used") == jm.end());
  CHECK(std::find(tm.begin(), tm.end(), "Status.Flink.Memory.Managed.Used") != tm.end());
  CHECK(std::find(tm.begin(), tm.end(), "Status.JVM.GarbageCollector.Copy.Time") != tm.end());
  CHECK(std::find(tm.begin(), tm.end(), "Status.JVM.CPU.Load") == tm.end());
}
