#pragma once
// How Flink's own scripts start its JVMs, reproduced as argv (no shell): bin/config.sh,
// bin/taskmanager.sh, bin/flink-console.sh. Pure: builds text and argv, runs nothing.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/flink/dist.h"
#include "model/model.h"

namespace tmfault {

/// Loopback endpoints of one cluster, picked at launch.
struct ClusterPorts {
  int jm_rpc = 0;
};

/// Options every run gets: loopback addresses, ports, no restarts, a registration timeout,
/// local dirs inside the run directory. Scenario options come after and win.
FlinkOptions cluster_options(const ClusterPorts& ports, const std::filesystem::path& run_dir, Millis timeout);

/// config.yaml text: flat `key: value` lines, values quoted as YAML strings when needed.
std::string config_yaml(const FlinkOptions& options);

/// `java ... BashJavaUtils <command> --configDir <conf>` as config.sh runs it (command:
/// GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS).
std::vector<std::string> bash_java_utils_args(const FlinkDist& d, std::string_view command,
                                              const std::filesystem::path& conf);

/// `java ... DeriveAll.java` (ci/flink-dist/tools): BashJavaUtils for many configurations in one
/// JVM, with the classpath and log configuration bash_java_utils_args gives it; the pairs of
/// COMMAND DIR follow.
std::vector<std::string> derive_all_args(const FlinkDist& d);

/// The TaskManager JVM: taskmanager.sh + flink-console.sh with the memory flags and dynamic
/// configs from BashJavaUtils.
std::vector<std::string> taskmanager_args(const FlinkDist& d, const MemoryBreakdown& m, const FlinkOptions& options,
                                          const std::filesystem::path& conf, const std::filesystem::path& log_file);

/// The TaskManager JVM as infrastructure (a JobManager is the subject): taskmanager_args with
/// JIT and GC flags that make it cheap, as for an infrastructure JobManager.
std::vector<std::string> infrastructure_taskmanager_args(const FlinkDist& d, const MemoryBreakdown& m,
                                                         const std::filesystem::path& conf,
                                                         const std::filesystem::path& log_file);

/// The JobManager JVM in application mode running `plan`'s workload, as infrastructure (a
/// TaskManager is the subject): the fixed size of kInfrastructure, and JIT/GC flags that make it
/// start cheaply.
std::vector<std::string> jobmanager_args(const FlinkDist& d, const VariantPlan& plan, const std::filesystem::path& conf,
                                         const std::filesystem::path& log_file);

/// A standalone session JobManager as infrastructure (jobs come over REST), sized and started
/// like jobmanager_args' JobManager.
std::vector<std::string> session_jobmanager_args(const FlinkDist& d, const std::filesystem::path& conf,
                                                 const std::filesystem::path& log_file);

/// The JobManager JVM in application mode as the subject: exactly as bin/config.sh and
/// bin/jobmanager.sh build it from BashJavaUtils GET_JM_RESOURCE_PARAMS (`m`): its JVM flags,
/// env.java.opts.all and .jobmanager, and its dynamic configs before the program arguments
/// (jobmanager.sh's order; standalone-job.sh appends them after the job's arguments, where
/// they reach the job's main(): docs/notes-jobmanager.md).
std::vector<std::string> jobmanager_subject_args(const FlinkDist& d, const VariantPlan& plan, const MemoryBreakdown& m,
                                                 const std::filesystem::path& conf,
                                                 const std::filesystem::path& log_file);

/// The process that is not under test, sized by the harness: a 1g JobManager (for a
/// TaskManager subject), a 1g TaskManager with one slot (for a JobManager subject).
struct Infrastructure {
  static constexpr std::uint64_t kLimitBytes = 1024ULL << 20;
  static const FlinkOptions& jobmanager();
  static const FlinkOptions& taskmanager();
};

/// The classpath string (jars joined by ':').
std::string classpath_string(const FlinkDist& d);
std::string classpath_string(const std::vector<std::filesystem::path>& jars);

}  // namespace tmfault
