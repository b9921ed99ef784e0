#pragma once
// The JobManager's REST API, the few calls tmfault needs.
#include <optional>
#include <string>

namespace tmfault {

struct JobStatus {
  std::string id;
  std::string state;  ///< CREATED, RUNNING, FINISHED, FAILED, CANCELED, ...
};

class JobManagerRest {
 public:
  JobManagerRest(std::string host, int port);
  /// The first job in /jobs/overview; nullopt if none yet or the JM does not answer.
  std::optional<JobStatus> job() const;
  /// The root exception of a job (from /jobs/<id>/exceptions), or "" if none.
  std::string root_exception(const std::string& job_id) const;

 private:
  std::string host_;
  int port_;
};

}  // namespace tmfault
