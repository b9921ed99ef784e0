#include "harness/stages/pools.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tmfault {
namespace {

/// Flink's names (flink-runtime MetricUtils: Status.JVM.*, Status.Flink.Memory.Managed.*,
/// Status.Shuffle.Netty.*), the same in 1.20 and 2.x.
struct Metric {
  const char* name;
  std::optional<std::uint64_t> PoolSample::*value;
  bool taskmanager_only;
};
constexpr Metric kMetrics[] = {
    {"Status.JVM.Memory.Heap.Used", &PoolSample::heap_used, false},
    {"Status.JVM.Memory.Heap.Committed", &PoolSample::heap_committed, false},
    {"Status.JVM.Memory.Heap.Max", &PoolSample::heap_max, false},
    {"Status.JVM.Memory.Direct.MemoryUsed", &PoolSample::direct_used, false},
    {"Status.JVM.Memory.Metaspace.Used", &PoolSample::metaspace_used, false},
    {"Status.JVM.Memory.Metaspace.Max", &PoolSample::metaspace_max, false},
    {"Status.JVM.Memory.NonHeap.Used", &PoolSample::non_heap_used, false},
    {"Status.Flink.Memory.Managed.Used", &PoolSample::managed_used, true},
    {"Status.Flink.Memory.Managed.Total", &PoolSample::managed_total, true},
    {"Status.Shuffle.Netty.AvailableMemorySegments", &PoolSample::network_segments_available, true},
    {"Status.Shuffle.Netty.TotalMemorySegments", &PoolSample::network_segments_total, true},
};
constexpr std::string_view kGc = "Status.JVM.GarbageCollector.";

std::optional<std::uint64_t> number(const std::string& text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

}  // namespace

std::vector<std::string> pool_metric_names(Role role, const std::vector<std::string>& available) {
  std::vector<std::string> out;
  for (const Metric& m : kMetrics)
    if (!m.taskmanager_only || role == Role::taskmanager) out.emplace_back(m.name);
  for (const std::string& a : available)
    if (a.starts_with(kGc) && (a.ends_with(".Count") || a.ends_with(".Time"))) out.push_back(a);
  return out;
}

PoolSample pool_sample(const std::map<std::string, std::string>& values, Millis at) {
  PoolSample s;
  s.at = at;
  for (const Metric& m : kMetrics)
    if (auto it = values.find(m.name); it != values.end()) s.*m.value = number(it->second);
  // Flink 1.19+ also reports the sum of every collector as "All": take it alone when it is there.
  bool all = std::any_of(values.begin(), values.end(),
                         [](const auto& kv) { return kv.first.starts_with(std::string(kGc) + "All."); });
  for (const auto& [name, text] : values) {
    if (!name.starts_with(kGc) || (all && !name.starts_with(std::string(kGc) + "All."))) continue;
    auto v = number(text);
    if (!v) continue;
    auto& sum = name.ends_with(".Count") ? s.gc_count : s.gc_time_ms;
    sum = sum.value_or(0) + *v;
  }
  return s;
}

void add_jvm_limits(std::vector<PoolSample>& samples, const std::optional<MemoryBreakdown>& memory) {
  if (!memory) return;
  std::optional<std::uint64_t> limit;
  constexpr std::string_view kFlag = "-XX:MaxDirectMemorySize=";
  for (const std::string& a : memory->jvm_args)
    if (a.starts_with(kFlag)) limit = number(a.substr(kFlag.size()));
  if (!limit) return;
  for (PoolSample& s : samples)
    if (!s.direct_max) s.direct_max = limit;
}

}  // namespace tmfault
