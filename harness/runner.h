#pragma once
// Runs one VariantPlan for real: JobManager + TaskManager under cgroups, the workload job,
// and everything observed on the way. The only harness stage with effects.
#include <atomic>
#include <filesystem>
#include <functional>

#include "cgroup/cgroup.h"
#include "harness/dist.h"
#include "model/model.h"

namespace tmfault {

struct RunContext {
  const FlinkDist* dist = nullptr;
  const cgroup::Hierarchy* cgroups = nullptr;
  std::filesystem::path dir;                  ///< this variant's output directory (created)
  const std::atomic<bool>* stop = nullptr;    ///< set on SIGINT/SIGTERM
  /// Called with each TM memory sample and the cgroup limit (optional; for live progress).
  std::function<void(const MemorySample&, std::optional<std::uint64_t>)> on_sample;
};

/// Never throws for problems of the run itself: they become Observation::harness_error.
Observation run_variant(const VariantPlan& plan, const RunContext& ctx);

}  // namespace tmfault
