#include "harness/flink/events.h"

#include <cstdlib>

#include "harness/stages/detectors.h"

namespace tmfault {
namespace {

int port_at_end(std::string_view line) { return std::atoi(std::string(line.substr(line.rfind(':') + 1)).c_str()); }

}  // namespace

void RunEvents::record(Role role, std::string_view line, Millis at) {
  LineEvent e = classify_line(line);
  if (!e.symptom && !e.milestone) return;
  std::lock_guard lock(mu_);
  if (e.symptom) {
    s_.hits.push_back({*e.symptom, std::string(role_source(role)), std::string(line.substr(0, kMaxHitLine)), at});
    if (!s_.timings.first_symptom) s_.timings.first_symptom = at;
  }
  if (!e.milestone) return;
  bool jm = role == Role::jobmanager;
  switch (*e.milestone) {
    case Milestone::jm_ready:
      if (jm) s_.timings.jm_ready = at, s_.rest_port = port_at_end(line);
      break;
    case Milestone::tm_registered: s_.timings.tm_registered = at; break;
    case Milestone::task_running:
      if (!s_.timings.job_running) s_.timings.job_running = at;
      break;
    case Milestone::job_ended:
      if (jm && s_.job_end.empty()) s_.job_end = job_end_state(line), s_.timings.job_ended = at;
      break;
    case Milestone::rpc_port_taken:
      if (jm) s_.jm_port_taken = true;
      break;
    case Milestone::job_submitted:
      if (jm && !s_.timings.job_submitted) s_.timings.job_submitted = at;
      break;
    case Milestone::job_class_missing:
      if (jm && s_.job_class_missing.empty()) s_.job_class_missing = line.substr(0, kMaxHitLine);
      break;
    case Milestone::oom_while_logging: s_.oom_while_logging.emplace(role, line.substr(0, kMaxHitLine)); break;
  }
}

RunEvents::Snapshot RunEvents::snapshot() const {
  std::lock_guard lock(mu_);
  return s_;
}

}  // namespace tmfault
