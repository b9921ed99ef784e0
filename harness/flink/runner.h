#pragma once
// Runs one VariantPlan: a JobManager and a TaskManager under memory cgroups, the workload job,
// and everything observed on the way. The logic is here; every effect is a Cluster's
// (cluster.h), so each branch of a run is unit-tested with a scripted fake.
#include <atomic>
#include <filesystem>
#include <functional>

#include "harness/flink/cluster.h"
#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

struct RunContext {
  const FlinkDist* dist = nullptr;
  ClusterFactory make_cluster;                ///< one Cluster per try
  int lane = 0;                               ///< the worker running it (see ClusterFactory)
  std::filesystem::path dir;                  ///< this variant's output directory (created)
  const std::atomic<bool>* stop = nullptr;    ///< set on SIGINT/SIGTERM
  /// Called with each memory sample of the subject and its cgroup limit (optional; for live
  /// progress).
  std::function<void(const MemorySample&, std::optional<std::uint64_t>)> on_sample;
};

/// Tries per variant when the JobManager's RPC port was taken before it could bind it. The TM
/// must know that port up front, so it is picked before the JM binds it; if another process
/// takes it in between, the JM exits and the variant is tried again with a new port.
inline constexpr int kPortTries = 3;

/// Never throws for problems of the run itself: they become Observation::harness_error.
Observation run_variant(const VariantPlan& plan, const RunContext& ctx);

}  // namespace tmfault
