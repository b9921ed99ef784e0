#pragma once
// The runner's seam: every effect of one try at a variant (files, JVMs, cgroups, REST, the
// clock) behind one interface. RealCluster (real_cluster.h) does them for real; tests drive the
// same runner through a fake that replays scripted events (tests/fake_cluster.h), as ninja's
// FakeCommandRunner does for its builder.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/flink/derive.h"
#include "harness/flink/rest.h"
#include "model/model.h"

namespace tmfault {

/// One JVM to start: argv after `java`, its environment, and its container.
struct JvmLaunch {
  Role role = Role::taskmanager;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::optional<std::uint64_t> limit_bytes;  ///< the memory cgroup's limit (nullopt: none)
  bool harness_own = false;  ///< not the subject but the harness's own JVM: it may map a class-data archive
};

/// What one process and its memory cgroup showed when the run ended.
struct ProcessReport {
  std::uint64_t oom_kills = 0;   ///< kills by this cgroup's own limit
  std::uint64_t peak_bytes = 0;
  std::string foreign_oom_kill;  ///< a member OOM-killed by something else (the machine, a
                                 ///< parent's limit): the evidence; "" when none
  Millis cpu{0};                 ///< CPU time (user + system) the process used
};

/// A JobManager that outlives the try: the lane's session JobManager, which a TaskManager
/// subject's job is submitted to instead of starting a JobManager of its own.
struct SessionEndpoint {
  int rpc_port = 0, rest_port = 0;
  int served = 0;                  ///< variants it ran before this one
  std::vector<std::string> notes;  ///< what it took to have it (a restart, a port taken)
};

/// Called for every line a process prints, with the time it arrived (since the try began).
using LineHandler = std::function<void(Role, std::string_view line, Millis at)>;

class Cluster {
 public:
  virtual ~Cluster() = default;

  /// Time since this try began. The runner's only clock.
  virtual Millis now() const = 0;
  /// Returns when a new line arrived or `max` passed, whichever is first.
  virtual void wait(Millis max) = 0;
  /// A loopback port that is free right now (another process may take it before it is bound).
  virtual int free_port() = 0;

  /// Writes <run dir>/<name>/config.yaml with `options` and the log configuration Flink reads.
  virtual void write_conf(const std::string& name, const FlinkOptions& options) = 0;
  /// Flink's memory model of `role` (BashJavaUtils GET_TM_/GET_JM_RESOURCE_PARAMS) on conf
  /// `name`, whose own (memory) options are `own`; its output kept in <log_name>; throws
  /// Interrupted when a stop is requested meanwhile.
  virtual Derivation derive(const std::string& name, Role role, const FlinkOptions& own,
                            const std::string& log_name) = 0;
  /// Starts a JVM in a fresh memory cgroup; its lines go to the LineHandler and its log file.
  virtual void start(const JvmLaunch& launch) = 0;

  /// The exit of a started process, once it has exited; nullopt while it runs or if not started.
  virtual std::optional<ExitStatus> poll(Role role) = 0;
  /// Current usage of the process's cgroup (0 when not started).
  virtual std::uint64_t usage_bytes(Role role) = 0;
  /// The lane's session JobManager, running and with no TaskManager registered, its output now
  /// routed to this try (nullopt: this cluster starts a JobManager per try instead).
  virtual std::optional<SessionEndpoint> attach_session() = 0;
  /// Submits `plan`'s workload to the session JobManager: its main() runs there.
  virtual Submission submit(const VariantPlan& plan) = 0;

  /// The JobManager's REST API on `port`: the job `job_id` ("": the first job; nullopt: none
  /// yet, or no answer).
  virtual std::optional<JobStatus> job(int port, const std::string& job_id) = 0;
  virtual std::string root_exception(int port, const std::string& job_id) = 0;

  /// Starts sampling `role`'s memory pools from Flink's metrics (REST on `rest_port`) until the
  /// try ends; pool_samples() has them after tear_down.
  virtual void sample_pools(Role role, int rest_port) = 0;
  virtual std::vector<PoolSample> pool_samples() = 0;

  /// A run that timed out: thread dumps into the logs, SIGTERM, a grace period.
  virtual void stop_gently() = 0;
  /// Kills every process, removes the cgroups; the cgroup counters of each started process.
  virtual std::map<Role, ProcessReport> tear_down() = 0;
  /// The first log write that failed ("" when none): the run's evidence is incomplete.
  virtual std::string log_write_error() = 0;
  /// After tear_down of a try that says nothing (its JobManager lost its port): keeps its logs
  /// as <stem>.port-taken-<attempt>.log and removes what else it wrote, so that the next try
  /// starts from an empty directory.
  virtual void set_aside(int attempt) = 0;
};

/// Makes the cluster of one try, writing into `dir` and reporting lines to `on_line`; `lane`
/// names the worker that runs it (variants of one lane run one after another and may share a
/// session JobManager).
using ClusterFactory =
    std::function<std::unique_ptr<Cluster>(const std::filesystem::path& dir, int lane, LineHandler on_line)>;

}  // namespace tmfault
