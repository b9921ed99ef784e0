#include "cgroup/signals.h"

#include <csignal>
#include <pthread.h>
#include <thread>

#include "cgroup/cgroup.h"

namespace tmfault::cgroup {

struct StopOnSignal::Impl {
  std::thread watcher;
  sigset_t set;
};

StopOnSignal::StopOnSignal() : impl_(new Impl) {
  sigemptyset(&impl_->set);
  sigaddset(&impl_->set, SIGINT);
  sigaddset(&impl_->set, SIGTERM);
  sigaddset(&impl_->set, SIGUSR1);  // our own wake-up at shutdown
  pthread_sigmask(SIG_BLOCK, &impl_->set, nullptr);
  impl_->watcher = std::thread([this] {
    for (;;) {
      int sig = 0;
      if (sigwait(&impl_->set, &sig) != 0) continue;
      if (sig == SIGUSR1) return;
      signo_ = sig;
      stop_ = true;
      kill_all_live();
    }
  });
}

StopOnSignal::~StopOnSignal() {
  pthread_kill(impl_->watcher.native_handle(), SIGUSR1);
  impl_->watcher.join();
  delete impl_;
}

}  // namespace tmfault::cgroup
