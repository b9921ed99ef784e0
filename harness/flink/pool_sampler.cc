#include "harness/flink/pool_sampler.h"

#include "harness/flink/rest.h"
#include "harness/stages/pools.h"

namespace tmfault {

PoolSampler::PoolSampler(Role role, int rest_port, Millis interval, std::function<Millis()> now)
    : role_(role), rest_port_(rest_port), interval_(interval), now_(std::move(now)), thread_([this] { run(); }) {}

PoolSampler::~PoolSampler() { stop(); }

std::vector<PoolSample> PoolSampler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();  // a variant's teardown does not wait out the pause between samples
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return samples_;
}

void PoolSampler::run() {
  JobManagerRest rest("127.0.0.1", rest_port_);
  std::string component = role_ == Role::jobmanager ? "/jobmanager" : "";
  std::vector<std::string> names;
  auto pause = [this] {
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, interval_, [this] { return stopping_.load(); });
  };
  for (; !stopping_; pause()) {
    if (component.empty()) {  // the TaskManager, once it registered
      auto tms = rest.taskmanagers();
      if (!tms || tms->empty()) continue;
      component = "/taskmanagers/" + tms->front();
    }
    if (names.empty()) {
      std::vector<std::string> available;
      for (const auto& [name, value] : rest.metrics(component, {})) available.push_back(name);
      if (available.empty()) continue;
      names = pool_metric_names(role_, available);
    }
    auto values = rest.metrics(component, names);
    if (values.empty()) continue;
    PoolSample s = pool_sample(values, now_());
    std::lock_guard lock(mu_);
    samples_.push_back(s);
  }
}

}  // namespace tmfault
