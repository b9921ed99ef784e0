#pragma once
// The JobManager's REST API, the few calls tmfault needs.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tmfault {

struct JobStatus {
  std::string id;
  std::string state;  ///< CREATED, RUNNING, FINISHED, FAILED, CANCELED, ...
};

/// A job submitted to a session cluster, or why it was not.
struct Submission {
  std::string job_id;  ///< "" when refused
  std::string error;   ///< the JobManager's answer when refused (the job's main() failed, ...)
};

class JobManagerRest {
 public:
  JobManagerRest(std::string host, int port);
  /// The job `job_id` (or, when it is empty, the first job in /jobs/overview); nullopt if none
  /// yet or the JobManager does not answer.
  std::optional<JobStatus> job(const std::string& job_id = "") const;
  /// The root exception of a job (from /jobs/<id>/exceptions), or "" if none.
  std::string root_exception(const std::string& job_id) const;
  /// The ids of the TaskManagers registered at the ResourceManager; nullopt: no answer.
  std::optional<std::vector<std::string>> taskmanagers() const;
  /// Uploads a job jar (POST /jars/upload); its id, or "" with `error` set.
  std::string upload_jar(const std::filesystem::path& jar, std::string& error) const;
  /// Runs an uploaded jar's `entry_class` with `args` (POST /jars/<id>/run): main() runs in the
  /// JobManager and submits the job.
  Submission run_jar(const std::string& jar_id, const std::string& entry_class,
                     const std::vector<std::string>& args) const;
  /// Asks the JobManager to cancel the job; false when it did not accept.
  bool cancel(const std::string& job_id) const;
  /// The metrics a component reports (`component`: "/jobmanager" or "/taskmanagers/<id>"): every
  /// name when `names` is empty, else the values of those (as Flink's REST API gives them).
  std::map<std::string, std::string> metrics(const std::string& component, const std::vector<std::string>& names) const;

 private:
  std::string host_;
  int port_;
};

}  // namespace tmfault
