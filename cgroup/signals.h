#pragma once
// SIGINT/SIGTERM: turned into a stop flag plus an immediate kill of every live cgroup's
// members, handled on a normal thread (sigwait), never inside a signal handler.
#include <atomic>

namespace tmfault::cgroup {

class StopOnSignal {
 public:
  /// Blocks SIGINT and SIGTERM in the calling thread (call before starting other threads,
  /// which inherit the mask) and starts the watcher thread.
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  const std::atomic<bool>& stop_flag() const { return stop_; }
  /// The signal received (SIGINT/SIGTERM), or 0.
  int signal_received() const { return signo_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> signo_{0};
  struct Impl;
  Impl* impl_;
};

}  // namespace tmfault::cgroup
