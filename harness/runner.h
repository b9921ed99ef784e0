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
  /// A free loopback port for the JobManager's RPC (default: one the OS hands out). The TM must
  /// know it up front, so it is picked before the JM binds it; if another process takes it in
  /// between, the JM exits and the variant is tried again with a new port (up to 3 tries).
  std::function<int()> pick_port;
};

/// A loopback TCP port the OS says is free right now (bound to port 0, then closed).
int free_loopback_port();

/// Never throws for problems of the run itself: they become Observation::harness_error.
Observation run_variant(const VariantPlan& plan, const RunContext& ctx);

}  // namespace tmfault
