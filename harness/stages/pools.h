#pragma once
// Flink's memory metrics as a PoolSample: which metric means which pool. Pure.
#include <map>
#include <string>
#include <vector>

#include "model/model.h"

namespace tmfault {

/// The metrics to ask `role` for, given every metric name it reports (GC collectors differ
/// by JVM and version: all of theirs are asked for).
std::vector<std::string> pool_metric_names(Role role, const std::vector<std::string>& available);

/// One sample from the metric values Flink returned (name -> value as text); values that are
/// absent or not numbers stay absent.
PoolSample pool_sample(const std::map<std::string, std::string>& values, Millis at);

/// Fills each sample's direct_max with the JVM's own limit (-XX:MaxDirectMemorySize of the
/// subject's flags; Flink reports no metric for it). Without the flag (a JobManager with the
/// direct memory limit off) it stays absent.
void add_jvm_limits(std::vector<PoolSample>& samples, const std::optional<MemoryBreakdown>& memory);

}  // namespace tmfault
