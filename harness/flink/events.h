#pragma once
// What the processes of one try printed, digested as it arrives: symptom hits and milestones.
// Thread-safe (lines arrive on reader threads); no clock of its own: each line carries its time.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "harness/flink/cluster.h"
#include "model/model.h"

namespace tmfault {

class RunEvents {
 public:
  /// Classifies one line (detectors.h) and records what it means.
  void record(Role role, std::string_view line, Millis at);

  /// A consistent copy of everything recorded so far.
  struct Snapshot {
    std::vector<SymptomHit> hits;
    Timings timings;            ///< the milestones seen in the logs
    std::string job_end;        ///< FINISHED/FAILED/CANCELED as the JobManager logged it
    int rest_port = 0;          ///< where the JobManager's REST API listens (0: not yet)
    bool jm_port_taken = false; ///< the JobManager could not bind its RPC port
    std::string job_class_missing;  ///< the JobManager's line saying the workloads jar lacks the job
    std::map<Role, std::string> oom_while_logging;  ///< each process's first such line (detectors.h)
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  Snapshot s_;
};

}  // namespace tmfault
