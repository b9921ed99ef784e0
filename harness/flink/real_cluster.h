#pragma once
// The Cluster that does it for real: files in the run directory, JVMs started by cgroup::Process
// inside fresh memory cgroups, Flink's REST API over loopback, the steady clock.
#include <atomic>

#include "cgroup/cgroup.h"
#include "harness/flink/cluster.h"
#include "harness/flink/dist.h"

namespace tmfault {

/// Real clusters for runs of `dist` beneath `cgroups`: each lane shares a session JobManager
/// for its TaskManager subjects; a derivation found in `derivations` (made ahead by derive_all)
/// is not made again; `stop` interrupts one; `pick_port` hands out the JobManager's RPC port
/// (default: one the OS says is free). The harness's own JVMs (session JobManagers, the
/// TaskManager of a JobManager subject) keep class-data archives in `class_data_dir` (empty: none).
ClusterFactory real_clusters(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, const std::atomic<bool>* stop,
                             std::shared_ptr<const DerivationCache> derivations = nullptr,
                             std::function<int()> pick_port = {}, const std::filesystem::path& class_data_dir = {});

}  // namespace tmfault
