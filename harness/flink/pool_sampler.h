#pragma once
// Samples a process's memory pools from Flink's metrics over REST, on a thread of its own, so
// that a JobManager slow to answer never delays the runner.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "model/model.h"

namespace tmfault {

class PoolSampler {
 public:
  /// Samples `role` (the only TaskManager registered, or the JobManager) through the REST API on
  /// `rest_port` every `interval`, stamping each with `now()`.
  PoolSampler(Role role, int rest_port, Millis interval, std::function<Millis()> now);
  ~PoolSampler();
  PoolSampler(const PoolSampler&) = delete;
  PoolSampler& operator=(const PoolSampler&) = delete;

  /// Stops sampling (idempotent); every sample taken.
  std::vector<PoolSample> stop();

 private:
  void run();

  Role role_;
  int rest_port_;
  Millis interval_;
  std::function<Millis()> now_;
  std::mutex mu_;
  std::vector<PoolSample> samples_;
  std::atomic<bool> stopping_{false};
  std::condition_variable wake_;  ///< ends the wait between samples at once when stopping
  std::thread thread_;
};

}  // namespace tmfault
