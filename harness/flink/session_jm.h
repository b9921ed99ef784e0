#pragma once
// A long-lived standalone session JobManager that a lane of variants shares when a TaskManager is
// the subject (the JobManager is infrastructure there): one JobManager start per lane instead of
// one per variant. Nothing carries over: each variant gets its own job, submitted over REST; its
// TaskManager registers only once the previous one has left; its job is final before the next.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cgroup/cgroup.h"
#include "cgroup/process.h"
#include "harness/flink/class_data.h"
#include "harness/flink/dist.h"
#include "harness/flink/rest.h"
#include "model/model.h"

namespace tmfault {

class SessionJobManager {
 public:
  /// Nothing starts yet; `dir` is where its configuration and log go (created on start). Waits
  /// end early by throwing Interrupted once `*stop` is set.
  SessionJobManager(const FlinkDist& dist, const cgroup::Hierarchy& cgroups, std::filesystem::path dir,
                    std::function<int()> pick_port, const std::atomic<bool>* stop, ClassDataArchives* class_data);
  ~SessionJobManager();

  /// Starts it unless it runs (a JobManager that exited is replaced); throws Error when it
  /// cannot come up. Notes what it had to do (a port taken) in `notes`.
  void ensure_running(std::vector<std::string>& notes);
  const std::filesystem::path& dir() const { return dir_; }
  int rpc_port() const { return rpc_port_; }
  int rest_port() const { return rest_port_; }
  JobManagerRest rest() const { return JobManagerRest("127.0.0.1", rest_port_); }
  /// The workloads jar's id on this JobManager (uploaded once).
  const std::string& jar_id() const { return jar_id_; }
  /// How many variants it served before the current one.
  int served() const { return served_; }

  /// Where its output lines go besides its own log, while a variant runs (nullptr: nowhere).
  void route(std::function<void(std::string_view)> sink);
  /// Its exit, once it has exited.
  std::optional<ExitStatus> exit_status();
  /// Waits until no TaskManager is registered; false when one still is after `timeout`.
  bool wait_no_taskmanagers(Millis timeout) const;
  /// Ends the variant it served: counts it. When `healthy` is false (a job that would not end,
  /// a TaskManager that would not leave), stops it, so the next variant starts a fresh one; so
  /// also when it records a class-data archive, which it writes as it stops.
  void release(bool healthy);

 private:
  bool start_once(int port);
  void stop();
  void throw_if_stopped();

  const FlinkDist& dist_;
  const cgroup::Hierarchy& cgroups_;
  std::filesystem::path dir_;
  std::function<int()> pick_port_;
  const std::atomic<bool>* stop_;
  ClassDataArchives* class_data_;
  ClassDataArchives::Use class_data_use_;
  std::unique_ptr<cgroup::MemCgroup> cg_;
  std::unique_ptr<cgroup::Process> process_;
  int rpc_port_ = 0, rest_port_ = 0, served_ = 0, starts_ = 0;
  std::string jar_id_;
  std::mutex mu_;
  std::function<void(std::string_view)> route_;
  std::atomic<int> seen_rest_port_{0};
  std::atomic<bool> port_taken_{false};
};

}  // namespace tmfault
